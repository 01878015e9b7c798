#!/usr/bin/env python3
"""Reads an .xlsx review workbook written by the Workbook module back with openpyxl, a real
reader, and checks it against what the test meant to write.

Usage: check_xlsx.py FILE EXPECTED.json

EXPECTED.json:
  {"sheet_name": "...", "header": ["...", ...], "widths": [14, ...],
   "rows": [[CELL, ...], ...],            # one list per data row, one CELL per column
   "choices": {"F": ["accept", "reject"]}}  # column letter -> the drop-down's list
  CELL: {"type": "str", "value": "..."} | {"type": "int", "value": 81}
      | {"type": "float", "value": -0.5} | {"type": "date", "value": "2026-02-03"}
      | {"type": "empty"}

Checks: the ZIP's parts and that each is well-formed XML without a formula; the sheet's name;
the header (values, bold, Text format); every cell's value AND type (text is a str with
leading zeros intact, data_type 's' and number_format '@', never a formula; numbers are
int/float; dates are datetime with the right day and number_format dd/mm/yyyy; empty is
None); freeze_panes == 'A2' with a frozen pane of one row; ws.auto_filter.ref over the header
and all rows; the hidden _xlnm._FilterDatabase name (read from workbook.xml: openpyxl drops it
on load); the list data validations; the column widths.
Prints each failure and exits 1 if any; exits 2 if openpyxl cannot be imported.
"""
import datetime
import json
import sys
import zipfile
import xml.etree.ElementTree as ET

try:
    import openpyxl
    from openpyxl.utils import get_column_letter
except ImportError as error:
    print(f"check_xlsx.py: openpyxl is missing ({error}): run Tests/sql/setup.sh", file=sys.stderr)
    sys.exit(2)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
]

failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)


def check_package(path, expected, rows):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        check(names == PARTS, f"ZIP entries {names}, expected {PARTS}")
        for info in z.infolist():
            check(info.compress_type == zipfile.ZIP_DEFLATED, f"{info.filename} is not deflated")
            check(info.date_time == (1980, 1, 1, 0, 0, 0), f"{info.filename} dated {info.date_time}")
        check(z.testzip() is None, "a ZIP entry fails its CRC")
        for name in names:
            try:
                root = ET.fromstring(z.read(name))
            except ET.ParseError as error:
                check(False, f"{name} is not well-formed XML: {error}")
                continue
            if name == "xl/worksheets/sheet1.xml":
                check(root.find(f".//{MAIN}f") is None, "the worksheet has a formula (<f>)")
            if name == "xl/workbook.xml":
                names_found = {
                    d.get("name"): (d.get("localSheetId"), d.get("hidden"), d.text)
                    for d in root.iter(f"{MAIN}definedName")
                }
                last = get_column_letter(len(expected["header"]))
                quoted = "'" + expected["sheet_name"].replace("'", "''") + "'"
                want = ("0", "1", f"{quoted}!$A$1:${last}${rows + 1}")
                got = names_found.get("_xlnm._FilterDatabase")
                check(got == want, f"_xlnm._FilterDatabase is {got}, expected {want}")


def check_cell(cell, want, where):
    kind = want["type"]
    value = cell.value
    if kind == "empty":
        check(value is None, f"{where}: expected empty, got {value!r}")
        return
    if kind == "str":
        check(type(value) is str, f"{where}: expected a str, got {type(value).__name__} {value!r}")
        check(value == want["value"], f"{where}: value {value!r}, expected {want['value']!r}")
        check(cell.data_type == "s", f"{where}: data_type {cell.data_type!r}, expected 's' (not a formula)")
        check(cell.number_format == "@", f"{where}: number_format {cell.number_format!r}, expected '@'")
    elif kind in ("int", "float"):
        check(type(value) is (int if kind == "int" else float),
              f"{where}: expected {kind}, got {type(value).__name__} {value!r}")
        check(value == want["value"], f"{where}: value {value!r}, expected {want['value']!r}")
        check(cell.data_type == "n", f"{where}: data_type {cell.data_type!r}, expected 'n'")
    elif kind == "date":
        check(isinstance(value, datetime.datetime), f"{where}: expected a datetime, got {type(value).__name__} {value!r}")
        if isinstance(value, datetime.datetime):
            day = datetime.date.fromisoformat(want["value"])
            check(value == datetime.datetime(day.year, day.month, day.day),
                  f"{where}: date {value!r}, expected {want['value']}")
        check(cell.number_format.lower() == "dd/mm/yyyy", f"{where}: number_format {cell.number_format!r}")
    else:
        check(False, f"{where}: unknown expected type {kind!r}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    header, rows = expected["header"], expected["rows"]
    check_package(path, expected, len(rows))

    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == [expected["sheet_name"]], f"sheets {wb.sheetnames}, expected [{expected['sheet_name']!r}]")
    ws = wb.worksheets[0]
    width = len(header)
    last = get_column_letter(width)
    check(ws.max_row == len(rows) + 1, f"max_row {ws.max_row}, expected {len(rows) + 1}")
    check(ws.max_column == width, f"max_column {ws.max_column}, expected {width}")

    for c, title in enumerate(header, start=1):
        cell = ws.cell(row=1, column=c)
        check_cell(cell, {"type": "str", "value": title}, f"header {cell.coordinate}")
        check(cell.font.b is True, f"header {cell.coordinate} is not bold")

    for r, row in enumerate(rows, start=2):
        check(len(row) == width, f"EXPECTED row {r} has {len(row)} cells, not {width}")
        for c, want in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            check_cell(cell, want, f"{cell.coordinate}")

    check(ws.freeze_panes == "A2", f"freeze_panes {ws.freeze_panes!r}, expected 'A2'")
    pane = ws.sheet_view.pane
    check(pane is not None and pane.state == "frozen" and pane.ySplit == 1 and not pane.xSplit,
          f"pane {pane!r} is not a frozen first row")
    want_ref = f"A1:{last}{len(rows) + 1}"
    check(ws.auto_filter.ref == want_ref, f"auto_filter.ref {ws.auto_filter.ref!r}, expected {want_ref!r}")

    found = {}
    for dv in ws.data_validations.dataValidation:
        check(dv.type == "list", f"data validation {dv.sqref} is {dv.type!r}, not a list")
        found[str(dv.sqref)] = dv.formula1
    want_dv = {
        f"{letter}2:{letter}{len(rows) + 1}": '"' + ",".join(choices).replace('"', '""') + '"'
        for letter, choices in expected.get("choices", {}).items()
    }
    check(found == want_dv, f"data validations {found}, expected {want_dv}")

    for c, w in enumerate(expected.get("widths", []), start=1):
        dim = ws.column_dimensions[get_column_letter(c)]
        check(abs(dim.width - w) < 1e-9 and dim.customWidth, f"column {get_column_letter(c)} width {dim.width}, expected {w}")

    for failure in failures:
        print("FAIL:", failure)
    print(f"check_xlsx.py: {checks} checks, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
