#!/usr/bin/env python3
"""Write the casefinder sample extracts (input files only).

Deterministic: no randomness, no clock. Run from anywhere:

    python3 sample-extracts/make_sample.py

It writes patients.csv, admissions.csv, prescriptions.csv, residence.csv,
nominations.csv, practices.csv, localities.csv, case_managers.csv and opt_outs.csv next to
itself. It does NOT write expected/: those files were worked out by hand from
the scenario table in README.md (and this script contains no implementation of
the Essex rules). If you change a row here, re-derive the affected expected
rows by hand, including reject line numbers.

As-of date of the sample: 2026-11-22.
"""
import datetime as dt
import os

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- helpers
def nhs_check(d9):
    """Modulus 11 check digit for 9 digits; None when the check is 10 (no valid number)."""
    s = sum(int(c) * w for c, w in zip(d9, range(10, 1, -1)))
    c = 11 - s % 11
    if c == 11:
        return 0
    if c == 10:
        return None
    return c


def nhs_valid(n):
    n = n.replace(" ", "").replace("-", "")
    return len(n) == 10 and n.isdigit() and nhs_check(n[:9]) == int(n[9])


def nhs_from(base9):
    """Smallest valid NHS number whose first 9 digits are >= base9."""
    while nhs_check(str(base9)) is None:
        base9 += 1
    return str(base9) + str(nhs_check(str(base9)))


def day(s, plus=0):
    return (dt.date.fromisoformat(s) + dt.timedelta(days=plus)).isoformat()


def csv_field(v):
    v = "" if v is None else str(v)
    if any(c in v for c in ',"\n\r'):
        return '"' + v.replace('"', '""') + '"'
    return v


def csv_line(fields):
    return ",".join(csv_field(f) for f in fields)


def write(name, header, lines, trailing_blank=False):
    """lines: list of already-formatted record strings (may contain \n inside quotes)."""
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        for ln in lines:
            f.write(ln + "\n")
        if trailing_blank:
            f.write("\n")


# ---------------------------------------------------------------- reference data
PRACTICES = [
    # code, name, pct, locality
    ("F81101", "Castle Gate Medical Practice", "North East Essex", "Colchester"),
    ("F81102", "Lexden Park Surgery", "North East Essex", "Colchester"),
    ("F81201", "Clacton Seafront Health Centre", "North East Essex", "Tendring"),
    ("F81202", "Harwich Quay Practice", "North East Essex", "Tendring"),
    ("F81301", "Moulsham Street Surgery", "Mid Essex", "Chelmsford"),
    ("F81302", "Springfield Green Practice", "Mid Essex", "Chelmsford"),
    ("F81401", "Blackwater Medical Centre", "Mid Essex", "Maldon & S Chelmsford"),
    ("F81402", "Danbury, Woodham and Bicknacre Surgery", "Mid Essex", "Maldon & S Chelmsford"),
    ("F81501", "Witham Newland Surgery", "Mid Essex", "Witham Braintree & Halstead"),
    ("F81502", "Halstead Colne Valley Practice", "Mid Essex", "Witham Braintree & Halstead"),
]
PRAC_CODES = [p[0] for p in PRACTICES]
PROVIDER = {"North East Essex": "RDE", "Mid Essex": "RQ8"}
PRAC_PCT = {p[0]: p[2] for p in PRACTICES}

# Table one of the Essex framework (2005): the old PCTs, which became the
# localities of the 2006 PCTs North East Essex and Mid Essex.
LOCALITIES = [
    ("Colchester", "North East Essex", 737, "9.6"),
    ("Tendring", "North East Essex", 826, "10.8"),
    ("Chelmsford", "Mid Essex", 513, "6.7"),
    ("Maldon & S Chelmsford", "Mid Essex", 333, "4.4"),
    ("Witham Braintree & Halstead", "Mid Essex", 604, "7.9"),
]

CASE_MANAGERS = [
    ("CM01", "Sarah Bright", "Colchester", 60, "Y"),
    ("CM02", "Tomasz Nowak", "Colchester", 55, "Y"),
    ("CM03", "Priya Nair", "Tendring", 80, "Y"),
    ("CM04", "Gareth Lloyd", "Tendring", 50, "N"),
    ("CM05", "Funmi Adeyemi", "Chelmsford", 70, "Y"),
    ("CM06", "Helen O'Neill", "Maldon & S Chelmsford", 65, "Y"),
    ("CM07", "David Marsh", "Witham Braintree & Halstead", 75, "Y"),
    ("CM08", "Aisha Rahman", "Witham Braintree & Halstead", 50, "Y"),
]

