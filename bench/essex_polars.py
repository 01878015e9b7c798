#!/usr/bin/env python3
"""The Essex 2005 search (criteria/essex-2005.yaml) in Polars, the benchmark's second peer.

    essex_polars.py --extracts DIR --as-of YYYY-MM-DD --out CASES.csv [--threads 2]
                    [--engine streaming|in-memory]

Written from the contract (docs/criteria.md "What the criteria mean", docs/extracts.md,
docs/architecture.md "Choices made where the contract is silent"), as bench/essex.sql was, and
not from casefind's code. Like the SQL it implements the search on CLEAN extracts (bench/run.sh
strips the rows casefind rejects first): no row validation (Modulus 11, field counts, unreadable
dates, duplicate spine rows, malformed BNF codes), no opt-outs, risk scoring or allocation.
Field-level readings are implemented: trimming, NHS numbers with spaces or hyphens, sentinel
dates read as missing, HES codes longer than 4 characters read as blank, ICD-10 normalisation
and validation, case-insensitive codes and headers.

One lazy query: every file is read with pl.scan_csv (every column a string), the search is
expressions, joins and group-bys, and it is collected once, by default with the streaming
engine (--engine in-memory for the other one). The case list (nhs_number, priority, criteria,
frailty_codes, admissions, distinct_drugs, care_home, nominated, age, locality; one row per
case-found patient, sorted by nhs_number) is written to CASES.csv. Prints the number of cases
and the seconds spent in Polars to stderr. --threads sets POLARS_MAX_THREADS, which Polars reads
when it is imported, so it is set before the import.
"""
import argparse
import calendar
import datetime as dt
import os
import sys
import time

# Contract columns the search reads from each file; a missing optional file or column reads as
# empty (null).
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

# The Essex codes and thresholds, written in as the SQL writes them (the criteria file is not
# read).
MIN_AGE = 65
NOT_ADMISSIONS_CLASSPAT = ["3", "4"]
TRANSFER_METHODS = ["2B", "81"]
TRANSFER_SOURCES = ["51", "52", "53"]
MAX_GAP_DAYS = 3
CARE_HOME_CODES = ["54", "55", "56", "65", "85"]
MIN_ADMISSIONS = 2
MIN_DISTINCT = 5
DRUG_WINDOW_DAYS = 84
SENTINEL_BEFORE = dt.date(1890, 1, 1)
# Runs of consecutive spells discharged before they were admitted that the continuous-stay
# walk is unrolled for (see stays() below); a longer run stops the script rather than guess.
INVERTED_RUN_LIMIT = 3

def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extracts", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--engine", choices=["streaming", "in-memory"], default="streaming")
    return ap.parse_args()


A = parse_args()
os.environ["POLARS_MAX_THREADS"] = str(A.threads)
import polars as pl  # noqa: E402  (after POLARS_MAX_THREADS)


# ------------------------------------------------------------------ readings

def trimmed(name):
    """A field with surrounding spaces and tabs removed; blank reads as null."""
    s = pl.col(name).str.strip_chars(" \t")
    return pl.when(s == "").then(None).otherwise(s)


def day(name):
    """A required date (on clean data present, YYYY-MM-DD, never a sentinel)."""
    return trimmed(name).str.to_date("%Y-%m-%d")


def optional_date(name):
    """An optional date: blank, or before 1890-01-01 (a HES/SUS sentinel), is missing."""
    d = day(name)
    return pl.when(d >= SENTINEL_BEFORE).then(d)


def nhs(name="nhs_number"):
    """NHS numbers as digits: spaces and hyphens dropped."""
    return trimmed(name).str.replace_all(r"[ \-]", "")


def hes(name):
    """A HES code: upper case; blank or longer than 4 characters reads as ''."""
    s = trimmed(name).str.to_uppercase().fill_null("")
    return pl.when(s.str.len_chars() > 4).then(pl.lit("")).otherwise(s)


def icd10(expr):
    """Normalised ICD-10 code, or null when the field is not one: upper case, '.' and spaces
    dropped, trailing non-alphanumerics (daggers, asterisks, '-') dropped, an X filler in the
    fourth place dropped; then it must be a letter, two digits or a digit and an alphanumeric,
    and at most 4 more alphanumerics."""
    c = (expr.str.strip_chars(" \t").str.to_uppercase()
         .str.replace_all(r"[. ]", "")
         .str.replace(r"[^A-Z0-9]+$", "")
         .str.replace(r"^(.{3})X", "${1}"))
    return pl.when(c.str.contains(r"^[A-Z][0-9][0-9A-Z][A-Z0-9]{0,4}$")).then(c)


