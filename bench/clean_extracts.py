#!/usr/bin/env python3
"""Copy an extract folder without the rows the engine rejected (and without blank lines).

    clean_extracts.py SRC DST REJECTS_CSV

The benchmark compares casefind with a DuckDB SQL version of the Essex search on *clean*
data: the SQL implements the search, not the row-level validation (Modulus 11, field counts,
unreadable dates, duplicate spine rows, malformed BNF codes). Extract generators that write
deliberately malformed rows (Tests/differential/generate.py) are made clean here by dropping
every record that casefind's rejects.csv lists with severity `reject` (by file and the
physical line where the record starts), plus blank lines, which are not records. Every other
byte is copied unchanged, so field-level warnings (sentinel dates, unreadable ICD-10 codes,
over-long HES codes) stay in the data and the SQL has to treat them as the engine does.

Prints the number of records dropped per file. Standard library only.
"""
import csv
import os
import shutil
import sys


def record_spans(lines):
    """Yield (first_line, last_line, fields) per CSV record; lines are numbered from 1."""
    it = iter(lines)
    reader = csv.reader(it)
    prev = 0
    for fields in reader:
        yield prev + 1, reader.line_num, fields
        prev = reader.line_num


def main():
    src, dst, rejects_csv = sys.argv[1:4]
    rejected = {}
    with open(rejects_csv, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["severity"] == "reject":
                rejected.setdefault(row["file"], set()).add(int(row["line"]))
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if not name.endswith(".csv") or not os.path.isfile(path):
            continue
        drop = rejected.get(name, set())
        with open(path, "rb") as fh:
            data = fh.read()
        if not drop and b"\n\n" not in data and b"\n \n" not in data:
            shutil.copyfile(path, os.path.join(dst, name))
            continue
        text = data.decode("utf-8")
        # split on LF only (str.splitlines would also split on CR, VT, FF, U+2028...)
        lines = [ln + "\n" for ln in text.split("\n")]
        if text.endswith("\n"):
            lines.pop()
        else:
            lines[-1] = lines[-1][:-1]
        keep = []
        dropped = blank = 0
        starts = set()
        for first, last, fields in record_spans(lines):
            starts.add(first)
            if first in drop:
                dropped += 1
                continue
            if first == last and lines[first - 1].strip(" \t\r\n") == "":
                blank += 1
                continue
            keep.extend(lines[first - 1:last])
        with open(os.path.join(dst, name), "w", encoding="utf-8", newline="") as fh:
            fh.write("".join(keep))
        if dropped or blank:
            print(f"clean: {name}: dropped {dropped} rejected records, {blank} blank lines",
                  file=sys.stderr)
        missing = drop - starts
        if missing:
            sys.exit(f"clean: {name}: rejects.csv names lines that start no record: "
                     f"{sorted(missing)[:5]}")


if __name__ == "__main__":
    main()