# Drug catalogue: key -> (15-character BNF presentation code, drug name, quantity)
DRUG = {
    "omeprazole": ("0103050P0AAAAAA", "Omeprazole 20mg gastro-resistant capsules", 28),
    "senna": ("0106020M0AAAAAA", "Senna 7.5mg tablets", 60),
    "macrogol": ("0106040M0AAAAAA", "Macrogol compound oral powder sachets, sugar free", 30),
    "furosemide": ("0202020L0AAAAAA", "Furosemide 40mg tablets", 28),
    "bisoprolol": ("0204000H0AAAAAA", "Bisoprolol 2.5mg tablets", 28),
    "ramipril": ("0205051R0AAAAAA", "Ramipril 2.5mg capsules", 28),
    "ism": ("0206010K0AAAAAA", "Isosorbide mononitrate 20mg tablets", 56),
    "amlodipine": ("0206020A0AAAAAA", "Amlodipine 5mg tablets", 28),
    "apixaban": ("0208020Z0AAAAAA", "Apixaban 2.5mg tablets", 56),
    "aspirin": ("0209000A0AAAAAA", "Aspirin 75mg dispersible tablets", 28),
    "atorvastatin": ("0212000B0AAAAAA", "Atorvastatin 20mg tablets", 28),
    "atorvastatin40": ("0212000B0AAABAB", "Atorvastatin 40mg tablets", 28),
    "salbutamol": ("0301011R0AAAAAA", "Salbutamol 100micrograms/dose inhaler, CFC free", 1),
    "sertraline": ("0403030Q0AAAAAA", "Sertraline 50mg tablets", 28),
    "paracetamol": ("0407010H0AAAAAA", "Paracetamol 500mg tablets", 100),
    "cocodamol": ("0407010F0AAAAAA", "Co-codamol 30mg/500mg tablets", 100),
    "donepezil": ("0411000D0AAAAAA", "Donepezil 5mg tablets", 28),
    "metformin": ("0601022B0AAAAAA", "Metformin 500mg tablets", 56),
    "gliclazide": ("0601021M0AAAAAA", "Gliclazide 80mg tablets", 56),
    "prednisolone": ("0603020T0AAAAAA", "Prednisolone 5mg tablets", 28),
    "adcal": ("0906011A0AAAAAA", 'Adcal-D3 "Lemon" chewable tablets', 56),
    "colecalciferol": ("0906040G0AAAAAA", "Colecalciferol 800unit capsules", 28),
    "naproxen": ("1001010P0AAAAAA", "Naproxen 250mg tablets", 56),
    "latanoprost": ("1106000L0AAAAAA", "Latanoprost 50micrograms/ml eye drops", 1),
    "emollient": ("1302011C0AAAAAA", "Emollient cream, 500g pump pack", 1),
    # not chapters 01-15
    "water_ch19": ("1901010W0AAAAAA", "Water for injections 10ml ampoules", 10),
    "dressing_ch20": ("2002000A0AAAAAA", "Absorbent dressing 10cm x 10cm", 10),
    "stocking_ch21": ("2128000A0AAAAAA", "Compression stocking, class 2, below knee", 2),
}

# ---------------------------------------------------------------- scenario patients
# NHS numbers: Modulus 11 valid, test range 999..., increasing with the scenario
# number so expected/cases.csv reads in scenario order. S61 is the spec's
# example number, written with spaces on the spine.
S = {
    1: "9991010378", 2: "9991020748", 3: "9991031111", 4: "9991041486",
    5: "9991051856", 6: "9991062238", 7: "9991072594", 8: "9991082964",
    9: "9991093338", 10: "9991103708", 11: "9991114076", 12: "9991124446",
    13: "9991134816", 14: "9991145184", 15: "9991155554", 16: "9991165924",
    17: "9991176292", 18: "9991186662", 19: "9991197036", 20: "9991207406",
    21: "9991217770", 22: "9991228144", 23: "9991238514", 24: "9991248889",
    25: "9991259252", 26: "9991269622", 27: "9991279997", 28: "9991280367",
    29: "9991290737", 30: "9991301100", 31: "9991311475", 32: "9991321845",
    33: "9991332219", 34: "9991342583", 35: "9991352953", 36: "9991363327",
    37: "9991373691", 38: "9991384065", 39: "9991394435", 40: "9991404805",
    41: "9991415173", 42: "9991425543", 43: "9991435913", 44: "9991446281",
    45: "9991456651", 46: "9991467025", 47: "9991477403", 48: "9991487778",
    49: "9991498133", 50: "9991508503", 51: "9991518878", 52: "9991529241",
    53: "9991539611", 54: "9991549986", 55: "9991550356", 56: "9991560726",
    57: "9991571094", 58: "9991581464", 59: "9991591834", 60: "9991602208",
    61: "9434765919", 62: "9991622942", 63: "9991633316", 64: "9991643680",
    65: "9991654054", 66: "9991664424", 67: "9991674799", 68: "9991685162",
}
# Unregistered (valid, not on the spine) and invalid numbers
U = {1: "9995001004", 2: "9995002000", 3: "9995003007", 4: "9995004003"}
BAD_CHECK_PATIENT = "9993001008"   # valid would end 7
BAD_CHECK_RX = "9991394436"        # S39's number mistyped (valid ends 5)
CHECK_TEN_NOM = "9996000010"       # 999600001 gives check 10: no valid number
R3_NHS = "9993002003"              # valid; row rejected for date_of_birth 1950-02-30
R4_NHS = "9993004006"             # valid; row rejected for blank gp_practice

for n in list(S.values()) + list(U.values()) + [R3_NHS, R4_NHS]:
    assert nhs_valid(n), n
for n in (BAD_CHECK_PATIENT, BAD_CHECK_RX, CHECK_TEN_NOM):
    assert not nhs_valid(n), n

