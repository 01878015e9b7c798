#!/usr/bin/env bash
# What a delivery's shape costs: casefind run on the same synth as plain files, with the two
# big activity files gzip-compressed, with prescriptions as twelve parts in a folder (every
# other one gzip), and with prescriptions coded by dm+d id through a BNF map (two ids per BNF
# code, taken in turn), in alternating rounds; and `gzip -dc` of the compressed prescriptions alone,
# which is what decompression costs on one core.
#
#   bench/delivery.sh [--patients 300000] [--runs 5] [--work DIR]
#
# Prints per shape the median wall time and peak memory of the run and the median of
# read_prescriptions from --timings, with the prescriptions' uncompressed MB/s.
set -euo pipefail
cd "$(dirname "$0")/.."
patients=300000
runs=5
work="${BENCH_WORK:-/tmp/casefind-delivery}"
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) patients="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "delivery.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
bin="${CASEFIND_BIN:-}"
if [ -z "$bin" ]; then
  swift build -c release >&2
  bin="$(swift build -c release --show-bin-path)/casefind"
fi
mkdir -p "$work"
plain="$work/plain-$patients"
if [ ! -f "$plain/.done" ]; then
  rm -rf "$plain" "$work/gzip-$patients" "$work/parts-$patients"
  "$bin" synth --patients "$patients" --seed 1 --as-of 2026-11-22 --out "$plain" >&2
  touch "$plain/.done"
fi
gz="$work/gzip-$patients"
if [ ! -f "$gz/.done" ]; then
  rm -rf "$gz" && cp -r "$plain" "$gz" && rm -f "$gz/.done"
  gzip -n -6 "$gz/prescriptions.csv" "$gz/admissions.csv"
  touch "$gz/.done"
fi
parts="$work/parts-$patients"
if [ ! -f "$parts/.done" ]; then
  rm -rf "$parts" && cp -r "$plain" "$parts" && rm -f "$parts/.done" "$parts/prescriptions.csv"
  mkdir "$parts/prescriptions"
  # Twelve parts cut at line breaks outside quotes, each with the header; every other one gzip.
  python3 - "$plain/prescriptions.csv" "$parts/prescriptions" <<'PY'
import sys
source, folder = sys.argv[1], sys.argv[2]
with open(source, "rb") as f:
    header = f.readline()
    records, current, quotes = [], [], 0
    for line in f:
        current.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:
            records.append(b"".join(current))
            current, quotes = [], 0
size = (len(records) + 11) // 12
for i in range(12):
    with open(f"{folder}/month-{i + 1:02d}.csv", "wb") as out:
        out.write(header)
        out.writelines(records[i * size:(i + 1) * size])
PY
  for i in 02 04 06 08 10 12; do gzip -n -6 "$parts/prescriptions/month-$i.csv"; done
  touch "$parts/.done"
fi
dmd="$work/dmd-$patients"
if [ ! -f "$dmd/.done" ]; then
  rm -rf "$dmd" && cp -r "$plain" "$dmd" && rm -f "$dmd/.done"
  # Every valid BNF code blanked and its dm+d id added; the rest (malformed rows) kept as they are.
  python3 - "$plain/prescriptions.csv" "$dmd/prescriptions.csv" "$work/bnf-map-$patients.csv" <<'PY'
import csv, re, sys
source, target, mapfile = sys.argv[1:4]
ids = {}
valid = re.compile(r"[A-Za-z0-9]{9,}")
with open(source, newline="") as f, open(target, "w", newline="") as out:
    rows = csv.reader(f)
    w = csv.writer(out, lineterminator="\n")
    header = next(rows)
    bnf = header.index("bnf_code")
    w.writerow(header + ["dmd_code"])
    for k, r in enumerate(rows):
        if len(r) == len(header) and valid.fullmatch(r[bnf].strip()):
            code = r[bnf].strip()
            n = ids.setdefault(code, len(ids))
            r[bnf] = ""
            r.append(str(10_000_000_000 + n * 10 + k % 2))
        else:
            r.append("")
        w.writerow(r)
with open(mapfile, "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Presentation / Pack Level", "VMP / VMPP/ AMP / AMPP", "BNF Code", "BNF Name", "SNOMED Code"])
    for code, n in ids.items():
        w.writerow(["Presentation", "VMP", code, "name, generic", 10_000_000_000 + n * 10])
        w.writerow(["Presentation", "AMP", code, "brand", 10_000_000_000 + n * 10 + 1])
PY
  touch "$dmd/.done"
fi
mb=$(du -bm "$plain/prescriptions.csv" | cut -f1)
criteria="criteria/essex-2005.yaml"
for ((r = 1; r <= runs; r++)); do
  for shape in plain gzip parts dmd; do
    data="$work/$shape-$patients"
    extra=()
    [ "$shape" = dmd ] && extra=(--bnf-map "$work/bnf-map-$patients.csv")
    rm -rf "$work/out"
    /usr/bin/time -f "%e %M" -o "$work/time-$shape-$r" "$bin" run --extracts "$data" --criteria "$criteria" \
      --as-of 2026-11-22 --out "$work/out" --quiet --timings "$work/timings-$shape-$r.json" "${extra[@]}" >/dev/null
    [ "$shape" = plain ] && cp "$work/out/cases.csv" "$work/cases-plain.csv"
    if [ "$shape" = dmd ] && ! cmp -s "$work/out/cases.csv" "$work/cases-plain.csv"; then
      echo "delivery.sh: the dm+d run's cases.csv differs from the plain run's" >&2
      exit 1
    fi
  done
  /usr/bin/time -f "%e" -o "$work/gunzip-$r" gzip -dc "$gz/prescriptions.csv.gz" >/dev/null
done
python3 - "$work" "$runs" "$mb" <<'PY'
import json, statistics, sys
work, runs, mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
print(f"| delivery | run (s) | peak MiB | read_prescriptions (s) | prescriptions MB/s (uncompressed {mb:.0f} MB) |")
print("|---|---|---|---|---|")
for shape, label in [("plain", "plain files"), ("gzip", "prescriptions and admissions .csv.gz"), ("parts", "prescriptions/ in 12 parts, 6 of them .gz"), ("dmd", "prescriptions by dm+d id, --bnf-map")]:
    times = [open(f"{work}/time-{shape}-{r}").read().split() for r in range(1, runs + 1)]
    read = [json.load(open(f"{work}/timings-{shape}-{r}.json"))["read_prescriptions"] for r in range(1, runs + 1)]
    wall = statistics.median(float(t[0]) for t in times)
    peak = statistics.median(int(t[1]) for t in times) / 1024
    rp = statistics.median(read)
    print(f"| {label} | {wall:.2f} | {peak:.0f} | {rp:.3f} | {mb / rp:.0f} |")
g = statistics.median(float(open(f"{work}/gunzip-{r}").read()) for r in range(1, runs + 1))
print(f"\ngzip -dc of prescriptions.csv.gz alone (one core): {g:.2f} s, {mb / g:.0f} MB/s")
PY
