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


def compare_run(tag, ext, eng, ref, cap):
    diffs = []

    def say(kind, msg):
        diffs.append((kind, msg))

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
        for c in ("read", "accepted", "rejected", "unregistered"):
            if str(i.get(c)) != x[c]:
                say("counts", f"{x['file']} {c}: engine={i.get(c)} reference={x[c]}")

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
                p = subprocess.run([args.engine, "run", "--extracts", ext, "--criteria", crit,
                                    "--as-of", date, "--out", eng, "--quiet"],
                                   capture_output=True, text=True)
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
