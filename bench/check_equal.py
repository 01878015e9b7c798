#!/usr/bin/env python3
"""Check that casefind's cases.csv and a peer's case list hold the same patients.

    check_equal.py CASEFIND_CASES.csv PEER_CASES.csv [PEER_NAME]

The peer is DuckDB (essex.sql) or Polars (essex_polars.py); PEER_NAME labels it in the
messages, DuckDB unless given.

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
    peer = sys.argv[3] if len(sys.argv) > 3 else "DuckDB"
    a, b = load(a_path), load(b_path)
    if a == b:
        print(f"check_equal: OK, {len(a)} case-found patients identical in casefind and {peer}")
        return 0
    only_a = sorted(a - b)
    only_b = sorted(b - a)
    by_nhs_b = {r[0]: r for r in only_b}
    print(f"check_equal: FAILED: {len(only_a)} rows only in casefind, {len(only_b)} only in "
          f"{peer} ({len(a)} vs {len(b)} cases)", file=sys.stderr)
    print("  columns: " + ",".join(COLS), file=sys.stderr)
    shown = 0
    for r in only_a[:20]:
        other = by_nhs_b.get(r[0])
        print("  casefind: " + ",".join(r), file=sys.stderr)
        print(f"  {peer.lower() + ':':10}" + (",".join(other) if other else "(not case-found)"),
              file=sys.stderr)
        shown += 1
    nhs_a = {r[0] for r in only_a}
    for r in [r for r in only_b if r[0] not in nhs_a][:20]:
        print("  casefind: (not case-found)", file=sys.stderr)
        print(f"  {peer.lower() + ':':10}" + ",".join(r), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
