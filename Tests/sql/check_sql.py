#!/usr/bin/env python3
"""Checks `casefind sql` against `casefind run` on DuckDB, PostgreSQL and Spark.

    check_sql.py --casefind BIN [--engines duckdb,postgres,spark]
                 [--criteria criteria/essex-2005.yaml,criteria/evercare.yaml,criteria/castlefields.yaml]
                 [--seeds 1,2,3] [--patients 1500] [--dates 2026-11-22,2028-02-29]
                 [--work DIR] [--independent-seed S] [--no-sample]
                 [--no-independent | --independent-only] [--max-diffs N]

Datasets: Tests/differential/generate.py for every seed x date (LF; an even seed with
--governance --ndoo-cleared: opt_outs.csv, placeholder practices, the national service's
cleared list and more; an odd seed's rows also HES- and SUS-shaped by mapped.py and read
through a column mapping), plus sample-extracts/ and
Tests/sql/edges/ (one edge of the row rules per row) at 2026-11-22, malformed rows and all. For every dataset and criteria file:
`casefind run` (fresh --out), then per engine the extracts loaded as text tables as they are,
except that a row with the wrong number of fields is dropped at load (the loader's business)
and every table gets a `line_number` column (the line each record starts on); then
`casefind sql --dialect X --as-of D --diagnosis-columns N --line-column line_number` run, its
rows compared with the first 14 columns of cases.csv, keyed by nhs_number (only NULL -> '' is
normalised; everything else must be equal as text); and the `--part rejects` query run, its
rows compared with rejects.csv row by row (table, line, severity, reason, field, value), the
rows dropped at load standing for the engine's "record has N fields" rejects.

Independent check: datasets generated with --independent-seed (default: from the clock; it is
printed) at 2026-11-22 and a second date drawn from the seed, 2000 patients; the reference
(Tests/differential/reference.py) runs on them, and the DuckDB SQL for
criteria/essex-2005.yaml, over the extracts loaded as above, is compared with the reference's
cases.csv, and its reject counts per table with the reference's rejects.csv. casefind's run
output is not used there.

Engines are started by this script (PostgreSQL: a private initdb + pg_ctl on a unix socket;
Spark: one local[2] session). An engine that cannot be started is reported as
`ENGINE UNAVAILABLE: NAME: why` and makes the exit status non-zero. CASEFIND_SQL_ENGINES
(e.g. `duckdb`) restricts the engines explicitly; the ones left out are printed.

Exit status: 0 when everything matched, 1 when anything differed or failed, 2 on bad usage.
"""
import argparse
import atexit
import csv
import datetime as dt
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import mapped
from comparing import (CONTRACT, cleared_numbers, compare, compare_attrition, compare_rejects,
                       expected_attrition, expected_cases, opted_out)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GENERATE = os.path.join(REPO, "Tests", "differential", "generate.py")
REFERENCE = os.path.join(REPO, "Tests", "differential", "reference.py")
SAMPLE = os.path.join(REPO, "sample-extracts")
EDGES = os.path.join(HERE, "edges")  # one edge of the row rules per row (edges/README.md)
SAMPLE_AS_OF = "2026-11-22"  # sample-extracts/README.md: "evaluated at the as-of date 2026-11-22"
ESSEX = "criteria/essex-2005.yaml"
ALL_ENGINES = ["duckdb", "postgres", "spark"]
DEFAULT_DIAGNOSIS_COLUMNS = 20
INDEPENDENT_PATIENTS = 2000

LINE_COLUMN = "line_number"


def log(msg=""):
    print(msg, flush=True)


def diag_name(i):
    return f"diag_{i:02d}"


def strip_query(sql):
    """The query without its trailing `;` (and surrounding whitespace)."""
    s = sql.strip()
    if s.endswith(";"):
        s = s[:-1].rstrip()
    return s


def qident(name):
    return '"' + name.replace('"', '""') + '"'


def qstr(s):
    return "'" + s.replace("'", "''") + "'"


# ------------------------------------------------------------------------------ table layout

class Table:
    """One table to load: the file (None: missing, empty table), its columns as in the file
    (lower-cased), and the columns to add as NULL after loading."""

    def __init__(self, name, path, file_cols, add_cols):
        self.name, self.path, self.file_cols, self.add_cols = name, path, file_cols, add_cols

    @property
    def columns(self):
        return self.file_cols + self.add_cols


