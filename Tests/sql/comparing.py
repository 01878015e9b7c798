"""What check_sql.py compares: an engine's case list, attrition and rejects against casefind's
files (or the independent reference's), and the extracts contract's tables they cover."""
import collections
import csv
import os

RESULT_COLS = ["nhs_number", "gp_practice", "pct", "locality", "age", "priority", "criteria",
               "frailty_codes", "admissions", "distinct_drugs", "care_home", "nominated",
               "risk_score", "risk_band"]

# The extracts contract's columns: a missing optional file becomes an empty table with these
# (admissions also gets diag_01..diag_NN); a file lacking one of them gets it as a NULL column.
CONTRACT = {
    "patients": ["nhs_number", "date_of_birth", "sex", "gp_practice", "date_of_death"],
    "practices": ["practice_code", "practice_name", "pct", "locality"],
    "admissions": ["nhs_number", "spell_id", "episode_number", "admission_date", "discharge_date",
                   "admission_method", "patient_classification", "admission_source",
                   "discharge_destination", "discharge_method"],
    "prescriptions": ["nhs_number", "issue_date", "bnf_code", "drug_name", "quantity"],
    "residence": ["nhs_number", "care_home_code", "care_home_type", "from_date", "to_date"],
    "nominations": ["nhs_number", "nominated_on", "nominated_by", "reason"],
    "opt_outs": ["nhs_number", "type", "recorded_date"],
    # the national data opt-out service's cleared list, loaded as a table (see cleared_numbers)
    "ndoo_cleared": ["nhs_number"],
}
REJECT_COLS = ["table_name", "line_number", "nhs_number", "row_key", "severity", "reason", "field",
               "value"]


def compare(cols, rows, expected, source="casefind"):
    """Engine result (cols, rows) against expected {nhs: {col: text}} (from `source`).
    Returns the problems, one line each."""
    problems = []
    if cols != RESULT_COLS:
        problems.append(f"columns differ: engine {cols} expected {RESULT_COLS}")
        return problems
    got = {}
    for r in rows:
        rec = dict(zip(cols, ("" if v is None else v for v in r)))
        if rec["nhs_number"] in got:
            problems.append(f"{rec['nhs_number']}: more than one row in the engine's result")
        got[rec["nhs_number"]] = rec
    diffs = []
    for nhs in sorted(set(got) | set(expected)):
        e, g = expected.get(nhs), got.get(nhs)
        if g is None:
            diffs.append(f"{nhs}: missing from the engine's result; {source} has "
                         + ",".join(e[c] for c in RESULT_COLS))
        elif e is None:
            diffs.append(f"{nhs}: not in {source}'s cases, engine returned "
                         + ",".join(g[c] for c in RESULT_COLS))
        else:
            fields = [f"{c} engine={g[c]!r} {source}={e[c]!r}" for c in RESULT_COLS
                      if g[c] != e[c]]
            if fields:
                diffs.append(f"{nhs}: " + "; ".join(fields))
    return problems + diffs


def nhs_valid(text):
    """The NHS number without spaces or hyphens when it is valid (Modulus 11), else None."""
    d = text.strip(" \t").replace(" ", "").replace("-", "")
    if len(d) != 10 or not d.isascii() or not d.isdigit():
        return None
    check = 11 - sum(int(d[i]) * (10 - i) for i in range(9)) % 11
    check = 0 if check == 11 else check
    return d if check != 10 and check == int(d[9]) else None


def column_numbers(path, column="nhs_number"):
    """The valid NHS numbers in a CSV file's column (none when the file is missing)."""
    if not os.path.exists(path):
        return set()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows or column not in [h.strip().lower() for h in rows[0]]:
        return set()
    at = [h.strip().lower() for h in rows[0]].index(column)
    return {n for n in (nhs_valid(r[at]) for r in rows[1:] if len(r) > at) if n}


