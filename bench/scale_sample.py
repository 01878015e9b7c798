#!/usr/bin/env python3
"""Make a larger extract set from sample-extracts/ for memory and speed measurements.

    python3 bench/scale_sample.py OUT_DIR --copies 10 [--rx-repeat 1]

--copies N    writes N copies of every patient and their activity, each copy with its own
              valid NHS numbers (so patients grow N-fold);
--rx-repeat M repeats every prescription row M times (rows grow, patients do not).

Deterministic. Rejected rows of the sample stay rejected in every copy. Not a realistic
population generator (that is `casefind synth`, planned): a scale-up of a known set.
"""
import argparse
import csv
import io
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "sample-extracts")
ACTIVITY = ["admissions.csv", "prescriptions.csv", "residence.csv", "nominations.csv"]


def check_digit(d9):
    s = sum(int(c) * w for c, w in zip(d9, range(10, 1, -1)))
    c = 11 - s % 11
    return 0 if c == 11 else (None if c == 10 else c)


def remap(nhs, copy):
    """The copy'th variant of an NHS number: valid stays valid, invalid stays invalid."""
    digits = re.sub(r"[ -]", "", nhs)
    if copy == 0 or not re.fullmatch(r"\d{10}", digits):
        return nhs
    valid = check_digit(digits[:9]) == int(digits[9])
    base = (int(digits[:9]) + copy * 1_000_003) % 1_000_000_000
    while True:
        d9 = "%09d" % base
        c = check_digit(d9)
        if c is not None:
            if valid:
                return d9 + str(c)
            return d9 + str((c + 1) % 10)
        base += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--rx-repeat", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in sorted(os.listdir(SAMPLE)):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(SAMPLE, name), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], [r for r in rows[1:] if r]
        lower = [h.lower() for h in header]
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        if name == "patients.csv" or name in ACTIVITY:
            i = lower.index("nhs_number")
            repeat = a.rx_repeat if name == "prescriptions.csv" else 1
            for copy in range(a.copies):
                for r in body:
                    r2 = list(r)
                    if i < len(r2):
                        r2[i] = remap(r2[i], copy)
                    for _ in range(repeat):
                        w.writerow(r2)
        else:
            w.writerows(body)
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="") as f:
            f.write(out.getvalue())


if __name__ == "__main__":
    main()
