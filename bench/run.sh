#!/usr/bin/env bash
# casefind benchmark: casefind vs the same search in DuckDB SQL and in Polars vs a raw libcsv
# parse.
#
#   bench/run.sh [--patients 300000] [--runs 3] [--seed 1] [--as-of 2026-11-22]
#                [--layout sorted|shuffled|quote-all] [--crlf] [--bom] [--messy-names]
#                [--work DIR] [--regen]
#
#   CASEFIND_BIN=/path/to/casefind   use that binary instead of `swift build -c release`
#   BENCH_WORK=DIR                   work folder (default /tmp/casefind-bench-work)
#
# See bench/README.md. Exit 0 with a report; exit 1 (loudly) when DuckDB's or Polars' case list
# differs from casefind's, in which case no time is reported.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

PATIENTS=300000
RUNS=3
SEED=1
AS_OF=2026-11-22
WORK="${BENCH_WORK:-/tmp/casefind-bench-work}"
REGEN=0
DUCKDB_VERSION=2.0.0
POLARS_VERSION=2.1.0
THREADS=2
LAYOUT=sorted
CRLF=""
BOM=""
MESSY=""

while [ $# -gt 0 ]; do
  case "$1" in
    --patients) PATIENTS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --as-of) AS_OF="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --regen) REGEN=1; shift ;;
    --layout) LAYOUT="$2"; shift 2 ;;
    --crlf) CRLF=--crlf; shift ;;
    --bom) BOM=--bom; shift ;;
    --messy-names) MESSY=--messy-names; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
[ "$RUNS" -ge 1 ] || { echo "run.sh: --runs must be at least 1" >&2; exit 64; }

say() { printf '== %s\n' "$*" >&2; }
die() { printf '\nrun.sh: FAILED: %s\n' "$*" >&2; exit 1; }

mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

# ------------------------------------------------------------------ 1. casefind (release)
if [ -n "${CASEFIND_BIN:-}" ]; then
  BIN="$CASEFIND_BIN"
  say "casefind: $BIN (CASEFIND_BIN)"
else
  say "casefind: swift build -c release"
  (cd "$ROOT" && swift build -c release >&2)
  BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/casefind"
fi
[ -x "$BIN" ] || die "no casefind binary at $BIN"
# Run a private copy, so that a rebuild or refresh during the benchmark cannot mix binaries.
cp "$BIN" "$WORK/casefind.tmp" && mv "$WORK/casefind.tmp" "$WORK/casefind"
say "casefind: $("$WORK/casefind" --version 2>/dev/null || echo '?'), sha256 $(sha256sum "$WORK/casefind" | cut -c1-16)"
BIN="$WORK/casefind"
CRITERIA="$ROOT/criteria/essex-2005.yaml"

# ------------------------------------------------------------------ 2. rawparse
RAWPARSE="$WORK/rawparse"
say "rawparse: gcc -O2 bench/rawparse.c -lcsv"
gcc -O2 -Wall -Wextra -o "$RAWPARSE" "$HERE/rawparse.c" -lcsv

# ------------------------------------------------------------------ 3. DuckDB and Polars in bench/.venv
VENV="$HERE/.venv"
PY="$VENV/bin/python"
[ -x "$PY" ] || python3 -m venv "$VENV"
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
  say "duckdb: installing into bench/.venv"
  "$VENV/bin/pip" install -q "duckdb==$DUCKDB_VERSION" || "$VENV/bin/pip" install -q duckdb
fi
say "duckdb: $("$PY" -c 'import duckdb; print(duckdb.__version__)')"
if ! "$PY" -c 'import polars' 2>/dev/null; then
  say "polars: installing into bench/.venv"
  "$VENV/bin/pip" install -q "polars==$POLARS_VERSION" || "$VENV/bin/pip" install -q polars
fi
say "polars: $("$PY" -c 'import polars; print(polars.__version__)')"

# ------------------------------------------------------------------ 4. extracts
# `casefind synth` when the binary has it, else the differential-test generator.
# To force one or the other, set USE_SYNTH to 1 or 0 here.
USE_SYNTH="${USE_SYNTH:-auto}"
if [ "$USE_SYNTH" = auto ]; then
  if "$BIN" --help 2>/dev/null | grep -qE '^[[:space:]]+synth[[:space:]]'; then USE_SYNTH=1; else USE_SYNTH=0; fi
fi
if [ "$USE_SYNTH" = 1 ]; then
  GEN_NAME=synth
  GEN_ID="synth $(sha256sum "$BIN" | cut -c1-16)"
  generate() {
    "$BIN" synth --patients "$PATIENTS" --seed "$SEED" --as-of "$AS_OF" --layout "$LAYOUT" $CRLF $BOM $MESSY --out "$1" >&2
  }
else
  GEN_NAME=generate
  GEN_PY="$ROOT/Tests/differential/generate.py"
  GEN_ID="generate.py $(sha256sum "$GEN_PY" | cut -c1-16)"
  generate() { python3 "$GEN_PY" --seed "$SEED" --patients "$PATIENTS" --as-of "$AS_OF" --out "$1"; }