def cleared_numbers(path):
    """The cleared list's lines as the service writes them (one NHS number a line, an
    optional trailing comma, LF or CRLF, blank lines ignored), each without its comma and
    spaces: what a warehouse loads as the table ndoo_cleared (nhs_number)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        lines = [ln.rstrip("\r\n").rstrip(" \t\r") for ln in fh]
    return [ln[:-1].strip(" \t") if ln.endswith(",") else ln.strip(" \t") for ln in lines
            if ln.strip(" \t,")]


def opted_out(extracts, cleared=None):
    """The patients the default policy (type1,ndoo) excludes: every valid NHS number in
    opt_outs.csv, whatever its type (a missing or unreadable type is honoured too); with the
    national service's cleared list, every valid NHS number of patients.csv it lacks too."""
    out = column_numbers(os.path.join(extracts, "opt_outs.csv"))
    if cleared:
        allowed = {nhs_valid(n) for n in cleared_numbers(cleared)}
        out |= column_numbers(os.path.join(extracts, "patients.csv")) - allowed
    return out


def compare_rejects(cols, rows, rejects_csv, dropped, excluded, source="casefind"):
    """The rejects query's rows against a rejects.csv, row by row: table, line, severity,
    reason, field and value against casefind's; table, line, severity and field against the
    reference's, which has only those. The rows dropped at load must be the rows rejects.csv
    rejects for their field count (casefind: "record has N fields"; the reference: a reject
    without a field on a dropped line), except an opted-out patient's (`excluded`), which
    casefind drops unreported. Tables the query does not cover (the small files) are left
    out. Returns the problems and the query's rows per table."""
    if cols != REJECT_COLS:
        return [f"rejects columns differ: engine {cols} expected {REJECT_COLS}"], ""
    keys = (["line", "severity", "reason", "field", "value"] if source == "casefind"
            else ["line", "severity", "field"])
    query_keys = {"line": "line_number"}
    got = collections.Counter()
    for r in rows:
        rec = dict(zip(cols, ("" if v is None else v for v in r)))
        got[(rec["table_name"],) + tuple(rec[query_keys.get(k, k)] for k in keys)] += 1
    want = collections.Counter()
    field_counts = collections.defaultdict(set)
    with open(rejects_csv, newline="", encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            table = r["file"][:-4] if r["file"].endswith(".csv") else r["file"]
            if table not in CONTRACT:
                continue
            if (r.get("reason", "").startswith("record has ") or
                    (source != "casefind" and r["severity"] == "reject" and not r["field"]
                     and r["line"] in dropped.get(table, {}))):
                field_counts[table].add(r["line"])
                continue
            if "value" in r:
                r["value"] = unguarded(r["value"])
            want[(table,) + tuple(r[k] for k in keys)] += 1
    problems = []
    for table in sorted(set(dropped) | set(field_counts)):
        lines = dropped.get(table, {})
        unreported = {n for n, person in lines.items()
                      if n not in field_counts[table] and table != "opt_outs"
                      and nhs_valid(person) in excluded}
        if set(lines) - unreported != field_counts[table]:
            problems.append(f"rejects: {table}: lines dropped at load {sorted(lines)}"
                            f" (of opted-out patients: {sorted(unreported)}),"
                            f" {source}'s field-count rejects {sorted(field_counts[table])}")
    for k in sorted(set(got) | set(want)):
        if got[k] != want[k]:
            problems.append(f"rejects: {' / '.join(map(repr, k))}: query {got[k]}, {source} {want[k]}")
    per_table = collections.Counter(k[0] for k in got.elements())
    return problems, ", ".join(f"{t} {n}" for t, n in sorted(per_table.items()))


def unguarded(value):
    """A value as the data has it: casefind's CSV files put a ' before a text that a
    spreadsheet would read as a formula (=, +, -, @, tab, CR first); the query returns the
    text itself."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def expected_cases(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    return {r["nhs_number"]: {c: unguarded(r.get(c) or "") for c in RESULT_COLS} for r in rows}


def expected_attrition(path):
    """attrition.csv's steps up to any_criterion (allocation's come after the hand-back)."""
    steps = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            steps.append((r["step"], r["patients"]))
            if r["step"] == "any_criterion":
                break
    return steps


def compare_attrition(cols, rows, expected, source="casefind"):
    """The attrition query's (step, patients) rows, in order, against `expected`'s."""
    if cols != ["step", "patients"]:
        return [f"attrition columns differ: engine {cols} expected ['step', 'patients']"]
    got = [(r[0], r[1]) for r in rows]
    if got == expected:
        return []
    problems = []
    for i in range(max(len(got), len(expected))):
        g = got[i] if i < len(got) else None
        e = expected[i] if i < len(expected) else None
        if g != e:
            problems.append(f"attrition step {i + 1}: query {g}, {source} {e}")
    return problems
