#!/usr/bin/env python3
"""Runs the queries `casefind sql --dialect spark` wrote, on Spark, and writes what they return
as files for the hand-back: the job to schedule on Databricks (or any Spark 3.4+).

    casefind sql --criteria C --dialect spark --part cases     --line-column line_number --out Q/cases.sql
    casefind sql --criteria C --dialect spark --part attrition --line-column line_number --out Q/attrition.sql
    casefind sql --criteria C --dialect spark --part rejects   --line-column line_number --out Q/rejects.sql
    spark-submit warehouse/casefind_spark.py --queries Q --tables EXTRACTS --out OUT [--parquet]

--queries DIR   cases.sql, attrition.sql and rejects.sql, whichever are there (each run once).
--tables DIR    loads every table file of DIR as a temporary view named after it: NAME.csv,
                NAME.csv.gz, NAME.parquet (a file or a folder), or a folder NAME/ of CSV parts.
                Every column is text, its name trimmed and lower-cased. A CSV record with
                another number of fields than its header is dropped and counted (casefind
                rejects it: "record has N fields"). Without --tables the queries read the
                session's own tables (on Databricks, the current catalog and schema).
--line-column NAME  (default line_number) the column each loaded table gets, unless it has
                one: a CSV record's line in its file (from line 2, the line breaks inside
                quoted fields counted; blank lines are not seen, so number your rows at load if
                your files have them), a Parquet row's place plus one.
--conf KEY=VALUE    a Spark setting for a session this job starts (repeat; as spark-submit's).
--out DIR       cases.csv, attrition.csv, rejects.csv (RFC 4180, a header, UTF-8, every value
                as Spark renders it as text) and load.csv (per table: records kept and dropped);
                with --parquet, cases.parquet/ and the others as well. Made 0700, files 0600.

Exit status 0 when every query ran; 1 when one failed (the message names it); 2 on bad usage.
"""
import argparse
import csv
import glob
import os
import sys

PARTS = ["cases", "attrition", "rejects"]


def table_files(folder):
    """{view name: (format, path)} for the table files of a folder."""
    found = {}
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        base = os.path.basename(path)
        for suffix, fmt in ((".csv.gz", "csv"), (".csv", "csv"), (".parquet", "parquet")):
            if base.endswith(suffix) and len(base) > len(suffix):
                found[base[: -len(suffix)]] = (fmt, path)
                break
        else:
            if os.path.isdir(path) and glob.glob(os.path.join(path, "*.csv*")):
                found[base] = ("csv", path)
    return found


