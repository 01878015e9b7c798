"""A warehouse-shaped copy of generated contract extracts, and the column mapping that reads it
(for check_sql.py's `mapped` datasets): casefind runs on the copy with `--mapping`, and the
queries read the same tables with `casefind sql --mapping`.

The copy renames patients', admissions' and prescriptions' columns HES-style (admissions'
spell key split into PROCODE3 + PROVSPNO, a composite key; diagnoses DIAG_4_01 ...), writes
their dates as YYYYMMDD (patients) and DD/MM/YYYY (admissions, prescriptions), puts SUS's "-1"
in some blank spell numbers and "99" (not known) in some admission methods, both declared
missing, and loads admissions as the table hes_apc. Values that are not ISO dates stay as they
are, so malformed dates stay malformed. Every other file is copied unchanged."""
import csv
import os
import re
import shutil

MAPPING = """\
mapping: sql-test-hes
version: 1
person_id: nhs_number
tables:
  admissions: hes_apc
files:
  patients:
    date_format: YYYYMMDD
    columns:
      nhs_number: NHS_NO
      date_of_birth: DOB
      gp_practice: GPPRAC
      date_of_death: DOD
  admissions:
    date_format: DD/MM/YYYY
    columns:
      nhs_number: NEWNHSNO
      spell_id: [PROCODE3, PROVSPNO]
      episode_number: EPIORDER
      admission_date: ADMIDATE
      discharge_date: DISDATE
      admission_method: ADMIMETH
      patient_classification: CLASSPAT
      admission_source: ADMISORC
      discharge_destination: DISDEST
      discharge_method: DISMETH
    missing_values:
      spell_id: ["-1"]
      admission_method: ["99"]
    diagnoses:
      prefix: [DIAG_4_]
  prescriptions:
    date_format: DD/MM/YYYY
    columns:
      issue_date: ISSUED
"""
TABLES = {"admissions": "hes_apc"}
DIAG_PREFIX = "diag_4_"

RENAMES = {
    "patients": {"nhs_number": "NHS_NO", "date_of_birth": "DOB", "gp_practice": "GPPRAC",
                 "date_of_death": "DOD"},
    "admissions": {"nhs_number": "NEWNHSNO", "episode_number": "EPIORDER",
                   "admission_date": "ADMIDATE", "discharge_date": "DISDATE",
                   "admission_method": "ADMIMETH", "patient_classification": "CLASSPAT",
                   "admission_source": "ADMISORC", "discharge_destination": "DISDEST",
                   "discharge_method": "DISMETH"},
    "prescriptions": {"issue_date": "ISSUED"},
}
DATES = {
    "patients": (["date_of_birth", "date_of_death"], r"\1\2\3"),
    "admissions": (["admission_date", "discharge_date"], r"\3/\2/\1"),
    "prescriptions": (["issue_date"], r"\3/\2/\1"),
}
ISO = re.compile(r"^([ \t]*)(\d{4})-(\d{2})-(\d{2})([ \t]*)$")
DIAG = re.compile(r"^diag_(\d+)$")


def redate(value, template):
    m = ISO.match(value)
    if not m:
        return value
    pad1, y, mo, d, pad2 = m.groups()
    return pad1 + re.sub(r"(\d{4})-(\d{2})-(\d{2})", template, f"{y}-{mo}-{d}") + pad2


def convert(name, rows):
    """The rows (header first) of one contract file, warehouse-shaped."""
    if not rows:
        return rows
    header = [h.strip().lower() for h in rows[0]]
    dates, template = DATES.get(name, ([], None))
    at = {c: header.index(c) for c in dates if c in header}
    spell = header.index("spell_id") if name == "admissions" and "spell_id" in header else None
    method = header.index("admission_method") if name == "admissions" and "admission_method" in header else None
    out = []
    for n, row in enumerate(rows[1:]):
        row = list(row)
        if len(row) == len(header):
            for c, i in at.items():
                row[i] = redate(row[i], template)
            if method is not None and not row[method].strip() and n % 3 == 0:
                row[method] = "99"
            if spell is not None:
                number = row[spell]
                if not number.strip() and n % 2 == 0:
                    number = "-1"
                row[spell:spell + 1] = ["RXA" if number.strip() else "", number]
        elif spell is not None and len(row) > spell:
            # a record with the wrong field count keeps its count wrong
            row[spell:spell + 1] = ["RXA", row[spell]]
        out.append(row)
    renames = RENAMES.get(name, {})
    new_header = []
    for h in header:
        if name == "admissions" and h == "spell_id":
            new_header += ["PROCODE3", "PROVSPNO"]
        elif name == "admissions" and DIAG.match(h):
            new_header.append("DIAG_4_" + DIAG.match(h).group(1))
        else:
            new_header.append(renames.get(h, h))
    return [new_header] + out


def mapped_copy(src, dst):
    """Writes the warehouse-shaped copy of the extracts folder src into dst, and the mapping
    beside it (dst + '.mapping.yaml'); returns the mapping's path."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for f in sorted(os.listdir(src)):
        path = os.path.join(src, f)
        name = f[:-4] if f.endswith(".csv") else None
        if name not in RENAMES:
            shutil.copy(path, os.path.join(dst, f))
            continue
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        with open(os.path.join(dst, f), "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(convert(name, rows))
    mapping = dst.rstrip("/") + ".mapping.yaml"
    with open(mapping, "w", encoding="utf-8") as fh:
        fh.write(MAPPING)
    return mapping
