#!/usr/bin/env python3
"""Sensitivity check for the generated data: does it tell plausible misreadings of the contract
apart from the right reading? Each mutant is reference.py with one small text edit (a
boundary moved, a rule read another way). A mutant is "killed" when its outputs differ from the
unmutated reference on the generated extracts; a surviving mutant marks an edge the generator
does not reach. A kill in cases.csv says which columns changed, or "order" when only the row
order (locality, then allocation order) did.

EQUIVALENT (and GOV_EQUIVALENT) list mutants that cannot change any output on these inputs, with
the reason; they are run too, and reported as "equivalent" when they survive (and as a surprise
if killed).

    mutants.py [--seed 1] [--patients 3000] [--dates 2026-11-22,2028-02-29] [--work DIR]
    mutants.py --governance [--seed 1]   # GOV_MUTANTS on generate.py --governance data, the
                                         # reference under each opt-out policy (first 2 dates)
"""
import argparse
import filecmp
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

MUTANTS = {
    "transfer gap 3 -> 2 days": ("MAX_GAP_DAYS = 3", "MAX_GAP_DAYS = 2"),
    "transfer gap 3 -> 4 days": ("MAX_GAP_DAYS = 3", "MAX_GAP_DAYS = 4"),
    "overlapping transfer joins": ("0 <= (a[\"adm\"] - last[1]).days", "-99 <= (a[\"adm\"] - last[1]).days"),
    "open stay can be joined": [("if last[1] is not None and 0 <= (a[\"adm\"] - last[1]).days", "if 0 <= (a[\"adm\"] - (last[1] or a[\"adm\"])).days"),
                                ("max(last[1], a[\"dis\"])", "max(last[1] or a[\"dis\"], a[\"dis\"])")],
    "12-month window includes start day": ("start12 < a[\"adm\"] <= D]", "start12 <= a[\"adm\"] <= D]"),
    "stay window includes start day": ("start12 < s[0] <= D", "start12 <= s[0] <= D"),
    "12-month window excludes D": ("start12 < a[\"adm\"] <= D]", "start12 < a[\"adm\"] < D]"),
    "84-day window includes D-84": ("poly_from < issued <= D", "poly_from <= issued <= D"),
    "84-day window includes D+1": ("poly_from < issued <= D", "poly_from < issued <= D + dt.timedelta(days=1)"),
    "29 Feb window start -> Mar 1": ("return dt.date(d.year - 1, d.month, 28)", "return dt.date(d.year - 1, 3, 1)"),
    "29 Feb birthday on 28 Feb": ("return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))",
                                  "return d.year - dob.year - ((d.month, d.day) < ((2, 28) if (dob.month, dob.day) == (2, 29) else (dob.month, dob.day)))"),
    "age off by one (birthday not reached)": ("((d.month, d.day) < (dob.month, dob.day))", "((d.month, d.day) <= (dob.month, dob.day))"),
    "R11 at 69": ("return age >= 70", "return age >= 69"),
    "R11 any age": ("return age >= 70", "return True"),
    "regular attender if any episode 3/4": ("if all(e[\"classpat\"] in REGULAR_ATTENDER", "if any(e[\"classpat\"] in REGULAR_ATTENDER"),
    "regular attenders are admissions": ("if all(e[\"classpat\"] in REGULAR_ATTENDER for e in es):", "if False:"),
    "care home: any admission in window": ("if a[\"adm\"] == latest)", "if True)"),
    "care home: source only": ("e[\"source\"] in CARE_HOME_CODES or e[\"dest\"] in CARE_HOME_CODES", "e[\"source\"] in CARE_HOME_CODES"),
    "care home: destination only": ("e[\"source\"] in CARE_HOME_CODES or e[\"dest\"] in CARE_HOME_CODES", "e[\"dest\"] in CARE_HOME_CODES"),
    "register to_date must be after D": ("(t is None or t >= D)", "(t is None or t > D)"),
    "register from_date must be before D": ("f <= D and", "f < D and"),
    "death on D is alive": ("p[\"dod\"] <= D", "p[\"dod\"] < D"),
    "DISMETH 4 ignores discharge date": ("e[\"dis\"] is not None and e[\"dis\"] <= D", "True"),
    "DISMETH 4 ignored": ("DIED_METHODS = {\"4\"}", "DIED_METHODS = set()"),
    "sentinel optional date is a reject": ("        warnings.append(col)\n        return None", "        raise Reject(col)"),
    "nomination after D counts": ("any(on <= D for on", "any(True for on"),
    "no X filler drop": ("if len(c) >= 4 and c[3] == \"X\":", "if False:"),
    "no trailing symbol drop": ("while c and not c[-1].isalnum():", "while False:"),
    "W range includes W20": ("\"W00\" <= code[:3] <= \"W19\"", "\"W00\" <= code[:3] <= \"W20\""),
    "K59 not K590": ("code.startswith(\"K590\")", "code.startswith(\"K59\")"),
    "ICD case-sensitive": ("c = s.upper().replace", "c = s.replace"),
    "invalid ICD still matches": ("if icd_ok(n):", "if True:"),
    "BNF chapter 15 excluded": ("1 <= int(bnf[:2]) <= 15", "1 <= int(bnf[:2]) <= 14"),
    "BNF chapters up to 16": ("1 <= int(bnf[:2]) <= 15", "1 <= int(bnf[:2]) <= 16"),
    "BNF chapter 00 counted": ("1 <= int(bnf[:2]) <= 15", "0 <= int(bnf[:2]) <= 15"),
    "BNF lower case rejected": ("bnf = req(row, \"bnf_code\").upper()", "bnf = req(row, \"bnf_code\")"),
    "BNF must be 9 or 15": ("if len(bnf) < 9 or", "if len(bnf) not in (9, 15) or"),
    "BNF substance = 15 chars": ("subs.add(bnf[:9])", "subs.add(bnf)"),
    "transfer method case-sensitive": ("v = row.get(col, \"\").upper()", "v = row.get(col, \"\")"),
    "transfers never join": ("if stays and a[\"transfer\"]:", "if False:"),
    "transfer by method only": ("e[\"method\"] in TRANSFER_METHODS or e[\"source\"] in TRANSFER_SOURCES", "e[\"method\"] in TRANSFER_METHODS"),
    "spell dated by latest episode": ("adm = min(e[\"adm\"] for e in es)", "adm = max(e[\"adm\"] for e in es)"),
    "spell discharge = earliest": ("dis=max(dis_dates) if dis_dates", "dis=min(dis_dates) if dis_dates"),
    "duplicate spine row kept (last wins)": ("            if nhs in spine:\n                raise Reject(\"nhs_number\")\n", ""),
    "practice lookup case-sensitive": ("code = req(row, \"practice_code\").upper()", "code = req(row, \"practice_code\")"),
    "duplicate practice: last wins": ("            if code in practices:\n                raise Reject(\"practice_code\")\n", ""),
    "blank line is a record": ("fields[0].strip(\" \\t\\r\") == \"\":", "False:"),
    "fields not trimmed": ("row = {h: f.strip(TRIM) for h, f", "row = {h: f for h, f"),
    "tabs not trimmed (spaces only)": ('TRIM = " \\t"', 'TRIM = " "'),
    "unregistered not counted": ("ing.accept(\"prescriptions.csv\", nhs not in spine)", "ing.accept(\"prescriptions.csv\")"),
    "bad HES code long is fine": ("    if len(v) > 4:\n        warnings.append(col)\n        return \"\"", "    if False:\n        pass"),
    "episode_number not checked": ("if ep != \"\" and not ep.isdigit():", "if False:"),
    "admissions after D counted": [("            if adm > D:\n                continue\n", ""),
                                   ("in12 = [a for a in adms if start12 < a[\"adm\"] <= D]", "in12 = [a for a in adms if start12 < a[\"adm\"]]"),
                                   ("start12 < s[0] <= D", "start12 < s[0]")],
    "sentinel date read as a date": ("        warnings.append(col)\n        return None", "        warnings.append(col)\n        return d"),
    "same-day spells ordered by spell_id descending": ("adms.sort(key=lambda a: (a[\"adm\"], a[\"id\"]))",
                                                      "adms.sort(key=lambda a: a[\"id\"], reverse=True)\n        adms.sort(key=lambda a: a[\"adm\"])"),
    "stay dated by its last spell": ("                    last[1] = None if", "                    last[0] = a[\"adm\"]\n                    last[1] = None if"),
    "care home: one spell on the latest date": ("if any(a[\"care_home\"] for a in in12 if a[\"adm\"] == latest):",
                                                "if [a for a in in12 if a[\"adm\"] == latest][0][\"care_home\"]:"),
    "care home: latest admission outside window too": ("        if in12:\n            latest = max(a[\"adm\"] for a in in12)",
                                                       "        if adms:\n            latest = max(a[\"adm\"] for a in adms)\n            in12 = [a for a in adms if start12 < a[\"adm\"] <= D] if start12 < latest else adms"),

    # ---- risk (HFRS)
    "risk window 23 months": ("RISK_MONTHS = 24", "RISK_MONTHS = 23"),
    "risk window 25 months": ("RISK_MONTHS = 24", "RISK_MONTHS = 25"),
    "risk window 730 days": ("start24 = months_before(D, RISK_MONTHS)", "start24 = D - dt.timedelta(days=730)"),
    "risk window includes its start day": ("start24 < a[\"adm\"] <= D]", "start24 <= a[\"adm\"] <= D]"),
    "risk window 12 months": ("start24 = months_before(D, RISK_MONTHS)", "start24 = year_before(D)"),
    "risk: category counted once per admission": ("cats = {c[:3] for a in in24 for c in a[\"codes\"]}",
                                                  "cats = [c3 for a in in24 for c3 in {c[:3] for c in a[\"codes\"]}]"),
    "risk: category counted per code": ("cats = {c[:3] for a in in24 for c in a[\"codes\"]}",
                                        "cats = [c[:3] for a in in24 for c in a[\"codes\"]]"),
    "risk: regular-attender spells count": ("risk_spells = adms ",
                                            "risk_spells = adms + [dict(adm=min(e[\"adm\"] for e in es), codes={c for e in es for c in e[\"codes\"]}) "
                                            "for es in spells.values() if all(e[\"classpat\"] in REGULAR_ATTENDER for e in es) "
                                            "and min(e[\"adm\"] for e in es) <= D] "),
    "risk band: 15.0 is high": ("if tenths <= 150:", "if tenths < 150:"),
    "risk band: 5.0 is low": ("if tenths < 50:", "if tenths <= 50:"),
    "risk summed in floating point": [
        ("score = sum(HFRS.get(c, 0) for c in sorted(cats))",
         "fscore = sum(HFRS.get(c, 0) / 10 for c in sorted(cats))\n        score = round(fscore * 10)"),
        ("risk_tenths=score,", "risk_tenths=fscore * 10,"),
        ("risk_band=risk_band(score),", "risk_band=risk_band(fscore * 10),")],
    # ---- capacity
    "reserve rounded up": ("reserve=m[\"cap\"] * RESERVE_PERCENT // 100)", "reserve=-(-m[\"cap\"] * RESERVE_PERCENT // 100))"),
    "no reserve kept in a run": ("if not m[\"load\"] < m[\"cap\"] - m[\"reserve\"]:", "if not m[\"load\"] < m[\"cap\"]:"),
    "unreserved room off by one (<=)": ("if not m[\"load\"] < m[\"cap\"] - m[\"reserve\"]:", "if not m[\"load\"] <= m[\"cap\"] - m[\"reserve\"]:"),
    "ties: case_manager_id that sorts last": ("for m in sorted(team, key=lambda m: m[\"id\"]):",
                                              "for m in sorted(team, key=lambda m: m[\"id\"], reverse=True):"),
    "ties: ids compared as numbers (CM9 before CM10)": ("for m in sorted(team, key=lambda m: m[\"id\"]):",
                                                        "for m in sorted(team, key=lambda m: int(m[\"id\"][2:])):"),
    "ties: file order of case_managers.csv": ("for m in sorted(team, key=lambda m: m[\"id\"]):", "for m in team:"),
    "load fraction as a whole percent": ("m[\"load\"] * best[\"cap\"] < best[\"load\"] * m[\"cap\"]",
                                         "m[\"load\"] * 100 // m[\"cap\"] < best[\"load\"] * 100 // best[\"cap\"]"),
    "load fraction in floating point": ("m[\"load\"] * best[\"cap\"] < best[\"load\"] * m[\"cap\"]",
                                        "m[\"load\"] / m[\"cap\"] < best[\"load\"] / best[\"cap\"]"),
    "lowest absolute load": ("m[\"load\"] * best[\"cap\"] < best[\"load\"] * m[\"cap\"]", "m[\"load\"] < best[\"load\"]"),
    "load as a fraction of unreserved room": ("m[\"load\"] * best[\"cap\"] < best[\"load\"] * m[\"cap\"]",
                                              "m[\"load\"] * (best[\"cap\"] - best[\"reserve\"]) < best[\"load\"] * (m[\"cap\"] - m[\"reserve\"])"),
    "inactive case managers take patients": ("        if m[\"active\"]:\n", "        if True:\n"),
    "blank active means inactive": ("active=act != \"N\")", "active=act == \"Y\")"),
    "duplicate case manager: last wins": ("        if cid in cms:\n            ing.reject(\"case_managers.csv\", line, \"case_manager_id\")\n            continue\n", ""),
    "allocation: risk lowest first": ("-c[\"risk_tenths\"], -int(c[\"admissions\"])", "c[\"risk_tenths\"], -int(c[\"admissions\"])"),
    "allocation: admissions fewest first": ("-c[\"risk_tenths\"], -int(c[\"admissions\"])", "-c[\"risk_tenths\"], int(c[\"admissions\"])"),
    "allocation: admissions before risk": ("-c[\"risk_tenths\"], -int(c[\"admissions\"])", "-int(c[\"admissions\"]), -c[\"risk_tenths\"]"),
    "allocation: NHS number descending": ("-int(c[\"admissions\"]), c[\"nhs_number\"])", "-int(c[\"admissions\"]), -int(c[\"nhs_number\"]))"),
    "allocation: risk ignored": ("-c[\"risk_tenths\"], -int(c[\"admissions\"])", "-int(c[\"admissions\"])"),
    "waiting list numbered from 0": ("c[\"waiting_position\"] = str(waiting)", "c[\"waiting_position\"] = str(waiting - 1)"),
}

