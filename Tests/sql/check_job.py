#!/usr/bin/env python3
"""Checks warehouse/casefind_spark.py, the Spark job, in local mode against `casefind run`.

    check_job.py --casefind BIN [--work DIR]

On sample-extracts/ and Tests/sql/edges/ (malformed rows and all), for criteria/essex-2005.yaml
at 2026-11-22: `casefind run`; `casefind sql --dialect spark` for the three parts; then the job
over the extracts as a warehouse holds them: most tables as delivered CSV, admissions as gzip
CSV, prescriptions as Parquet (numbered at load, its malformed records dropped). It must return
casefind's case list field for field and its attrition step for step; its rejects must be
rejects.csv's rows for the tables the queries check (by table, line, severity, reason, field and
value; the line left out for a table with blank lines, which Spark's reader does not see), and
each CSV table's records dropped for their field count must be those Python's csv module finds.
Exit status 0 when all of that holds.
"""
import argparse
import collections
import csv
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from check_sql import canonical_copy, layout  # noqa: E402
from comparing import (CONTRACT, compare, compare_attrition, expected_attrition,  # noqa: E402
                       expected_cases, unguarded)

JOB = os.path.join(REPO, "warehouse", "casefind_spark.py")
CRITERIA = "criteria/essex-2005.yaml"
AS_OF = "2026-11-22"
DATASETS = {"sample": os.path.join(REPO, "sample-extracts"), "edges": os.path.join(HERE, "edges")}
# execution settings only, as check_sql.py's (its plans are big for a few thousand rows)
SPARK_CONF = ["spark.master=local[2]", "spark.driver.memory=2g", "spark.sql.shuffle.partitions=1",
              "spark.sql.adaptive.enabled=false", "spark.sql.autoBroadcastJoinThreshold=-1",
              "spark.sql.codegen.wholeStage=false", "spark.ui.enabled=false",
              "spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"]


def sh(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"`{' '.join(argv)}` exited {p.returncode}:\n{(p.stderr or p.stdout)[-3000:]}")
    return p


def warehouse_tables(extracts, folder, load):
    """The extracts as a warehouse holds them: CSV, admissions gzip CSV, prescriptions Parquet
    (from the canonical load copy, which has its lines and leaves out malformed records)."""
    import duckdb
    os.makedirs(folder)
    for f in os.listdir(extracts):
        if f.endswith(".csv") and f[:-4] in CONTRACT:
            shutil.copy(os.path.join(extracts, f), os.path.join(folder, f))
    adm = os.path.join(folder, "admissions.csv")
    if os.path.exists(adm):
        with open(adm, "rb") as src, gzip.open(adm + ".gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.remove(adm)
    rx = os.path.join(folder, "prescriptions.csv")
    if os.path.exists(rx):
        os.remove(rx)
        duckdb.connect().execute(
            f"COPY (SELECT * FROM read_csv('{os.path.join(load, 'prescriptions.csv')}', header = true,"
            " all_varchar = true, quote = '\"', escape = '\"'))"
            f" TO '{os.path.join(folder, 'prescriptions.parquet')}' (FORMAT parquet)")


def read_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def check(name, extracts, casefind, work):
    problems = []
    ddir = os.path.join(work, name)
    run, q, tables, load, out = (os.path.join(ddir, x) for x in ("run", "queries", "tables", "load", "out"))
    os.makedirs(q)
    sh([casefind, "run", "--extracts", extracts, "--criteria", CRITERIA, "--as-of", AS_OF, "--out", run,
        "--quiet"], cwd=REPO)
    dropped = canonical_copy(extracts, load)
    _, n_diag = layout(load)
    for part in ("cases", "attrition", "rejects"):
        sh([casefind, "sql", "--criteria", CRITERIA, "--dialect", "spark", "--as-of", AS_OF,
            "--diagnosis-columns", str(n_diag), "--line-column", "line_number", "--part", part,
            "--out", os.path.join(q, part + ".sql")], cwd=REPO)
    warehouse_tables(extracts, tables, load)
    argv = [sys.executable, JOB, "--queries", q, "--tables", tables, "--out", out, "--parquet"]
    for c in SPARK_CONF:
        argv += ["--conf", c]
    sh(argv, env=dict(os.environ, SPARK_LOCAL_IP="127.0.0.1"))

    cols, rows = read_rows(os.path.join(out, "cases.csv"))
    problems += compare(cols, rows, expected_cases(os.path.join(run, "cases.csv")))
    cols, rows = read_rows(os.path.join(out, "attrition.csv"))
    problems += compare_attrition(cols, rows, expected_attrition(os.path.join(run, "attrition.csv")))
    for part in ("cases", "attrition", "rejects"):
        if not os.path.isdir(os.path.join(out, part + ".parquet")):
            problems.append(f"no {part}.parquet/ with --parquet")

    blank = set()
    for f in os.listdir(extracts):
        if not f.endswith(".csv"):
            continue
        with open(os.path.join(extracts, f), encoding="utf-8-sig", errors="replace") as fh:
            if any(not line.strip(" \t\r\n") for line in fh):
                blank.add(f[:-4])
    cols, rows = read_rows(os.path.join(out, "rejects.csv"))

    def key(table, line, severity, reason, field, value):
        return (table, "" if table in blank else line, severity, reason, field, value)
    got = collections.Counter(key(*(dict(zip(cols, r))[c] for c in
                                    ("table_name", "line_number", "severity", "reason", "field", "value")))
                              for r in rows)
    want = collections.Counter()
    checked = set(CONTRACT) - {"ndoo_cleared"}  # the tables the rejects query checks
    for r in csv.DictReader(open(os.path.join(run, "rejects.csv"), newline="", encoding="utf-8-sig")):
        table = r["file"][:-4]
        if table in checked and not r["reason"].startswith("record has "):
            want[key(table, r["line"], r["severity"], r["reason"], r["field"], unguarded(r["value"]))] += 1
    for k in sorted(set(got) | set(want)):
        if got[k] != want[k]:
            problems.append(f"rejects {k}: job {got[k]}, casefind {want[k]}")

    for r in csv.DictReader(open(os.path.join(out, "load.csv"), newline="", encoding="utf-8")):
        expected = 0 if r["table"] == "prescriptions" else len(dropped.get(r["table"], {}))
        if int(r["dropped_field_count"]) != expected:
            problems.append(f"load: {r['table']} dropped {r['dropped_field_count']} records, csv finds {expected}")
    print(f"{'OK  ' if not problems else 'DIFF'} {name}: {len(rows)} rejects rows")
    for p in problems[:40]:
        print("     " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--casefind", required=True)
    ap.add_argument("--work")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="casefind-job-")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ok = all([check(name, path, os.path.abspath(a.casefind), work) for name, path in DATASETS.items()])
    print("the Spark job matches casefind" if ok else "the Spark job differs from casefind")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
