"""Warehouse-shaped copies of generated contract extracts, and the column mappings that read
them (for check_sql.py's `mapped` datasets): casefind runs on a copy with `--mapping`, and the
queries read the same tables with `casefind sql --mapping`. Two shapes:

- `hes`: patients', admissions' and prescriptions' columns renamed HES-style (admissions'
  spell key split into PROCODE3 + PROVSPNO, a composite key; diagnoses DIAG_4_01 ...), dates
  as YYYYMMDD (patients) and DD/MM/YYYY (admissions, prescriptions), SUS's "-1" in some blank
  spell numbers and "99" (not known) in some admission methods, both declared missing, and
  admissions loaded as the table hes_apc.
- `sus`: admissions named as SUS APCS is (the spell's diagnoses in one list column,
  Der_Diagnosis_All, codes joined by commas, `||` or spaces), opaque person keys everywhere
  (the NHS numbers' text as it is, so an invalid one is a key like any other), admissions
  loaded as the table apcs.

Values that are not ISO dates stay as they are, so malformed dates stay malformed. Every other
file is copied unchanged."""
import collections
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
SUS_MAPPING = """\
mapping: sql-test-sus
version: 1
person_id: opaque
tables:
  admissions: apcs
files:
  patients:
    columns:
      nhs_number: Der_Pseudo_NHS_Number
  admissions:
    columns:
      nhs_number: Der_Pseudo_NHS_Number
      spell_id: APCS_Ident
      admission_date: Admission_Date
      discharge_date: Discharge_Date
      admission_method: Admission_Method
      discharge_method: Discharge_Method
    missing_values:
      spell_id: ["-1"]
    diagnoses:
      list: Der_Diagnosis_All
"""
TABLES = {"hes": {"admissions": "hes_apc"}, "sus": {"admissions": "apcs"}}
DIAG_PREFIX = {"hes": "diag_4_", "sus": "diag_"}

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
    return [unclash(new_header, header)] + out


def unclash(new_header, header):
    """A column the generator added beside the contract's (a stray `procode3`, say) renamed
    when it has a name the mapping gives another column: the loaders refuse a name twice."""
    taken = collections.Counter(h.lower() for h in new_header)
    return [f"orig_{h}" if taken[h.lower()] > 1 and h in header else h for h in new_header]


SUS_RENAMES = {
    "patients": {"nhs_number": "Der_Pseudo_NHS_Number"},
    "admissions": {"nhs_number": "Der_Pseudo_NHS_Number", "spell_id": "APCS_Ident",
                   "admission_date": "Admission_Date", "discharge_date": "Discharge_Date",
                   "admission_method": "Admission_Method", "discharge_method": "Discharge_Method"},
}
SEPARATORS = [",", ",", "||", " ", ";"]


def convert_sus(name, rows):
    """The rows of one contract file, SUS-shaped: renamed, admissions' diagnoses in one list."""
    if not rows:
        return rows
    header = [h.strip().lower() for h in rows[0]]
    diags = [i for i, h in enumerate(header) if DIAG.match(h)] if name == "admissions" else []
    spell = header.index("spell_id") if name == "admissions" and "spell_id" in header else None
    keep = [i for i in range(len(header)) if i not in diags]
    out = []
    for n, row in enumerate(rows[1:]):
        row = list(row)
        if diags and len(row) == len(header):
            codes = [row[i] for i in diags if row[i].strip()]
            listed = ""
            for k, c in enumerate(codes):
                listed += (SEPARATORS[(n + k) % len(SEPARATORS)] if k else "") + c
            if spell is not None and not row[spell].strip() and n % 2 == 0:
                row[spell] = "-1"
            row = [row[i] for i in keep] + [listed]
        elif diags:
            # a record with the wrong field count keeps its count wrong
            row = row[:len(keep) + 2] if len(row) > len(header) else row[:max(0, len(row) - len(diags) + 1)]
        out.append(row)
    renames = SUS_RENAMES.get(name, {})
    new_header = [renames.get(header[i], header[i]) for i in keep] + (["Der_Diagnosis_All"] if diags else [])
    return [unclash(new_header, header)] + out


def mapped_copy(src, dst, shape="hes"):
    """Writes the `shape` (hes or sus) copy of the extracts folder src into dst, and the
    mapping beside it (dst + '.mapping.yaml'); returns the mapping's path."""
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    renames, conv, text = ((RENAMES, convert, MAPPING) if shape == "hes"
                           else (SUS_RENAMES, convert_sus, SUS_MAPPING))
    for f in sorted(os.listdir(src)):
        path = os.path.join(src, f)
        name = f[:-4] if f.endswith(".csv") else None
        if name not in renames:
            shutil.copy(path, os.path.join(dst, f))
            continue
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        with open(os.path.join(dst, f), "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(conv(name, rows))
    mapping = dst.rstrip("/") + ".mapping.yaml"
    with open(mapping, "w", encoding="utf-8") as fh:
        fh.write(text)
    return mapping