def header_of(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [h.strip().lower() for h in next(csv.reader(fh), [])]


def layout(folder, diag_prefix="diag_", names=None):
    """The tables of a loaded extract folder and the number N of diagnosis columns (named
    `diag_prefix` and a number); `names` gives a table another name than its file's."""
    tables = {}
    n_diag = DEFAULT_DIAGNOSIS_COLUMNS
    diag = re.compile(rf"^{re.escape(diag_prefix)}(\d+)$")
    adm = os.path.join(folder, "admissions.csv")
    if os.path.exists(adm):
        nums = [int(m.group(1)) for m in map(diag.match, header_of(adm)) if m]
        n_diag = max(nums) if nums else DEFAULT_DIAGNOSIS_COLUMNS
    for name, contract in CONTRACT.items():
        path = os.path.join(folder, name + ".csv")
        want = contract + ([diag_prefix + diag_name(i)[5:] for i in range(1, n_diag + 1)]
                           if name == "admissions" else []) + [LINE_COLUMN]
        table = (names or {}).get(name, name)
        if os.path.exists(path):
            have = header_of(path)
            tables[name] = Table(table, path, have, [c for c in want if c not in have])
        else:
            tables[name] = Table(table, None, [], want)
    return tables, n_diag


def mapped_shape(mapping):
    """The shape (mapped.py's hes or sus) of a dataset's mapping file; None without one."""
    if not mapping:
        return None
    with open(mapping, encoding="utf-8") as fh:
        return "sus" if "sql-test-sus" in fh.readline() else "hes"


def canonical_copy(src, dst, cleared=None):
    """Writes the tables of src into dst in plain RFC 4180 form (LF, every field quoted, quotes
    doubled), values unchanged as Python's csv module
    reads them, which is how casefind (libcsv) reads them too: a stray quote inside an unquoted
    field is data. PostgreSQL's CSV reader would take such a quote as the start of a quoted
    section, so the engines are given this canonical form of the same values.

    As a warehouse's loader would: a record with another number of fields than the header is
    dropped, and every table gets a `line_number` column, the line its record starts on in the
    source file (blank lines, and lines of only spaces or tabs, skipped as casefind skips
    them). The national service's cleared list (`cleared`, a file outside src) becomes the
    table ndoo_cleared (nhs_number), its lines without their commas. Returns the dropped
    records as {table: {line: the NHS number as given}}."""
    os.makedirs(dst, exist_ok=True)
    dropped = {}
    if cleared:
        with open(os.path.join(dst, "ndoo_cleared.csv"), "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(
                [["nhs_number", LINE_COLUMN]] + [[n, str(i + 1)] for i, n in enumerate(cleared_numbers(cleared))])
    for name in CONTRACT:
        path = os.path.join(src, name + ".csv")
        if name == "ndoo_cleared" or not os.path.exists(path):
            continue
        out = []
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            line = 1
            for record in reader:
                # casefind's lines end at LF: a record starts a line after the LFs of the one
                # before (a CR alone inside a quoted field is not a line end, as it is to
                # Python's reader.line_num)
                start = line
                line += 1 + sum(field.count("\n") for field in record)
                # a line of nothing but spaces or tabs is blank to casefind too
                if not record or (len(record) == 1 and not record[0].strip(" \t")):
                    continue
                if not out:
                    out.append([h.strip().lower() for h in record] + [LINE_COLUMN])
                elif len(record) != len(out[0]) - 1:
                    # kept: the line, and the NHS number as given (an opted-out patient's
                    # malformed row is dropped by casefind too, not reported)
                    at = out[0].index("nhs_number") if "nhs_number" in out[0] else None
                    person = record[at] if at is not None and at < len(record) else ""
                    dropped.setdefault(name, {})[str(start)] = person
                else:
                    out.append(record + [str(start)])
        with open(os.path.join(dst, name + ".csv"), "w", newline="", encoding="utf-8") as fh:
            # every field quoted: Python quotes a field holding a lone CR only when CR is in
            # the line terminator, and PostgreSQL refuses an unquoted one
            csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(out)
    return dropped


def folder_digest(folder):
    h = hashlib.sha256()
    for name in sorted(CONTRACT):
        path = os.path.join(folder, name + ".csv")
        h.update(name.encode())
        if os.path.exists(path):
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
        else:
            h.update(b"-missing-")
    return h.hexdigest()


def read_csv_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return (rows[0], rows[1:]) if rows else ([], [])


# ------------------------------------------------------------------------------ engines

class EngineError(Exception):
    pass


class DuckDB:
    name = "duckdb"

    def __init__(self, work):
        self.work = work

    def start(self):
        import duckdb
        self.con = duckdb.connect()
        self.con.execute("SET threads = 2")
        self.version = duckdb.__version__

    def load(self, tables):
        for t in tables.values():
            self.con.execute(f"DROP TABLE IF EXISTS {qident(t.name)}")
            if t.path is None:
                cols = ", ".join(f"{qident(c)} VARCHAR" for c in t.columns)
                self.con.execute(f"CREATE TABLE {qident(t.name)} ({cols})")
                continue
            columns = "{" + ", ".join(f"{qstr(c)}: 'VARCHAR'" for c in t.file_cols) + "}"
            self.con.execute(
                f"CREATE TABLE {qident(t.name)} AS SELECT * FROM read_csv({qstr(t.path)},"
                f" header = true, all_varchar = true, delim = ',', quote = '\"',"
                f" escape = '\"', columns = {columns}, auto_detect = false)")
            for c in t.add_cols:
                self.con.execute(f"ALTER TABLE {qident(t.name)} ADD COLUMN {qident(c)} VARCHAR")

    def run(self, query, out_csv):
        self.con.execute(f"COPY (\n{strip_query(query)}\n) TO {qstr(out_csv)}"
                         " (FORMAT csv, HEADER true, DELIMITER ',')")
        return read_csv_rows(out_csv)

    def stop(self):
        con = getattr(self, "con", None)
        if con is not None:
            con.close()
            self.con = None


class Postgres:
    name = "postgres"
    PORT = 54329

    def __init__(self, work):
        self.work = work
        self.started = False

    def bindir(self):
        cands = sorted((d for d in os.listdir("/usr/lib/postgresql")
                        if os.path.exists(f"/usr/lib/postgresql/{d}/bin/initdb")),
                       key=lambda v: [int(x) for x in re.findall(r"\d+", v)] or [0])
        if not cands:
            raise EngineError("no /usr/lib/postgresql/*/bin/initdb (run Tests/sql/setup.sh)")
        return f"/usr/lib/postgresql/{cands[-1]}/bin"

    def as_owner(self, argv):
        return (["runuser", "-u", "postgres", "--"] + argv) if os.getuid() == 0 else argv

    def sh(self, argv, **kw):
        p = subprocess.run(self.as_owner(argv), cwd=self.root, capture_output=True, text=True, **kw)
        if p.returncode != 0:
            raise EngineError(f"{' '.join(argv[:2])} exited {p.returncode}: "
                              f"{(p.stdout + p.stderr).strip()[-2000:]}")
        return p

    def start(self):
        if not os.path.isdir("/usr/lib/postgresql"):
            raise EngineError("PostgreSQL is not installed (run Tests/sql/setup.sh)")
        self.bin = self.bindir()
        if shutil.which("psql") is None:
            raise EngineError("psql is not on PATH (install postgresql-client)")
        root = os.path.join(self.work, "pg")
        stale = os.path.join(root, "data")
        if os.path.exists(os.path.join(stale, "postmaster.pid")):
            # a server left running by an earlier run that was killed: stop it first
            subprocess.run(self.as_owner([f"{self.bin}/pg_ctl", "-D", stale, "-m", "immediate",
                                          "-w", "stop"]), cwd="/", capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        # the socket path must fit in sun_path (107 bytes), and the server's user must be able
        # to reach the folder: otherwise use a short private folder under /tmp
        if len(root) > 80 or (os.getuid() == 0 and not self.reachable_by_postgres(root)):
            shutil.rmtree(root, ignore_errors=True)
            root = tempfile.mkdtemp(prefix="casefind-pg-")
        self.root = root
        self.data = os.path.join(root, "data")
        self.sock = os.path.join(root, "sock")
        os.makedirs(self.sock)
        if os.getuid() == 0:
            shutil.chown(root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self.sh([f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
        opts = (f"-c listen_addresses='' -k {self.sock} -p {self.PORT} -c fsync=off"
                " -c synchronous_commit=off -c full_page_writes=off")
        self.sh([f"{self.bin}/pg_ctl", "-D", self.data, "-l", os.path.join(root, "server.log"),
                 "-o", opts, "-w", "-t", "60", "start"])
        self.started = True
        atexit.register(self.stop)
        self.env = dict(os.environ, PGHOST=self.sock, PGPORT=str(self.PORT), PGUSER="postgres",
                        PGDATABASE="postgres", PGCLIENTENCODING="UTF8")
        self.version = "PostgreSQL " + self.psql_text("SHOW server_version").strip()

    @staticmethod
    def reachable_by_postgres(path):
        p = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", path],
                           capture_output=True)
        return p.returncode == 0

    def psql(self, script, out=None):
        path = os.path.join(self.work, "psql-script.sql")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(script)
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path]
        if out:
            argv += ["-o", out]
        p = subprocess.run(argv, env=self.env, capture_output=True, text=True)
        if p.returncode != 0:
            raise EngineError(f"psql exited {p.returncode}: {p.stderr.strip()[-3000:]}")
        return p.stdout

    def psql_text(self, sql):
        p = subprocess.run(["psql", "-X", "-A", "-t", "-c", sql], env=self.env,
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise EngineError(p.stderr.strip())
        return p.stdout

    def load(self, tables):
        lines = ["SET client_min_messages = warning;"]
        for t in tables.values():
            lines.append(f"DROP TABLE IF EXISTS {qident(t.name)};")
            lines.append(f"CREATE TABLE {qident(t.name)} ("
                         + ", ".join(f"{qident(c)} TEXT" for c in t.file_cols) + ");")
            if t.path is not None:
                lines.append(f"\\copy {qident(t.name)} FROM {qstr(t.path)}"
                             " WITH (FORMAT csv, HEADER true)")
            for c in t.add_cols:
                lines.append(f"ALTER TABLE {qident(t.name)} ADD COLUMN {qident(c)} TEXT;")
            lines.append(f"ANALYZE {qident(t.name)};")
        self.psql("\n".join(lines) + "\n")

    def run(self, query, out_csv):
        # \copy takes one line; COPY ... TO STDOUT is the same client-side export for a
        # multi-line query (psql writes it to -o)
        self.psql(f"COPY (\n{strip_query(query)}\n) TO STDOUT WITH (FORMAT csv, HEADER true);\n",
                  out=out_csv)
        return read_csv_rows(out_csv)

    def stop(self):
        if self.started:
            self.started = False
            subprocess.run(self.as_owner([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast",
                                          "-w", "stop"]),
                           cwd=self.root, capture_output=True)


class Spark:
    name = "spark"

    def __init__(self, work, extra_conf=None):
        self.work = work
        self.spark = None
        self.extra_conf = extra_conf or {}

    def start(self):
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise EngineError("no `java` on PATH and no JAVA_HOME (run Tests/sql/setup.sh)")
        from pyspark.sql import SparkSession
        props = os.path.join(self.work, "log4j2.properties")
        with open(props, "w") as fh:
            fh.write("rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
                     "appender.console.type = Console\nappender.console.name = console\n"
                     "appender.console.target = SYSTEM_ERR\n"
                     "appender.console.layout.type = PatternLayout\n"
                     "appender.console.layout.pattern = spark: %p %c{1}: %m%n%ex\n"
                     # pyspark prints "Setting default log level" unless the REPL logger's
                     # level equals the root logger's
                     "logger.repl.name = org.apache.spark.repl.Main\n"
                     "logger.repl.level = error\n")
        # C1 only: these are short runs, the JIT's second tier costs more than it gives (and
        # C1 alone gets a 48 MB code cache by default, which these plans fill)
        java_opts = (f"-Dlog4j.configurationFile=file:{props}"
                     f" -Dlog4j2.configurationFile=file:{props}"
                     " -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m")
        conf = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.extraJavaOptions": java_opts,
            # Execution strategy only (the results cannot depend on it): on a few thousand
            # rows, Spark's per-job and code-generation overheads dominate, and these settings
            # cut a query from ~10 s to ~3 s. SQL semantics (ANSI mode etc.) stay the defaults.
            "spark.sql.shuffle.partitions": "1",
            "spark.sql.adaptive.enabled": "false",
            "spark.sql.autoBroadcastJoinThreshold": "-1",
            "spark.sql.codegen.wholeStage": "false",
            "spark.local.dir": os.path.join(self.work, "spark-tmp"),
            "spark.sql.warehouse.dir": os.path.join(self.work, "spark-wh"),
        }
        for k, v in self.extra_conf.items():
            conf[k] = (conf[k] + " " + v) if k == "spark.driver.extraJavaOptions" else v
        builder = SparkSession.builder.master("local[2]").appName("casefind-sql-check")
        for k, v in conf.items():
            builder = builder.config(k, v)
        # the JVM inherits stderr: send its start-up chatter to a log file, not the console
        saved = os.dup(2)
        with open(os.path.join(self.work, "spark-jvm.log"), "ab") as log_fh:
            os.dup2(log_fh.fileno(), 2)
            try:
                self.spark = builder.getOrCreate()
            finally:
                os.dup2(saved, 2)
                os.close(saved)
        self.spark.sparkContext.setLogLevel("ERROR")
        self.version = self.spark.version

    def load(self, tables):
        from pyspark.sql import functions as F
        from pyspark.sql.types import StringType, StructField, StructType
        for t in tables.values():
            if t.path is None:
                schema = StructType([StructField(c, StringType(), True) for c in t.columns])
                df = self.spark.createDataFrame([], schema)
            else:
                df = (self.spark.read.option("header", True).option("inferSchema", False)
                      .option("multiLine", True).option("quote", '"').option("escape", '"')
                      .option("encoding", "UTF-8").csv(t.path))
                if len(df.columns) != len(t.file_cols):
                    raise EngineError(f"spark read {len(df.columns)} columns from {t.path},"
                                      f" the header has {len(t.file_cols)}")
                df = df.toDF(*t.file_cols)
                for c in t.add_cols:
                    df = df.withColumn(c, F.lit(None).cast(StringType()))
            df.createOrReplaceTempView(t.name)

    def run(self, query, out_csv):
        from pyspark.sql import functions as F
        df = self.spark.sql(strip_query(query))
        cols = df.columns
        # the engine's own text rendering of every value
        rows = df.select([F.col(f"`{c}`").cast("string") for c in cols]).collect()
        body = [["" if v is None else v for v in r] for r in rows]
        with open(out_csv, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(cols)
            w.writerows(body)
        return cols, body

    def stop(self):
        if self.spark is not None:
            self.spark.stop()
            self.spark = None


ENGINE_CLASSES = {"duckdb": DuckDB, "postgres": Postgres, "spark": Spark}


# ------------------------------------------------------------------------------ comparing

# ------------------------------------------------------------------------------ the run

class Checker:
    def __init__(self, args, engines, work):
        self.a = args
        self.engines = engines          # name -> started engine object
        self.work = work
        self.results = []               # (engine, dataset, criteria, status, detail)
        self.failed = False
        self.sql_cache = {}
        self.loaded = {}                # engine -> digest of the folder loaded
        self.reject_counts = []         # per engine and dataset: the query's rows per table

    def sh(self, argv, what):
        p = subprocess.run(argv, capture_output=True, text=True)
        if p.returncode != 0:
            raise EngineError(f"{what} exited {p.returncode}: "
                              f"{(p.stderr or p.stdout).strip()[-3000:]}")
        return p

    def sql_for(self, criteria, dialect, as_of, n_diag, part="cases", cleared=False, mapping=None):
        key = (criteria, dialect, as_of, n_diag, part, cleared, mapping)
        if key not in self.sql_cache:
            argv = [self.a.casefind, "sql", "--criteria", criteria, "--dialect", dialect,
                    "--as-of", as_of, "--diagnosis-columns", str(n_diag),
                    "--line-column", LINE_COLUMN, "--part", part]
            if cleared:
                argv += ["--ndoo-cleared", "ndoo_cleared"]
            if mapping:
                argv += ["--mapping", mapping]
            p = subprocess.run(argv, capture_output=True, text=True, cwd=REPO)
            if p.returncode != 0:
                raise EngineError(f"`{' '.join(argv)}` exited {p.returncode}: "
                                  f"{(p.stderr or p.stdout).strip()[-2000:]}")
            self.sql_cache[key] = p.stdout
        return self.sql_cache[key]

    def record(self, engine, dataset, crit, problems, n_rows, elapsed, replay):
        label = f"{engine:<8} {dataset:<24} {crit:<14}"
        if problems:
            self.failed = True
            what = (problems[0].splitlines()[0][:120] if problems[0].startswith("ERROR")
                    else f"{len(problems)} differing row(s) of {n_rows} returned")
            log(f"DIFF {label} {what} ({elapsed:.1f} s)")
            shown = problems[:self.a.max_diffs] if self.a.max_diffs else problems
            for p in shown:
                log("     " + p)
            if len(shown) < len(problems):
                log(f"     ... and {len(problems) - len(shown)} more")
            log(f"     replay: {replay}")
            self.results.append((engine, dataset, crit, "DIFF", what))
        else:
            log(f"OK   {label} {n_rows} rows ({elapsed:.1f} s)")
            self.results.append((engine, dataset, crit, "OK", f"{n_rows} rows"))

    def check_engine(self, engine, dataset, crit, extracts, as_of, expected, crit_path, replay,
                     out_dir, rejects_csv, source="casefind", cleared=None, mapping=None):
        attrition_csv = os.path.join(os.path.dirname(rejects_csv), "attrition.csv")
        t0 = time.monotonic()
        try:
            load_dir = os.path.join(out_dir, "load")
            dropped_file = os.path.join(load_dir, "dropped.json")
            if not os.path.exists(dropped_file):
                dropped = canonical_copy(extracts, load_dir, cleared)
                with open(dropped_file, "w") as fh:
                    json.dump(dropped, fh)
            with open(dropped_file) as fh:
                dropped = json.load(fh)
            shape = mapped_shape(mapping)
            tables, n_diag = (layout(load_dir, mapped.DIAG_PREFIX[shape], mapped.TABLES[shape])
                              if shape else layout(load_dir))
            sql = self.sql_for(crit_path, engine, as_of, n_diag, cleared=bool(cleared),
                               mapping=mapping)
            eng = self.engines[engine]
            digest = folder_digest(load_dir)
            if self.loaded.get(engine) != digest:
                eng.load(tables)
                self.loaded[engine] = digest
            with open(os.path.join(out_dir, f"{engine}.sql"), "w", encoding="utf-8") as fh:
                fh.write(sql)
            cols, rows = eng.run(sql, os.path.join(out_dir, f"{engine}-result.csv"))
            problems = compare(cols, rows, expected, source)
            n = len(rows)
            rejects_sql = self.sql_for(crit_path, engine, as_of, n_diag, part="rejects",
                                       cleared=bool(cleared), mapping=mapping)
            with open(os.path.join(out_dir, f"{engine}-rejects.sql"), "w", encoding="utf-8") as fh:
                fh.write(rejects_sql)
            rcols, rrows = eng.run(rejects_sql, os.path.join(out_dir, f"{engine}-rejects.csv"))
            more, counts = compare_rejects(rcols, rrows, rejects_csv, dropped,
                                           opted_out(extracts, cleared), source)
            problems += more
            self.reject_counts.append(f"{engine} {dataset} {crit}: {counts}")
            attrition_sql = self.sql_for(crit_path, engine, as_of, n_diag, part="attrition",
                                         cleared=bool(cleared), mapping=mapping)
            with open(os.path.join(out_dir, f"{engine}-attrition.sql"), "w", encoding="utf-8") as fh:
                fh.write(attrition_sql)
            acols, arows = eng.run(attrition_sql, os.path.join(out_dir, f"{engine}-attrition.csv"))
            problems += compare_attrition(acols, arows, expected_attrition(attrition_csv), source)
        except Exception as e:  # an engine error is a failure of this combination
            self.loaded.pop(engine, None)
            msg = str(e).strip() or repr(e)
            if not isinstance(e, EngineError):
                msg = f"{type(e).__name__}: {msg[:3000]}"
            problems, n = [f"ERROR: {msg}"], 0
        self.record(engine, dataset, crit, problems, n, time.monotonic() - t0, replay)

    def replay(self, engine, dataset, crit):
        parts = [sys.executable, os.path.relpath(__file__, REPO), "--casefind", self.a.casefind,
                 "--engines", engine, "--criteria", crit, "--no-independent"]
        if dataset in ("sample", "edges"):
            parts += ["--seeds", ""]
        else:
            m = re.match(r"(?:seed|hes|sus)(\d+)@(.*)", dataset)
            parts += ["--no-sample", "--seeds", m.group(1), "--dates", m.group(2),
                      "--patients", str(self.a.patients)]
        return " ".join(shlex.quote(p) for p in parts)

    def dataset(self, name, extracts, as_of, cleared=None, mapping=None):
        ddir = os.path.join(self.work, name.replace("@", "-"))
        for crit_path in self.a.criteria:
            crit = os.path.splitext(os.path.basename(crit_path))[0]
            cdir = os.path.join(ddir, crit)
            shutil.rmtree(cdir, ignore_errors=True)
            os.makedirs(cdir)
            out = os.path.join(cdir, "run")
            try:
                self.sh([self.a.casefind, "run", "--extracts", extracts, "--criteria",
                         os.path.join(REPO, crit_path), "--as-of", as_of, "--out", out,
                         # the default opt-out policy, as the query's
                         "--quiet"] + (["--ndoo-cleared", cleared] if cleared else [])
                        + (["--mapping", mapping] if mapping else []), "casefind run")
                expected = expected_cases(os.path.join(out, "cases.csv"))
            except EngineError as e:
                self.dataset_failed(name, crit, str(e), "casefind run failed")
                continue
            if crit_path == ESSEX and not expected:
                self.dataset_failed(
                    name, crit, "casefind found 0 patients for essex: the comparison would be vacuous",
                    "0 case-found rows")
            for engine in self.engines:
                self.check_engine(engine, name, crit, extracts, as_of, expected, crit_path,
                                  self.replay(engine, name, crit_path), cdir,
                                  os.path.join(out, "rejects.csv"), cleared=cleared,
                                  mapping=mapping)

    def dataset_failed(self, name, crit, detail, summary):
        """A dataset that could not be compared at all (no engine involved): logged, summarised, failed."""
        self.failed = True
        log(f"FAIL {'-':<8} {name:<24} {crit:<14} {detail}")
        self.results.append(("-", name, crit, "FAIL", summary))

    def independent(self, seed):
        rng = random.Random(seed)
        specials = ["2028-02-29", "2027-02-28", "2028-03-01", "2026-12-31", "2027-01-01"]
        if rng.random() < 0.5:
            second = rng.choice(specials)
        else:
            second = (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))).isoformat()
        log(f"independent check: seed {seed}, {INDEPENDENT_PATIENTS} patients, "
            f"as-of 2026-11-22 and {second}")
        replay = " ".join(shlex.quote(p) for p in [
            sys.executable, os.path.relpath(__file__, REPO), "--casefind", self.a.casefind,
            "--independent-only", "--independent-seed", str(seed)])
        log(f"  replay: {replay}")
        for as_of in ["2026-11-22", second]:
            name = f"indep{seed}@{as_of}"
            ddir = os.path.join(self.work, name.replace("@", "-"))
            shutil.rmtree(ddir, ignore_errors=True)
            ex, ref = (os.path.join(ddir, x) for x in ("extracts", "reference"))
            try:
                self.sh([sys.executable, GENERATE, "--seed", str(seed), "--patients",
                         str(INDEPENDENT_PATIENTS), "--as-of", as_of, "--out", ex], "generate.py")
                self.sh([sys.executable, REFERENCE, "--extracts", ex, "--as-of", as_of,
                         "--out", ref], "reference.py")
                expected = expected_cases(os.path.join(ref, "cases.csv"))
            except EngineError as e:
                self.dataset_failed(name, "essex-2005", str(e), str(e)[:80])
                continue
            if not expected:
                self.dataset_failed(name, "essex-2005", "the reference found 0 patients", "0 case-found rows")
            self.check_engine("duckdb", name, "essex-2005", ex, as_of, expected, ESSEX,
                              replay, ddir, os.path.join(ref, "rejects.csv"), source="reference")


def parse_list(s):
    return [x.strip() for x in s.split(",") if x.strip()]


def main():
    # SIGTERM (a test runner's time-out) unwinds like Ctrl-C, so the servers are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--casefind", required=True, help="the casefind binary")
    ap.add_argument("--engines", default=",".join(ALL_ENGINES))
    ap.add_argument("--criteria", default="criteria/essex-2005.yaml,criteria/evercare.yaml,"
                                          "criteria/castlefields.yaml")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--patients", type=int, default=1500)
    ap.add_argument("--dates", default="2026-11-22,2028-02-29")
    ap.add_argument("--work", help="work folder (default: a new one under /tmp; kept)")
    ap.add_argument("--independent-seed", type=int,
                    help="seed of the independent check (default: from the clock)")
    ap.add_argument("--no-sample", action="store_true",
                    help="leave out sample-extracts/ and Tests/sql/edges/")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--no-independent", action="store_true", help="leave out the independent check")
    g.add_argument("--independent-only", action="store_true", help="only the independent check")
    ap.add_argument("--max-diffs", type=int, default=0,
                    help="print at most N differing rows per comparison (default 0: all)")
    a = ap.parse_args()
    t_start = time.monotonic()

    a.casefind = os.path.abspath(a.casefind)
    if not os.access(a.casefind, os.X_OK):
        ap.error(f"--casefind {a.casefind} is not an executable")
    a.criteria = [os.path.relpath(os.path.abspath(os.path.join(REPO, c)), REPO)
                  if not os.path.isabs(c) else os.path.relpath(c, REPO)
                  for c in parse_list(a.criteria)]
    if a.independent_only:
        a.criteria = []
    for c in a.criteria:
        if not os.path.exists(os.path.join(REPO, c)):
            ap.error(f"no criteria file {c}")
    engines = parse_list(a.engines)
    for e in engines:
        if e not in ALL_ENGINES:
            ap.error(f"unknown engine {e} (known: {', '.join(ALL_ENGINES)})")
    env = os.environ.get("CASEFIND_SQL_ENGINES")
    if env is not None:
        allowed = parse_list(env)
        left = [e for e in engines if e not in allowed]
        engines = [e for e in engines if e in allowed]
        log(f"CASEFIND_SQL_ENGINES={env}: left out {', '.join(left) or 'nothing'}"
            " (explicit opt-out)")
    if a.independent_only:
        engines = ["duckdb"]
    try:
        seeds = [int(s) for s in parse_list(a.seeds)]
        dates = [dt.date.fromisoformat(d).isoformat() for d in parse_list(a.dates)]
    except ValueError as e:
        ap.error(str(e))
    indep_seed = a.independent_seed
    if indep_seed is None:
        indep_seed = int(time.time() * 1000) % 1_000_000_007
    do_indep = not a.no_independent
    if do_indep and "duckdb" not in engines:
        log("independent check left out: it runs on duckdb, which is not among the engines")
        do_indep = False

    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="casefind-sql-")
    os.makedirs(work, exist_ok=True)
    log(f"work folder: {work}")
    log(f"casefind: {a.casefind}")

    started = {}
    unavailable = []
    ran_indep = False
    try:
        for name in engines:
            t0 = time.monotonic()
            eng = ENGINE_CLASSES[name](work)
            try:
                eng.start()
                started[name] = eng
                log(f"engine {name}: {getattr(eng, 'version', '?')}"
                    f" (started in {time.monotonic() - t0:.1f} s)")
            except Exception as e:
                why = str(e).strip().splitlines()[0] if str(e).strip() else repr(e)
                unavailable.append((name, why))
                log("!" * 78)
                log(f"ENGINE UNAVAILABLE: {name}: {why}")
                log("!" * 78)
                try:
                    eng.stop()
                except Exception:
                    pass
        chk = Checker(a, started, work)
        if started:
            datasets = []
            if not a.independent_only:
                for s in seeds:
                    for d in dates:
                        datasets.append((f"seed{s}@{d}", s, d))
            for name, s, d in datasets:
                ex = os.path.join(work, name.replace("@", "-"), "extracts")
                shutil.rmtree(ex, ignore_errors=True)
                # an even seed adds the governance material: opt_outs.csv and more, and the
                # national service's cleared list (outside the extracts, as it is delivered)
                cleared = (os.path.join(work, name.replace("@", "-"), "ndoo-cleared.dat")
                           if s % 2 == 0 else None)
                chk.sh([sys.executable, GENERATE, "--seed", str(s), "--patients",
                        str(a.patients), "--as-of", d, "--out", ex]
                       + (["--governance", "--ndoo-cleared", cleared] if cleared else []),
                       "generate.py")
                chk.dataset(name, ex, d, cleared)
                for shape, at in (("hes", dates[0]), ("sus", dates[-1])):
                    if s % 2 == 1 and d == at:
                        # the same rows warehouse-shaped, read through a column mapping
                        # (mapped.py): HES-style (renamed columns, a composite spell key,
                        # other date formats, declared missing values, another table name)
                        # or SUS-style (a diagnosis list column, opaque person keys)
                        mex = os.path.join(work, f"{shape}{s}-{d}", "extracts")
                        chk.dataset(f"{shape}{s}@{d}", mex, d,
                                    mapping=mapped.mapped_copy(ex, mex, shape))
            if not a.no_sample and not a.independent_only and a.criteria:
                chk.dataset("sample", SAMPLE, SAMPLE_AS_OF)
                chk.dataset("edges", EDGES, SAMPLE_AS_OF)
            if do_indep and "duckdb" in started:
                chk.independent(indep_seed)
                ran_indep = True
    except KeyboardInterrupt:
        raise
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        for eng in started.values():
            try:
                eng.stop()
            except Exception as e:
                log(f"stopping {eng.name}: {e}")

    log("")
    log("the rejects queries' rows per table:")
    for line in chk.reject_counts:
        log("  " + line)
    log("")
    log("summary:")
    for engine, dataset, crit, status, detail in chk.results:
        log(f"  {status:<4} {engine:<8} {dataset:<24} {crit:<14} {detail}")
    for name, why in unavailable:
        log(f"  ENGINE UNAVAILABLE: {name}: {why}")
    n_ok = sum(1 for r in chk.results if r[3] == "OK")
    n_bad = len(chk.results) - n_ok + len(unavailable)
    log(f"{n_ok} passed, {n_bad} failed"
        f" ({time.monotonic() - t_start:.0f} s; independent seed {indep_seed if do_indep else '-'})")
    return 1 if (chk.failed or unavailable or not chk.results) else 0


if __name__ == "__main__":
    sys.exit(main())
