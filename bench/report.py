#!/usr/bin/env python3
"""Summarise a bench/run.sh results folder: medians and ratios. Standard library only.

    report.py --results DIR --extracts DIR --runs N [--generator TEXT] [--patients N] [--threads N]

Reads DIR/measurements.tsv (tool, run, wall_s, time_e_s, maxrss_kb), each run's
casefind-out-N/summary.json, rawparse-N.stdout, duckdb-N.stderr and polars-N.stderr. Prints the
report and writes DIR/report.json. The Polars lines are left out when the results have no
Polars runs.
"""
import argparse
import csv
import json
import os
import platform
import re
import statistics

MB = 1_000_000  # MB/s are decimal megabytes per second; memory is MiB


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--extracts", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--generator", default="")
    ap.add_argument("--patients", default="")
    ap.add_argument("--threads", default="2")
    ap.add_argument("--load", default="")
    a = ap.parse_args()
    res = a.results

    meas = {}
    with open(os.path.join(res, "measurements.tsv"), newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meas.setdefault(row["tool"], []).append(row)

    summaries = []
    for i in range(1, a.runs + 1):
        with open(os.path.join(res, f"casefind-out-{i}", "summary.json")) as fh:
            summary = json.load(fh)
        # Wall-clock timings are not in summary.json (it is byte-identical on a re-run).
        with open(os.path.join(res, f"casefind-timings-{i}.json")) as fh:
            summary["timings"] = json.load(fh)
        summaries.append(summary)
    inputs = [x for x in summaries[0]["inputs"] if x.get("present", True)]
    total_bytes = sum(x["bytes"] for x in inputs)
    total_rows = sum(x["read"] for x in inputs)
    rejected = sum(x["rejected"] for x in inputs)
    rx = next(x for x in inputs if x["file"] == "prescriptions.csv")
    rx_bytes, rx_rows = rx["bytes"], rx["read"]

    raw = []
    for i in range(1, a.runs + 1):
        with open(os.path.join(res, f"rawparse-{i}.stdout")) as fh:
            f = fh.read().split()
        raw.append(dict(zip(f[0::2], f[1::2])))
    def in_process(label):
        xs = []
        for i in range(1, a.runs + 1):
            path = os.path.join(res, f"{label}-{i}.stderr")
            if not os.path.exists(path):
                continue
            with open(path) as fh:
                m = re.search(r"cases in ([0-9.]+) s", fh.read())
            if m:
                xs.append(float(m.group(1)))
        return xs
    duck_inproc = in_process("duckdb")
    has_polars = "polars" in meas
    polars_engine = ""
    if has_polars:
        with open(os.path.join(res, "polars-1.stderr")) as fh:
            m = re.search(r"\(polars ([^,]+), ([a-z-]+) engine", fh.read())
        if m:
            polars_engine = f"Polars {m.group(1)} {m.group(2)} engine"
    cases = None
    with open(os.path.join(res, "casefind-out-1", "cases.csv"), newline="") as fh:
        cases = sum(1 for _ in fh) - 1

    def tool(name, nbytes, nrows):
        rows = meas.get(name, [])
        t = median([float(r["wall_s"]) for r in rows])
        mem = median([int(r["maxrss_kb"]) for r in rows]) / 1024
        return dict(wall_s=t, mb_per_s=nbytes / MB / t, rows_per_s=nrows / t, peak_mib=mem,
                    runs=[dict(wall_s=float(r["wall_s"]), maxrss_kb=int(r["maxrss_kb"]))
                          for r in rows])

    out = {
        "patients": a.patients, "generator": a.generator, "runs": a.runs,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": a.load,
        "input_bytes": total_bytes, "input_rows": total_rows, "rejected_rows": rejected,
        "cases": cases,
        "casefind": tool("casefind", total_bytes, total_rows),
        "duckdb": tool("duckdb", total_bytes, total_rows),
        "rawparse_process": tool("rawparse", rx_bytes, rx_rows),
    }
    out["duckdb"]["in_process_s"] = median(duck_inproc)
    if has_polars:
        out["polars"] = tool("polars", total_bytes, total_rows)
        out["polars"]["in_process_s"] = median(in_process("polars"))
        out["polars"]["engine"] = polars_engine
    timing_keys = sorted({k for s in summaries for k in s.get("timings", {})})
    out["casefind"]["timings_median_s"] = {
        k: median([s["timings"][k] for s in summaries if k in s.get("timings", {})])
        for k in timing_keys}
    ing = median([s["timings"]["read_prescriptions"] for s in summaries])
    rp = median([float(r["seconds"]) for r in raw])
    out["prescriptions"] = dict(
        bytes=rx_bytes, rows=rx_rows,
        casefind_read_s=ing, casefind_mb_per_s=rx_bytes / MB / ing,
        casefind_rows_per_s=rx_rows / ing,
        rawparse_s=rp, rawparse_mb_per_s=rx_bytes / MB / rp, rawparse_rows_per_s=rx_rows / rp,
        rawparse_rows=int(raw[0]["rows"]))
    c, d = out["casefind"], out["duckdb"]
    # Runs alternate, so run i of casefind and run i of DuckDB saw the same machine: on a
    # shared virtual machine whose speed drifts between runs, the median of these paired
    # ratios is steadier than the ratio of the two medians (both are reported).
    paired = [x["wall_s"] / y["wall_s"] for x, y in zip(c["runs"], d["runs"])]
    out["ratios"] = dict(
        time_casefind_over_duckdb=c["wall_s"] / d["wall_s"],
        time_casefind_over_duckdb_paired_median=median(paired),
        time_casefind_over_duckdb_paired=paired,
        memory_casefind_over_duckdb=c["peak_mib"] / d["peak_mib"],
        ingest_casefind_over_rawparse_throughput=(rx_bytes / ing) / (rx_bytes / rp))
    if has_polars:
        pol = out["polars"]
        paired_p = [x["wall_s"] / y["wall_s"] for x, y in zip(c["runs"], pol["runs"])]
        out["ratios"].update(
            time_casefind_over_polars=c["wall_s"] / pol["wall_s"],
            time_casefind_over_polars_paired_median=median(paired_p),
            time_casefind_over_polars_paired=paired_p,
            memory_casefind_over_polars=c["peak_mib"] / pol["peak_mib"])
    with open(os.path.join(res, "report.json"), "w") as fh:
        json.dump(out, fh, indent=2)

    p = out["prescriptions"]
    r = out["ratios"]
    print()
    print(f"casefind benchmark: {a.patients} patients ({a.generator}), {a.runs} runs, "
          f"medians; {out['machine']}; DuckDB threads={a.threads}"
          + (f"; Polars threads={a.threads} ({polars_engine})" if has_polars else ""))
    if a.load:
        print(f"load average: {a.load}")
    print(f"input: {total_bytes / MB:.1f} MB, {total_rows:,} rows in {len(inputs)} files "
          f"(prescriptions {rx_bytes / MB:.1f} MB, {rx_rows:,} rows); {cases:,} cases, "
          f"identical in casefind{', DuckDB and Polars' if has_polars else ' and DuckDB'}; "
          f"{rejected} rows rejected")
    print()
    print(f"{'':28} {'wall s':>8} {'MB/s':>8} {'rows/s':>12} {'peak MiB':>9}")
    table = [("casefind run", "casefind"), ("DuckDB essex.sql", "duckdb")]
    if has_polars:
        table.append(("Polars essex_polars.py", "polars"))
    table.append(("rawparse prescriptions", "rawparse_process"))
    for label, key in table:
        t = out[key]
        print(f"{label:28} {t['wall_s']:8.2f} {t['mb_per_s']:8.1f} {t['rows_per_s']:12,.0f} "
              f"{t['peak_mib']:9.1f}")
    print()
    print(f"casefind / DuckDB: time {r['time_casefind_over_duckdb']:.2f}x (ratio of medians); "
          f"median of paired runs {r['time_casefind_over_duckdb_paired_median']:.2f}x "
          f"({' '.join(f'{x:.2f}' for x in r['time_casefind_over_duckdb_paired'])}); "
          f"peak memory {r['memory_casefind_over_duckdb']:.2f}x "
          f"(DuckDB in-process {d['in_process_s']:.2f} s of {d['wall_s']:.2f} s wall)")
    if has_polars:
        pol = out["polars"]
        print(f"casefind / Polars: time {r['time_casefind_over_polars']:.2f}x (ratio of medians); "
              f"median of paired runs {r['time_casefind_over_polars_paired_median']:.2f}x "
              f"({' '.join(f'{x:.2f}' for x in r['time_casefind_over_polars_paired'])}); "
              f"peak memory {r['memory_casefind_over_polars']:.2f}x "
              f"(Polars in-process {pol['in_process_s']:.2f} s of {pol['wall_s']:.2f} s wall)")
    print(f"prescriptions ingest: casefind read_prescriptions {p['casefind_read_s']:.3f} s = "
          f"{p['casefind_mb_per_s']:.1f} MB/s, {p['casefind_rows_per_s']:,.0f} rows/s; "
          f"rawparse {p['rawparse_s']:.3f} s = {p['rawparse_mb_per_s']:.1f} MB/s, "
          f"{p['rawparse_rows_per_s']:,.0f} rows/s; "
          f"casefind at {100 * r['ingest_casefind_over_rawparse_throughput']:.0f}% of the ceiling")
    print("casefind stages (median s): " + ", ".join(
        f"{k} {v:.3f}" for k, v in c["timings_median_s"].items()))
    print(f"per run (wall s / peak MiB): " + "; ".join(
        f"{k} " + " ".join(f"{x['wall_s']:.2f}/{x['maxrss_kb'] / 1024:.0f}" for x in out[k]["runs"])
        for k in ("casefind", "duckdb") + (("polars",) if has_polars else ())
        + ("rawparse_process",)))
    if p["rawparse_rows"] != rx_rows:
        print(f"warning: rawparse counted {p['rawparse_rows']} prescription rows, "
              f"casefind read {rx_rows}")
    print(f"details: {os.path.join(res, 'report.json')}")


if __name__ == "__main__":
    main()