# Governance mutants (--governance): generate.py --governance data, the reference run under
# every opt-out policy, with the ndoo-cleared list and with disclosure control; a mutant is
# killed when any file it writes (practices/ included) differs.
GOV_MUTANTS = {
    "bad opt-out type does not exclude": ('(ts & P or "other" in ts)', "(ts & P)"),
    "opt-out types case-sensitive": ('t = row.get("type", "").strip(" ").lower()',
                                     't = row.get("type", "")'),
    "malformed rows of excluded patients rejected": (
        "if drop_excluded and at is not None and at < len(fields) and self.excluded:",
        "if drop_excluded and at is not None and len(fields) == len(header) and self.excluded:"),
    "only activity rows dropped (spine rows of excluded kept)": (
        "self.counts[name][4] += 1\n                    continue",
        "self.counts[name][4] += 1\n                    if name != \"patients.csv\": continue"),
    "ndoo-cleared list ignored": ('if cleared is not None and "ndoo" in P:', "if False:"),
    "ndoo-cleared applies under every policy": ('if cleared is not None and "ndoo" in P:',
                                                "if cleared is not None:"),
    "ndoo-cleared trailing comma kept": ('        if v.endswith(","):\n', "        if False:\n"),
    "registered without the excluded": ('att["registered"] = ing.gov["registered"]',
                                        'att["registered"] = ing.gov["registered"] - ing.gov["excluded"]'),
    "opted_out counts patients not on the spine": ("excluded=len(out_spine),",
                                                    "excluded=len(excluded),"),
    "placeholder V81998 forgotten": ('{"V81997", "V81998", "V81999"}', '{"V81997", "V81999"}'),
    "placeholder gets a practice list": ("if code in practices and code not in PLACEHOLDER_PRACTICES:",
                                         "if code in practices:"),
    "placeholder exception for unlisted placeholders only": (
        "if exceptions is not None and prac in PLACEHOLDER_PRACTICES:",
        "if exceptions is not None and prac in PLACEHOLDER_PRACTICES and prac not in practices:"),
    "accurx batches of 251": ("ACCURX_BATCH = 250", "ACCURX_BATCH = 251"),
    "accurx batches of 249": ("ACCURX_BATCH = 250", "ACCURX_BATCH = 249"),
    "carriage return trimmed too": ('TRIM = " \\t"', 'TRIM = " \\t\\r"'),
    "tab inside a field read as a space": ("row = {h: f.strip(TRIM) for h, f",
                                           'row = {h: f.replace("\\t", " ").strip(TRIM) for h, f'),
    "formula: tab not neutralised": ('FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r")',
                                     'FORMULA_START = ("=", "+", "-", "@", "\\r")'),
    "formula: minus not neutralised": ('FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r")',
                                       'FORMULA_START = ("=", "+", "@", "\\t", "\\r")'),
    "disclosure: 1-9 suppressed": ("if 1 <= n <= 7:", "if 1 <= n <= 9:"),
    "disclosure: rounded to 10": ("return str(5 * ((n + 2) // 5))", "return str(10 * ((n + 5) // 10))"),
    "disclosure: rounded down": ("return str(5 * ((n + 2) // 5))", "return str(5 * (n // 5))"),
    "disclosure: TOTAL from released rows": (
        "        total[c] = sum(r[c] for r in scoping)\n",
        "        total[c] = sum(int(release(r[c]).replace('*', '0')) if c in PATIENT_COUNT_COLS else r[c] for r in scoping)\n"),
    "exception: dead nominated after D": ("nominated = lambda nhs: any(on <= D for on in noms.get(nhs, []))",
                                          "nominated = lambda nhs: bool(noms.get(nhs))"),
}

