#!/usr/bin/env bash
# The scaling table: casefind run on synthetic extracts of 30k, 300k and 3M registered patients.
#
#   bench/scale.sh [--sizes "30000 300000 3000000"] [--runs 3] [--work DIR]
#
# For each size: `casefind synth` (kept in the work folder and reused), then --runs full runs,
# each with a fresh output folder and state store, timed with /usr/bin/time. Prints one table
# row per size: patients, input MB, median wall seconds, MB/s, median peak RSS (MB), bytes of
# peak memory per registered patient, and the ratio of the time to the first size's, scaled.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="30000 300000 3000000"
runs=3
work="${BENCH_WORK:-/tmp/casefind-scale}"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
bin="${CASEFIND_BIN:-}"
if [ -z "$bin" ]; then
  swift build -c release >&2
  bin="$(swift build -c release --show-bin-path)/casefind"
fi
mkdir -p "$work"
printf "| patients | input MB | time (s) | MB/s | peak memory (MB) | bytes per patient |\n|---|---|---|---|---|---|\n"
for n in $sizes; do
  data="$work/synth-$n"
  if [ ! -f "$data/.done" ]; then
    rm -rf "$data"
    "$bin" synth --patients "$n" --seed 1 --out "$data" > /dev/null
    touch "$data/.done"
  fi
  bytes=$(cat "$data"/*.csv | wc -c)
  times=(); peaks=()
  for r in $(seq 1 "$runs"); do
    out="$work/out-$n"
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" run --extracts "$data" --criteria criteria/essex-2005.yaml \
      --as-of 2026-11-22 --out "$out" --quiet > /dev/null
    read -r t m < "$work/time.txt"
    times+=("$t"); peaks+=("$m")
  done
  python3 - "$n" "$bytes" "${times[*]}" "${peaks[*]}" <<'PY'
import statistics, sys
n, size = int(sys.argv[1]), int(sys.argv[2])
t = statistics.median(float(x) for x in sys.argv[3].split())
m = statistics.median(int(x) for x in sys.argv[4].split()) * 1024
print(f"| {n:,} | {size/1e6:,.0f} | {t:.2f} | {size/1e6/t:,.0f} | {m/1e6:,.0f} | {m/n:,.0f} |")
PY
done