# patients: (nhs as written, dob, sex, practice, dod)
SPINE = {
    1: ("1948-04-03", "F", "F81101", ""),
    2: ("1945-06-19", "M", "F81102", ""),
    3: ("1942-01-30", "F", "F81201", ""),
    4: ("1950-09-09", "M", "F81202", ""),
    5: ("1946-10-11", "F", "F81301", ""),
    6: ("1954-05-10", "M", "F81302", ""),
    7: ("1959-08-01", "F", "F81401", ""),
    8: ("1956-11-22", "M", "F81402", ""),
    9: ("1938-03-27", "F", "F81501", ""),
    10: ("1936-07-04", "F", "F81502", ""),
    11: ("1952-02-14", "M", "F81101", ""),
    12: ("1947-05-23", "M", "F81102", ""),
    13: ("1956-01-08", "F", "F81201", ""),
    14: ("1943-08-15", "F", "F81202", ""),
    15: ("1949-10-02", "M", "F81301", ""),
    16: ("1940-03-03", "F", "F81302", ""),
    17: ("1953-07-19", "M", "F81401", ""),
    18: ("1944-11-01", "M", "F81402", ""),
    19: ("1951-01-25", "F", "F81501", ""),
    20: ("1947-12-12", "M", "F81502", ""),
    21: ("1939-09-30", "F", "F81101", ""),
    22: ("1955-04-17", "M", "F81102", ""),
    23: ("1946-02-02", "F", "F81201", ""),
    24: ("1957-06-06", "M", "F81202", ""),
    25: ("1935-05-05", "F", "F81301", ""),
    26: ("1950-03-21", "M", "F81302", ""),
    27: ("1937-08-08", "F", "F81401", ""),
    28: ("1941-10-10", "F", "F81402", ""),
    29: ("1944-01-19", "M", "F81501", ""),
    30: ("1939-04-04", "F", "F81502", ""),
    31: ("1946-06-16", "M", "F81101", ""),
    32: ("1934-02-28", "F", "F81102", ""),
    33: ("1940-09-01", "F", "F81201", ""),
    34: ("1943-03-13", "M", "F81202", ""),
    35: ("1947-07-07", "F", "F81301", ""),
    36: ("1938-12-24", "M", "F81302", ""),
    37: ("1942-05-31", "F", "F81401", ""),
    38: ("1955-08-20", "M", "F81402", ""),
    39: ("1951-11-21", "F", "F81501", ""),
    40: ("1948-09-27", "F", "F81502", ""),
    41: ("1949-02-11", "M", "F81101", ""),
    42: ("1952-10-30", "F", "F81102", ""),
    43: ("1950-05-15", "M", "F81201", ""),
    44: ("1953-12-01", "F", "F81202", ""),
    45: ("1958-04-22", "M", "F81301", ""),
    46: ("1957-03-09", "F", "F81302", ""),
    47: ("1953-06-25", "M", "F81401", ""),
    48: ("1950-08-08", "F", "F81402", ""),
    49: ("1966-03-15", "M", "F81501", ""),
    50: ("1942-07-14", "F", "F81502", "2026-09-14"),
    51: ("1939-11-11", "M", "F81101", "2026-11-22"),
    52: ("1945-04-30", "F", "F81102", "2026-12-01"),
    53: ("1940-02-20", "M", "F81201", ""),
    54: ("1936-10-05", "F", "F81202", "1800-01-01"),
    55: ("1961-11-22", "M", "F81301", ""),
    56: ("1961-11-23", "F", "F81302", ""),
    57: ("1960-02-29", "F", "F81401", ""),
    58: ("1941-02-17", "M", "F81402", ""),
    59: ("1949-06-02", "M", "F81990", ""),   # practice not in practices.csv
    60: ("1950-06-06", "F", "F81301", ""),
    61: ("1944-12-25", "M", "F81502", ""),
    62: ("1932-01-01", "F", "F81101", ""),
    63: ("1939-07-21", "F", "F81102", ""),
    64: ("1946-09-18", "M", "F81201", ""),
    65: ("1936-03-08", "F", "F81202", ""),
    66: ("1945-08-28", "M", "F81301", ""),
    67: ("1948-01-17", "F", "F81302", ""),
    68: ("1942-04-09", "M", "F81401", ""),
}

patients = []  # (sort key, line)
for k, (dob, sex, prac, dod) in SPINE.items():
    shown = "943 476 5919" if k == 61 else S[k]
    patients.append(((prac, S[k]), csv_line([shown, dob, sex, prac, dod])))
# malformed spine rows
patients.append((("F81102", BAD_CHECK_PATIENT), csv_line([BAD_CHECK_PATIENT, "1951-03-03", "M", "F81102", ""])))
patients.append((("F81202", R3_NHS), csv_line([R3_NHS, "1950-02-30", "F", "F81202", ""])))
patients.append((("F81302", R4_NHS), csv_line([R4_NHS, "1955-05-05", "M", "", ""])))
patients.append((("F81501", S[60]), csv_line([S[60], "1950-06-06", "F", "F81501", ""])))  # duplicate of S60, later row

# ---------------------------------------------------------------- admissions
ADM_HEADER = ("nhs_number,spell_id,episode_number,admission_date,discharge_date,admission_method,"
              "patient_classification,admission_source,discharge_destination,discharge_method,"
              "diag_01,diag_02,diag_03,diag_04,diag_05,diag_06")
admissions = []  # (sort key, line)


def ep(nhs, sid, epi, adate, ddate, diags, meth="21", cls="1", src="19", dest=None, dm=None, key=None):
    """One episode row. Defaults: a finished episode (dest 19, dismeth 1) when ddate is set,
    an unfinished one (dest 98, dismeth 8) when ddate is blank."""
    if dest is None:
        dest = "19" if ddate else "98"
    if dm is None:
        dm = "1" if ddate else "8"
    d = list(diags) + [""] * (6 - len(diags))
    row = [nhs, sid, epi, adate, ddate, meth, cls, src, dest, dm] + d
    admissions.append((key or (adate, sid, str(epi)), csv_line(row)))


