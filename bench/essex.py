#!/usr/bin/env python3
"""Run bench/essex.sql (the Essex search in DuckDB SQL) over an extract folder.

    essex.py --extracts DIR --as-of YYYY-MM-DD --out CASES.csv [--threads 2]

Reads the CSV extracts with DuckDB's read_csv (header, every column VARCHAR), runs
essex.sql and writes the case list (nhs_number, priority, criteria, frailty_codes,
admissions, distinct_drugs, care_home, nominated, age, locality) to CASES.csv. Prints the
number of cases and the seconds spent in DuckDB to stderr. Needs the duckdb package
(bench/run.sh installs it into bench/.venv).
"""
import argparse
import csv
import os
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))

# Contract columns each view must have; a missing optional column is read as NULL.
COLUMNS = {
    "patients": ["nhs_number", "date_of_birth", "gp_practice", "date_of_death"],
    "practices": ["practice_code", "locality"],
    "admissions": ["nhs_number", "spell_id", "admission_date", "discharge_date",
                   "admission_method", "patient_classification", "admission_source",
                   "discharge_destination", "discharge_method"],
    "prescriptions": ["nhs_number", "issue_date", "bnf_code"],
    "residence": ["nhs_number", "from_date", "to_date"],
    "nominations": ["nhs_number", "nominated_on"],
}
REQUIRED_FILES = {"patients", "practices"}


def header_of(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [h.strip().lower() for h in next(csv.reader(fh), [])]


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def define_inputs(con, folder):
    for name, cols in COLUMNS.items():
        path = os.path.join(folder, name + ".csv")
        if not os.path.exists(path):
            if name in REQUIRED_FILES:
                sys.exit(f"essex.py: {path} is missing")
            # "no such data": an empty view with the columns the search reads
            con.execute(f"CREATE OR REPLACE TEMP VIEW raw_{name} AS SELECT "
                        + ", ".join(f"NULL::VARCHAR AS {c}" for c in cols + ["diag_01"])
                        + " WHERE false")
            continue
        have = header_of(path)
        extra = [f"NULL::VARCHAR AS {c}" for c in cols if c not in have]
        if name == "admissions" and not any(
                h.startswith("diag_") and h[5:].isdigit() for h in have):
            extra.append("NULL::VARCHAR AS diag_01")
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw_{name} AS SELECT *"
            + "".join(", " + e for e in extra)
            + f" FROM read_csv({sql_str(path)}, header = true, all_varchar = true,"
              " delim = ',', quote = '\"', escape = '\"')")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extracts", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    t0 = time.monotonic()
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute(f"SET VARIABLE as_of = DATE {sql_str(a.as_of)}")
    define_inputs(con, a.extracts)
    with open(os.path.join(HERE, "essex.sql"), encoding="utf-8") as fh:
        con.execute(fh.read())
    con.execute(f"COPY (SELECT * FROM cases ORDER BY nhs_number) TO {sql_str(a.out)}"
                " (HEADER, DELIMITER ',')")
    n = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"essex.sql: {n} cases in {time.monotonic() - t0:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