def scan(folder, name):
    """The file as a LazyFrame of strings with lower-case column names (headers match
    case-insensitively), holding at least the contract columns the search reads (missing
    ones null). Admissions also keep their diag_NN columns."""
    path = os.path.join(folder, name + ".csv")
    cols = COLUMNS[name]
    if not os.path.exists(path):
        if name in REQUIRED_FILES:
            sys.exit(f"essex_polars.py: {path} is missing")
        # "no such data"
        return pl.LazyFrame(schema={c: pl.String for c in cols})
    lf = pl.scan_csv(path, infer_schema=False, quote_char='"', separator=",",
                     with_column_names=lambda hs: [h.lstrip("\ufeff").strip(" \t").lower()
                                                   for h in hs])
    have = lf.collect_schema().names()   # reads the header only
    keep = [c for c in cols if c in have]
    if name == "admissions":
        keep += [h for h in have if h.startswith("diag_") and h[5:].isdigit()]
    lf = lf.select(keep)
    missing = [c for c in cols if c not in have]
    if missing:
        lf = lf.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])
    return lf


def year_before(d):
    """The same calendar day a year before d, or the last day of that month."""
    y, m = d.year - 1, d.month
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


# ------------------------------------------------------------------ the search

def search(folder, as_of):
    D = as_of
    start12 = year_before(D)               # the 12 months: start12 < date <= D
    start84 = D - dt.timedelta(days=DRUG_WINDOW_DAYS)   # the 84 days: start84 < date <= D

    def in12(e):
        return (e > start12) & (e <= D)

    # The spine.
    pat = scan(folder, "patients").select(
        nhs().alias("nhs"),
        day("date_of_birth").alias("dob"),
        trimmed("gp_practice").str.to_uppercase().alias("practice"),
        optional_date("date_of_death").alias("dod"),
    )
    prac = scan(folder, "practices").select(
        trimmed("practice_code").str.to_uppercase().alias("practice"),
        trimmed("locality").alias("locality"),
    )

    # Episodes of spine patients.
    adm_raw = scan(folder, "admissions")
    diag_cols = [c for c in adm_raw.collect_schema().names()
                 if c.startswith("diag_") and c[5:].isdigit()]
    eps = adm_raw.select(
        nhs().alias("nhs"),
        trimmed("spell_id").alias("spell_id"),
        day("admission_date").alias("adm"),
        optional_date("discharge_date").alias("dis"),
        hes("admission_method").alias("method"),
        hes("patient_classification").alias("classpat"),
        hes("admission_source").alias("source"),
        hes("discharge_destination").alias("dest"),
        hes("discharge_method").alias("dismeth"),
        *diag_cols,
    ).join(pat.select("nhs"), on="nhs", how="semi")

    # Alive at D (no date_of_death on or before D, no DISMETH 4 episode discharged on or before
    # D) and 65 or over in completed years (a 29 February birthday comes on 1 March: the
    # birthday has come when month*100+day of D reaches that of the birth date).
    died_in_hospital = eps.filter((pl.col("dismeth") == "4") & (pl.col("dis") <= D)).select("nhs")
    md = D.month * 100 + D.day
    age = (pl.lit(D.year) - pl.col("dob").dt.year()
           - pl.when(md < pl.col("dob").dt.month().cast(pl.Int32) * 100
                     + pl.col("dob").dt.day().cast(pl.Int32)).then(1).otherwise(0))
    pop = (pat.filter(~(pl.col("dod") <= D).fill_null(False))
              .join(died_in_hospital, on="nhs", how="anti")
              .with_columns(age.cast(pl.Int64).alias("age"))
              .filter(pl.col("age") >= MIN_AGE)
              .select("nhs", "practice", "age"))

    # Spells: the episodes of a patient sharing a spell_id, dated by the earliest admission
    # date and discharged on the latest discharge date (none: open). A spell made only of
    # regular day/night attender episodes is not an admission; spells begun after D are outside
    # every window.
    spells = (eps.join(pop.select("nhs"), on="nhs", how="semi")
                 .group_by("nhs", "spell_id")
                 .agg(pl.col("adm").min(),
                      pl.col("dis").max(),
                      (pl.col("method").is_in(TRANSFER_METHODS)
                       | pl.col("source").is_in(TRANSFER_SOURCES)).any().alias("transfer"),
                      (pl.col("source").is_in(CARE_HOME_CODES)
                       | pl.col("dest").is_in(CARE_HOME_CODES)).any().alias("care_home"),
                      pl.col("classpat").is_in(NOT_ADMISSIONS_CLASSPAT).all().alias("attender"))
                 .filter(~pl.col("attender") & (pl.col("adm") <= D))
                 .drop("attender"))

    spells12 = spells.filter(in12(pl.col("adm")))

    # ---- 2 admissions: continuous stays dated in the window.
    stays = count_stays(spells, in12)

    # ---- 1 frailty: E86, W00-W19, K59.0, R11 (70+ only), N39.0 in any diagnosis field of any
    # episode of an admission in the window (prefix match on the normalised code; the range on
    # its first 3 characters).
    if diag_cols:
        diags = (eps.join(spells12.select("nhs", "spell_id"), on=["nhs", "spell_id"], how="semi")
                    .unpivot(index="nhs", on=diag_cols, value_name="raw")
                    .filter(pl.col("raw").is_not_null())
                    .select("nhs", icd10(pl.col("raw")).alias("code"))
                    .filter(pl.col("code").is_not_null())
                    .join(pop.select("nhs", "age"), on="nhs"))
        code = pl.col("code")
        frail = (code.str.starts_with("E86") | code.str.starts_with("K590")
                 | code.str.starts_with("N390")
                 | (code.str.starts_with("R11") & (pl.col("age") >= 70))
                 | code.str.slice(0, 3).is_between(pl.lit("W00"), pl.lit("W19")))
        c_frailty = (diags.filter(frail)
                          .group_by("nhs")
                          .agg(code.unique().sort().str.join(";").alias("frailty_codes")))
    else:
        c_frailty = pl.LazyFrame(schema={"nhs": pl.String, "frailty_codes": pl.String})

    # ---- 3 care home: a register row covering D, or a care-home code as source or destination
    # on any episode of the latest admission(s) in the window.
    register = (scan(folder, "residence")
                .select(nhs().alias("nhs"), day("from_date").alias("f"),
                        optional_date("to_date").alias("t"))
                .filter((pl.col("f") <= D) & (pl.col("t").is_null() | (pl.col("t") >= D)))
                .select("nhs"))
    latest = (spells12.filter(pl.col("adm") == pl.col("adm").max().over("nhs"))
                      .filter(pl.col("care_home"))
                      .select("nhs"))
    c_care_home = pl.concat([register, latest]).unique()

    # ---- 4 polypharmacy: distinct substances (BNF characters 1-9, upper case) of chapters
    # 01-15 issued in the last 84 days.
    bnf = trimmed("bnf_code")
    chapter = bnf.str.slice(0, 2)
    c_drugs = (scan(folder, "prescriptions")
               .filter(chapter.str.contains(r"^[0-9][0-9]$")
                       & chapter.is_between(pl.lit("01"), pl.lit("15")))
               .with_columns(day("issue_date").alias("issued"))
               .filter((pl.col("issued") > start84) & (pl.col("issued") <= D))
               .group_by(nhs().alias("nhs"))
               .agg(bnf.str.slice(0, 9).str.to_uppercase().n_unique().alias("distinct_drugs")))

    # ---- 5 nomination: dated on or before D.
    c_nominated = (scan(folder, "nominations")
                   .filter(day("nominated_on") <= D)
                   .select(nhs().alias("nhs"))
                   .unique())

    # ---- the case list
    m = (pop.join(c_frailty, on="nhs", how="left")
            .join(stays, on="nhs", how="left")
            .join(c_care_home.with_columns(pl.lit(True).alias("is_care_home")), on="nhs",
                  how="left")
            .join(c_drugs, on="nhs", how="left")
            .join(c_nominated.with_columns(pl.lit(True).alias("is_nomination")), on="nhs",
                  how="left")
            .with_columns(pl.col("admissions").fill_null(0),
                          pl.col("distinct_drugs").fill_null(0),
                          pl.col("is_care_home").fill_null(False),
                          pl.col("is_nomination").fill_null(False))
            .with_columns(is_frailty=pl.col("frailty_codes").is_not_null(),
                          is_admissions=pl.col("admissions") >= MIN_ADMISSIONS,
                          is_polypharmacy=pl.col("distinct_drugs") >= MIN_DISTINCT))
    flags = [("frailty", "is_frailty"), ("admissions", "is_admissions"),
             ("care_home", "is_care_home"), ("polypharmacy", "is_polypharmacy"),
             ("nomination", "is_nomination")]
    priority = pl.when(pl.col("is_frailty")).then(1)
    for rank, (_, f) in enumerate(flags[1:4], start=2):
        priority = priority.when(pl.col(f)).then(rank)
    priority = priority.otherwise(5)
    yn = lambda f: pl.when(pl.col(f)).then(pl.lit("Y")).otherwise(pl.lit("N"))  # noqa: E731
    cases = (m.filter(pl.any_horizontal([pl.col(f) for _, f in flags]))
              .join(prac, on="practice", how="left")
              .select(pl.col("nhs").alias("nhs_number"),
                      priority.alias("priority"),
                      pl.concat_str([pl.when(pl.col(f)).then(pl.lit(name)) for name, f in flags],
                                    separator=";", ignore_nulls=True).alias("criteria"),
                      pl.col("frailty_codes").fill_null(""),
                      pl.col("admissions"),
                      pl.col("distinct_drugs"),
                      yn("is_care_home").alias("care_home"),
                      yn("is_nomination").alias("nominated"),
                      pl.col("age"),
                      pl.col("locality").fill_null("UNMAPPED"))
              .sort("nhs_number"))
    return cases, stays_check(spells)