def spell1(nhs, sid, adate, ddate, diags, **kw):
    ep(nhs, sid, 1, adate, ddate, diags, **kw)


# S01 frailty E86.0 primary
spell1(S[1], "RDE:5100011", "2026-03-14", "2026-03-18", ["E86.0", "I10X", "N18.3"])
# S02 frailty e860 (lower case) in diag_03
spell1(S[2], "RDE:5100021", "2026-07-02", "2026-07-09", ["J18.9", "I48.9", "e860"])
# S03 K59.0 on the second episode of a two-episode spell
ep(S[3], "RQ8:5100031", 1, "2026-02-10", "", ["R10.4"])
ep(S[3], "RQ8:5100031", 2, "2026-02-10", "2026-02-20", ["K59.0", "I10X"])
# S04 K5900 matches K590
spell1(S[4], "RQ8:5100041", "2026-05-05", "2026-05-08", ["K5900", "E11.9"])
# S05 K591 does not match K590
spell1(S[5], "RQ8:5100051", "2026-06-15", "2026-06-17", ["K591", "I10X"])
# S06 R11X, aged 72: matches R11
spell1(S[6], "RDE:5100061", "2026-08-19", "2026-08-21", ["R11X", "K29.7"])
# S07 R11.2, aged 67: R11 needs 70+
spell1(S[7], "RQ8:5100071", "2026-04-04", "2026-04-05", ["R11.2", "E87.1"])
# S08 R110, aged exactly 70
spell1(S[8], "RQ8:5100081", "2026-10-02", "2026-10-04", ["R110", "A09X"])
# S09 N39.0 plus a second (non-frailty) admission
spell1(S[9], "RQ8:5100091", "2026-01-06", "2026-01-12", ["N39.0", "F05.9"])
spell1(S[9], "RQ8:5100092", "2026-05-19", "2026-05-23", ["I50.0"])
# S10 W19X and W010 (diag_04) on two admissions
spell1(S[10], "RQ8:5100101", "2026-01-12", "2026-01-30", ["S72.0", "W19X", "I10X"])
spell1(S[10], "RQ8:5100102", "2026-09-03", "2026-09-05", ["S06.0", "I48.9", "N18.3", "W010"])
# S11 W20X is not a fall (W00-W19 only)
spell1(S[11], "RDE:5100111", "2026-06-30", "2026-07-01", ["S01.8", "W20X"])
# S12 'W1' is not an ICD-10 code: field warning on diag_02, row kept
spell1(S[12], "RDE:5100121", "2026-03-03", "2026-03-06", ["I10X", "W1"])
# S13 dagger/asterisk and other odd spellings, all valid, none frailty
spell1(S[13], "RDE:5100131", "2026-02-17", "2026-03-01", ["A17.0\u2020", "G01*", "I10X-", "M4896D"])
# S14 frailty admission on 2025-11-22: one day before the window
spell1(S[14], "RDE:5100141", "2025-11-22", "2025-11-26", ["E86X"])
# S15 frailty admission on 2025-11-23: first day of the window
spell1(S[15], "RQ8:5100151", "2025-11-23", "2025-11-30", ["N39.0", "N17.9"])
# S16 frailty admission dated after the as-of date (ignored), one ordinary admission
spell1(S[16], "RQ8:5100161", "2026-05-12", "2026-05-14", ["J44.1"])
spell1(S[16], "RQ8:5100162", "2026-11-23", "", ["E86.0"])
# S17 two episodes of one spell, the first repeated exactly
ep(S[17], "RQ8:5100171", 1, "2026-04-04", "", ["I50.0"])
ep(S[17], "RQ8:5100171", 1, "2026-04-04", "", ["I50.0"])
ep(S[17], "RQ8:5100171", 2, "2026-04-04", "2026-04-11", ["I50.0", "J81X"])
# S18 transfer (2B, source 51) 2 days after discharge: one stay; frailty on the transfer spell
spell1(S[18], "RDE:5100181", "2026-03-01", "2026-03-10", ["I63.9"], dest="51")
spell1(S[18], "RQ8:5100182", "2026-03-12", "2026-04-02", ["I63.9", "N39.0"], meth="2B", src="51")
# S19 chain: source 51 on the discharge day (0 days), method 81 3 days later, then a new admission
spell1(S[19], "RQ8:5100191", "2026-01-05", "2026-01-08", ["J44.1"], dest="51")
spell1(S[19], "RDE:5100192", "2026-01-08", "2026-01-15", ["J44.1", "J18.9"], src="51", dest="51")
spell1(S[19], "RAJ:5100193", "2026-01-18", "2026-01-20", ["J44.1"], meth="81", src="99")
spell1(S[19], "RQ8:5100194", "2026-06-01", "2026-06-05", ["J44.1"])
# S20 transfer 4 days after discharge: two stays
spell1(S[20], "RQ8:5100201", "2026-04-10", "2026-04-14", ["I21.4"], dest="51")
spell1(S[20], "RDE:5100202", "2026-04-18", "2026-04-25", ["I21.4", "I50.0"], meth="2B", src="51")
# S21 transfer after an open spell: two stays
spell1(S[21], "RDE:5100211", "2026-05-20", "", ["J18.9"])
spell1(S[21], "RQ8:5100212", "2026-05-22", "2026-06-01", ["J18.9"], meth="81", src="51")
# S22 sentinel discharge date (warning, read as open) then a transfer: two stays
spell1(S[22], "RDE:5100221", "2026-08-01", "1800-01-01", ["I63.9"], dest="51", dm="1")
spell1(S[22], "RQ8:5100222", "2026-08-03", "2026-08-20", ["I63.9"], meth="2B", src="51")
# S23 emergency readmission (method 22, not a transfer) the day after discharge: two stays
spell1(S[23], "RQ8:5100231", "2026-02-01", "2026-02-05", ["I50.0"])
spell1(S[23], "RQ8:5100232", "2026-02-06", "2026-02-12", ["I50.0"], meth="22")
# S24 regular attenders (classpat 3, 3, 4; one with N39.0) are not admissions; one day case is
spell1(S[24], "RQ8:5100241", "2026-03-02", "2026-03-02", ["Z49.1", "N18.5"], meth="13", cls="3")
spell1(S[24], "RQ8:5100242", "2026-03-09", "2026-03-09", ["Z49.1", "N39.0"], meth="13", cls="3")
spell1(S[24], "RQ8:5100243", "2026-03-16", "2026-03-17", ["Z49.1"], meth="13", cls="4")
spell1(S[24], "RQ8:5100244", "2026-07-21", "2026-07-21", ["H25.9"], meth="11", cls="2")
# S25 open spell (still in hospital) with E86.9
spell1(S[25], "RAJ:5100251", "2026-11-15", "", ["E86.9", "J18.9"])
# S26 stay begun before the window, joined by a transfer inside it: dated by its first admission
spell1(S[26], "RDE:5100261", "2025-11-18", "2025-11-24", ["I63.9"], dest="51")
spell1(S[26], "RQ8:5100262", "2025-11-25", "2025-12-02", ["I63.9"], meth="2B", src="51")
spell1(S[26], "RQ8:5100263", "2026-07-07", "2026-07-10", ["J18.9"])
# S32 admitted from / discharged to a care home with nursing (55)
spell1(S[32], "RDE:5100321", "2026-09-10", "2026-09-18", ["J18.9"], src="55", dest="55")
# S33 discharged to a non-NHS-run care home (85) on the last episode
ep(S[33], "RQ8:5100331", 1, "2026-10-05", "", ["I63.9"])
ep(S[33], "RQ8:5100331", 2, "2026-10-05", "2026-10-20", ["I63.9", "I69.4"], dest="85")
# S34 older admission from a care home (56), latest admission from home: care home not met
spell1(S[34], "RQ8:5100341", "2026-02-01", "2026-02-07", ["J18.9"], src="56", dest="56")
spell1(S[34], "RQ8:5100342", "2026-08-15", "2026-08-19", ["I50.0"])
# S35 LA residential (65) on the latest admission in the window; a later one after the as-of date
spell1(S[35], "RAJ:5100351", "2026-10-01", "2026-10-06", ["J44.1"], src="65", dest="65")
spell1(S[35], "RAJ:5100352", "2026-11-25", "", ["J44.1"])
# S36 care-home admission (54) before the window only
spell1(S[36], "RQ8:5100361", "2025-10-01", "2025-10-08", ["J18.9"], src="54", dest="54")
# S37 two admissions on the latest date; one discharged to an NHS-run care home (54)
spell1(S[37], "RQ8:5100371", "2026-10-20", "2026-10-20", ["H25.9"], meth="11", cls="2")
spell1(S[37], "RQ8:5100372", "2026-10-20", "2026-10-27", ["J18.9"], dest="54")
# S51 dead (date_of_death = as-of date) with a frailty admission
spell1(S[51], "RDE:5100511", "2026-08-08", "2026-08-12", ["E86.0"])
# S53 dead in hospital (discharge_method 4) after two admissions with E86.0
spell1(S[53], "RQ8:5100531", "2026-07-01", "2026-07-09", ["E86.0"])
spell1(S[53], "RQ8:5100532", "2026-10-22", "2026-10-30", ["J18.9", "E86.0"], dest="79", dm="4")
# S55 aged 65 today, two admissions
spell1(S[55], "RQ8:5100551", "2026-01-14", "2026-01-16", ["J45.9"])
spell1(S[55], "RQ8:5100552", "2026-03-30", "2026-04-02", ["J45.9"])
# S56 aged 64 (65 tomorrow), two admissions, nominated
spell1(S[56], "RQ8:5100561", "2026-02-02", "2026-02-04", ["J45.9"])
spell1(S[56], "RQ8:5100562", "2026-09-09", "2026-09-11", ["J45.9"])
# S57 born 29 Feb 1960, W06X
spell1(S[57], "RQ8:5100571", "2026-06-06", "2026-06-13", ["S72.0", "W06X"])
# S58 W19.X
spell1(S[58], "RQ8:5100581", "2026-04-22", "2026-04-29", ["S32.0", "W19.X"])
# S61 spine number written with spaces; admission uses plain digits
spell1(S[61], "RDE:5100611", "2026-10-11", "2026-10-15", ["S42.2", "W18.0"])
# S62 everything
spell1(S[62], "RQ8:5100621", "2026-01-20", "2026-01-28", ["E86.0", "N39.0", "F03X"], src="85", dest="85")
spell1(S[62], "RQ8:5100622", "2026-06-11", "2026-06-14", ["K59.0", "e860"], src="85", dest="85")
# S64 two admissions + polypharmacy
spell1(S[64], "RDE:5100641", "2026-03-25", "2026-03-29", ["J44.1"])
spell1(S[64], "RDE:5100642", "2026-08-02", "2026-08-09", ["J44.1", "J96.0"])
# S65 fall admission from an NHS-run care home (54)
spell1(S[65], "RDE:5100651", "2026-05-27", "2026-06-03", ["S72.0", "W19X"], src="54", dest="54")
# S66 one admission; a second row with sentinel admission_date is rejected
spell1(S[66], "RQ8:5100661", "2026-03-03", "2026-03-08", ["I50.0"])
spell1(S[66], "RQ8:5100662", "1800-01-01", "2026-06-10", ["E86.0"], key=("2026-06-10", "RQ8:5100662", "1"))
# S67 one admission; a truncated row and a row without spell_id are rejected
spell1(S[67], "RDD:5100671", "2026-05-05", "2026-05-07", ["I10X"])
admissions.append((("2026-07-07", "RDD:5100672", "1"), csv_line([S[67], "RDD:5100672", "1", "2026-07-07"])))
spell1(S[67], "", "2026-09-09", "2026-09-12", ["E86.0"], key=("2026-09-09", "RDD:5100673", "1"))
# Unregistered patient U1: valid NHS number, not on the spine
ep(U[1], "RDE:5100901", 1, "2026-06-02", "", ["R26.8"])
ep(U[1], "RDE:5100901", 2, "2026-06-02", "2026-06-09", ["W19X", "R26.8"])

