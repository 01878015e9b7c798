#!/usr/bin/env python3
"""Independent reference implementation of the casefinder contract (Essex 2005 search).

Written from the contract (spec: extracts, essex-criteria, outputs) and the
"Choices made where the contract is silent" section of docs/architecture.md only;
it shares no code with the Swift engine. Standard library only.

    reference.py --extracts DIR --as-of YYYY-MM-DD --out DIR

Writes cases.csv, rejects.csv (file,line,severity,field), attrition.csv, counts.csv,
scoping.csv (locality,found,capacity,reserved,allocated,waiting,no_capacity,active_case_managers).

Risk and capacity, as read from the contract: the Hospital Frailty Risk Score (table below,
transcribed from Gilbert et al. 2018, not read from the engine's criteria file) sums the points of
the distinct three-character categories in any diagnosis position of any admission dated after the
same calendar day 24 months before D and on or before D, in whole tenths; bands low < 5.0,
intermediate 5.0-15.0, high > 15.0. Capacity: active case managers (active blank or Y) of each
locality; reserve floor(caseload_max * 10 / 100); in allocation order (priority, risk highest first,
admissions most first, NHS number) each candidate goes to the case manager with the lowest
load / caseload_max (exact), ties to the case_manager_id that sorts first, among those with
load < caseload_max - reserve; else the locality's waiting list; a locality without an active case
manager (and UNMAPPED) gives no_capacity. A fresh run: nobody is on a caseload yet.
Exit status 65 (and nothing written) when a caseload_max is outside 50-80.
"""
import argparse
import calendar
import datetime as dt
import json
import os
import re
import sys

MIN_AGE = 65
SENTINEL_BEFORE = dt.date(1890, 1, 1)
REGULAR_ATTENDER = {"3", "4"}
TRANSFER_METHODS = {"2B", "81"}
TRANSFER_SOURCES = {"51", "52", "53"}
MAX_GAP_DAYS = 3
CARE_HOME_CODES = {"54", "55", "56", "65", "85"}
DIED_METHODS = {"4"}
POLY_WINDOW_DAYS = 84
POLY_MIN = 5
ADM_MIN = 2
CRITERIA = ["frailty", "admissions", "care_home", "polypharmacy", "nomination"]
RISK_MONTHS = 24
RESERVE_PERCENT = 10
CASELOAD_MIN, CASELOAD_MAX = 50, 80
PLACEHOLDER_PRACTICES = {"V81997", "V81998", "V81999"}  # "no registered practice"
OPT_OUT_TYPES = ("type1", "ndoo")
POLICIES = {"type1,ndoo": {"type1", "ndoo"}, "ndoo,type1": {"type1", "ndoo"},
            "type1": {"type1"}, "ndoo": {"ndoo"}, "none": set()}
ACCURX_BATCH = 250
# Fields are trimmed of surrounding spaces and tabs (the contract says spaces; docs/architecture.md's
# "Choices made where the contract is silent" adds tabs). Only the ends: a tab or a carriage
# return inside a field is kept, and so is a carriage return at either end.
TRIM = " \t"

# Hospital Frailty Risk Score, Gilbert et al., Lancet 2018;391:1775-82, supplementary table:
# points per three-character ICD-10 category, in tenths (109 categories, 1732 tenths = 173.2).
HFRS = {c: int(v.replace(".", "")) for c, v in (x.split() for x in """
F00 7.1, G81 4.4, G30 4.0, I69 3.7, R29 3.6, N39 3.2, F05 3.2, W19 3.2, S00 3.2, R31 3.0,
B96 2.9, R41 2.7, R26 2.6, I67 2.6, R56 2.6, R40 2.5, T83 2.4, S06 2.4, S42 2.3, E87 2.3,
M25 2.3, E86 2.3, R54 2.2, Z50 2.1, F03 2.1, W18 2.1, Z75 2.0, F01 2.0, S80 2.0, L03 2.0,
H54 1.9, E53 1.9, Z60 1.8, G20 1.8, R55 1.8, S22 1.8, K59 1.8, N17 1.8, L89 1.7, Z22 1.7,
B95 1.7, L97 1.6, R44 1.6, K26 1.6, I95 1.6, N19 1.6, A41 1.6, Z87 1.5, J96 1.5, X59 1.5,
M19 1.5, G40 1.5, M81 1.4, S72 1.4, S32 1.4, E16 1.4, R94 1.4, N18 1.4, R33 1.3, R69 1.3,
N28 1.3, R32 1.2, G31 1.2, Y95 1.2, S09 1.2, R45 1.2, G45 1.2, Z74 1.1, M79 1.1, W06 1.1,
S01 1.1, A04 1.1, A09 1.1, J18 1.1, J69 1.0, R47 1.0, E55 1.0, Z93 1.0, R02 1.0, R63 0.9,
H91 0.9, W10 0.9, W01 0.9, E05 0.9, M41 0.9, R13 0.8, Z99 0.8, U80 0.8, M80 0.8, K92 0.8,
I63 0.8, N20 0.7, F10 0.7, Y84 0.7, R00 0.7, J22 0.7, Z73 0.6, R79 0.6, Z91 0.5, S51 0.5,
F32 0.5, M48 0.5, E83 0.4, M15 0.4, D64 0.4, L08 0.4, R11 0.3, K52 0.3, R50 0.1""".split(","))}
assert len(HFRS) == 109 and sum(HFRS.values()) == 1732

