#!/usr/bin/env python3
"""Independent reference implementation of the casefinder contract (Essex 2005 search).

Written from the contract (spec: extracts, essex-criteria, outputs) and the
"Choices made where the contract is silent" section of the top-level README only;
it shares no code with the Swift engine. Standard library only.

    reference.py --extracts DIR --as-of YYYY-MM-DD --out DIR

Writes cases.csv, rejects.csv (file,line,severity,field), attrition.csv, counts.csv.
"""
import argparse
import csv
import datetime as dt
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
    header = [h.strip().lower() for h in records[0][1]]
    return header, records[1:]


# ---------------------------------------------------------------- values

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


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
    def __init__(self, folder):
        self.folder = folder
        self.rejects = []  # (file, line, severity, field)
        self.counts = {}  # file -> [read, accepted, rejected, unregistered]

    def rows(self, name):
        path = os.path.join(self.folder, name)
        if not os.path.exists(path):
            return None
        header, records = read_records(path)
        self.counts[name] = [0, 0, 0, 0]
        out = []
        for line, fields, raw in records:
            self.counts[name][0] += 1
            if len(fields) != len(header):
                self.reject(name, line, "")
                continue
            row = {h: f.strip(" ") for h, f in zip(header, fields)}
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


def load(folder):
    ing = Ingest(folder)

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

    return ing, practices, spine, episodes, scripts, register, noms


# ---------------------------------------------------------------- evaluation


def age_at(dob, d):
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def year_before(d):
    """The same calendar day one year before d (last day of the month if it does not exist)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return dt.date(d.year - 1, d.month, 28)


def evaluate(D, practices, spine, episodes, scripts, register, noms):
    start12 = year_before(D)  # window: start12 < date <= D
    poly_from = D - dt.timedelta(days=POLY_WINDOW_DAYS)
    att = dict(registered=0, alive=0, aged_65_plus=0, frailty=0, admissions=0,
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
            continue
        att["alive"] += 1
        age = age_at(p["dob"], D)
        if age < MIN_AGE:
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
        cases.append(dict(
            nhs_number=nhs, gp_practice=prac, pct=pct, locality=loc, age=str(age),
            priority=str(CRITERIA.index(crit[0]) + 1), criteria=";".join(crit),
            frailty_codes=";".join(fcodes), admissions=str(n_stays),
            distinct_drugs=str(len(subs)), care_home="Y" if ch else "N",
            nominated="Y" if met["nomination"] else "N",
        ))
    cases.sort(key=lambda c: c["nhs_number"])
    return cases, att


CASE_COLS = ["nhs_number", "gp_practice", "pct", "locality", "age", "priority", "criteria",
             "frailty_codes", "admissions", "distinct_drugs", "care_home", "nominated"]
ATT_STEPS = ["registered", "alive", "aged_65_plus", "frailty", "admissions", "care_home",
             "polypharmacy", "nomination", "any_criterion"]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--extracts", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    D = dt.date.fromisoformat(a.as_of)
    ing, practices, spine, episodes, scripts, register, noms = load(a.extracts)
    cases, att = evaluate(D, practices, spine, episodes, scripts, register, noms)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "cases.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, CASE_COLS, lineterminator="\n")
        w.writeheader()
        w.writerows(cases)
    with open(os.path.join(a.out, "rejects.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "line", "severity", "field"])
        for r in sorted(ing.rejects, key=lambda r: (r[0], r[1], r[3], r[2])):
            w.writerow(r)
    with open(os.path.join(a.out, "attrition.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["step", "patients"])
        for s in ATT_STEPS:
            w.writerow([s, att[s]])
    with open(os.path.join(a.out, "counts.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "read", "accepted", "rejected", "unregistered"])
        for f in sorted(ing.counts):
            w.writerow([f] + ing.counts[f])
    return 0


if __name__ == "__main__":
    sys.exit(main())