# ---------------------------------------------------------------- prescriptions
RX_HEADER = "nhs_number,issue_date,bnf_code,drug_name,quantity"
prescriptions = []  # (sort key, line)


def rx(nhs, dates, drug, code=None, name=None):
    c, n, q = DRUG[drug]
    for d in dates:
        prescriptions.append(((d, nhs, code or c), csv_line([nhs, d, code or c, name or n, q])))


CYC = ["2026-09-07", "2026-10-05", "2026-11-02"]  # three 28-day cycles inside the 84-day window

rx(S[1], CYC, "amlodipine"); rx(S[1], CYC[:2], "omeprazole")
rx(S[3], ["2026-09-20"], "macrogol")
for d in ["omeprazole", "amlodipine", "atorvastatin", "paracetamol", "sertraline"]:
    rx(S[5], ["2026-09-14", "2026-10-12"], d)
rx(S[5], ["2026-05-10"], "naproxen")  # outside the 84 days
for d in ["furosemide", "ramipril", "bisoprolol"]:
    rx(S[9], CYC, d)
rx(S[10], CYC, "apixaban"); rx(S[10], ["2026-10-19"], "paracetamol")
for d in ["metformin", "gliclazide", "atorvastatin", "ramipril", "aspirin"]:
    rx(S[14], ["2026-09-21", "2026-10-19"], d)