# ---------------------------------------------------------------- CSV reading


def read_records(path):
    """RFC 4180 reader that reports the physical line each record starts on.

    Returns (header_fields, [(line, fields, raw_text)]). A BOM is dropped, LF or CRLF
    ends a record outside quotes, a blank (or spaces-only) line is not a record, a quote
    that does not open a field is kept as data.
    """
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    n = len(text)
    i = 0
    line = 1
    records = []
    while i < n:
        start_line = line
        start_i = i
        fields = []
        buf = []
        at_start = True
        in_q = False
        quoted_any = False
        while True:
            if i >= n:
                fields.append("".join(buf))
                break
            c = text[i]
            if in_q:
                if c == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    in_q = False
                    i += 1
                    continue
                if c == "\n":
                    line += 1
                buf.append(c)
                i += 1
                continue
            if c == '"' and at_start:
                in_q = True
                quoted_any = True
                at_start = False
                i += 1
                continue
            if c == ",":
                fields.append("".join(buf))
                buf = []
                at_start = True
                i += 1
                continue
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
                continue
            if c == "\n":
                fields.append("".join(buf))
                i += 1
                line += 1
                break
            buf.append(c)
            at_start = False
            i += 1
        raw = text[start_i:i].rstrip("\r\n")
        if len(fields) == 1 and not quoted_any and fields[0].strip(" \t\r") == "":
            continue  # blank line: not a record
        records.append((start_line, fields, raw))
    if not records:
        return [], []
    header = [h.strip(TRIM).lower() for h in records[0][1]]
    return header, records[1:]


# ---------------------------------------------------------------- values

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class ConfigError(Exception):
    pass


class Reject(Exception):
    def __init__(self, field):
        self.field = field


def parse_date(s):
    """Returns a date, or None when blank. Raises ValueError when unreadable."""
    if s == "":
        return None
    m = DATE_RE.match(s)
    if not m:
        raise ValueError(s)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def nhs_valid(s):
    d = s.replace(" ", "").replace("-", "")
    if len(d) != 10 or not d.isdigit():
        return None
    total = sum(int(d[k]) * (10 - k) for k in range(9))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(d[9]):
        return None
    return d


ICD_RE = re.compile(r"^[A-Z][0-9][0-9A-Z][A-Z0-9]{0,4}$")


def normalise_icd(s):
    c = s.upper().replace(".", "").replace(" ", "")
    while c and not c[-1].isalnum():
        c = c[:-1]
    if len(c) >= 4 and c[3] == "X":
        c = c[:3] + c[4:]
    return c


def icd_ok(c):
    return bool(ICD_RE.match(c)) and c.isascii()


def frailty_match(code, age):
    if code.startswith("E86") or code.startswith("K590") or code.startswith("N390"):
        return True
    if code.startswith("R11"):
        return age >= 70
    if len(code) >= 3 and code[0] == "W" and "W00" <= code[:3] <= "W19":
        return True
    return False


BNF_RE = re.compile(r"^[A-Z0-9]+$")

# ---------------------------------------------------------------- ingest


