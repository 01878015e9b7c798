#!/usr/bin/env python3
"""Differential check: casefind engine vs the independent reference (reference.py).

    compare.py [--seeds 1-6] [--dates 2026-11-22,2028-02-29,2027-02-28] [--patients 3000]
               [--encodings lf,crlf-bom] [--work /tmp/casefind-diff] [--max 20]
               [--engine PATH] [--criteria FILE]

For every seed x date x encoding: generate.py writes extracts around the date, the engine and
the reference both run on them, and every difference is printed: patients only in one list,
field-by-field differences in cases.csv (including risk_score, risk_band, status,
case_manager_id, waiting_position), the order of cases.csv (by locality, then allocation order),
rejects (file,line,severity,field) differences, attrition (with allocated and waiting), per-file
count differences, and scoping.csv's found, capacity, reserved, allocated, waiting, no_capacity
and active_case_managers per locality. Exit status 1 when anything differs.

    compare.py --incidence [--seeds 1-4] [--pairs 2026-10-22:2026-11-22,2028-01-29:2028-02-29]

Incidence mode: for every seed x date pair D1:D2, generate.py --as-of D2 --previous D1 writes
extracts (edge cases around D2, and patients whose status changes between D1 and D2), then in a
fresh --out the engine does `run --as-of D1` and `incidence --as-of D2`. The reference evaluates
the same extracts at D1 and D2: incident = case-found at D2 and not at D1, trigger = every
criterion met at D2; lapsed = case-found at D1 and not at D2, previous_criteria and
previous_priority at D1, case_manager_id and on_caseload from the D1 allocation. Compared:
incidence.csv (nhs_number + trigger, and the D2 case columns up to risk_band), lapsed.csv
(nhs_number + previous_criteria, previous_priority, case_manager_id, on_caseload), and the
incidence run's cases.csv (nhs_number + criteria) against the reference at D2.

    compare.py --governance [--seeds 1-3] [--dates ...] [--encodings lf,crlf-bom]

Governance mode: generate.py --governance (opt_outs.csv, placeholder practices, hostile names, a
big practice, an ndoo-cleared list beside the extracts), then per seed x date x encoding the
engine and the reference under --opt-outs type1,ndoo (default) / type1 / ndoo / none, with
--ndoo-cleared (default, ndoo, type1), all with --disclosure none, and the default once more with
the default disclosure (suppress). Compared on top of the plain checks: opted_out counts,
summary.json opt_outs, exceptions.csv, practices/ (files, CODE.csv cells except reasons, import
and Accurx bytes); privacy: no excluded NHS number in any byte under --out (xlsx members and
SQLite cells too), no formula-like CSV cell; and the suppressed scoping.csv's patient counts.
The plain modes run the engine with --disclosure none.

    compare.py --delivery [--seeds 1-3] [--dates ...] [--encodings lf,crlf-bom]
               [--shapes hes,monthly,dmd,dmd-only] [--delivery-mutant NAME]

Delivery mode (redeliver.py): the same rows re-delivered as HES pipe parts with a header file and
a mapping, as monthly gzip prescription parts and admissions.csv.gz, and with dm+d ids and a BNF
map (--bnf-map); the engine on each shape against the reference on the plain files, rejects
mapped back to the plain file and line; see redeliver.py's docstring.

Before the runs, the reference's own transcription of the HFRS table is checked against the
engine's criteria/hfrs-gilbert-2018.yaml (a difference is printed and counted).
"""
import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CASE_COLS = ["nhs_number", "gp_practice", "pct", "locality", "age", "priority", "criteria",
             "frailty_codes", "admissions", "distinct_drugs", "care_home", "nominated",
             "risk_score", "risk_band", "status", "case_manager_id", "waiting_position"]
SCOPING_COLS = ["found", "capacity", "reserved", "allocated", "waiting", "no_capacity",
                "active_case_managers"]