rx(S[19], ["2026-09-25"], "salbutamol"); rx(S[19], ["2026-10-30"], "prednisolone")
for d in ["ramipril", "amlodipine", "atorvastatin", "omeprazole", "colecalciferol", "furosemide"]:
    rx(S[24], CYC, d)
for d in ["apixaban", "atorvastatin", "ramipril", "bisoprolol", "paracetamol"]:
    rx(S[26], ["2026-09-16", "2026-10-14", "2026-11-11"], d)
for d in ["paracetamol", "donepezil", "sertraline"]:
    rx(S[27], CYC, d)
for d in ["apixaban", "atorvastatin", "ramipril"]:
    rx(S[33], ["2026-10-22"], d)
# S38 exactly five substances; one drug name holds a line break
# (two of the furosemide issues carry the line break: one before the window, one inside it)
rx(S[38], ["2026-08-06", "2026-10-01"], "furosemide", name="Furosemide 40mg tablets\nTake ONE tablet each morning")
rx(S[38], ["2026-09-03", "2026-10-29"], "furosemide")
for d in ["bisoprolol", "ramipril", "apixaban", "atorvastatin"]:
    rx(S[38], ["2026-08-06", "2026-09-03", "2026-10-01", "2026-10-29"], d)
# S39 four substances; a fifth on an impossible date and with a short code are both rejected
for d in ["metformin", "gliclazide", "atorvastatin", "aspirin"]:
    rx(S[39], ["2026-09-08", "2026-10-06"], d)
rx(S[39], ["2026-02-30"], "ramipril")
rx(S[39], ["2026-10-06"], "ramipril", code="0205051")
# S40 atorvastatin 20mg and 40mg: one substance; four in all
rx(S[40], ["2026-09-09"], "atorvastatin"); rx(S[40], ["2026-10-07"], "atorvastatin40")
for d in ["amlodipine", "omeprazole", "aspirin"]:
    rx(S[40], ["2026-09-09", "2026-10-07"], d)
# S41 four substances in chapters 01-15, plus chapter 19 and chapter 21 items
for d in ["ramipril", "bisoprolol", "sertraline", "paracetamol"]:
    rx(S[41], ["2026-09-17", "2026-10-15"], d)
rx(S[41], ["2026-10-15"], "water_ch19"); rx(S[41], ["2026-09-17"], "stocking_ch21")
# S42 four in the window, metformin only on 2026-08-30 (outside); a hyphenated code is rejected
for d in ["omeprazole", "amlodipine", "atorvastatin", "aspirin"]:
    rx(S[42], ["2026-09-27", "2026-10-25"], d)
rx(S[42], ["2026-08-30"], "metformin")
rx(S[42], ["2026-09-20"], "paracetamol", code="0407010H0AAA-AM")
# S43 four in the window, omeprazole only on 2026-08-31 (inside): five
for d in ["ramipril", "amlodipine", "atorvastatin", "aspirin"]:
    rx(S[43], ["2026-09-28", "2026-10-26"], d)