class Ingest:
    def __init__(self, folder, excluded=frozenset()):
        self.folder = folder
        self.rejects = []  # (file, line, severity, field)
        self.counts = {}  # file -> [read, accepted, rejected, unregistered, opted_out]
        self.excluded = excluded  # NHS numbers whose rows are dropped before any other check

    def rows(self, name, drop_excluded=True):
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            return None
        header, records = read_records(path)
        self.counts[name] = [0, 0, 0, 0, 0]
        out = []
        at = header.index("nhs_number") if "nhs_number" in header else None
        for line, fields, raw in records:
            self.counts[name][0] += 1
            # an excluded patient's row is dropped before any other check, malformed or not,
            # as long as its nhs_number field (by header position) holds an excluded number
            if drop_excluded and at is not None and at < len(fields) and self.excluded:
                if nhs_valid(fields[at].strip(TRIM)) in self.excluded:
                    self.counts[name][4] += 1
                    continue
            if len(fields) != len(header):
                self.reject(name, line, "")
                continue
            row = {h: f.strip(TRIM) for h, f in zip(header, fields)}
            out.append((line, row))
        return out

    def reject(self, name, line, field):
        self.rejects.append((name, line, "reject", field))
        self.counts[name][2] += 1

    def warn(self, name, line, field):
        self.rejects.append((name, line, "warning", field))

    def accept(self, name, unregistered=False):
        self.counts[name][1] += 1
        if unregistered:
            self.counts[name][3] += 1


def req(row, col):
    v = row.get(col, "")
    if v == "":
        raise Reject(col)
    return v


def req_nhs(row, col="nhs_number"):
    v = req(row, col)
    n = nhs_valid(v)
    if n is None:
        raise Reject(col)
    return n


def req_date(row, col):
    v = req(row, col)
    try:
        d = parse_date(v)
    except ValueError:
        raise Reject(col)
    if d < SENTINEL_BEFORE:
        raise Reject(col)
    return d


def opt_date(row, col, warnings):
    v = row.get(col, "")
    try:
        d = parse_date(v)
    except ValueError:
        raise Reject(col)
    if d is not None and d < SENTINEL_BEFORE:
        warnings.append(col)
        return None
    return d


def hes(row, col, warnings):
    v = row.get(col, "").upper()
    if len(v) > 4:
        warnings.append(col)
        return ""
    return v


def load_spine(ing):
    spine = {}
    for line, row in ing.rows("patients.csv") or []:
        w = []
        try:
            nhs = req_nhs(row)
            dob = req_date(row, "date_of_birth")
            prac = req(row, "gp_practice").upper()
            dod = opt_date(row, "date_of_death", w)
            if nhs in spine:
                raise Reject("nhs_number")
        except Reject as r:
            ing.reject("patients.csv", line, r.field)
            continue
        for f in w:
            ing.warn("patients.csv", line, f)
        spine[nhs] = {"dob": dob, "practice": prac, "dod": dod}
        ing.accept("patients.csv")
    return spine


def read_opt_outs(ing):
    """opt_outs.csv: NHS number -> the set of types its rows hold. A row whose type is neither
    type1 nor ndoo (or a malformed row whose nhs_number field holds a valid NHS number) is
    rejected and holds "other", which excludes under every policy but none (fail safe).
    recorded_date has no effect on who is excluded."""
    name = "opt_outs.csv"
    held = {}
    path = os.path.join(ing.folder, name)
    if not os.path.exists(path):
        return held
    header, records = read_records(path)
    ing.counts[name] = [0, 0, 0, 0, 0]
    at = header.index("nhs_number") if "nhs_number" in header else None
    for line, fields, raw in records:
        ing.counts[name][0] += 1
        if len(fields) != len(header):
            ing.reject(name, line, "")
            n = nhs_valid(fields[at].strip(TRIM)) if at is not None and at < len(fields) else None
            if n:
                held.setdefault(n, set()).add("other")
            continue
        row = {h: f.strip(TRIM) for h, f in zip(header, fields)}
        try:
            nhs = req_nhs(row)
        except Reject as r:
            ing.reject(name, line, r.field)
            continue
        t = row.get("type", "").strip(" ").lower()
        if t not in OPT_OUT_TYPES:
            ing.reject(name, line, "type")
            held.setdefault(nhs, set()).add("other")
            continue
        held.setdefault(nhs, set()).add(t)
        ing.accept(name)
    return held


def read_cleared(path):
    """The national opt-out service's cleared list: one NHS number a line, an optional trailing
    comma, LF or CRLF."""
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", errors="replace")
    out = set()
    for ln in text.splitlines():
        v = ln.strip(" \t\r\n")
        if v.endswith(","):
            v = v[:-1].strip(TRIM)
        n = nhs_valid(v)
        if n:
            out.add(n)
    return out