def load_csv(spark, name, path, line_column):
    """One CSV table (a file or a folder of parts) as text columns with their line; returns the
    view and the records kept and dropped."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    reader = (spark.read.option("header", True).option("inferSchema", False).option("multiLine", True)
              .option("quote", '"').option("escape", '"').option("encoding", "UTF-8"))
    header = reader.csv(path).columns
    names = [h.strip().lower() for h in header]
    schema = StructType([StructField(h, StringType(), True) for h in header]
                        + [StructField("_casefind_bad", StringType(), True)])
    df = (reader.schema(schema).option("mode", "PERMISSIVE")
          .option("columnNameOfCorruptRecord", "_casefind_bad").csv(path))
    # a file is one partition when read multiLine: the id grows in file order within it
    order = Window.partitionBy("_casefind_file").orderBy("_casefind_id")
    before = order.rowsBetween(Window.unboundedPreceding, -1)

    def breaks(c):
        return F.coalesce(F.length(c) - F.length(F.regexp_replace(c, "\n", "")), F.lit(0))
    # the lines a record takes: one, and one more per line break in its fields (a malformed
    # record's: in its raw text)
    lines = F.when(F.col("_casefind_bad").isNotNull(), breaks(F.col("_casefind_bad")) + 1).otherwise(
        sum((breaks(F.col(f"`{h}`")) for h in header), F.lit(0)) + 1)
    df = (df.withColumn("_casefind_file", F.input_file_name())
          .withColumn("_casefind_id", F.monotonically_increasing_id())
          .withColumn("_casefind_lines", lines)
          .withColumn(line_column,
                      (F.coalesce(F.sum("_casefind_lines").over(before), F.lit(0)) + 2).cast("string"))
          .cache())
    bad = df.filter(F.col("_casefind_bad").isNotNull()).count()
    kept = df.filter(F.col("_casefind_bad").isNull()).select([F.col(f"`{h}`") for h in header] + [F.col(line_column)])
    kept = kept.toDF(*(names + [line_column]))
    if line_column in names:
        raise SystemExit(f"casefind_spark: {path} has a column {line_column} already: load it as Parquet, or choose --line-column")
    kept.createOrReplaceTempView(name)
    return kept.count(), bad


def load_parquet(spark, name, path, line_column):
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    df = spark.read.parquet(path)
    df = df.select([F.col(f"`{c}`").cast("string").alias(c.strip().lower()) for c in df.columns])
    if line_column not in df.columns:
        df = df.withColumn(line_column, (F.row_number().over(Window.orderBy(F.monotonically_increasing_id())) + 1)
                           .cast("string"))
    df.createOrReplaceTempView(name)
    return df.count(), 0


def strip_query(sql):
    """The query without its trailing `;` (spark.sql takes one statement)."""
    text = sql.strip()
    return text[:-1] if text.endswith(";") else text


def write_csv(df, path):
    """The rows, every value as Spark's text, to one CSV file (collected: the parts are small
    next to the extracts: a case list, a funnel, the rejects)."""
    from pyspark.sql import functions as F
    cols = df.columns
    rows = df.select([F.col(f"`{c}`").cast("string") for c in cols]).toLocalIterator()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        n = 0
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
            n += 1
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", required=True)
    ap.add_argument("--tables")
    ap.add_argument("--out", required=True)
    ap.add_argument("--line-column", default="line_number")
    ap.add_argument("--parquet", action="store_true")
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE")
    a = ap.parse_args(argv)
    queries = {p: os.path.join(a.queries, p + ".sql") for p in PARTS
               if os.path.exists(os.path.join(a.queries, p + ".sql"))}
    if not queries:
        ap.error(f"{a.queries} holds none of {', '.join(p + '.sql' for p in PARTS)}")
    tables = table_files(a.tables) if a.tables else {}
    if a.tables and not tables:
        ap.error(f"{a.tables} holds no table files (NAME.csv, NAME.csv.gz, NAME.parquet, NAME/)")

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("casefind").config("spark.ui.showConsoleProgress", "false")
    for kv in a.conf:
        key, eq, value = kv.partition("=")
        if not eq:
            ap.error(f"--conf {kv}: expected KEY=VALUE")
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    os.makedirs(a.out, mode=0o700, exist_ok=True)
    os.chmod(a.out, 0o700)
    loads = []
    for name, (fmt, path) in sorted(tables.items()):
        kept, dropped = (load_csv(spark, name, path, a.line_column) if fmt == "csv"
                         else load_parquet(spark, name, path, a.line_column))
        loads.append([name, os.path.basename(path), kept, dropped])
        print(f"casefind_spark: {name}: {kept} records kept, {dropped} dropped for their field count",
              file=sys.stderr)
    if loads:
        fd = os.open(os.path.join(a.out, "load.csv"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["table", "file", "kept", "dropped_field_count"])
            w.writerows(loads)
    status = 0
    for part, path in queries.items():
        with open(path, encoding="utf-8") as fh:
            sql = fh.read()
        try:
            df = spark.sql(strip_query(sql))
            if a.parquet:
                # computed once: the CSV file is written from the Parquet copy
                target = os.path.join(a.out, part + ".parquet")
                df.write.mode("overwrite").parquet(target)
                df = spark.read.parquet(target)
            n = write_csv(df, os.path.join(a.out, part + ".csv"))
            print(f"casefind_spark: {part}: {n} rows", file=sys.stderr)
        except Exception as e:  # the query named, the engine's own message kept
            print(f"casefind_spark: {part} ({path}) failed: {str(e).strip()[:2000]}", file=sys.stderr)
            status = 1
    spark.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
