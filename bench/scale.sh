#!/usr/bin/env bash
# The scaling table: casefind run on synthetic extracts of 30k, 300k and 3M registered patients.
#
#   bench/scale.sh [--sizes "30000 300000 3000000"] [--runs 3] [--layout sorted|shuffled|quote-all] [--work DIR]
#
# For each size: `casefind synth` in the layout (kept in the work folder and reused). Then --runs rounds, each
# running every size in turn (a full run with a fresh output folder and state store, timed with
# /usr/bin/time). Prints one table row per size: patients, input MB, median wall seconds, MB/s,
# median peak RSS (MB), bytes of peak memory per registered patient; then each size's time
# against the size before it, as a ratio of medians and round by round.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="30000 300000 3000000"
runs=3
layout=sorted
work="${BENCH_WORK:-/tmp/casefind-scale}"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --layout) layout="$2"; shift 2 ;;
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
# Generate every size first, then run the sizes in turn within each round, so that every size
# sees the same spells of a shared machine's drifting speed.
declare -A times peaks bytes
for n in $sizes; do
  data="$work/synth-$n"
  [ "$layout" = sorted ] || data="$work/synth-$n-$layout"
  if [ ! -f "$data/.done" ]; then
    rm -rf "$data"
    "$bin" synth --patients "$n" --seed 1 --layout "$layout" --out "$data" > /dev/null
    touch "$data/.done"
  fi
  bytes[$n]=$(cat "$data"/*.csv | wc -c)
done
for r in $(seq 1 "$runs"); do
  for n in $sizes; do
    out="$work/out-$n"
    rm -rf "$out"
    data="$work/synth-$n"
    [ "$layout" = sorted ] || data="$work/synth-$n-$layout"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" run --extracts "$data" --criteria criteria/essex-2005.yaml \
      --as-of 2026-11-22 --out "$out" --quiet > /dev/null
    read -r t m < "$work/time.txt"
    times[$n]="${times[$n]:-} $t"; peaks[$n]="${peaks[$n]:-} $m"
  done
done
args=()
for n in $sizes; do args+=("$n:${bytes[$n]}:${times[$n]# }:${peaks[$n]# }"); done
python3 - "${args[@]}" <<'PY'
import statistics, sys
rows = []
for a in sys.argv[1:]:
    n, size, ts, ms = a.split(":")
    ts = [float(x) for x in ts.split()]
    t = statistics.median(ts)
    m = statistics.median(int(x) for x in ms.split()) * 1024
    rows.append((int(n), ts))
    n, size = int(n), int(size)
    print(f"| {n:,} | {size/1e6:,.0f} | {t:.2f} | {size/1e6/t:,.0f} | {m/1e6:,.0f} | {m/n:,.0f} |")
print()
for (n0, t0), (n1, t1) in zip(rows, rows[1:]):
    paired = [b / a for a, b in zip(t0, t1)]
    print(f"{n1:,} against {n0:,}: {statistics.median(t1) / statistics.median(t0):.1f}x the time "
          f"(ratio of medians); rounds: {' '.join(f'{x:.1f}' for x in paired)}; "
          f"runs (s): {' '.join(f'{x:.2f}' for x in t0)} | {' '.join(f'{x:.2f}' for x in t1)}")
PY