def load(folder, policy="type1,ndoo", cleared=None):
    """policy: which opt-out types exclude (POLICIES); cleared: the set of NHS numbers of the
    national opt-out service's cleared list, or None. ing.gov describes who was excluded."""
    ing = Ingest(folder)
    held = read_opt_outs(ing)
    P = POLICIES[policy]
    excluded = {n for n, ts in held.items() if P and (ts & P or "other" in ts)}
    spine0 = load_spine(Ingest(folder))  # the spine as read with nobody excluded
    not_cleared = set()
    if cleared is not None and "ndoo" in P:
        not_cleared = set(spine0) - cleared
    excluded |= not_cleared
    ing.excluded = frozenset(excluded)
    out_spine = set(spine0) & excluded
    ing.gov = dict(
        policy=policy, registered=len(spine0), excluded=len(out_spine),
        type1=sum(1 for n in out_spine if "type1" in P and "type1" in held.get(n, ())),
        ndoo=sum(1 for n in out_spine if "ndoo" in P and ("ndoo" in held.get(n, ())
                                                         or n in not_cleared)),
        excluded_numbers=sorted(excluded))

    practices = {}
    rows = ing.rows("practices.csv")
    for line, row in rows or []:
        try:
            code = req(row, "practice_code").upper()
            pct = req(row, "pct")
            loc = req(row, "locality")
            if code in practices:
                raise Reject("practice_code")
        except Reject as r:
            ing.reject("practices.csv", line, r.field)
            continue
        practices[code] = (pct, loc)
        ing.accept("practices.csv")

    spine = load_spine(ing)
    assert set(spine) == set(spine0) - ing.excluded

    episodes = {}  # nhs -> list of episode dicts
    rows = ing.rows("admissions.csv")
    for line, row in rows or []:
        w = []
        try:
            nhs = req_nhs(row)
            spell = req(row, "spell_id")
            adm = req_date(row, "admission_date")
            dis = opt_date(row, "discharge_date", w)
            ep = row.get("episode_number", "")
            if ep != "" and not ep.isdigit():
                w.append("episode_number")
            method = hes(row, "admission_method", w)
            classpat = hes(row, "patient_classification", w)
            source = hes(row, "admission_source", w)
            dest = hes(row, "discharge_destination", w)
            dismeth = hes(row, "discharge_method", w)
            codes = []
            diag_cols = sorted(
                (c for c in row if re.match(r"^diag_\d+$", c)), key=lambda c: int(c[5:])
            )
            for c in diag_cols:
                v = row[c]
                if v == "":
                    continue
                n = normalise_icd(v)
                if icd_ok(n):
                    codes.append(n)
                else:
                    w.append(c)
        except Reject as r:
            ing.reject("admissions.csv", line, r.field)
            continue
        for f in w:
            ing.warn("admissions.csv", line, f)
        ing.accept("admissions.csv", nhs not in spine)
        if nhs in spine:
            episodes.setdefault(nhs, []).append(
                dict(spell=spell, adm=adm, dis=dis, method=method, classpat=classpat,
                     source=source, dest=dest, dismeth=dismeth, codes=codes)
            )

    scripts = {}
    for line, row in ing.rows("prescriptions.csv") or []:
        try:
            nhs = req_nhs(row)
            issued = req_date(row, "issue_date")
            bnf = req(row, "bnf_code").upper()
            if len(bnf) < 9 or not BNF_RE.match(bnf):
                raise Reject("bnf_code")
        except Reject as r:
            ing.reject("prescriptions.csv", line, r.field)
            continue
        ing.accept("prescriptions.csv", nhs not in spine)
        if nhs in spine:
            scripts.setdefault(nhs, []).append((issued, bnf))

    register = {}
    for line, row in ing.rows("residence.csv") or []:
        w = []
        try:
            nhs = req_nhs(row)
            req(row, "care_home_code")
            frm = req_date(row, "from_date")
            to = opt_date(row, "to_date", w)
        except Reject as r:
            ing.reject("residence.csv", line, r.field)
            continue
        for f in w:
            ing.warn("residence.csv", line, f)
        ing.accept("residence.csv", nhs not in spine)
        if nhs in spine:
            register.setdefault(nhs, []).append((frm, to))

    noms = {}
    for line, row in ing.rows("nominations.csv") or []:
        try:
            nhs = req_nhs(row)
            on = req_date(row, "nominated_on")
        except Reject as r:
            ing.reject("nominations.csv", line, r.field)
            continue
        ing.accept("nominations.csv", nhs not in spine)
        if nhs in spine:
            noms.setdefault(nhs, []).append(on)

    cms = {}  # case_manager_id -> dict(id, locality, cap, active)
    for line, row in ing.rows("case_managers.csv") or []:
        try:
            cid = req(row, "case_manager_id")
            loc = req(row, "locality")
            cap_text = req(row, "caseload_max")
            act = row.get("active", "")
            if act not in ("", "Y", "N"):
                raise Reject("active")
        except Reject as r:
            ing.reject("case_managers.csv", line, r.field)
            continue
        if not cap_text.isdigit() or not CASELOAD_MIN <= int(cap_text) <= CASELOAD_MAX:
            raise ConfigError(f"case_managers.csv:{line}: caseload_max {cap_text!r} outside "
                              f"{CASELOAD_MIN}-{CASELOAD_MAX}")
        if cid in cms:
            ing.reject("case_managers.csv", line, "case_manager_id")
            continue
        cms[cid] = dict(id=cid, name=row.get("name", ""), locality=loc, cap=int(cap_text),
                        active=act != "N")
        ing.accept("case_managers.csv")

    seen = set()
    for line, row in ing.rows("localities.csv") or []:
        try:
            loc = req(row, "locality")
            req(row, "expected_patients")
            if loc in seen:
                raise Reject("locality")
        except Reject as r:
            ing.reject("localities.csv", line, r.field)
            continue
        seen.add(loc)
        ing.accept("localities.csv")

    return ing, practices, spine, episodes, scripts, register, noms, cms