rx(S[43], ["2026-08-31"], "omeprazole")
# S44 four in the window, co-codamol only after the as-of date; a row with an unquoted comma is rejected
for d in ["metformin", "atorvastatin", "ramipril", "aspirin"]:
    rx(S[44], ["2026-09-29", "2026-10-27"], d)
rx(S[44], ["2026-11-23"], "cocodamol")
prescriptions.append((("2026-10-15", S[44], "0407010F0AAAAAA"),
                      S[44] + ",2026-10-15,0407010F0AAAAAA,Co-codamol 30mg/500mg tablets, 100 tablets,100"))
# S45 colecalciferol as a 9-character substance code and as a 15-character code: one substance; five in all
rx(S[45], ["2026-09-15"], "colecalciferol", code="0906040G0")
rx(S[45], ["2026-10-13"], "colecalciferol")
for d in ["omeprazole", "amlodipine", "atorvastatin", "ramipril"]:
    rx(S[45], ["2026-09-15", "2026-10-13"], d)
# S52 (dies after the as-of date) six substances
for d in ["furosemide", "bisoprolol", "apixaban", "atorvastatin", "omeprazole", "paracetamol"]:
    rx(S[52], CYC, d)
# S58 three substances
for d in ["paracetamol", "cocodamol", "omeprazole"]:
    rx(S[58], ["2026-10-09"], d)
# S59 (unmapped practice) five substances
for d in ["metformin", "ramipril", "atorvastatin", "amlodipine", "aspirin"]:
    rx(S[59], ["2026-09-10", "2026-10-08", "2026-11-05"], d)
# S62 six substances plus a chapter 20 dressing
for d in ["furosemide", "bisoprolol", "apixaban", "macrogol", "paracetamol", "donepezil"]:
    rx(S[62], CYC, d)
rx(S[62], ["2026-10-05"], "dressing_ch20")
# S63 five substances (one name with doubled quotes)
for d in ["adcal", "ramipril", "amlodipine", "senna", "latanoprost"]:
    rx(S[63], ["2026-09-22", "2026-10-20"], d)
# S64 seven substances
for d in ["salbutamol", "prednisolone", "omeprazole", "ramipril", "amlodipine", "atorvastatin", "ism"]:
    rx(S[64], ["2026-09-03", "2026-10-01", "2026-10-29"], d)
# unregistered U2, and a row with a bad check digit
rx(U[2], ["2026-09-01"], "metformin"); rx(U[2], ["2026-09-01"], "gliclazide"); rx(U[2], ["2026-09-29"], "metformin")
rx(BAD_CHECK_RX, ["2026-07-15"], "ramipril")

# ---------------------------------------------------------------- residence (other column order, extra column)
RES_HEADER = "care_home_code,nhs_number,from_date,to_date,care_home_type,source_system"
residence = []


def res(nhs, code, typ, frm, to):
    residence.append(((frm, nhs), csv_line([code, nhs, frm, to, typ, "CQC register"])))


res(S[11], "1-1023456781", "nursing", "2025-12-01", "")
res(S[27], "1-1056789012", "nursing", "2023-04-01", "")
res(S[28], "1-1087654321", "residential", "2025-01-10", "2026-11-22")
res(S[29], "1-1012398765", "residential", "2026-11-22", "")
res(S[30], "1-1045612378", "residential", "2024-05-01", "2026-11-21")
res(S[31], "1-1078945612", "nursing", "2026-11-23", "")
res(S[54], "1-1023456781", "nursing", "2024-08-01", "")
res(S[62], "1-1056789012", "nursing", "2022-09-01", "")
res(S[63], "1-1099887766", "residential", "2021-03-15", "")
res(S[68], "1-1045612378", "residential", "2024-02-01", "2026-02-30")
res(U[3], "1-1087654321", "residential", "2026-03-01", "")

# ---------------------------------------------------------------- nominations (upper-case header, blank line at end)
NOM_HEADER = "NHS_NUMBER,Nominated_On,Nominated_By,Reason"
nominations = []


def nom(nhs, on, by, reason, key=None):
    nominations.append((key or (on, nhs), csv_line([nhs, on, by, reason])))


nom(S[7], "2026-10-01", "F81401", "Lives alone, recent bereavement, declining mobility")
nom(S[17], "2026-06-15", "F81401", "Heart failure; carer stress")
nom(S[40], "2026-08-12", "F81502", "Complex medication, poor adherence")
nom(S[41], "2026-03-30", "F81101", "Multiple social needs")
nom(S[46], "2026-05-05", "F81302", 'Patient says she is "not coping" at home')
nom(S[47], "2026-11-22", "F81401", "Worsening COPD, frequent GP visits")
nom(S[48], "2026-11-23", "F81402", "Nominated after the as-of date")
nom(S[48], "yesterday", "F81402", "Date typed as text", key=("2026-11-21", S[48]))
nom(S[49], "2026-07-01", "F81501", "Complex health needs, early-onset dementia")
nom(S[50], "2026-06-20", "F81502", "Palliative, lives alone")
nom(S[56], "2026-10-10", "F81302", "Two asthma admissions this year")
nom(S[59], "2026-09-01", "F81990", "Newly registered, complex needs")
nom(S[60], "2026-04-14", "F81301", "Recurrent falls reported by family")
nom("943-476-5919", "2026-10-20", "F81502", "After fall, lives alone", key=("2026-10-20", S[61]))
nom(S[62], "2026-07-07", "F81101", "Care home GP review")
nom(S[63], "2026-02-20", "F81102", "Frailty, multiple social needs")
nom(U[4], "2026-08-18", "F81201", "Temporary resident")
nom(CHECK_TEN_NOM, "2026-05-21", "F81201", "NHS number mistyped")