def check_hfrs_table():
    """The reference's transcription of Gilbert et al. 2018 against the engine's table file."""
    sys.path.insert(0, HERE)
    from reference import HFRS
    path = os.path.join(REPO, "criteria", "hfrs-gilbert-2018.yaml")
    table = {}
    with open(path) as fh:
        for line in fh:
            m = re.match(r"\s*-\s*\{\s*code:\s*([A-Z0-9]+)\s*,\s*points:\s*(\d+)\.(\d)\b", line)
            if m:
                table[m.group(1)] = int(m.group(2)) * 10 + int(m.group(3))
    bad = sorted(c for c in set(HFRS) | set(table) if HFRS.get(c) != table.get(c))
    print(f"HFRS table: reference {len(HFRS)} categories, {sum(HFRS.values()) / 10:.1f} points; "
          f"{os.path.relpath(path, REPO)} {len(table)} categories, "
          f"{sum(table.values()) / 10:.1f} points; "
          + ("identical" if not bad else "DIFFERENT: " + ", ".join(
              f"{c} reference={HFRS.get(c)} file={table.get(c)} (tenths)" for c in bad)))
    return len(bad)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def seeds(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def criteria_file(args, engine, work):
    """The working-tree criteria file, or the committed one when the built engine refuses it
    (the tree may hold criteria keys for stages newer than the binary)."""
    if args.criteria:
        return args.criteria
    path = os.path.join(REPO, "criteria", "essex-2005.yaml")
    probe = subprocess.run([engine, "validate", "--extracts", os.path.join(REPO, "sample-extracts"),
                            "--criteria", path], capture_output=True, text=True)
    if probe.returncode == 0:
        return path
    head = os.path.join(work, "essex-2005.HEAD.yaml")
    with open(head, "w") as fh:
        fh.write(subprocess.run(["git", "-C", REPO, "show", "HEAD:criteria/essex-2005.yaml"],
                                capture_output=True, text=True, check=True).stdout)
    print(f"note: the engine refuses {path} ({probe.stderr.strip().splitlines()[0]}); "
          f"using the committed version {head}")
    return head


NO_DISCLOSURE_FLAG = []  # set when the engine predates --disclosure


def run_exact(engine, argv):
    """The engine with exact aggregates (--disclosure none: scoping.csv is suppressed by
    default); an engine that does not know the flag is run without it, with a note."""
    if not NO_DISCLOSURE_FLAG:
        p = subprocess.run([engine] + argv + ["--disclosure", "none"], capture_output=True,
                           text=True)
        if not (p.returncode == 64 and "disclosure" in p.stderr):
            return p
        NO_DISCLOSURE_FLAG.append(True)
        print(f"note: {engine} does not know --disclosure ({p.stderr.strip().splitlines()[0]}); "
              "running it without")
    return subprocess.run([engine] + argv, capture_output=True, text=True)


def compare_run(tag, ext, eng, ref, cap, governance=False):
    diffs = []

    def say(kind, msg):
        diffs.append((kind, msg))

    if governance:
        governance_checks(eng, ref, say)

    e = {r["nhs_number"]: r for r in read_csv(os.path.join(eng, "cases.csv"))}
    r = {x["nhs_number"]: x for x in read_csv(os.path.join(ref, "cases.csv"))}
    for k in sorted(set(e) - set(r)):
        say("only_engine", f"case only in engine: {k} " + ",".join(e[k].get(c, "") for c in CASE_COLS))
    for k in sorted(set(r) - set(e)):
        say("only_reference", f"case only in reference: {k} " + ",".join(r[k][c] for c in CASE_COLS))
    for k in sorted(set(e) & set(r)):
        for c in CASE_COLS[1:]:
            if e[k].get(c) != r[k][c]:
                say("field:" + c, f"{k} {c}: engine={e[k].get(c)!r} reference={r[k][c]!r}")

    # order: by locality, then allocation order (compared over the patients both list)
    eo = [k for k in (x["nhs_number"] for x in read_csv(os.path.join(eng, "cases.csv"))) if k in r]
    ro = [k for k in (x["nhs_number"] for x in read_csv(os.path.join(ref, "cases.csv"))) if k in e]
    for i, (a, b) in enumerate(zip(eo, ro)):
        if a != b:
            say("order", f"cases.csv order differs first at row {i + 1} (of the common patients): "
                f"engine has {a} ({r[a]['locality']}), reference {b} ({r[b]['locality']})")
            break

    es = {x["locality"]: x for x in read_csv(os.path.join(eng, "scoping.csv"))}
    for x in read_csv(os.path.join(ref, "scoping.csv")):
        loc = x["locality"]
        if loc not in es:
            if int(x["found"]) > 0:
                say("scoping", f"scoping.csv: no row for {loc!r} (reference: {dict(x)})")
            continue
        for c in SCOPING_COLS:
            if es[loc].get(c) != x[c]:
                say("scoping", f"scoping.csv {loc} {c}: engine={es[loc].get(c)} reference={x[c]}")

    key = lambda x: (x["file"], int(x["line"]), x["severity"], x["field"])
    er = collections.Counter(key(x) for x in read_csv(os.path.join(eng, "rejects.csv")))
    rr = collections.Counter(key(x) for x in read_csv(os.path.join(ref, "rejects.csv")))
    for k in sorted((er - rr).elements()):
        say("reject_only_engine", "reject/warning only in engine: %s:%d %s field=%r" % k)
    for k in sorted((rr - er).elements()):
        say("reject_only_reference", "reject/warning only in reference: %s:%d %s field=%r" % k)

    ea = {x["step"]: x["patients"] for x in read_csv(os.path.join(eng, "attrition.csv"))}
    ra = {x["step"]: x["patients"] for x in read_csv(os.path.join(ref, "attrition.csv"))}
    for s in ra:
        if ea.get(s) != ra[s]:
            say("attrition", f"attrition {s}: engine={ea.get(s)} reference={ra[s]}")

    with open(os.path.join(eng, "summary.json")) as fh:
        summary = json.load(fh)
    inputs = {i["file"]: i for i in summary.get("inputs", [])}
    for x in read_csv(os.path.join(ref, "counts.csv")):
        i = inputs.get(x["file"], {})
        cols = ["read", "accepted", "rejected", "unregistered"]
        if governance:
            # opt_outs.csv's own rows: read, accepted, rejected (the contract's opted_out and
            # unregistered are about the five extracts keyed by patient)
            cols = cols[:3] if x["file"] == "opt_outs.csv" else cols + ["opted_out"]
        for c in cols:
            if str(i.get(c)) != x[c]:
                say("counts", f"{x['file']} {c}: engine={i.get(c)} reference={x[c]}")
        if governance and i and i.get("read") != (i.get("accepted", 0) + i.get("rejected", 0)
                                                  + i.get("opted_out", 0)):
            say("counts", f"{x['file']}: engine read {i.get('read')} != accepted "
                f"{i.get('accepted')} + rejected {i.get('rejected')} + opted_out "
                f"{i.get('opted_out')}")
    if governance:
        with open(os.path.join(ref, "opt_outs.json")) as fh:
            want = json.load(fh)
        got = summary.get("opt_outs")
        if not isinstance(got, dict):
            say("summary_opt_outs", f"summary.json has no opt_outs object (got {got!r})")
        else:
            if summary.get("registered") != want["registered"]:
                say("summary_opt_outs", f"summary.json registered: engine="
                    f"{summary.get('registered')!r} reference={want['registered']!r}")
            policy = set(want["policy"].split(",")) - {"none"}
            keys = ["policy", "excluded"] + [t for t in ("type1", "ndoo") if t in policy]
            for k in keys:
                if got.get(k) != want[k]:
                    say("summary_opt_outs", f"summary.json opt_outs.{k}: engine={got.get(k)!r} "
                        f"reference={want[k]!r}")

    by = collections.defaultdict(list)
    for kind, msg in diffs:
        by[kind].append(msg)
    print(f"== {tag}: {len(diffs)} difference(s); extracts {ext}")
    for kind in sorted(by):
        msgs = by[kind]
        print(f"  -- {kind}: {len(msgs)}")
        for m in msgs[:cap]:
            print("     " + m)
        if len(msgs) > cap:
            print(f"     ... {len(msgs) - cap} more")
    return by


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DIGIT_RUN = re.compile(rb"[0-9]{10,}")
PRACTICE_FILE = re.compile(r"^([A-Z0-9]+)(\.csv|\.xlsx|-import\.txt|-accurx-[0-9]{2}\.csv)$")


def numbers_in(data, targets):
    """The 10-digit windows of every run of digits in data (bytes) that are in targets."""
    hits = []
    for m in DIGIT_RUN.finditer(data):
        run = m.group()
        for k in range(len(run) - 9):
            if run[k:k + 10] in targets:
                hits.append((run[k:k + 10].decode(), m.start() + k))
    return hits


def privacy_scan(out, excluded):
    """Every byte of every file under out (xlsx members unzipped, SQLite cells read as values
    too, so an NHS number stored as an integer is found): where an excluded NHS number occurs."""
    import sqlite3
    import zipfile
    targets = {n.encode() for n in excluded}
    as_int = {int(n): n for n in excluded}
    found = []
    for root, dirs, files in os.walk(out):
        for f in sorted(files):
            path = os.path.join(root, f)
            rel = os.path.relpath(path, out)
            with open(path, "rb") as fh:
                data = fh.read()
            found += [(rel, n, f"byte {at}") for n, at in numbers_in(data, targets)]
            if data[:4] == b"PK\x03\x04":
                try:
                    with zipfile.ZipFile(path) as z:
                        for name in z.namelist():
                            found += [(rel, n, f"member {name} byte {at}")
                                      for n, at in numbers_in(z.read(name), targets)]
                except zipfile.BadZipFile as e:
                    found.append((rel, "-", f"unreadable zip: {e}"))
            if data[:16] == b"SQLite format 3\x00":
                try:
                    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                    tables = [t for (t,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'")]
                    for t in tables:
                        for row in db.execute(f'SELECT * FROM "{t}"'):
                            for v in row:
                                if isinstance(v, int) and v in as_int:
                                    found.append((rel, as_int[v], f"table {t}: integer {v}"))
                                elif isinstance(v, (str, bytes)):
                                    b = v.encode() if isinstance(v, str) else v
                                    found += [(rel, n, f"table {t}") for n, _ in
                                              numbers_in(b, targets)]
                    db.close()
                except sqlite3.Error as e:
                    found.append((rel, "-", f"unreadable SQLite: {e}"))
    return found


def formula_scan(out):
    """Every cell of every CSV under out that starts =, +, -, @, tab or CR and is not a number."""
    bad = []
    for root, dirs, files in os.walk(out):
        for f in sorted(files):
            if not f.lower().endswith(".csv"):
                continue
            path = os.path.join(root, f)
            with open(path, newline="", encoding="utf-8-sig", errors="replace") as fh:
                for r, row in enumerate(csv.reader(fh), 1):
                    for c, cell in enumerate(row, 1):
                        if cell[:1] in FORMULA_START and cell and not NUMBER.fullmatch(cell):
                            bad.append(f"{os.path.relpath(path, out)} row {r} column {c}: "
                                       f"{cell[:40]!r}")
    return bad


def compare_exceptions(eng, ref, say):
    path = os.path.join(eng, "exceptions.csv")
    if not os.path.exists(path):
        say("exceptions", "exceptions.csv not written")
        return
    rows = read_csv(path)
    keys = [(x.get("nhs_number"), x.get("reason")) for x in rows]
    if keys != sorted(keys):
        i = next(k for k in range(len(keys)) if keys[k] != sorted(keys)[k])
        say("exceptions_order", f"exceptions.csv not sorted by (nhs_number, reason): row {i + 2}")
    e = collections.defaultdict(set)
    for n, why in keys:
        e[n].add(why)
    r = collections.defaultdict(set)
    lenient = set()
    for x in read_csv(os.path.join(ref, "exceptions.csv")):
        r[x["nhs_number"]].add(x["reason"])
        if x["also"]:
            lenient.add(x["nhs_number"])
    for n in sorted(set(e) | set(r)):
        if e[n] == r[n]:
            continue
        if n in lenient and e[n] in ({"under_65"}, {"dead", "under_65"}):
            continue  # dead and under 65: either reason (or both) reads the contract
        kind = "exceptions:" + "/".join(sorted(e[n] ^ r[n]))
        say(kind, f"{n}: engine={';'.join(sorted(e[n])) or '-'} "
            f"reference={';'.join(sorted(r[n])) or '-'}")


def compare_practices(eng, ref, say):
    ed, rd = os.path.join(eng, "practices"), os.path.join(ref, "practices")
    got = set(os.listdir(ed)) if os.path.isdir(ed) else set()
    want = set(os.listdir(rd))
    want |= {f[:-4] + ".xlsx" for f in want if re.fullmatch(r"[A-Z0-9]+\.csv", f)}
    for f in sorted(got - want):
        say("practice_file_only_engine", f"practices/{f} written by the engine only")
    for f in sorted(want - got):
        say("practice_file_only_reference", f"practices/{f} expected, not written")
    for f in sorted(got & want):
        ep, rp = os.path.join(ed, f), os.path.join(rd, f)
        if f.endswith(".xlsx"):
            continue
        if re.fullmatch(r"[A-Z0-9]+\.csv", f):
            with open(ep, newline="", encoding="utf-8") as fh:
                erows = list(csv.reader(fh))
            with open(rp, newline="", encoding="utf-8") as fh:
                rrows = list(csv.reader(fh))
            if erows[:1] != rrows[:1]:
                say("practice_csv_header", f"practices/{f} header: engine={erows[:1]} "
                    f"reference={rrows[:1]}")
                continue
            head = rrows[0]
            if len(erows) != len(rrows):
                say("practice_csv_rows", f"practices/{f}: engine {len(erows) - 1} rows, "
                    f"reference {len(rrows) - 1}")
            for k, (a, b) in enumerate(zip(erows[1:], rrows[1:]), 2):
                if len(a) != len(head):
                    say("practice_csv_field", f"practices/{f} row {k}: {len(a)} fields")
                    continue
                for c, name in enumerate(head):
                    if name == "reasons":
                        if not a[c].strip():
                            say("practice_csv_reasons", f"practices/{f} row {k} ({a[0]}): "
                                "empty reasons")
                    elif a[c] != b[c]:
                        say("practice_csv_field:" + name, f"practices/{f} row {k} "
                            f"({b[0]}) {name}: engine={a[c]!r} reference={b[c]!r}")
            continue
        with open(ep, "rb") as fh:
            a = fh.read()
        with open(rp, "rb") as fh:
            b = fh.read()
        if a != b:
            al, bl = a.split(b"\n"), b.split(b"\n")
            k = next((i for i in range(min(len(al), len(bl))) if al[i] != bl[i]),
                     min(len(al), len(bl)))
            note = " (only the line ends differ)" if a.replace(b"\r\n", b"\n") == b else ""
            say("practice_bytes", f"practices/{f} differs{note}: {len(a)} bytes vs {len(b)}; "
                f"first at line {k + 1}: engine={al[k][:60] if k < len(al) else b'<end>'!r} "
                f"reference={bl[k][:60] if k < len(bl) else b'<end>'!r}")


def governance_checks(eng, ref, say):
    """Exceptions, practice lists, opt_outs.csv rejects without their record, and the privacy
    checks: no excluded NHS number in any byte under --out, no formula-like CSV cell."""
    compare_exceptions(eng, ref, say)
    compare_practices(eng, ref, say)
    for x in read_csv(os.path.join(eng, "rejects.csv")):
        if x.get("file") == "opt_outs.csv" and x.get("record", ""):
            say("opt_outs_record", f"rejects.csv opt_outs.csv line {x.get('line')}: record "
                f"not empty ({x['record'][:30]!r}...)")
    privacy_checks(eng, ref, say)


def privacy_checks(eng, ref, say):
    with open(os.path.join(ref, "excluded.txt")) as fh:
        excluded = fh.read().split()
    for rel, n, where in privacy_scan(eng, excluded):
        say("privacy_nhs_number", f"excluded {n} found in {rel} ({where})")
    for m in formula_scan(eng):
        say("privacy_formula", m)


def compare_suppressed(tag, eng, ref, cap):
    """The default (suppress) run: scoping.csv's patient counts against the reference's exact
    figures released by the rule (1-7 as *, others to the nearest 5, TOTAL from exact sums),
    and the privacy checks."""
    diffs = collections.defaultdict(list)
    say = lambda kind, msg: diffs[kind].append(msg)
    es = {x["locality"]: x for x in read_csv(os.path.join(eng, "scoping.csv"))}
    for x in read_csv(os.path.join(ref, "scoping.csv")):
        loc = x["locality"]
        if loc not in es:
            say("scoping_released", f"scoping.csv: no row for {loc!r} (reference: {dict(x)})")
            continue
        for c in ("found", "allocated", "waiting", "no_capacity"):
            if es[loc].get(c) != x[c]:
                say("scoping_released", f"scoping.csv {loc} {c}: engine={es[loc].get(c)!r} "
                    f"reference={x[c]!r}")
    privacy_checks(eng, ref, say)
    n = sum(len(v) for v in diffs.values())
    print(f"== {tag}: {n} difference(s)")
    for kind in sorted(diffs):
        print(f"  -- {kind}: {len(diffs[kind])}")
        for m in diffs[kind][:cap]:
            print("     " + m)
        if len(diffs[kind]) > cap:
            print(f"     ... {len(diffs[kind]) - cap} more")
    return diffs


def run_governance(args, crit):
    """--governance: per seed x date x encoding, generate.py --governance, then the engine and
    the reference under each opt-out policy; see the docstring."""
    totals = collections.Counter()
    runs = 0
    if check_hfrs_table():
        totals["hfrs_table"] += 1
    for seed in seeds(args.seeds):
        for date in args.dates.split(","):
            for enc in args.encodings.split(","):
                base = os.path.join(args.work, f"gov-s{seed}-{date}-{enc}")
                ext, cleared = os.path.join(base, "extracts"), os.path.join(base, "ndoo-cleared.txt")
                subprocess.run(["rm", "-rf", base], check=True)
                gen = [sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(seed),
                       "--patients", str(args.patients), "--out", ext, "--as-of", date,
                       "--governance", "--ndoo-cleared", cleared]
                if enc == "crlf-bom":
                    gen.append("--crlf-bom")
                subprocess.run(gen, check=True)
                plan = [("default", ["--disclosure", "none"], []),
                        ("type1", ["--disclosure", "none", "--opt-outs", "type1"],
                         ["--opt-outs", "type1"]),
                        ("ndoo", ["--disclosure", "none", "--opt-outs", "ndoo"],
                         ["--opt-outs", "ndoo"]),
                        ("none", ["--disclosure", "none", "--opt-outs", "none"],
                         ["--opt-outs", "none"]),
                        ("cleared", ["--disclosure", "none", "--ndoo-cleared", cleared],
                         ["--ndoo-cleared", cleared]),
                        ("ndoo-cleared", ["--disclosure", "none", "--opt-outs", "ndoo",
                                          "--ndoo-cleared", cleared],
                         ["--opt-outs", "ndoo", "--ndoo-cleared", cleared]),
                        ("type1-cleared", ["--disclosure", "none", "--opt-outs", "type1",
                                           "--ndoo-cleared", cleared],
                         ["--opt-outs", "type1", "--ndoo-cleared", cleared]),
                        ("suppress", [], ["--disclosure", "suppress"])]
                for name, eopts, ropts in plan:
                    tag = f"seed {seed} as-of {date} {enc} governance {name}"
                    eng, ref = os.path.join(base, "engine-" + name), os.path.join(base, "ref-" + name)
                    p = subprocess.run([args.engine, "run", "--extracts", ext, "--criteria", crit,
                                        "--as-of", date, "--out", eng, "--quiet"] + eopts,
                                       capture_output=True, text=True)
                    if p.returncode != 0:
                        print(f"== {tag}: ENGINE FAILED exit {p.returncode}\n{p.stderr}")
                        totals["engine_failed"] += 1
                        continue
                    subprocess.run([sys.executable, os.path.join(HERE, "reference.py"),
                                    "--extracts", ext, "--as-of", date, "--out", ref] + ropts,
                                   check=True)
                    if name == "suppress":
                        by = compare_suppressed(tag, eng, ref, args.max)
                    else:
                        by = compare_run(tag, ext, eng, ref, args.max, governance=True)
                    runs += 1
                    for k, v in by.items():
                        totals[k] += len(v)
    print(f"\n== {runs} governance run(s) compared; differences by kind over all runs:")
    if not totals:
        print("   none")
    for k, v in sorted(totals.items()):
        print(f"   {k}: {v}")
    return 1 if totals else 0


def run_incidence(args, crit):
    """Incidence mode: run at D1 then incidence at D2 into one fresh folder; see the docstring."""
    sys.path.insert(0, HERE)
    import datetime as dt
    import reference as R
    totals = collections.Counter()
    runs = 0
    for seed in seeds(args.seeds):
        for pair in args.pairs.split(","):
            d1, d2 = pair.split(":")
            for enc in args.encodings.split(","):
                tag = f"seed {seed} incidence {d1} -> {d2} {enc}"
                base = os.path.join(args.work, f"inc-s{seed}-{d1}-{d2}-{enc}")
                ext, out = os.path.join(base, "extracts"), os.path.join(base, "engine")
                subprocess.run(["rm", "-rf", base], check=True)
                gen = [sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(seed),
                       "--patients", str(args.patients), "--out", ext, "--as-of", d2,
                       "--previous", d1] + (["--crlf-bom"] if enc == "crlf-bom" else [])
                subprocess.run(gen, check=True)
                failed = False
                for cmd, d in (("run", d1), ("incidence", d2)):
                    p = subprocess.run([args.engine, cmd, "--extracts", ext, "--criteria", crit,
                                        "--as-of", d, "--out", out, "--quiet"],
                                       capture_output=True, text=True)
                    if p.returncode != 0:
                        print(f"== {tag}: ENGINE {cmd} FAILED exit {p.returncode}\n{p.stderr}")
                        totals["engine_failed"] += 1
                        failed = True
                        break
                if failed:
                    continue
                try:
                    _, practices, spine, episodes, scripts, register, noms, cms = R.load(ext)
                except R.ConfigError as e:
                    print(f"== {tag}: reference configuration error {e}; skipped")
                    continue
                c1, att1 = R.evaluate(dt.date.fromisoformat(d1), practices, spine, episodes,
                                      scripts, register, noms)
                R.allocate(c1, cms, att1)
                c2, _ = R.evaluate(dt.date.fromisoformat(d2), practices, spine, episodes,
                                   scripts, register, noms)
                r1 = {c["nhs_number"]: c for c in c1}
                r2 = {c["nhs_number"]: c for c in c2}
                by = compare_incidence(tag, ext, out, r1, r2, args.max)
                runs += 1
                for k, v in by.items():
                    totals[k] += len(v)
    print(f"\n== {runs} incidence run(s) compared; differences by kind over all runs:")
    if not totals:
        print("   none")
    for k, v in sorted(totals.items()):
        print(f"   {k}: {v}")
    return 1 if totals else 0


def compare_incidence(tag, ext, out, r1, r2, cap):
    diffs = collections.defaultdict(list)
    say = lambda kind, msg: diffs[kind].append(msg)

    def rows(name):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            say("missing_file", f"{name} not written")
            return {}
        return {x["nhs_number"]: x for x in read_csv(path)}

    def one_sided(kind, e, r, show_e, show_r):
        for k in sorted(set(e) - set(r)):
            say(kind + "_only_engine", f"{k} only in engine: {show_e(k)}; reference: "
                + (f"D1 {r1[k]['criteria']!r}" if k in r1 else "D1 not found")
                + (f", D2 {r2[k]['criteria']!r}" if k in r2 else ", D2 not found"))
        for k in sorted(set(r) - set(e)):
            say(kind + "_only_reference", f"{k} only in reference: {show_r(k)}")

    # incidence.csv
    ei = rows("incidence.csv")
    ri = {k: r2[k] for k in r2 if k not in r1}
    one_sided("incident", ei, ri, lambda k: f"trigger={ei[k].get('trigger')!r} "
              f"criteria={ei[k].get('criteria')!r}", lambda k: f"trigger={ri[k]['criteria']!r}")
    for k in sorted(set(ei) & set(ri)):
        if ei[k].get("trigger") != ri[k]["criteria"]:
            say("incident_trigger", f"{k} trigger: engine={ei[k].get('trigger')!r} "
                f"reference={ri[k]['criteria']!r}")
        for c in CASE_COLS[1:CASE_COLS.index("risk_band") + 1]:
            if ei[k].get(c) != ri[k][c]:
                say("incident_field:" + c, f"{k} {c}: engine={ei[k].get(c)!r} "
                    f"reference={ri[k][c]!r}")

    # lapsed.csv
    el = rows("lapsed.csv")
    rl = {k: r1[k] for k in r1 if k not in r2}
    one_sided("lapsed", el, rl, lambda k: f"previous_criteria={el[k].get('previous_criteria')!r}",
              lambda k: f"previous_criteria={rl[k]['criteria']!r}")
    for k in sorted(set(el) & set(rl)):
        want = dict(previous_criteria=rl[k]["criteria"], previous_priority=rl[k]["priority"],
                    locality=rl[k]["locality"], case_manager_id=rl[k]["case_manager_id"],
                    on_caseload="Y" if rl[k]["status"] == "allocated" else "N")
        for c, v in want.items():
            if el[k].get(c) != v:
                say("lapsed_field:" + c, f"{k} {c}: engine={el[k].get(c)!r} reference={v!r}")

    trig = collections.Counter(c for k in ri for c in ri[k]["criteria"].split(";"))
    lap = collections.Counter(c for k in rl for c in rl[k]["criteria"].split(";"))
    n = sum(len(v) for v in diffs.values())
    print(f"== {tag}: {n} difference(s); reference: {len(ri)} incident "
          f"({', '.join(f'{c} {trig[c]}' for c in R_CRITERIA if trig[c])}), {len(rl)} lapsed "
          f"({', '.join(f'{c} {lap[c]}' for c in R_CRITERIA if lap[c])}); extracts {ext}")
    for kind in sorted(diffs):
        msgs = diffs[kind]
        print(f"  -- {kind}: {len(msgs)}")
        for m in msgs[:cap]:
            print("     " + m)
        if len(msgs) > cap:
            print(f"     ... {len(msgs) - cap} more")
    return diffs


R_CRITERIA = ["frailty", "admissions", "care_home", "polypharmacy", "nomination"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", help="default 1-6, with --incidence 1-4")
    ap.add_argument("--dates", default="2026-11-22,2028-02-29,2027-02-28")
    ap.add_argument("--patients", type=int, default=3000)
    ap.add_argument("--encodings", help="default lf,crlf-bom, with --incidence lf")
    ap.add_argument("--work", default="/tmp/casefind-diff")
    ap.add_argument("--max", type=int, default=20, help="differences shown per kind per run")
    ap.add_argument("--engine", default=os.path.join(REPO, ".build", "debug", "casefind"))
    ap.add_argument("--criteria")
    ap.add_argument("--incidence", action="store_true",
                    help="run at D1 then incidence at D2; compare incidence.csv and lapsed.csv")
    ap.add_argument("--pairs", default="2026-10-22:2026-11-22,2028-01-29:2028-02-29",
                    help="D1:D2 pairs for --incidence")
    ap.add_argument("--governance", action="store_true",
                    help="opt-outs under each policy, placeholder practices, practice lists, "
                    "formula injection, disclosure control, and the privacy checks")
    ap.add_argument("--delivery", action="store_true",
                    help="re-deliver the rows as HES parts, monthly gzip parts and dm+d ids "
                    "(redeliver.py) and compare each shape against the reference")
    ap.add_argument("--shapes", default="hes,monthly,dmd,dmd-only",
                    help="with --delivery: which shapes")
    ap.add_argument("--delivery-mutant", choices=["part-lines", "drop-row", "map-wrong-bnf"],
                    help="with --delivery: a deliberate mistake that must show differences")
    args = ap.parse_args()

    if not os.path.exists(args.engine):
        print(f"engine binary {args.engine} missing: run `cd {REPO} && swift build` first")
        return 2
    os.makedirs(args.work, exist_ok=True)
    crit = criteria_file(args, args.engine, args.work)
    if args.incidence:
        args.seeds = args.seeds or "1-4"
        args.encodings = args.encodings or "lf"
        return run_incidence(args, crit)
    if args.delivery:  # (with --governance: the governance extracts, re-delivered)
        args.seeds = args.seeds or "1-3"
        args.encodings = args.encodings or "lf,crlf-bom"
        import redeliver
        return redeliver.run_delivery(args, crit, sys.modules[__name__])
    if args.governance:
        args.seeds = args.seeds or "1-3"
        args.encodings = args.encodings or "lf,crlf-bom"
        return run_governance(args, crit)
    args.seeds = args.seeds or "1-6"
    args.encodings = args.encodings or "lf,crlf-bom"
    totals = collections.Counter()
    if check_hfrs_table():
        totals["hfrs_table"] += 1
    runs = 0
    for seed in seeds(args.seeds):
        for date in args.dates.split(","):
            for enc in args.encodings.split(","):
                tag = f"seed {seed} as-of {date} {enc}"
                base = os.path.join(args.work, f"s{seed}-{date}-{enc}")
                ext, eng, ref = (os.path.join(base, d) for d in ("extracts", "engine", "reference"))
                subprocess.run(["rm", "-rf", base], check=True)
                gen = [sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(seed),
                       "--patients", str(args.patients), "--out", ext, "--as-of", date]
                if enc == "crlf-bom":
                    gen.append("--crlf-bom")
                subprocess.run(gen, check=True)
                p = run_exact(args.engine, ["run", "--extracts", ext, "--criteria", crit,
                                            "--as-of", date, "--out", eng, "--quiet"])
                if p.returncode != 0:
                    print(f"== {tag}: ENGINE FAILED exit {p.returncode}\n{p.stderr}")
                    totals["engine_failed"] += 1
                    continue
                subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), "--extracts",
                                ext, "--as-of", date, "--out", ref], check=True)
                by = compare_run(tag, ext, eng, ref, args.max)
                runs += 1
                for k, v in by.items():
                    totals[k] += len(v)
    print(f"\n== {runs} run(s) compared; differences by kind over all runs:")
    if not totals:
        print("   none")
    for k, v in sorted(totals.items()):
        print(f"   {k}: {v}")
    return 1 if totals else 0


if __name__ == "__main__":
    sys.exit(main())
