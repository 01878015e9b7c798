#!/usr/bin/env bash
# Installs what Tests/sql/check_sql.py needs, when it is missing (idempotent):
#   - Debian: postgresql (the server, run privately by the harness) and, when `java` is
#     missing, default-jre-headless (for Spark). apt-get update runs once, only if something
#     has to be installed; sudo is used when not root.
#   - Tests/sql/.venv: a Python venv with duckdb and pyspark at the pinned versions, and
#     openpyxl (the .xlsx reader of Tests/workbook/check_xlsx.py, for WorkbookTests).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DUCKDB_VERSION=2.0.0
PYSPARK_VERSION=4.3.0
OPENPYXL_VERSION=3.1.5

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
need=()
if ! dpkg -s postgresql >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
# Spark 4 needs Java 17 or later (Debian 12's default-jre-headless is 17)
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
  need+=(default-jre-headless)
fi
if ! dpkg -s python3-venv >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Tests/sql/setup.sh: installing ${need[*]}" >&2
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

VENV="$HERE/.venv"
if ! "$VENV/bin/python" -c "
import importlib.metadata as m, sys
ok = (m.version('duckdb') == '$DUCKDB_VERSION' and m.version('pyspark') == '$PYSPARK_VERSION'
      and m.version('openpyxl') == '$OPENPYXL_VERSION')
sys.exit(0 if ok else 1)" >/dev/null 2>&1; then
  echo "Tests/sql/setup.sh: creating $VENV (duckdb==$DUCKDB_VERSION, pyspark==$PYSPARK_VERSION, openpyxl==$OPENPYXL_VERSION)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "duckdb==$DUCKDB_VERSION" "pyspark==$PYSPARK_VERSION" "openpyxl==$OPENPYXL_VERSION"
fi