# ---------------------------------------------------------------- background patients
NONFRAIL = ["I10X", "J18.9", "I50.0", "J44.1", "I48.9", "C34.9", "M17.1", "K80.2", "H25.9",
            "I63.9", "J22X", "L03.1", "N17.9", "I21.4", "R07.4", "K57.3", "D64.9", "G40.9"]
BGDRUGS = ["omeprazole", "amlodipine", "atorvastatin", "ramipril", "metformin", "paracetamol",
           "aspirin", "salbutamol", "latanoprost", "emollient", "colecalciferol", "sertraline"]
BG_RX_DATES = ["2026-06-15", "2026-09-10", "2026-10-08", "2026-11-05"]

BG = [nhs_from(999200000 + i * 311) for i in range(228)]
assert len(set(BG)) == 228
for i, n in enumerate(BG):
    prac = PRAC_CODES[i % 10]
    sex = "U" if i % 53 == 0 else ("F" if i % 2 else "M")
    month, dom = 1 + (i * 5) % 12, 1 + (i * 11) % 28
    dod = ""
    if i < 110 or 218 <= i < 224:                   # under 65
        year = 1962 + (i * 7) % 63 if i < 110 else 1970 + i % 20
    else:                                           # 65 and over
        year = 1925 + (i * 5) % 36
    if i >= 224:                                    # dead, 65+
        dod = day("2025-03-01", (i - 224) * 97)
    dob = f"{year:04d}-{month:02d}-{dom:02d}"
    patients.append(((prac, n), csv_line([n, dob, sex, prac, dod])))
    prov = PROVIDER[PRAC_PCT[prac]]
    if 160 <= i < 200:                              # one non-frailty admission
        yr = "2026" if i % 2 == 0 else "2025"
        adate = f"{yr}-{1 + i % 10:02d}-{1 + (i * 3) % 28:02d}"
        elective = i % 3 == 0
        spell1(n, f"{prov}:62{i:05d}", adate, day(adate, 0 if elective else 2 + i % 5),
               [NONFRAIL[i % len(NONFRAIL)], NONFRAIL[(i * 7 + 3) % len(NONFRAIL)]],
               meth="11" if elective else "21", cls="2" if elective else "1")
    if 160 <= i < 218:                              # at most 3 distinct substances
        for j in range(i % 4):
            drug = BGDRUGS[(i + j * 5) % len(BGDRUGS)]
            rx(n, BG_RX_DATES[(i + j) % 4:][:1 + (i + j) % 3], drug)
    if 218 <= i < 224:                              # under 65 but plenty of activity
        spell1(n, f"{prov}:62{i:05d}", "2026-02-03", "2026-02-06", ["E86.0", "I10X"])
        spell1(n, f"{prov}:63{i:05d}", "2026-07-14", "2026-07-18", ["N39.0"])
        for drug in ["omeprazole", "amlodipine", "atorvastatin", "ramipril", "metformin", "aspirin"]:
            rx(n, CYC, drug)

# ---------------------------------------------------------------- opt-outs
# Patients whose data must not be processed. Under the default policy (type1,ndoo) all four
# listed valid NHS numbers are excluded: two case-found scenario patients drop off every list,
# and their rows in the other extracts are counted as opted_out, never used or rejected.
OPT_HEADER = "nhs_number,type,recorded_date"
opt_outs = [
    csv_line([S[2], "type1", "2026-03-01"]),          # case-found (frailty): a type 1 objection
    csv_line([S[19], " NDOO ", "2026-05-14"]),        # case-found (2 admissions): national opt-out; case and spaces ignored
    csv_line(["9992062207", "type1", ""]),            # background, under 65: both types
    csv_line(["9992062207", "ndoo", "2025-12-01"]),
    csv_line(["9992093307", "type 2", "2026-01-09"]),  # unreadable type: rejected, and still honoured
    csv_line(["9991020749", "type1", "2026-02-02"]),  # invalid NHS number (check digit): rejected
]
# A malformed prescription of the type 1 patient: dropped as opted_out, not written to rejects.csv.
prescriptions.append((("9999-99-99", S[2], "x"), csv_line([S[2], "2026-13-01", "0301011R0AAAAAA", "Salbutamol inhaler", "1"])))

# ---------------------------------------------------------------- write
assert len(patients) == 300, len(patients)


def ordered(rows):
    return [line for _, line in sorted(rows, key=lambda r: r[0])]


write("patients.csv", "nhs_number,date_of_birth,sex,gp_practice,date_of_death", ordered(patients))
write("admissions.csv", ADM_HEADER, ordered(admissions))
write("prescriptions.csv", RX_HEADER, ordered(prescriptions))
write("residence.csv", RES_HEADER, ordered(residence))
write("nominations.csv", NOM_HEADER, ordered(nominations), trailing_blank=True)
write("practices.csv", "practice_code,practice_name,pct,locality", [csv_line(p) for p in PRACTICES])
write("localities.csv", "locality,pct,expected_patients,weighted_capitation", [csv_line(l) for l in LOCALITIES])
write("opt_outs.csv", OPT_HEADER, opt_outs)
write("case_managers.csv", "case_manager_id,name,locality,caseload_max,active", [csv_line(c) for c in CASE_MANAGERS])
print("wrote sample extracts to", HERE)