def ordered_spells(spells):
    """Each patient's spells in order of admission date then spell_id."""
    return spells.sort("nhs", "adm", "spell_id")


def count_stays(spells, in12):
    """Continuous stays per patient dated in the window.

    In order of admission date then spell_id, a transfer in (ADMIMETH 2B/81 or ADMISORC 51-53)
    joins the stay before it when it begins 0 to 3 days after that stay's latest discharge
    S; a stay whose last spell is open (S null) is joined by nothing; a joined open spell makes
    the stay open. S is the walk's only state: after spell k, S_k = max(S_{k-1}, dis_k) when k
    joined (null when dis_k is null), dis_k otherwise.

    When k joined, adm_k >= S_{k-1}, so S_k = dis_k unless dis_k < adm_k (a spell discharged
    before it was admitted). So S_k is dis_k except on such "inverted" spells, and the walk
    needs no recursion but through runs of consecutive inverted spells: it is unrolled
    INVERTED_RUN_LIMIT times, which is exact for runs up to that length (stays_check() stops
    the script on a longer one)."""
    adm, dis = pl.col("adm"), pl.col("dis")

    def joins(prev_s):
        gap = (adm - prev_s).dt.total_days()
        return (pl.col("transfer") & prev_s.is_not_null()
                & (gap >= 0) & (gap <= MAX_GAP_DAYS)).fill_null(False)

    def after(prev_s):
        return (pl.when(joins(prev_s) & dis.is_not_null())
                  .then(pl.max_horizontal(prev_s, dis))
                  .when(joins(prev_s)).then(None)
                  .otherwise(dis))

    o = ordered_spells(spells).with_columns(dis.alias("s"))   # exact unless inverted
    for _ in range(INVERTED_RUN_LIMIT):
        o = o.with_columns(after(pl.col("s").shift(1).over("nhs")).alias("s"))
    joined = joins(pl.col("s").shift(1).over("nhs"))
    return (o.filter(~joined & in12(adm))
             .group_by("nhs")
             .agg(pl.len().cast(pl.Int64).alias("admissions")))


def stays_check(spells):
    """The longest run of consecutive inverted spells (discharged before admitted) a patient
    has; count_stays() is exact up to INVERTED_RUN_LIMIT."""
    inv = (pl.col("dis") < pl.col("adm")).fill_null(False)
    run = inv
    for k in range(1, INVERTED_RUN_LIMIT + 1):
        run = run & inv.shift(k).over("nhs").fill_null(False)
    return ordered_spells(spells).select(run.any().alias("too_long"))


def main():
    t0 = time.monotonic()
    as_of = dt.date.fromisoformat(A.as_of)
    cases, check = search(A.extracts, as_of)
    engine = "streaming" if A.engine == "streaming" else "in-memory"
    cases_df, check_df = pl.collect_all([cases, check], engine=engine)
    if check_df["too_long"][0]:
        sys.exit(f"essex_polars.py: a patient has more than {INVERTED_RUN_LIMIT} consecutive "
                 "spells discharged before they were admitted; raise INVERTED_RUN_LIMIT")
    cases_df.write_csv(A.out)
    print(f"essex_polars.py: {cases_df.height} cases in {time.monotonic() - t0:.3f} s "
          f"(polars {pl.__version__}, {engine} engine, {pl.thread_pool_size()} threads)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