# ---------------------------------------------------------------- evaluation


def age_at(dob, d):
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def year_before(d):
    """The same calendar day one year before d (last day of the month if it does not exist)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return dt.date(d.year - 1, d.month, 28)


def months_before(d, n):
    """The same calendar day n months before d (the last day of the month if it does not exist)."""
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def risk_band(tenths):
    if tenths < 50:
        return "low"
    if tenths <= 150:
        return "intermediate"
    return "high"


def evaluate(D, practices, spine, episodes, scripts, register, noms, exceptions=None):
    """exceptions: a list to receive (nhs_number, reason, detail, also) for nominated patients who
    cannot be case-found (dead, or under_65 when alive; also = "under_65" for a dead patient who
    was under 65 too, where either reading is accepted) and case-found patients at a placeholder
    practice (no_registered_practice)."""
    nominated = lambda nhs: any(on <= D for on in noms.get(nhs, []))
    start12 = year_before(D)  # window: start12 < date <= D
    start24 = months_before(D, RISK_MONTHS)  # risk window: start24 < date <= D
    poly_from = D - dt.timedelta(days=POLY_WINDOW_DAYS)
    att = dict(registered=0, opted_out=0, alive=0, aged_65_plus=0, frailty=0, admissions=0,
               care_home=0, polypharmacy=0, nomination=0, any_criterion=0)
    cases = []
    for nhs, p in spine.items():
        att["registered"] += 1
        eps = episodes.get(nhs, [])
        dead = p["dod"] is not None and p["dod"] <= D
        for e in eps:
            if e["dismeth"] in DIED_METHODS and e["dis"] is not None and e["dis"] <= D:
                dead = True
        if dead:
            if exceptions is not None and nominated(nhs):
                exceptions.append((nhs, "dead", "nominated, died on or before the as-of date",
                                   "under_65" if age_at(p["dob"], D) < MIN_AGE else ""))
            continue
        att["alive"] += 1
        age = age_at(p["dob"], D)
        if age < MIN_AGE:
            if exceptions is not None and nominated(nhs):
                exceptions.append((nhs, "under_65", f"nominated, aged {age}", ""))
            continue
        att["aged_65_plus"] += 1

        # spells
        spells = {}
        for e in eps:
            spells.setdefault(e["spell"], []).append(e)
        adms = []
        for sid, es in spells.items():
            if all(e["classpat"] in REGULAR_ATTENDER for e in es):
                continue
            adm = min(e["adm"] for e in es)
            if adm > D:
                continue
            dis_dates = [e["dis"] for e in es if e["dis"] is not None]
            adms.append(dict(
                id=sid, adm=adm, dis=max(dis_dates) if dis_dates else None,
                transfer=any(e["method"] in TRANSFER_METHODS or e["source"] in TRANSFER_SOURCES
                             for e in es),
                codes={c for e in es for c in e["codes"]},
                care_home=any(e["source"] in CARE_HOME_CODES or e["dest"] in CARE_HOME_CODES
                              for e in es),
            ))
        adms.sort(key=lambda a: (a["adm"], a["id"]))
        stays = []  # [first_adm, latest_dis or None (open)]
        for a in adms:
            if stays and a["transfer"]:
                last = stays[-1]
                if last[1] is not None and 0 <= (a["adm"] - last[1]).days <= MAX_GAP_DAYS:
                    last[1] = None if a["dis"] is None else max(last[1], a["dis"])
                    continue
            stays.append([a["adm"], a["dis"]])
        in12 = [a for a in adms if start12 < a["adm"] <= D]
        n_stays = sum(1 for s in stays if start12 < s[0] <= D)

        fcodes = sorted({c for a in in12 for c in a["codes"] if frailty_match(c, age)})
        met = {}
        met["frailty"] = bool(fcodes)
        met["admissions"] = n_stays >= ADM_MIN
        ch = any(f <= D and (t is None or t >= D) for f, t in register.get(nhs, []))
        if in12:
            latest = max(a["adm"] for a in in12)
            if any(a["care_home"] for a in in12 if a["adm"] == latest):
                ch = True
        met["care_home"] = ch
        subs = set()
        for issued, bnf in scripts.get(nhs, []):
            if poly_from < issued <= D and bnf[:2].isdigit() and 1 <= int(bnf[:2]) <= 15:
                subs.add(bnf[:9])
        met["polypharmacy"] = len(subs) >= POLY_MIN
        met["nomination"] = any(on <= D for on in noms.get(nhs, []))
        crit = [c for c in CRITERIA if met[c]]
        for c in crit:
            att[c] += 1
        if not crit:
            continue
        att["any_criterion"] += 1
        prac = p["practice"]
        pct, loc = practices.get(prac, ("", "UNMAPPED"))
        if exceptions is not None and prac in PLACEHOLDER_PRACTICES:
            exceptions.append((nhs, "no_registered_practice", f"registered at placeholder {prac}",
                               ""))
        risk_spells = adms  # the same admissions as the criteria (no regular-attender-only spell)
        in24 = [a for a in risk_spells if start24 < a["adm"] <= D]
        cats = {c[:3] for a in in24 for c in a["codes"]}
        score = sum(HFRS.get(c, 0) for c in sorted(cats))
        cases.append(dict(risk_tenths=score, risk_score=f"{score // 10}.{score % 10}",
                          risk_band=risk_band(score),
            nhs_number=nhs, gp_practice=prac, pct=pct, locality=loc, age=str(age),
            priority=str(CRITERIA.index(crit[0]) + 1), criteria=";".join(crit),
            frailty_codes=";".join(fcodes), admissions=str(n_stays),
            distinct_drugs=str(len(subs)), care_home="Y" if ch else "N",
            nominated="Y" if met["nomination"] else "N", dob=p["dob"],
        ))
    cases.sort(key=lambda c: c["nhs_number"])
    return cases, att


def allocation_key(c):
    return (int(c["priority"]), -c["risk_tenths"], -int(c["admissions"]), c["nhs_number"])


def allocate(cases, cms, att):
    """Fills status, case_manager_id, waiting_position; returns the cases sorted by locality then
    allocation order, and the scoping rows."""
    by_loc = {}
    for c in cases:
        by_loc.setdefault(c["locality"], []).append(c)
    managers = {}
    for m in cms.values():
        if m["active"]:
            managers.setdefault(m["locality"], []).append(
                dict(id=m["id"], cap=m["cap"], load=0,
                     reserve=m["cap"] * RESERVE_PERCENT // 100))
    out = []
    scoping = []
    for loc in sorted(set(by_loc) | set(managers)):
        cands = sorted(by_loc.get(loc, []), key=allocation_key)
        team = [] if loc == "UNMAPPED" else managers.get(loc, [])
        waiting = 0
        for c in cands:
            c["case_manager_id"] = ""
            c["waiting_position"] = ""
            if not team:
                c["status"] = "no_capacity"
                continue
            best = None
            for m in sorted(team, key=lambda m: m["id"]):
                if not m["load"] < m["cap"] - m["reserve"]:
                    continue
                if best is None or m["load"] * best["cap"] < best["load"] * m["cap"]:
                    best = m
            if best is None:
                waiting += 1
                c["status"] = "waiting"
                c["waiting_position"] = str(waiting)
            else:
                best["load"] += 1
                c["status"] = "allocated"
                c["case_manager_id"] = best["id"]
        out.extend(cands)
        st = [c["status"] for c in cands]
        scoping.append(dict(locality=loc, found=len(cands), capacity=sum(m["cap"] for m in team),
                            reserved=sum(m["reserve"] for m in team),
                            allocated=st.count("allocated"), waiting=st.count("waiting"),
                            no_capacity=st.count("no_capacity"), active_case_managers=len(team)))
    att["allocated"] = sum(s["allocated"] for s in scoping)
    att["waiting"] = sum(s["waiting"] for s in scoping)
    return out, scoping


CASE_COLS = ["nhs_number", "gp_practice", "pct", "locality", "age", "priority", "criteria",
             "frailty_codes", "admissions", "distinct_drugs", "care_home", "nominated",
             "risk_score", "risk_band", "status", "case_manager_id", "waiting_position"]
ATT_STEPS = ["registered", "opted_out", "alive", "aged_65_plus", "frailty", "admissions",
             "care_home", "polypharmacy", "nomination", "any_criterion", "allocated", "waiting"]
SCOPING_COLS = ["locality", "found", "capacity", "reserved", "allocated", "waiting", "no_capacity",
                "active_case_managers"]
PATIENT_COUNT_COLS = ["found", "allocated", "waiting", "no_capacity"]  # disclosure-controlled
PRACTICE_COLS = ["nhs_number", "date_of_birth", "age", "priority", "criteria", "reasons",
                 "risk_score", "risk_band", "status", "case_manager_id", "case_manager_name",
                 "waiting_position"]
EXCEPTION_COLS = ["nhs_number", "reason", "detail", "also"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CsvOut:
    """RFC 4180 with LF line ends: csv.writer's minimal quoting, and a field holding a CR quoted
    too (csv.writer quotes only the characters of its own line terminator)."""

    def __init__(self, fh):
        self.fh = fh

    def writerow(self, row):
        out = []
        for v in row:
            v = "" if v is None else str(v)
            if any(ch in v for ch in ',"\r\n'):
                v = '"' + v.replace('"', '""') + '"'
            out.append(v)
        self.fh.write(",".join(out) + "\n")


def neutral(v):
    """Formula injection: a text cell starting =, +, -, @, tab or CR gets a leading quote.
    (The reference writes no negative numbers, so every such cell here is text.)"""
    if isinstance(v, str) and v[:1] in FORMULA_START and v != "":
        return "'" + v
    return v


def release(n):
    """Disclosure control of a patient count: 1-7 as *, others rounded to the nearest 5."""
    if 1 <= n <= 7:
        return "*"
    return str(5 * ((n + 2) // 5))


def suppressed(scoping):
    rows = [dict(r) for r in scoping]
    total = dict(locality="TOTAL")
    for c in SCOPING_COLS[1:]:
        total[c] = sum(r[c] for r in scoping)
    rows.append(total)
    for r in rows:
        for c in PATIENT_COUNT_COLS:
            r[c] = release(r[c])
    return rows


def reasons(c):
    """Free text for the practice list (its wording is not part of the contract)."""
    out = []
    for crit in c["criteria"].split(";"):
        if crit == "frailty":
            out.append(f"frailty admission ({c['frailty_codes'].replace(';', ', ')})")
        elif crit == "admissions":
            out.append(f"{c['admissions']} admissions in 12 months")
        elif crit == "care_home":
            out.append("care home")
        elif crit == "polypharmacy":
            out.append(f"{c['distinct_drugs']} medicines in 84 days")
        else:
            out.append("nominated by a clinician")
    return "; ".join(out)


def practice_lists(folder, cases, practices, cms):
    """practices/CODE.csv, CODE-import.txt, CODE-accurx-NN.csv for every practice in
    practices.csv (not a placeholder) with case-found patients, in cases.csv order."""
    by = {}
    for c in cases:
        code = c["gp_practice"]
        if code in practices and code not in PLACEHOLDER_PRACTICES:
            by.setdefault(code, []).append(c)
    os.makedirs(folder, exist_ok=True)
    for code, cs in sorted(by.items()):
        with open(os.path.join(folder, f"{code}.csv"), "w", newline="") as fh:
            w = CsvOut(fh)
            w.writerow(PRACTICE_COLS)
            for c in cs:
                cm = cms.get(c["case_manager_id"]) if c["case_manager_id"] else None
                w.writerow([neutral(v) for v in (
                    c["nhs_number"], c["dob"].isoformat(), c["age"], c["priority"],
                    c["criteria"], reasons(c), c["risk_score"], c["risk_band"], c["status"],
                    c["case_manager_id"], cm["name"] if cm else "", c["waiting_position"])])
        with open(os.path.join(folder, f"{code}-import.txt"), "w", newline="") as fh:
            fh.write("".join(c["nhs_number"] + "\n" for c in cs))
        for k in range(0, len(cs), ACCURX_BATCH):
            with open(os.path.join(folder, f"{code}-accurx-{k // ACCURX_BATCH + 1:02d}.csv"), "w",
                      newline="") as fh:
                fh.write("NHS number,Date of Birth\n")
                for c in cs[k:k + ACCURX_BATCH]:
                    fh.write(f"{c['nhs_number']},{c['dob'].strftime('%d/%m/%Y')}\n")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--extracts", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--opt-outs", default="type1,ndoo", choices=sorted(POLICIES))
    ap.add_argument("--ndoo-cleared", help="the national opt-out service's cleared list")
    ap.add_argument("--disclosure", default="none", choices=["none", "suppress"],
                    help="scoping.csv's patient counts exact (none) or released (suppress)")
    a = ap.parse_args(argv)
    D = dt.date.fromisoformat(a.as_of)
    cleared = read_cleared(a.ndoo_cleared) if a.ndoo_cleared else None
    try:
        ing, practices, spine, episodes, scripts, register, noms, cms = load(
            a.extracts, a.opt_outs, cleared)
    except ConfigError as e:
        print(f"reference.py: configuration error: {e}", file=sys.stderr)
        return 65
    exceptions = []
    cases, att = evaluate(D, practices, spine, episodes, scripts, register, noms, exceptions)
    att["registered"] = ing.gov["registered"]
    att["opted_out"] = ing.gov["excluded"]
    cases, scoping = allocate(cases, cms, att)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "cases.csv"), "w", newline="") as fh:
        w = CsvOut(fh)
        w.writerow(CASE_COLS)
        for c in cases:
            w.writerow(neutral(c[k]) for k in CASE_COLS)
    with open(os.path.join(a.out, "scoping.csv"), "w", newline="") as fh:
        w = CsvOut(fh)
        w.writerow(SCOPING_COLS)
        for r in (suppressed(scoping) if a.disclosure == "suppress" else scoping):
            w.writerow(neutral(r[k]) for k in SCOPING_COLS)
    with open(os.path.join(a.out, "rejects.csv"), "w", newline="") as fh:
        w = CsvOut(fh)
        w.writerow(["file", "line", "severity", "field"])
        for r in sorted(ing.rejects, key=lambda r: (r[0], r[1], r[3], r[2])):
            w.writerow(r)
    with open(os.path.join(a.out, "attrition.csv"), "w", newline="") as fh:
        w = CsvOut(fh)
        w.writerow(["step", "patients"])
        for s in ATT_STEPS:
            w.writerow([s, att[s]])
    with open(os.path.join(a.out, "counts.csv"), "w", newline="") as fh:
        w = CsvOut(fh)
        w.writerow(["file", "read", "accepted", "rejected", "unregistered", "opted_out"])
        for f in sorted(ing.counts):
            w.writerow([f] + ing.counts[f])
    with open(os.path.join(a.out, "exceptions.csv"), "w", newline="") as fh:
        w = CsvOut(fh)
        w.writerow(EXCEPTION_COLS)
        for e in sorted(exceptions, key=lambda e: (e[0], e[1])):
            w.writerow([neutral(v) for v in e])
    practice_lists(os.path.join(a.out, "practices"), cases, practices, cms)
    gov = dict(ing.gov)
    with open(os.path.join(a.out, "excluded.txt"), "w") as fh:
        fh.write("".join(n + "\n" for n in gov.pop("excluded_numbers")))
    with open(os.path.join(a.out, "opt_outs.json"), "w") as fh:
        json.dump(gov, fh, indent=1, sort_keys=True)
        fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