fi
SHAPE="$LAYOUT${CRLF:+-crlf}${BOM:+-bom}${MESSY:+-messy-names}"
DATA="$WORK/extracts-$GEN_NAME-$PATIENTS-s$SEED-$AS_OF-$SHAPE"
STAMP="$GEN_ID patients=$PATIENTS seed=$SEED as_of=$AS_OF layout=$SHAPE"
if [ "$REGEN" = 1 ] || [ "$(cat "$DATA/.stamp" 2>/dev/null)" != "$STAMP" ]; then
  rm -rf "$DATA" "$DATA.raw"
  say "extracts: $GEN_NAME, $PATIENTS patients, seed $SEED, as of $AS_OF"
  t0=$(date +%s.%N)
  generate "$DATA.raw"
  say "extracts: generated in $(echo "$(date +%s.%N) - $t0" | bc) s"
  # The SQL implements the search, not row validation: strip rows casefind rejects (there
  # are none in clean data) and blank lines, so both tools read the same clean rows.
  rm -rf "$WORK/clean-check"
  "$BIN" run --extracts "$DATA.raw" --criteria "$CRITERIA" --as-of "$AS_OF" \
    --out "$WORK/clean-check" --quiet >/dev/null
  python3 "$HERE/clean_extracts.py" "$DATA.raw" "$DATA" "$WORK/clean-check/rejects.csv"
  rm -rf "$DATA.raw" "$WORK/clean-check"
  echo "$STAMP" > "$DATA/.stamp"
else
  say "extracts: reusing $DATA"
fi
say "extracts: $(du -sh "$DATA" | cut -f1) in $DATA"

# ------------------------------------------------------------------ 5. runs
RES="$WORK/results"
rm -rf "$RES"
mkdir -p "$RES"
MEAS="$RES/measurements.tsv"
printf 'tool\trun\twall_s\ttime_e_s\tmaxrss_kb\n' > "$MEAS"

# timed LABEL RUN CMD...: wall time (ns clock) and /usr/bin/time's %e %M
timed() {
  local label="$1" run="$2"; shift 2
  local tf="$RES/$label-$run.time" t0 t1
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" > "$RES/$label-$run.stdout" 2> "$RES/$label-$run.stderr"; then
    cat "$RES/$label-$run.stderr" >&2
    die "$label run $run exited non-zero: $*"
  fi
  t1=$(date +%s%N)
  read -r e m < <(tail -n 1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$run" "$(echo "scale=4; ($t1 - $t0) / 1000000000" | bc)" "$e" "$m" >> "$MEAS"
}

# One timed run of a peer: casefind, DuckDB (essex.sql) or Polars (essex_polars.py).
run_peer() {
  local tool="$1" i="$2"
  say "run $i/$RUNS: $tool"
  case "$tool" in
    casefind)
      timed casefind "$i" "$BIN" run --extracts "$DATA" --criteria "$CRITERIA" --as-of "$AS_OF" \
        --out "$RES/casefind-out-$i" --quiet --timings "$RES/casefind-timings-$i.json" ;;
    duckdb)
      timed duckdb "$i" "$PY" "$HERE/essex.py" --extracts "$DATA" --as-of "$AS_OF" \
        --out "$RES/duckdb-cases-$i.csv" --threads "$THREADS" ;;
    polars)
      timed polars "$i" "$PY" "$HERE/essex_polars.py" --extracts "$DATA" --as-of "$AS_OF" \
        --out "$RES/polars-cases-$i.csv" --threads "$THREADS" ;;
  esac
}

# check_peer LABEL NAME RUN: the peer's case list must equal casefind's before any figure is
# reported.
check_peer() {
  local label="$1" name="$2" i="$3"
  if ! python3 "$HERE/check_equal.py" "$RES/casefind-out-$i/cases.csv" "$RES/$label-cases-$i.csv" "$name" >&2; then
    printf '\n%s\n' "**************************************************************" >&2
    printf '%s\n' "  $name and casefind disagree (run $i). No times are reported." >&2
    printf '%s\n' "  casefind: $RES/casefind-out-$i/cases.csv" >&2
    printf '%-12s%s\n' "  $label:" "$RES/$label-cases-$i.csv" >&2
    printf '%s\n' "**************************************************************" >&2
    exit 1
  fi
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
say "load before runs: $LOAD_BEFORE on $(nproc) cores"
PEERS=(casefind duckdb polars)
for i in $(seq 1 "$RUNS"); do
  # The peers take turns at going first: round i starts with peer (i-1) mod 3, so that each
  # sees every position (and its neighbours' cache and load) equally often over 3 rounds.
  for k in 0 1 2; do
    run_peer "${PEERS[$(( (i - 1 + k) % 3 ))]}" "$i"
  done
  say "run $i/$RUNS: rawparse"
  timed rawparse "$i" "$RAWPARSE" "$DATA/prescriptions.csv"
  # The case lists must agree before any figure is reported.
  check_peer duckdb DuckDB "$i"
  check_peer polars Polars "$i"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
say "load after runs: $LOAD_AFTER"

python3 "$HERE/report.py" --results "$RES" --extracts "$DATA" --runs "$RUNS" \
  --generator "$GEN_ID, layout $SHAPE" --patients "$PATIENTS" --threads "$THREADS" \
  --load "before $LOAD_BEFORE, after $LOAD_AFTER (1, 5, 15 min)"