GOV_EQUIVALENT = {
    "formula: tab not neutralised":
        "fields are trimmed of surrounding tabs on reading, so no cell the reference writes can "
        "start with one (a tab inside a name is kept, a carriage return at the start too). The "
        "engine's neutralising of a leading tab is still checked, by compare.py's privacy check, "
        "on its rejects.csv raw records that start with a tab.",
}

EQUIVALENT = {
    "load fraction in floating point":
        "loads and caseloads are at most 80, so two different fractions differ by at least "
        "1/6400 and correctly rounded doubles keep their order; equal fractions give equal "
        "doubles. Kept to show that a float comparison is not a detectable defect here.",
}


def cases_diff(a_path, b_path):
    """What differs between two cases.csv files: changed columns, or only the order."""
    import csv
    with open(a_path, newline="") as fh:
        a = list(csv.DictReader(fh))
    with open(b_path, newline="") as fh:
        b = list(csv.DictReader(fh))
    ka = {r["nhs_number"]: r for r in a}
    kb = {r["nhs_number"]: r for r in b}
    cols = set()
    if set(ka) != set(kb):
        cols.add("patients")
    for k in set(ka) & set(kb):
        cols.update(c for c in ka[k] if ka[k][c] != kb[k].get(c))
    if not cols and [r["nhs_number"] for r in a] != [r["nhs_number"] for r in b]:
        cols.add("order")
    return sorted(cols)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--patients", type=int, default=3000)
    ap.add_argument("--dates", default="2026-11-22,2028-02-29,2027-02-28")
    ap.add_argument("--work", default="/tmp/casefind-mutants")
    ap.add_argument("--governance", action="store_true",
                    help="the governance mutants, on generate.py --governance data")
    a = ap.parse_args()
    if a.governance:
        return governance(a)
    src = open(os.path.join(HERE, "reference.py")).read()
    os.makedirs(a.work, exist_ok=True)
    dates = a.dates.split(",")
    for date in dates:
        ext = os.path.join(a.work, f"extracts-{date}")
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(a.seed),
                        "--patients", str(a.patients), "--out", ext, "--as-of", date], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), "--extracts", ext,
                        "--as-of", date, "--out", os.path.join(a.work, f"base-{date}")], check=True)
    survivors = 0
    for name, edits in MUTANTS.items():
        if isinstance(edits, tuple):
            edits = [edits]
        text = src
        missing = [old for old, new in edits if text.count(old) < 1]
        if missing:
            print(f"?? {name}: pattern not found")
            survivors += 1
            continue
        for old, new in edits:
            text = text.replace(old, new)
        path = os.path.join(a.work, "mutant.py")
        with open(path, "w") as fh:
            fh.write(text)
        killed = []
        for date in dates:
            out = os.path.join(a.work, f"mut-{date}")
            subprocess.run(["rm", "-rf", out], check=True)
            p = subprocess.run([sys.executable, path, "--extracts", os.path.join(a.work, f"extracts-{date}"),
                                "--as-of", date, "--out", out], capture_output=True, text=True)
            if p.returncode != 0:
                killed.append(f"{date}:CRASHED")
                continue
            for f in ("cases.csv", "rejects.csv", "attrition.csv", "counts.csv", "scoping.csv"):
                base = os.path.join(a.work, f"base-{date}", f)
                if not filecmp.cmp(os.path.join(out, f), base, shallow=False):
                    what = f"[{','.join(cases_diff(os.path.join(out, f), base))}]" if f == "cases.csv" else ""
                    killed.append(f"{date}:{f}{what}")
        if name in EQUIVALENT:
            print(("KILLED?? " if killed else "equivalent ") + f"{name}  {' '.join(killed)}"
                  + ("" if killed else f"  ({EQUIVALENT[name]})"))
            survivors += bool(killed)  # a kill here means the reasoning above is wrong
            continue
        print(("killed   " if killed else "SURVIVED ") + f"{name}  {' '.join(killed)}")
        survivors += not killed
    real = len(MUTANTS) - len(EQUIVALENT)
    print(f"{real - survivors}/{real} mutants killed ({len(EQUIVALENT)} equivalent mutant(s) not counted)")
    return 1 if survivors else 0


