#!/usr/bin/env python3
"""Check that casefind's cases.csv and the DuckDB case list hold the same patients.

    check_equal.py CASEFIND_CASES.csv DUCKDB_CASES.csv

Compares the rows (nhs_number, priority, criteria, frailty_codes, admissions,
distinct_drugs, care_home, nominated, age, locality) as sets. Exit 0 and one line when
equal; otherwise prints every differing row (up to 20 per side) and exits 1.
"""
import csv
import sys

COLS = ["nhs_number", "priority", "criteria", "frailty_codes", "admissions",
        "distinct_drugs", "care_home", "nominated", "age", "locality"]


def load(path):
    with open(path, newline="", encoding="utf-8") as fh:
        r = csv.DictReader(fh)
        missing = [c for c in COLS if c not in (r.fieldnames or [])]
        if missing:
            sys.exit(f"check_equal: {path} lacks columns {missing}")
        rows = [tuple(row[c] for c in COLS) for row in r]
    s = set(rows)
    if len(s) != len(rows):
        sys.exit(f"check_equal: {path} has {len(rows) - len(s)} duplicated rows")
    return s


def main():
    a_path, b_path = sys.argv[1:3]
    a, b = load(a_path), load(b_path)
    if a == b:
        print(f"check_equal: OK, {len(a)} case-found patients identical in casefind and DuckDB")
        return 0
    only_a = sorted(a - b)
    only_b = sorted(b - a)
    by_nhs_b = {r[0]: r for r in only_b}
    print(f"check_equal: FAILED: {len(only_a)} rows only in casefind, {len(only_b)} only in "
          f"DuckDB ({len(a)} vs {len(b)} cases)", file=sys.stderr)
    print("  columns: " + ",".join(COLS), file=sys.stderr)
    shown = 0
    for r in only_a[:20]:
        other = by_nhs_b.get(r[0])
        print("  casefind: " + ",".join(r), file=sys.stderr)
        print("  duckdb:   " + (",".join(other) if other else "(not case-found)"),
              file=sys.stderr)
        shown += 1
    nhs_a = {r[0] for r in only_a}
    for r in [r for r in only_b if r[0] not in nhs_a][:20]:
        print("  casefind: (not case-found)", file=sys.stderr)
        print("  duckdb:   " + ",".join(r), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
