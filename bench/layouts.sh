#!/usr/bin/env bash
# Every delivery shape in one session: bench/run.sh once per layout of the same synth
# (sorted, shuffled, quote-all with CRLF and a byte-order mark, as a "quote all" export
# writes them, and sorted with a quarter of the drug names holding a comma, quotes and a line
# break), then one table of casefind against DuckDB and Polars per layout, and the worst
# layout, which is the figure to quote.
#
#   bench/layouts.sh [--patients 300000] [--runs 5] [any other bench/run.sh option]
#
# Each layout's full report stays in WORK/report-LAYOUT.txt and .json (WORK as bench/run.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${BENCH_WORK:-/tmp/casefind-bench-work}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = --work ]; then WORK="${args[$((i + 1))]}"; fi
done
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
shapes=("sorted" "shuffled" "quote-all --crlf --bom" "sorted --messy-names")
for shape in "${shapes[@]}"; do
  name="$(echo "$shape" | sed 's/ --/-/g')"
  printf '== layout %s\n' "$name" >&2
  # shellcheck disable=SC2086
  "$HERE/run.sh" "${args[@]}" --layout $shape | tee "$WORK/report-$name.txt"
  cp "$WORK/results/report.json" "$WORK/report-$name.json"
done
python3 - "$WORK" "${shapes[@]}" <<'PY'
import json, sys
work, shapes = sys.argv[1], [s.replace(" --", "-") for s in sys.argv[2:]]
rows = []
for name in shapes:
    with open(f"{work}/report-{name}.json") as fh:
        r = json.load(fh)
    q = r["ratios"]
    rows.append((name, r["casefind"]["wall_s"], r["duckdb"]["wall_s"], r.get("polars", {}).get("wall_s"),
                 q["time_casefind_over_duckdb_paired_median"], q.get("time_casefind_over_polars_paired_median"),
                 q["memory_casefind_over_duckdb"], q.get("memory_casefind_over_polars"),
                 r["casefind"]["peak_mib"], q["ingest_casefind_over_rawparse_throughput"]))
def f(x, spec):
    return "-" if x is None else format(x, spec)
print()
print("| layout | casefind s | DuckDB s | Polars s | casefind/DuckDB time (paired median) | casefind/Polars time | "
      "casefind/DuckDB memory | casefind/Polars memory | casefind peak MiB | prescriptions ingest / rawparse |")
print("|---|---|---|---|---|---|---|---|---|---|")
for n, c, d, p, td, tp, md, mp, peak, ing in rows:
    print(f"| {n} | {c:.2f} | {d:.2f} | {f(p, '.2f')} | {td:.2f}x | {f(tp, '.2f')}x | {md:.2f}x | {f(mp, '.2f')}x | "
          f"{peak:.0f} | {ing:.2f}x |")
worst = max(rows, key=lambda r: max(r[4], r[5] or 0))
print(f"\nworst layout: {worst[0]}: casefind/DuckDB {worst[4]:.2f}x, casefind/Polars {f(worst[5], '.2f')}x "
      f"(medians of paired runs)")
PY