GOV_RUNS = [("default", []), ("type1", ["--opt-outs", "type1"]), ("ndoo", ["--opt-outs", "ndoo"]),
            ("none", ["--opt-outs", "none"]), ("cleared", ["--ndoo-cleared", "CLEARED"]),
            ("type1-cleared", ["--opt-outs", "type1", "--ndoo-cleared", "CLEARED"]),
            ("suppress", ["--disclosure", "suppress"])]


def tree_diff(a, b):
    """Files that differ (or exist on one side only) between two output folders."""
    out = []
    names = set()
    for top in (a, b):
        for root, _, files in os.walk(top):
            names |= {os.path.relpath(os.path.join(root, f), top) for f in files}
    for n in sorted(names):
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not (os.path.exists(pa) and os.path.exists(pb)) or not filecmp.cmp(pa, pb, shallow=False):
            out.append(n)
    return out


def governance(a):
    src = open(os.path.join(HERE, "reference.py")).read()
    os.makedirs(a.work, exist_ok=True)
    dates = a.dates.split(",")[:2]
    runs = []  # (extracts, date, name, options)
    for date in dates:
        ext = os.path.join(a.work, f"gov-extracts-{date}")
        cleared = os.path.join(a.work, f"gov-cleared-{date}.txt")
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(a.seed),
                        "--patients", str(a.patients), "--out", ext, "--as-of", date,
                        "--governance", "--ndoo-cleared", cleared], check=True)
        for name, opts in GOV_RUNS:
            opts = [cleared if o == "CLEARED" else o for o in opts]
            base = os.path.join(a.work, f"gov-base-{date}-{name}")
            subprocess.run(["rm", "-rf", base], check=True)
            subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), "--extracts", ext,
                            "--as-of", date, "--out", base] + opts, check=True)
            runs.append((ext, date, name, opts, base))
    survivors = 0
    for name, edits in GOV_MUTANTS.items():
        if isinstance(edits, tuple):
            edits = [edits]
        if any(src.count(old) < 1 for old, _ in edits):
            print(f"?? {name}: pattern not found")
            survivors += 1
            continue
        text = src
        for old, new in edits:
            text = text.replace(old, new)
        path = os.path.join(a.work, "gov-mutant.py")
        with open(path, "w") as fh:
            fh.write(text)
        killed = []
        for ext, date, run, opts, base in runs:
            out = os.path.join(a.work, "gov-mut")
            subprocess.run(["rm", "-rf", out], check=True)
            p = subprocess.run([sys.executable, path, "--extracts", ext, "--as-of", date,
                                "--out", out] + opts, capture_output=True, text=True)
            if p.returncode != 0:
                killed.append(f"{date}/{run}:CRASHED")
                continue
            files = tree_diff(out, base)
            if files:
                killed.append(f"{date}/{run}:" + ",".join(files[:3])
                              + (f",+{len(files) - 3}" if len(files) > 3 else ""))
        shown = " ".join(killed[:4]) + (f" (+{len(killed) - 4} runs)" if len(killed) > 4 else "")
        if name in GOV_EQUIVALENT:
            print(("KILLED?? " if killed else "equivalent ") + f"{name}  {shown}"
                  + ("" if killed else f"  ({GOV_EQUIVALENT[name]})"))
            survivors += bool(killed)  # a kill here means the reasoning above is wrong
            continue
        print(("killed   " if killed else "SURVIVED ") + f"{name}  {shown}")
        survivors += not killed
    real = len(GOV_MUTANTS) - len(GOV_EQUIVALENT)
    print(f"{real - survivors}/{real} governance mutants killed ({len(GOV_EQUIVALENT)} "
          "equivalent mutant(s) not counted)")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
