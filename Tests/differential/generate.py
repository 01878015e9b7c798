#!/usr/bin/env python3
"""Randomised extract generator for differential testing of casefind.

    generate.py --seed S --patients N --out DIR [--as-of YYYY-MM-DD] [--crlf-bom]
                [--previous YYYY-MM-DD]

Writes patients.csv, admissions.csv, prescriptions.csv, residence.csv, nominations.csv,
practices.csv, case_managers.csv and localities.csv following the extracts contract, with edge
cases concentrated around the as-of date (default 2026-11-22): window boundaries, transfers,
open spells, regular attenders, care-home codes, deaths, sentinel dates, 29 February births,
ICD-10 and BNF spellings, fields padded with spaces or a tab beside the comma, and a sprinkling
of malformed rows (each malformed row carries exactly one defect).

Risk and capacity: Hospital Frailty Risk Score categories (in HES spellings) are spread over the
last 25 months, with admissions on the 24-month boundaries, categories repeated across
admissions and within one, and some patients whose whole score is an exact band boundary
(1.9 + 2.3 + 0.8 = 5.0, 15.0, 4.9, 5.1, 14.9, 15.1). case_managers.csv gives one locality a single
case manager of 50-59 (the reserve matters, a waiting list forms), others several case managers
with different caseload_max (exact-fraction ties, least load, ids of different lengths), one
locality only inactive case managers or none at all, plus a case manager of a locality nobody
lives in and one rejected row. caseload_max is always 50-80. The new material is drawn from a
second random stream, so the rest of the data is as before for a seed.

--previous D1 (for incidence runs: D1 is the previous run's as-of date, before D) adds, from a
third random stream, patients whose status changes between D1 and D, with the event on D1, D1+1,
D or D+1: a second admission, a frailty admission, a care-home entry (register row or the latest
admission's source), a fifth drug, a nomination, turning 65, a death (date_of_death or discharge
method 4); and patients who lapse: admissions, frailty codes or scripts leaving the window, a
care-home stay ending, a later admission without a care-home code. Without it the bytes are as
before.
--governance adds, from a fourth random stream (without it the bytes are as before):
opt_outs.csv (type1, ndoo, both, duplicates, case and space variants, spine patients, patients
not on the spine, unknown numbers, invalid NHS numbers, bad types, blank and future
recorded_date), malformed activity rows of opted-out patients, patients at the placeholder
practices V81997-V81999 (some listed in practices.csv), a formula-like locality, pct, practice
and case manager names, practice F81601 with about 250 or 500 case-found patients, and two small
localities for the disclosure threshold. --ndoo-cleared FILE (with --governance) writes the
national opt-out service's cleared list there (one NHS number a line, some with a trailing
comma, LF or CRLF), leaving out some spine patients.
Standard library only; the same seed and arguments always give the same bytes.
"""
import argparse
import datetime as dt
import os
import calendar
import random

ONE = dt.timedelta(days=1)

# The Hospital Frailty Risk Score categories (Gilbert et al. 2018), for spreading codes only:
# the points are the reference's business.
HFRS_CATEGORIES = (
    "F00 G81 G30 I69 R29 N39 F05 W19 S00 R31 B96 R41 R26 I67 R56 R40 T83 S06 S42 E87 M25 E86 "
    "R54 Z50 F03 W18 Z75 F01 S80 L03 H54 E53 Z60 G20 R55 S22 K59 N17 L89 Z22 B95 L97 R44 K26 "
    "I95 N19 A41 Z87 J96 X59 M19 G40 M81 S72 S32 E16 R94 N18 R33 R69 N28 R32 G31 Y95 S09 R45 "
    "G45 Z74 M79 W06 S01 A04 A09 J18 J69 R47 E55 Z93 R02 R63 H91 W10 W01 E05 M41 R13 Z99 U80 "
    "M80 K92 I63 N20 F10 Y84 R00 J22 Z73 R79 Z91 S51 F32 M48 E83 M15 D64 L08 R11 K52 R50"
).split()
# Code sets whose score is exactly a band boundary or next to one (tenths: E86 23, H54 19,
# R13 8, F00 71, G30 40, A41 16, K59 18, B95 17, E55 10, R50 1, Z87 15). Each holds E86, so
# the admission that carries it (in the last 12 months) meets the frailty criterion.
EXACT_SETS = [
    ["E86.0", "H54.4", "R13X"],              # 5.0 (floating point gives 4.999999999999999)
    ["E869", "F00.0*", "G30.9", "A41.9"],    # 15.0
    ["E86X", "K59.0", "R13"],                # 4.9
    ["e86", "B95.2", "E55.9", "R50.9"],      # 5.1
    ["E86.1", "F00.1", "G30.1", "Z87.1"],    # 14.9
    ["E86", "F00.9", "G30X", "A41.5", "R509"],  # 15.1
]


def days(n):
    return dt.timedelta(days=n)


def year_before(d):
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return dt.date(d.year - 1, d.month, 28)


def months_before(d, n):
    """The same calendar day n months before d (the last day of the month if it does not exist)."""
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def anniversary(d, years_back):
    try:
        return d.replace(year=d.year - years_back)
    except ValueError:
        return dt.date(d.year - years_back, 2, 28)


def iso(d):
    return d.isoformat()


# ---------------------------------------------------------------- NHS numbers


def check_digit(d9):
    total = sum(int(d9[k]) * (10 - k) for k in range(9))
    c = 11 - total % 11
    if c == 11:
        c = 0
    return None if c == 10 else c


class NHS:
    def __init__(self, rng):
        self.rng = rng
        self.used = set()

    def valid(self):
        while True:
            lo = 0 if self.rng.random() < 0.05 else 100000000  # some start with 0
            d9 = f"{self.rng.randint(lo, 999999999):09d}"
            c = check_digit(d9)
            if c is None:
                continue
            n = d9 + str(c)
            if n not in self.used:
                self.used.add(n)
                return n

    def bad_check(self):
        n = self.valid()
        r = self.rng.random()
        if r < 0.1:
            return n[:3] + "." + n[3:6] + "." + n[6:]  # only spaces and hyphens may be dropped
        if r < 0.2:
            return n + "0"  # 11 digits
        if r < 0.25:
            return n[:9]  # 9 digits
        return n[:9] + str((int(n[9]) + self.rng.randint(1, 9)) % 10)

    def check_is_10(self):
        while True:
            d9 = str(self.rng.randint(100000000, 999999999))
            if check_digit(d9) is None:
                return d9 + str(self.rng.randint(0, 9))

    def spelled(self, n):
        r = self.rng.random()
        if r < 0.04:
            return n[:3] + " " + n[3:6] + " " + n[6:]
        if r < 0.07:
            return n[:3] + "-" + n[3:6] + "-" + n[6:]
        return n


# ---------------------------------------------------------------- code pools

FRAIL = ["K59 0", "E86 .0", "r11x", "w19x", "K59.0", "k590", "K5900", "K59.00", "R11X", "R11.2", "R11", "r110", "R11.0",
         "E86.0", "E86X", "e869", "E86", "W19X", "W19.X", "W00", "W010", "W18.0", "W06X",
         "W19", "N39.0", "n390", "N390", "w01.0"]
NONFRAIL = ["K591", "K59.1", "K58.9", "W20", "W20X", "W20.1", "W25", "N39.1", "N39", "N38.9",
            "E87.1", "E85.4", "I10X", "I10", "J18.9", "I50.0", "R07.4", "G40.9", "I63.9",
            "N17.9", "C34.9", "F03X", "M48.96", "Z87.1", "R10.4", "R12X", "V89.2", "X59.9",
            "Y83.1", "S72.0", "E11.9", "K57.3", "R29.6", "V99", "A41.9"]
EXOTIC = ["A17.0\u2020", "G01*", "I10X-", "M4896D", "J44.9", "F00.0*", "E86.0\u2020",
          "N39.0*", "W19X-"]
JUNK = ["W1", "XYZ", "12345", "K5-9", "R1", "W19XXXXXX", "E8", "?", "\u2020A17", "N39.0.1-"]

# BNF chemical substances: (9-char code, name); chapters 01-23
SUBS = [
    ("0101010C0", "Aluminium hydroxide"), ("0103050P0", "Omeprazole"),
    ("0103050L0", "Lansoprazole"), ("0202020L0", "Furosemide"), ("0205051R0", "Ramipril"),
    ("0206020A0", "Amlodipine"), ("0209000A0", "Aspirin"), ("0212000B0", "Atorvastatin"),
    ("0212000Y0", "Simvastatin"), ("0301011R0", "Salbutamol"), ("0403030E0", "Citalopram"),
    ("0401020K0", "Diazepam"), ("0407010H0", "Paracetamol"), ("0407020Q0", "Morphine"),
    ("0501013B0", "Amoxicillin"), ("0601022B0", "Metformin"), ("0601011N0", "Insulin"),
    ("0702010F0", "Oestriol"), ("0801000R0", "Methotrexate"), ("0906040G0", "Colecalciferol"),
    ("1001010P0", "Naproxen"), ("1108010F0", "Chloramphenicol"), ("1202010H0", "Beclometasone"),
    ("1302011S0", "Emollient"), ("1404000H0", "Influenza vaccine"), ("1502010J0", "Lidocaine"),
    ("1601000A0", "Chapter 16 item"), ("1801000A0", "Tuberculin"), ("1905000A0", "Other drug"),
    ("2002000A0", "Dressing"), ("2101000A0", "Appliance"), ("2201000A0", "Incontinence pad"),
    ("2301000A0", "Stoma bag"), ("0001000A0", "Chapter 00 item"),
    ("1A01000A0", "Chapter 1A item"), ("0A01000A0", "Chapter 0A item"),
]
SUFFIXES = ["AAAAAA", "AAABAB", "AAAEAE", "BHAAAA", "AAACAC"]

LOCALITIES = [
    ("North East Essex", "Colchester", "811"), ("North East Essex", "Tendring", "812"),
    ("Mid Essex", "Chelmsford", "813"), ("Mid Essex", "Maldon & S Chelmsford", "814"),
    ("Mid Essex", "Witham Braintree & Halstead", "815"),
]
UNMAPPED = ["F81990", "Y01234"]


# ---------------------------------------------------------------- CSV writing


def csv_field(v, rng, raw=False):
    if raw:
        return v
    if any(c in v for c in ',"\n\r') or v.strip(" \t") != v and rng.random() < 0.5:
        return '"' + v.replace('"', '""') + '"'
    if v and rng.random() < 0.03:
        return '"' + v + '"'
    return v


def write_csv(path, header_cols, rows, rng, crlf_bom, header_names=None):
    """rows: dicts keyed by contract column. Special keys: __raw__ (set of columns written
    verbatim), __fields__ (+1 extra field, -1 a field short)."""
    nl = "\r\n" if crlf_bom else "\n"
    names = header_names or header_cols
    out = [",".join(names)]
    for row in rows:
        if row.get("__blank__"):
            out.append(row["__blank__"])
            continue
        raw = row.get("__raw__", set())
        vals = []
        for c in header_cols:
            v = row.get(c, "")
            if rng.random() < 0.03 and v and c not in raw and "\n" not in v:
                # padding of spaces, sometimes with a tab beside the comma (trimmed too, as the
                # docs/architecture.md's "Choices made where the contract is silent" says); every variant keeps
                # a space at one end, so the draws are those of spaces-only padding
                x = rng.random()
                if x < 0.5:
                    v = " " + v + " " if x < 0.3 else "\t" + v + " "
                else:
                    v = v + "  " if x < 0.8 else " " + v + "\t" if x < 0.9 else v + "\t "
            vals.append(csv_field(v, rng, c in raw))
        fc = row.get("__fields__", 0)
        if fc > 0:
            vals.append("extra")
        elif fc < 0:
            vals = vals[:-1]
        out.append(",".join(vals))
    text = nl.join(out) + nl
    if rng.random() < 0.5:
        text += nl * rng.randint(1, 2)
    if crlf_bom:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    else:
        data = text.encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(data)


# ---------------------------------------------------------------- generator


class Gen:
    def __init__(self, seed, n, D):
        self.rng = random.Random(seed)
        self.rng2 = random.Random(seed * 7919 + 104729)  # risk and capacity material
        self.seed = seed
        self.n = n
        self.D = D
        self.ws = year_before(D) + ONE  # first day of the 12-month window
        self.nhs = NHS(self.rng)
        self.spell_no = 0
        self.patients = []
        self.admissions = []
        self.prescriptions = []
        self.residence = []
        self.nominations = []
        self.practices = []
        self.case_managers = []
        self.localities = []

    # -- helpers
    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def date_near(self, lo=-730, hi=20, boundary=0.4):
        D = self.D
        if self.chance(boundary):
            return self.pick([self.ws - ONE, self.ws, self.ws + ONE, D - ONE, D, D + ONE,
                              self.ws - days(2), self.ws + days(3)])
        return D + days(self.rng.randint(lo, hi))

    def bad_date(self):
        y = self.D.year
        return self.pick([f"{y}-02-30", f"{y}-13-01", "yesterday", f"31/12/{y}",
                          f"{y}-11-2", f"{y}-04-31", f"{y}1122", f"{y}-11-22T00:00",
                          f"{y}-00-10", f"{y}-11-22 12:00"])

    def sentinel(self):
        return self.pick(["1800-01-01", "1801-01-01", "1600-01-01", "1582-10-15",
                          "1889-12-31"])

    def practice_codes(self):
        codes = []
        for pct, loc, pre in LOCALITIES:
            for k in range(1, 4):
                codes.append(f"F{pre}0{k}")
        return codes

    # -- practices
    def gen_practices(self):
        rows = []
        for pct, loc, pre in LOCALITIES:
            for k in range(1, 4):
                code = f"F{pre}0{k}"
                name = self.pick(["Castle Gate Surgery", "Park Lane Practice, Lexden",
                                  "The \"Old\" Surgery", "Riverside Health Centre"])
                if code == "F81203":
                    code = "f81203"  # lower case in practices.csv
                rows.append(dict(practice_code=code, practice_name=name, pct=pct,
                                 locality=loc))
        # duplicated practice: the later row is a reject and must not remap anyone
        rows.append(dict(practice_code="F81302", practice_name="Duplicate", pct="North East Essex",
                         locality="Tendring"))
        rows.append(dict(practice_code="F81599", practice_name="No PCT", pct="",
                         locality="Chelmsford"))
        self.rng.shuffle(rows)
        self.practices = rows

    # -- patients
    def gen_dob(self):
        D = self.D
        r = self.rng.random()
        if r < 0.003:
            return dt.date(1890, 1, 1)  # not a sentinel: the first real date
        if r < 0.22:
            return D - days(self.rng.randint(20 * 365, 64 * 365))
        if r < 0.36:
            a = self.pick([64, 65, 69, 70])
            return anniversary(D, a) + days(self.pick([-1, 0, 0, 1]))
        if r < 0.40:
            y = self.pick([y for y in range(D.year - 90, D.year - 60) if y % 4 == 0])
            return dt.date(y, 2, 29)
        return D - days(self.rng.randint(65 * 365, 100 * 365))

    def gen_dod(self):
        D = self.D
        r = self.rng.random()
        if r < 0.90:
            return ""
        return iso(self.pick([D - days(self.rng.randint(1, 400)), D - ONE, D, D + ONE,
                              D + days(30)])) if r < 0.97 else self.sentinel()

    def gen_patients(self):
        codes = self.practice_codes()
        people = []
        for _ in range(self.n):
            nhs = self.nhs.valid()
            prac = self.pick(codes) if not self.chance(0.03) else self.pick(UNMAPPED)
            if self.chance(0.05):
                prac = prac.lower()
            row = dict(nhs_number=self.nhs.spelled(nhs), date_of_birth=iso(self.gen_dob()),
                       sex=self.pick(["M", "F", "F", "U", "9"]), gp_practice=prac,
                       date_of_death=self.gen_dod())
            people.append(nhs)
            self.patients.append(row)
        # rejected spine rows (one defect each); their activity is unregistered
        rejected = []
        for _ in range(max(3, self.n // 100)):
            nhs = self.nhs.valid()
            row = dict(nhs_number=nhs, date_of_birth=iso(self.gen_dob()), sex="F",
                       gp_practice=self.pick(codes), date_of_death="")
            kind = self.pick(["bad_nhs", "check10", "dob_bad", "dob_sentinel", "dob_blank",
                              "prac_blank", "dod_bad", "fields", "nhs_blank"])
            if kind == "bad_nhs":
                row["nhs_number"] = self.nhs.bad_check()
            elif kind == "check10":
                row["nhs_number"] = self.nhs.check_is_10()
            elif kind == "dob_bad":
                row["date_of_birth"] = self.bad_date()
            elif kind == "dob_sentinel":
                row["date_of_birth"] = self.sentinel()
            elif kind == "dob_blank":
                row["date_of_birth"] = ""
            elif kind == "prac_blank":
                row["gp_practice"] = ""
            elif kind == "dod_bad":
                row["date_of_death"] = self.bad_date()
            elif kind == "fields":
                row["__fields__"] = self.pick([-1, 1])
            elif kind == "nhs_blank":
                row["nhs_number"] = ""
            self.patients.append(row)
            if kind in ("dob_bad", "dob_sentinel", "dob_blank", "prac_blank", "dod_bad",
                        "fields"):
                rejected.append(nhs)
        self.rng.shuffle(self.patients)
        # duplicated spine numbers: inserted after the original row
        people_set = set(people)
        for _ in range(max(2, self.n // 200)):
            idx = self.rng.randrange(len(self.patients))
            orig = self.patients[idx]
            if "__fields__" in orig or nhs_plain(orig["nhs_number"]) not in people_set:
                continue
            if any(orig[c] == "" for c in ("date_of_birth", "gp_practice")):
                continue
            dup = dict(orig)
            dup["gp_practice"] = self.pick(codes)
            dup["date_of_birth"] = iso(self.gen_dob())
            dup["nhs_number"] = self.nhs.spelled(nhs_plain(orig["nhs_number"]))
            dup["date_of_death"] = ""
            self.patients.insert(self.rng.randint(idx + 1, len(self.patients)), dup)
        unregistered = [self.nhs.valid() for _ in range(max(3, self.n // 50))]
        return people, rejected + unregistered

    # -- admissions
    def new_spell_id(self):
        self.spell_no += 1
        return f"{self.pick(['RDE', 'RQ8', 'RAJ'])}:{self.spell_no:07d}"

    def diags(self, age_mix=True):
        out = []
        for _ in range(self.pick([0, 1, 1, 2, 2, 3, 4, 6, 8])):
            r = self.rng.random()
            if r < 0.07:
                out.append(self.pick(FRAIL))
            elif r < 0.88:
                out.append(self.pick(NONFRAIL))
            elif r < 0.96:
                out.append(self.pick(EXOTIC))
            else:
                out.append(self.pick(JUNK))
        return out

    def spell(self, adm, **kw):
        s = dict(id=self.new_spell_id(), adm=adm, dis=None, open=False, sentinel_dis=False,
                 method=self.pick(["21", "22", "11", "12", "2A", "28", "2D", "31", "13"]),
                 source="19", dest="19", classpat="1", dismeth="1", n_ep=1, died=False)
        los = self.pick([0, 0, 1, 2, 3, 4, 5, 7, 12, 25])
        s["dis"] = adm + days(los)
        s["n_ep"] = self.pick([1, 1, 1, 1, 1, 1, 2, 2, 2, 3])
        r = self.rng.random()
        if r < 0.07:
            s["classpat"] = "reg"
        elif r < 0.10:
            s["classpat"] = "mixed"
            s["n_ep"] = max(2, s["n_ep"])
        elif r < 0.20:
            s["classpat"] = "2"
        if self.chance(0.06):
            s["open"] = True
        elif self.chance(0.03):
            s["sentinel_dis"] = True
        if self.chance(0.10):
            s["source"] = self.pick(["54", "55", "56", "65", "85"])
        elif self.chance(0.05):
            s["source"] = self.pick(["99", "29", "39", "88"])
        if self.chance(0.10):
            s["dest"] = self.pick(["54", "55", "56", "65", "85"])
        s.update(kw)
        return s

    def gen_spells(self):
        rng = self.rng
        spells = []
        n = self.pick([0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5])
        for _ in range(n):
            s = self.spell(self.date_near())
            spells.append(s)
            prev = s
            # transfer chains (and readmissions that are not transfers)
            while self.chance(0.30):
                base = prev["adm"] + days(2) if prev["open"] else prev["dis"]
                nxt = base + days(self.pick([-3, -1, 0, 0, 1, 2, 3, 3, 4, 5]))
                if nxt < prev["adm"]:
                    nxt = prev["adm"]
                t = self.spell(nxt)
                k = self.rng.random()
                if k < 0.3:
                    t["method"] = self.pick(["2B", "81", "2b"])
                elif k < 0.6:
                    t["source"] = self.pick(["51", "52", "53"])
                elif k < 0.8:
                    t["method"] = self.pick(["2B", "81"])
                    t["source"] = self.pick(["51", "52", "53"])
                else:
                    t["method"] = self.pick(["22", "21", "2C", "82", "83"])
                if self.chance(0.7) and t["classpat"] in ("reg", "mixed"):
                    t["classpat"] = "1"
                spells.append(t)
                prev = t
            # several spells on the same date
            if self.chance(0.10):
                spells.append(self.spell(s["adm"], classpat=self.pick(["2", "1", "reg"])))
            # a transfer and another admission on the same day, just after a discharge:
            # the order "admission date, then spell_id" decides what joins what
            if not s["open"] and self.chance(0.06):
                day = s["dis"] + days(self.pick([0, 1, 2, 3]))
                a = self.spell(day, classpat="1", open=self.chance(0.5), sentinel_dis=False)
                a["dis"] = day + days(self.pick([1, 2, 5]))
                b = self.spell(day, classpat="1", method=self.pick(["2B", "81"]), open=False,
                               sentinel_dis=False)
                spells.extend([a, b])
        if spells and self.chance(0.04):
            s = self.pick(spells)
            s["died"] = True
            s["open"] = False
            s["sentinel_dis"] = False
            D = self.D
            choice = self.pick(["before", "on", "after", "blank", "sentinel", "far"])
            if choice == "before":
                s["adm"] = D - days(20)
                s["dis"] = D - days(3)
            elif choice == "on":
                s["adm"] = D - days(4)
                s["dis"] = D
            elif choice == "after":
                s["adm"] = D - days(4)
                s["dis"] = D + ONE
            elif choice == "blank":
                s["open"] = True
            elif choice == "sentinel":
                s["sentinel_dis"] = True
            elif choice == "far":
                s["dis"] = s["adm"] + ONE
        return spells

    def episodes(self, nhs, s, allow_noise=True):
        rows = []
        n = s["n_ep"]
        for k in range(1, n + 1):
            last = k == n
            if s["classpat"] == "reg":
                cp = self.pick(["3", "4"])
            elif s["classpat"] == "mixed":
                cp = "3" if k == 1 or n == 1 else "1"
                if n == 1:
                    cp = "3"
            else:
                cp = s["classpat"]
            adm = s["adm"]
            if k > 1 and self.chance(0.04):
                adm = adm + ONE  # episodes disagree: the spell is dated by the earliest
            if last:
                if s["open"]:
                    dis = ""
                elif s["sentinel_dis"]:
                    dis = self.sentinel()
                else:
                    dis = iso(s["dis"])
            else:
                dis = ""
                if not s["open"] and not s["sentinel_dis"] and self.chance(0.2):
                    d = s["dis"] - days(self.rng.randint(0, 3))
                    dis = iso(max(d, s["adm"]))  # an earlier episode's date: the latest wins
            dest = s["dest"] if last else self.pick(["98", "98", "98", ""])
            if not last and s["dest"] != "19" and self.chance(0.3):
                dest = s["dest"]  # care-home code on an earlier episode
            dismeth = ("4" if s["died"] else self.pick(["1", "1", "1", "2", "3", "9"])) \
                if last else self.pick(["8", "8", ""])
            if s["died"] and last:
                dest = "79"
            ep = str(k)
            if allow_noise and self.chance(0.03):
                ep = self.pick(["", "98", "99"])
            row = dict(nhs_number=self.nhs.spelled(nhs), spell_id=s["id"], episode_number=ep,
                       admission_date=iso(adm), discharge_date=dis,
                       admission_method=s["method"], patient_classification=cp,
                       admission_source=s["source"], discharge_destination=dest,
                       discharge_method=dismeth)
            codes = self.diags() if allow_noise else [self.pick(FRAIL + NONFRAIL)]
            if allow_noise and s.get("hfrs_codes") is not None:
                codes = list(s["hfrs_codes"][k - 1]) if k <= len(s["hfrs_codes"]) else codes
            elif allow_noise and self.rng2.random() < 0.3:
                codes = codes + [self.hfrs_spelling(self.rng2.choice(HFRS_CATEGORIES))
                                 for _ in range(self.rng2.choice([1, 1, 2, 3]))]
            if not allow_noise:
                codes = [c for c in codes]
            for i, c in enumerate(codes[:8]):
                row[f"diag_{i + 1:02d}"] = c
            if allow_noise and self.chance(0.01):
                row["episode_number"] = self.pick(["x1", "1a", "one"])  # warning
            if allow_noise and self.chance(0.005):
                col = self.pick(["admission_source", "admission_method", "discharge_method"])
                row[col] = "19191"  # a HES code longer than 4 characters: warning
            rows.append(row)
        return rows

    # -- risk material (second random stream)
    def hfrs_spelling(self, cat):
        r = self.rng2
        d = str(r.randint(0, 9))
        forms = [cat, cat, cat + "X", cat + "." + d, cat + d, cat + d + str(r.randint(0, 9)),
                 cat + "." + d + "*", cat + "." + d + "\u2020", cat + "X-", (cat + "." + d).lower(),
                 cat + ".X", cat.lower() + "x", cat + " ." + d]
        return r.choice(forms)

    def risk_date(self):
        r = self.rng2
        D = self.D
        s24 = months_before(D, 24)
        if r.random() < 0.4:
            return r.choice([s24 - ONE, s24, s24 + ONE, s24 + days(2), months_before(D, 23),
                             months_before(D, 23) + ONE, months_before(D, 25),
                             months_before(D, 25) + ONE, self.ws - ONE, self.ws, D, D + ONE])
        return D - days(r.randint(0, 800))

    def with_rng2(self, fn, *a):
        """Runs fn with the second stream standing in for the first."""
        main = self.rng
        self.rng = self.nhs.rng = self.rng2
        try:
            return fn(*a)
        finally:
            self.rng = self.nhs.rng = main

    def risk_spells(self):
        """1-4 spells carrying HFRS codes from a small per-patient pool (so categories repeat
        across admissions and within one), dated over the last 25 months."""
        r = self.rng2
        pool = r.sample(HFRS_CATEGORIES, r.choice([1, 2, 3, 4, 6]))
        out = []
        for _ in range(r.choice([1, 1, 2, 2, 3, 4])):
            s = self.spell(self.risk_date())
            s["hfrs_codes"] = [[self.hfrs_spelling(r.choice(pool))
                                for _ in range(r.choice([1, 2, 2, 3, 5]))]
                               for _ in range(s["n_ep"])]
            out.append(s)
        return out

    def exact_spells(self):
        """A patient whose only admissions carry one of EXACT_SETS, split over one or two
        spells in the last 12 months (a category may be on both)."""
        r = self.rng2
        codes = list(r.choice(EXACT_SETS))
        r.shuffle(codes)
        D = self.D
        first = self.spell(D - days(r.randint(0, 300)), classpat="1", n_ep=1, open=False,
                           sentinel_dis=False, died=False)
        if len(codes) > 2 and r.random() < 0.5:
            cut = r.randint(1, len(codes) - 1)
            a, b = codes[:cut], codes[cut:] + [r.choice(codes[:cut])]
            second = self.spell(D - days(r.randint(0, 600)), classpat="1", n_ep=1, open=False,
                                sentinel_dis=False, died=False)
            if "E86" not in "".join(a).upper():
                a, b = b, a
            first["hfrs_codes"], second["hfrs_codes"] = [a], [b]
            return [first, second]
        first["hfrs_codes"] = [codes]
        return [first]

    def gen_admissions(self, nhs):
        if self.rng2.random() < 0.03:
            for s in self.with_rng2(self.exact_spells):
                self.admissions.extend(self.with_rng2(self.episodes, nhs, s))
            return
        extra = self.with_rng2(self.risk_spells) if self.rng2.random() < 0.3 else []
        for s in extra:
            self.admissions.extend(self.with_rng2(self.episodes, nhs, s))
        for s in self.gen_spells():
            eps = self.episodes(nhs, s)
            self.admissions.extend(eps)
            for e in eps:
                if self.chance(0.04):
                    self.admissions.append(dict(e))  # exact duplicate episode row

    def bad_admission(self, nhs):
        s = self.spell(self.date_near())
        s.update(n_ep=1, open=False, sentinel_dis=False, died=False)
        row = self.episodes(nhs, s, allow_noise=False)[0]
        row["diag_01"] = self.pick(FRAIL)
        kind = self.pick(["bad_nhs", "check10", "spell_blank", "adm_bad", "adm_sentinel",
                          "adm_blank", "dis_bad", "fields", "nhs_blank"])
        if kind == "bad_nhs":
            row["nhs_number"] = self.nhs.bad_check()
        elif kind == "check10":
            row["nhs_number"] = self.nhs.check_is_10()
        elif kind == "spell_blank":
            row["spell_id"] = ""
        elif kind == "adm_bad":
            row["admission_date"] = self.bad_date()
        elif kind == "adm_sentinel":
            row["admission_date"] = self.sentinel()
        elif kind == "adm_blank":
            row["admission_date"] = ""
        elif kind == "dis_bad":
            row["discharge_date"] = self.bad_date()
        elif kind == "fields":
            row["__fields__"] = self.pick([-1, 1])
        elif kind == "nhs_blank":
            row["nhs_number"] = ""
        self.admissions.append(row)

    # -- prescriptions
    def drug_name(self, name):
        r = self.rng.random()
        if r < 0.15:
            return f"{name} 500mg tablets, pack of 28", set()
        if r < 0.18:
            return f'{name} "Dissolve" tablets', set()
        if r < 0.20:
            return f"{name} 40mg\ntablets", set()
        if r < 0.205:
            return f'{name} 3" wide', {"drug_name"}  # stray quote kept as data
        return f"{name} tablets", set()

    def bnf(self, sub9):
        r = self.rng.random()
        if r < 0.10:
            return sub9
        code = sub9 + self.pick(SUFFIXES)
        if r < 0.16:
            return code.lower()
        if r < 0.17:
            return sub9 + "AA"  # 11 characters: not < 9 and all A-Z0-9
        return code

    def issue_date(self):
        D = self.D
        if self.chance(0.35):
            return self.pick([D - days(84), D - days(83), D - days(85), D, D + ONE, D - ONE])
        return D - days(self.rng.randint(-10, 200))

    def gen_prescriptions(self, nhs):
        k = self.pick([0, 1, 2, 3, 4, 4, 5, 5, 6, 6, 7, 8, 10])
        subs = self.rng.sample(SUBS, k)
        for sub9, name in subs:
            for _ in range(self.pick([1, 1, 2, 3])):
                dn, raw = self.drug_name(name)
                self.prescriptions.append(dict(
                    nhs_number=self.nhs.spelled(nhs), issue_date=iso(self.issue_date()),
                    bnf_code=self.bnf(sub9), drug_name=dn,
                    quantity=str(self.pick([28, 56, 84, 1, 30])), __raw__=raw))

    def bad_prescription(self, nhs):
        sub9, name = self.pick(SUBS)
        row = dict(nhs_number=nhs, issue_date=iso(self.D - days(10)),
                   bnf_code=sub9 + "AAAAAA", drug_name=name + " tablets", quantity="28")
        kind = self.pick(["bad_nhs", "date_bad", "date_sentinel", "date_blank", "bnf_short",
                          "bnf_dash", "bnf_space", "bnf_blank", "comma", "check10"])
        if kind == "bad_nhs":
            row["nhs_number"] = self.nhs.bad_check()
        elif kind == "check10":
            row["nhs_number"] = self.nhs.check_is_10()
        elif kind == "date_bad":
            row["issue_date"] = self.bad_date()
        elif kind == "date_sentinel":
            row["issue_date"] = self.sentinel()
        elif kind == "date_blank":
            row["issue_date"] = ""
        elif kind == "bnf_short":
            row["bnf_code"] = self.pick([sub9[:7], sub9[:8], "02"])
        elif kind == "bnf_dash":
            row["bnf_code"] = sub9[:4] + "-" + sub9[5:] + "AAA-AM"
        elif kind == "bnf_space":
            row["bnf_code"] = sub9 + " AAAAAA"
        elif kind == "bnf_blank":
            row["bnf_code"] = ""
        elif kind == "comma":
            row["drug_name"] = name + " 500mg, 32 tablets"
            row["__raw__"] = {"drug_name"}  # unquoted comma: one field too many
        self.prescriptions.append(row)

    # -- residence
    def gen_residence(self, nhs):
        D = self.D
        frm = self.pick([D - days(1000), D - days(200), D - days(30), D, D + ONE, D - ONE,
                         dt.date(1890, 1, 1)])
        to = self.pick(["", "", "", D, D - ONE, D + ONE, D + days(100), "sentinel"])
        if to == "sentinel":
            to = self.sentinel()
        elif to != "":
            if to < frm:
                to = frm
            to = iso(to)
        self.residence.append(dict(
            nhs_number=self.nhs.spelled(nhs), care_home_code="1-" + str(self.rng.randint(10**9, 10**10 - 1)),
            care_home_type=self.pick(["residential", "nursing", ""]), from_date=iso(frm),
            to_date=to, source_system=self.pick(["CQC register", "LA, social care"])))

    def bad_residence(self, nhs):
        row = dict(nhs_number=nhs, care_home_code="1-123456789", care_home_type="nursing",
                   from_date=iso(self.D - days(100)), to_date="", source_system="CQC")
        kind = self.pick(["bad_nhs", "code_blank", "from_bad", "from_sentinel", "from_blank",
                          "to_bad", "fields"])
        if kind == "bad_nhs":
            row["nhs_number"] = self.nhs.bad_check()
        elif kind == "code_blank":
            row["care_home_code"] = ""
        elif kind == "from_bad":
            row["from_date"] = self.bad_date()
        elif kind == "from_sentinel":
            row["from_date"] = self.sentinel()
        elif kind == "from_blank":
            row["from_date"] = ""
        elif kind == "to_bad":
            row["to_date"] = self.bad_date()
        elif kind == "fields":
            row["__fields__"] = self.pick([-1, 1])
        self.residence.append(row)

    # -- nominations
    def gen_nomination(self, nhs):
        D = self.D
        on = self.pick([D, D + ONE, D - ONE, D - days(400), D + days(30), D - days(90)])
        self.nominations.append(dict(
            nhs_number=self.nhs.spelled(nhs), nominated_on=iso(on),
            nominated_by=self.pick(["F81101", "Dr A Smith", "community matron"]),
            reason=self.pick(["Frailty, multiple social needs", 'Carer says "not coping"',
                              "Falls\nand confusion", "Multiple social needs", ""])))

    def bad_nomination(self, nhs):
        row = dict(nhs_number=nhs, nominated_on=iso(self.D - days(5)), nominated_by="GP",
                   reason="x")
        kind = self.pick(["bad_nhs", "check10", "on_bad", "on_sentinel", "on_blank", "fields"])
        if kind == "bad_nhs":
            row["nhs_number"] = self.nhs.bad_check()
        elif kind == "check10":
            row["nhs_number"] = self.nhs.check_is_10()
        elif kind == "on_bad":
            row["nominated_on"] = self.bad_date()
        elif kind == "on_sentinel":
            row["nominated_on"] = self.sentinel()
        elif kind == "on_blank":
            row["nominated_on"] = ""
        elif kind == "fields":
            row["__fields__"] = self.pick([-1, 1])
        self.nominations.append(row)

    # -- capacity
    def gen_case_managers(self):
        r = self.rng2
        locs = [loc for _, loc, _ in LOCALITIES]
        r.shuffle(locs)
        tight, empty, multi = locs[0], locs[1], locs[2:]
        numbers = r.sample(range(1, 130), 30)
        ids = iter([f"CM{n}" if r.random() < 0.6 else f"CM{n:03d}" for n in numbers])
        rows = []

        def cm(loc, cap, active=None):
            act = active if active is not None else r.choice(["Y", "Y", "Y", ""])
            rows.append(dict(case_manager_id=next(ids), name=r.choice(
                ["Sarah Bright", "Tomasz Nowak", "Helen O'Neill", "Lloyd, Gareth"]),
                locality=loc, caseload_max=str(cap), active=act))

        # one case manager of 50-59 (reserve 5) and an inactive one
        cm(tight, r.choice([50, 51, 55, 59]))
        cm(tight, 80, "N")
        # only inactive case managers, or none at all
        if r.random() < 0.5:
            cm(empty, r.choice([50, 65, 80]), "N")
        # several case managers; equal and proportional caseloads make exact-fraction ties
        for loc in multi:
            caps = r.choice([[50, 60, 80], [60, 60], [55, 66, 77], [75, 50, 60, 80],
                             [64, 79, 51], [70, 70, 56], [80, 50]])
            caps = caps + [r.randint(50, 80)] if r.random() < 0.3 else caps
            for cap in caps:
                cm(loc, cap)
            if r.random() < 0.5:
                cm(loc, r.randint(50, 80), "N")
        cm("Harlow", 60)  # a locality that no practice belongs to
        r.shuffle(rows)
        # a duplicated id: the later row is rejected (it would have been a bigger caseload)
        dup = dict(r.choice([x for x in rows if x["locality"] != "Harlow"]))
        dup.update(caseload_max="80", active="Y", locality=r.choice(locs))
        rows.insert(r.randint(rows.index(next(x for x in rows if x["case_manager_id"] ==
                                                 dup["case_manager_id"])) + 1, len(rows)), dup)
        # one row missing a required field
        kind = r.choice(["id_blank", "locality_blank", "fields", None])
        if kind:
            bad = dict(case_manager_id=next(ids), name="Bad Row", locality=r.choice(locs),
                       caseload_max="80", active="Y")
            if kind == "id_blank":
                bad["case_manager_id"] = ""
            elif kind == "locality_blank":
                bad["locality"] = ""
            else:
                bad["__fields__"] = 1
            rows.insert(r.randint(0, len(rows)), bad)
        self.case_managers = rows
        self.localities = [dict(locality=loc, pct=pct, expected_patients=str(r.randint(300, 900)),
                                weighted_capitation=f"{r.randint(30, 120) / 10}")
                           for pct, loc, _ in LOCALITIES]
        if r.random() < 0.5:
            self.localities.append(dict(self.localities[0], expected_patients="1"))  # rejected

    # -- everything
    def run(self):
        self.gen_case_managers()
        self.gen_practices()
        people, others = self.gen_patients()
        self.people, self.others = people, others
        for nhs in people + others:
            if self.chance(0.60):
                self.gen_admissions(nhs)
            if self.chance(0.55):
                self.gen_prescriptions(nhs)
            if self.chance(0.08):
                self.gen_residence(nhs)
                if self.chance(0.2):
                    self.gen_residence(nhs)
            if self.chance(0.06):
                self.gen_nomination(nhs)
        for _ in range(max(4, self.n // 60)):
            self.bad_admission(self.pick(people))
            self.bad_prescription(self.pick(people))
        for _ in range(max(3, self.n // 150)):
            self.bad_residence(self.pick(people))
            self.bad_nomination(self.pick(people))
        for lst in (self.admissions, self.prescriptions, self.residence, self.nominations):
            self.rng.shuffle(lst)
        # blank lines (not records) in the middle of files
        for lst in (self.admissions, self.prescriptions, self.patients):
            if self.chance(0.5) and lst:
                lst.insert(self.rng.randrange(len(lst)), dict(__blank__=self.pick(["", "   "])))

    # -- status changes between a previous as-of date D1 and D (third random stream)
    def transitions(self, D1, n):
        r = random.Random(self.seed * 15485863 + D1.toordinal())
        D = self.D
        nhs = NHS(r)
        nhs.used = self.nhs.used
        codes = [c for c in self.practice_codes()]
        edge = lambda: r.choice([D1, D1 + ONE, D1 + ONE, D1 + days(2), D - ONE, D, D + ONE])
        plain = ["I10X", "J18.9", "R07.4", "C34.9"]

        def adm(who, day, codes=None, source="19", dest="19", dismeth="1", dis=None,
                method="21", classpat="1"):
            sid = f"RQX:{r.randint(10**6, 10**7 - 1)}"
            row = dict(nhs_number=who, spell_id=sid, episode_number="1",
                       admission_date=iso(day), discharge_date=iso(dis or day + days(2)),
                       admission_method=method, patient_classification=classpat,
                       admission_source=source, discharge_destination=dest,
                       discharge_method=dismeth)
            for i, c in enumerate(codes or [r.choice(plain)]):
                row[f"diag_{i + 1:02d}"] = c
            self.admissions.append(row)

        def script(who, day, sub9):
            self.prescriptions.append(dict(nhs_number=who, issue_date=iso(day),
                                           bnf_code=sub9 + "AAAAAA", drug_name="x tablets",
                                           quantity="28"))

        ch1 = [s for s, _ in SUBS if s[:2].isdigit() and 1 <= int(s[:2]) <= 15]
        kinds = ["second_admission", "frailty_admission", "care_home_entry",
                 "care_home_admission", "fifth_drug", "nomination", "turning_65", "death_dod",
                 "death_discharge", "lapse_admissions", "lapse_frailty", "lapse_drugs",
                 "lapse_care_home", "care_home_superseded", "young_nominated"]
        sizes = [(lst, len(lst)) for lst in (self.patients, self.admissions, self.prescriptions,
                                             self.residence, self.nominations)]
        for k in range(n):
            kind = kinds[k % len(kinds)]
            who = nhs.valid()
            e = edge()
            dob = D - days(r.randint(70 * 365, 90 * 365))
            dod = ""
            if kind == "second_admission":
                adm(who, D - days(r.randint(60, 300)))
                adm(who, e, method=r.choice(["21", "2B"]), source=r.choice(["19", "51"]))
            elif kind == "frailty_admission":
                adm(who, e, [r.choice(["E86.0", "W19X", "N39.0", "K59.0", "R11X"])])
            elif kind == "care_home_entry":
                self.residence.append(dict(nhs_number=who, care_home_code="1-1234567890",
                                           care_home_type="nursing", from_date=iso(e),
                                           to_date="", source_system="CQC register"))
            elif kind == "care_home_admission":
                adm(who, e, source=r.choice(["54", "65", "85"]))
            elif kind == "fifth_drug":
                subs = r.sample(ch1, 5)
                for s9 in subs[:4]:
                    script(who, D1 - days(r.randint(0, 40)), s9)
                script(who, e, subs[4])
            elif kind == "nomination":
                self.nominations.append(dict(nhs_number=who, nominated_on=iso(e),
                                             nominated_by="GP", reason=""))
            elif kind == "turning_65":
                dob = anniversary(e, 65)
                self.nominations.append(dict(nhs_number=who, nominated_on=iso(D1 - days(50)),
                                             nominated_by="GP", reason=""))
            elif kind == "death_dod":
                dod = iso(e)
                self.nominations.append(dict(nhs_number=who, nominated_on=iso(D1 - days(50)),
                                             nominated_by="GP", reason=""))
            elif kind == "death_discharge":
                adm(who, D1 - days(r.randint(1, 5)), [r.choice(["E86.0", "W19X"])],
                    dismeth="4", dest="79", dis=e)
            elif kind == "lapse_admissions":
                first = r.choice([year_before(D1), year_before(D1) + ONE, year_before(D),
                                  year_before(D) + ONE, year_before(D) + days(2)])
                adm(who, first)
                adm(who, D - days(r.randint(40, 200)))
            elif kind == "lapse_frailty":
                adm(who, r.choice([year_before(D1) + ONE, year_before(D), year_before(D) + ONE]),
                    [r.choice(["E86.0", "W19X", "N39.0"])])
            elif kind == "lapse_drugs":
                day = r.choice([D - days(85), D - days(84), D - days(83), D1 - days(83)])
                for s9 in r.sample(ch1, 5):
                    script(who, day, s9)
            elif kind == "lapse_care_home":
                self.residence.append(dict(nhs_number=who, care_home_code="1-1234567891",
                                           care_home_type="residential",
                                           from_date=iso(D - days(500)),
                                           to_date=iso(r.choice([D1 - ONE, D1, D1 + ONE, D - ONE, D])),
                                           source_system="LA"))
            elif kind == "care_home_superseded":
                adm(who, D1 - days(r.randint(1, 60)), source="54")
                adm(who, e)  # the latest admission has no care-home code
            elif kind == "young_nominated":
                dob = anniversary(e, 65) + r.choice([ONE, days(-1), days(40)])
                self.nominations.append(dict(nhs_number=who, nominated_on=iso(D1 - days(10)),
                                             nominated_by="GP", reason=""))
            self.patients.append(dict(nhs_number=who, date_of_birth=iso(dob), sex="F",
                                      gp_practice=r.choice(codes), date_of_death=dod))
        # the new rows go to random places; the existing rows keep their order
        for lst, n0 in sizes:
            new = lst[n0:]
            del lst[n0:]
            for row in new:
                lst.insert(r.randint(0, len(lst)), row)

    # -- governance: opt-outs, placeholder practices, hostile names, a big practice (own stream)
    def governance(self):
        r = self.grng = random.Random(self.seed * 2654435761 + 314159)
        D = self.D
        nhs = NHS(r)
        nhs.used = self.nhs.used
        self.opt_outs = []
        self.gov_spell = 0
        new_from = [(lst, len(lst)) for lst in (self.patients, self.admissions, self.prescriptions,
                                                self.residence, self.nominations)]
        nominated = {nhs_plain(x["nhs_number"]) for x in self.nominations if "nhs_number" in x}
        on_spine_rows = {nhs_plain(x["nhs_number"]) for x in self.patients if "nhs_number" in x}
        # a row whose unquoted comma shifts the nhs_number field would be rejected with its raw
        # record, which names the patient: the contract leaves that open, so nobody with such a
        # row is opted out
        self.shifted = {nhs_plain(x["nhs_number"]) for x in self.prescriptions
                        if "drug_name" in x.get("__raw__", ()) and "," in x["drug_name"]}
        people = [n for n in self.people if n not in self.shifted]
        unregistered = [n for n in self.others if n not in on_spine_rows and n not in self.shifted]

        # hostile names: a locality that is a formula, a pct, practice and case manager names
        evil_loc = '=HYPERLINK("http://x","y")'
        renamed = r.choice([loc for _, loc, _ in LOCALITIES])
        pct_from = r.choice(["North East Essex", "Mid Essex"])
        # (with a tab inside, which is kept: cases.csv's pct column shows it)
        evil_pct = r.choice(["+", "-", "@"]) + pct_from.replace(" ", "\t", 1)
        for lst in (self.practices, self.case_managers, self.localities):
            for row in lst:
                if row.get("locality") == renamed:
                    row["locality"] = evil_loc
                if row.get("pct") == pct_from and lst is self.practices:
                    row["pct"] = evil_pct
        hostile = ["+44 Surgery", "-Minus Lane Practice", "@Home Medical Centre", "=1+2",
                   "\tTab Surgery", "\rCarriage Return Surgery", '=HYPERLINK("http://x","y")',
                   "Tab\tInside Surgery", "Trailing Tab Surgery\t",
                   "=cmd|' /C calc'!A0", "-", "+"]
        for row in self.practices:
            if r.random() < 0.5:
                row["practice_name"] = r.choice(hostile)
        # every formula character on some active case manager's name, in a shuffled order
        # (a tab at either end is trimmed on reading; one inside the name is kept)
        cm_hostile = ["+Sarah Plus", "-Dee Dash", "@Alex At", "=SUM(1,2)", "\tTabitha Tab",
                      "Tabitha\tInside",
                      "\rCarrie Return", "=HYPERLINK(\"http://x\",\"y\")", "-", "@"]
        r.shuffle(cm_hostile)
        active = [x for x in self.case_managers if x.get("active") != "N"]
        for k, row in enumerate(r.sample(active, len(active))):
            if k < len(cm_hostile) or r.random() < 0.5:
                row["name"] = cm_hostile[k % len(cm_hostile)]
        pairs = []
        for row in self.practices:
            if row["practice_code"].upper() in self.practice_codes() and row["pct"]:
                pairs.append((row["pct"], row["locality"]))

        def person(code, dob, dod=""):
            who = nhs.valid()
            self.patients.append(dict(nhs_number=nhs.spelled(who), date_of_birth=iso(dob),
                                      sex=r.choice(["M", "F"]), gp_practice=code,
                                      date_of_death=dod))
            return who

        def old_dob():
            return D - days(r.randint(66 * 365, 95 * 365))

        def nominate(who, day=None):
            self.nominations.append(dict(nhs_number=nhs.spelled(who),
                                         nominated_on=iso(day or D - days(r.randint(0, 400))),
                                         nominated_by="GP", reason="governance"))

        def admission(who, day, code="E86.0"):
            self.gov_spell += 1
            self.admissions.append(dict(
                nhs_number=nhs.spelled(who), spell_id=f"GOV:{self.gov_spell:07d}",
                episode_number="1", admission_date=iso(day), discharge_date=iso(day + days(2)),
                admission_method="21", patient_classification="1", admission_source="19",
                discharge_destination="19", discharge_method="1", diag_01=code))

        def opt_out(who, kind, spelled=True):
            spell = {"type1": ["type1", "type1", "TYPE1", "Type1", " type1 "],
                     "ndoo": ["ndoo", "ndoo", "NDOO", "Ndoo", " ndoo"],
                     "bad": ["type2", "Type 1", "dissent", "type1;ndoo", "opt-out", "t1"]}
            if kind == "both":
                kinds = ["type1", "ndoo"]
            elif kind == "dup":  # the same type twice
                kinds = [r.choice(["type1", "ndoo"])] * 2
            else:
                kinds = [kind]
            for k in kinds:
                x = r.random()
                rec = "" if x < 0.2 else iso(D + days(r.randint(1, 200))) if x < 0.25 else \
                    iso(D - days(r.randint(0, 4000)))
                self.opt_outs.append(dict(nhs_number=nhs.spelled(who) if spelled else who,
                                          type=r.choice(spell[k]), recorded_date=rec))

        # placeholder practices ("no registered practice"), sometimes listed in practices.csv
        for code in ("V81997", "V81998", "V81999"):
            if r.random() < 0.4:
                pct, loc = r.choice(pairs)
                self.practices.insert(r.randint(0, len(self.practices)), dict(
                    practice_code=code if r.random() < 0.7 else code.lower(),
                    practice_name="No registered practice", pct=pct, locality=loc))
        placeholder_people = []
        for _ in range(max(12, self.n // 80)):
            code = r.choice(["V81997", "V81998", "V81999"])
            code = code.lower() if r.random() < 0.2 else code
            young = r.random() < 0.15
            dob = D - days(r.randint(40 * 365, 64 * 365)) if young else old_dob()
            dod = iso(D - days(r.randint(0, 200))) if r.random() < 0.08 else ""
            who = person(code, dob, dod)
            kind = r.choice(["nom", "nom", "nom", "frail", "none"])
            if kind == "nom":
                nominate(who)
            elif kind == "frail":
                admission(who, D - days(r.randint(0, 300)))
            if kind != "none" and not young and not dod:
                placeholder_people.append(who)
        for who in r.sample(placeholder_people, min(3, len(placeholder_people))):
            opt_out(who, r.choice(["type1", "ndoo", "both"]))

        # a practice with more than 250 case-found patients (Accurx batches of 250); under the
        # default policy exactly N, one more under type1 or ndoo, three more under none
        big = r.choice(["F81601", "f81601"])
        pct, loc = r.choice(pairs)
        self.practices.insert(r.randint(0, len(self.practices)), dict(
            practice_code=big, practice_name=r.choice(["Big Practice"] + hostile), pct=pct,
            locality=loc))
        self.big_practice = []
        for _ in range(r.choice([249, 250, 251, 263, 500, 501])):
            who = person(big, old_dob())
            nominate(who)
            self.big_practice.append(who)
        for kind in ("type1", "ndoo", "both"):
            who = person(big, old_dob())
            nominate(who)
            opt_out(who, kind)
        for _ in range(4):
            who = person(big, D - days(r.randint(30 * 365, 64 * 365)))
            if r.random() < 0.5:
                nominate(who)  # an under_65 exception

        # two small localities of their own, so that scoping.csv holds counts around the
        # disclosure threshold (1-7 suppressed, 8 and up rounded): one with a case manager (found
        # = allocated), one without (found = no_capacity)
        small = r.choice([7, 8])
        small = [small, r.choice([8, 9]) if small == 7 else r.choice([1, 5, 12, 13])]
        for k, (loc, cap) in enumerate((("Small Locality A", 50), ("Small Locality B", None))):
            code = f"F8170{k + 1}"
            self.practices.insert(r.randint(0, len(self.practices)), dict(
                practice_code=code, practice_name="Small Surgery", pct="Small PCT", locality=loc))
            if cap:
                self.case_managers.append(dict(case_manager_id=f"CMS{k + 1}", name="Sam Small",
                                               locality=loc, caseload_max=str(cap), active="Y"))
            self.localities.append(dict(locality=loc, pct="Small PCT", expected_patients="10",
                                        weighted_capitation="0.1"))
            for _ in range(small[k]):
                nominate(person(code, old_dob()))

        # opt-outs of spine patients (many of them case-found), of patients not on the spine,
        # of nobody we know, and malformed or invalid rows
        chosen = r.sample(people, len(people) // 25)
        chosen += r.sample(sorted(nominated & set(people)), len(nominated & set(people)) // 5)
        chosen = list(dict.fromkeys(chosen))
        self.excluded_people = []
        for who in chosen:
            kind = r.choices(["type1", "ndoo", "both", "dup", "bad"], [40, 30, 15, 10, 5])[0]
            opt_out(who, kind)
            self.excluded_people.append(who)
        for who in r.sample(unregistered, len(unregistered) * 2 // 5):
            opt_out(who, r.choice(["type1", "ndoo", "both", "bad"]))
        for _ in range(3):
            opt_out(nhs.valid(), r.choice(["type1", "ndoo"]))
        for _ in range(3):
            self.opt_outs.append(dict(nhs_number=nhs.bad_check(), type="type1",
                                      recorded_date=iso(D)))
        self.opt_outs.append(dict(nhs_number=nhs.check_is_10(), type="ndoo", recorded_date=""))
        self.opt_outs.append(dict(nhs_number="", type="type1", recorded_date=iso(D)))
        self.opt_outs.append(dict(nhs_number=nhs.valid(), type="", recorded_date=iso(D)))
        self.opt_outs.append(dict(nhs_number=nhs.valid(), type="ndoo", recorded_date="",
                                  __fields__=1))
        r.shuffle(self.opt_outs)

        # malformed activity rows (one defect each) of opted-out patients: dropped, counted as
        # opted_out, while the opt-out applies; rejected as usual when it does not
        def bad_date():
            y = D.year
            return r.choice([f"{y}-02-30", f"{y}-13-01", "yesterday", f"31/12/{y}", f"{y}1122"])

        for who in r.sample(self.excluded_people, min(40, len(self.excluded_people))):
            for _ in range(r.choice([1, 1, 2, 3])):
                kind = r.choice(["adm_fields", "adm_short", "adm_date", "dis_date", "rx_date",
                                 "rx_bnf", "rx_fields", "rx_quoted", "res_from", "nom_date",
                                 "nom_fields", "spine_dup", "spaced"])
                if kind.startswith("adm") or kind in ("dis_date", "spaced"):
                    admission(who, D - days(r.randint(0, 300)), r.choice(["E86.0", "I10X"]))
                    row = self.admissions[-1]
                    if kind == "adm_fields":
                        row["__fields__"] = 1
                    elif kind == "adm_short":
                        row["__fields__"] = -1
                    elif kind == "adm_date":
                        row["admission_date"] = bad_date()
                    elif kind == "dis_date":
                        row["discharge_date"] = bad_date()
                    else:
                        row["nhs_number"] = who[:3] + " " + who[3:6] + " " + who[6:]
                elif kind.startswith("rx"):
                    sub9, name = r.choice(SUBS)
                    row = dict(nhs_number=nhs.spelled(who), issue_date=iso(D - days(10)),
                               bnf_code=sub9 + "AAAAAA", drug_name=name + " tablets",
                               quantity="28")
                    if kind == "rx_date":
                        row["issue_date"] = bad_date()
                    elif kind == "rx_bnf":
                        row["bnf_code"] = sub9[:7]
                    elif kind == "rx_fields":
                        row["__fields__"] = r.choice([-1, 1])
                    else:  # a comma in a quoted drug name: one field, no defect
                        row["drug_name"] = name + " 500mg, 32 tablets"
                        row["bnf_code"] = sub9[:8]
                    self.prescriptions.append(row)
                elif kind == "res_from":
                    self.residence.append(dict(nhs_number=nhs.spelled(who),
                                               care_home_code="1-555", care_home_type="nursing",
                                               from_date=bad_date(), to_date="",
                                               source_system="CQC"))
                elif kind.startswith("nom"):
                    row = dict(nhs_number=nhs.spelled(who), nominated_on=bad_date(),
                               nominated_by="GP", reason="x")
                    if kind == "nom_fields":
                        row["nominated_on"] = iso(D - days(3))
                        row["__fields__"] = r.choice([-1, 1])
                    self.nominations.append(row)
                else:  # a second spine row (a duplicate: rejected when not opted out)
                    orig = next(x for x in self.patients if "nhs_number" in x
                                and "__fields__" not in x and nhs_plain(x["nhs_number"]) == who)
                    self.patients.append(dict(orig, gp_practice=r.choice(self.practice_codes())))
        # a record that starts with a tab (and has a wrong field count, and names nobody), so
        # that rejects.csv holds a raw record the formula rule must neutralise for its tab
        self.admissions.append(dict(__blank__="\tpage 2 of 2, continued"))
        for lst, n0 in new_from:
            new = lst[n0:]
            del lst[n0:]
            for row in new:
                lst.insert(r.randint(0, len(lst)), row)

    def write_cleared(self, path):
        """The national opt-out service's cleared list: every valid NHS number of patients.csv
        but a few spine patients (case-found-looking ones among them, one of the big practice,
        some who also hold a type1 opt-out), plus numbers nobody has; one a line, some with a
        trailing comma, LF or CRLF."""
        r = self.grng
        numbers = {nhs_plain(x["nhs_number"]) for x in self.patients if "nhs_number" in x}
        numbers = {n for n in numbers if len(n) == 10 and n.isdigit()
                   and check_digit(n[:9]) == int(n[9])}
        people = [n for n in self.people if n not in self.shifted]
        nominated = sorted({nhs_plain(x["nhs_number"]) for x in self.nominations
                            if "nhs_number" in x} & set(people))
        out = set(r.sample(people, len(people) // 30))
        out |= set(r.sample(nominated, len(nominated) // 8))
        out |= set(r.sample(self.excluded_people, len(self.excluded_people) // 6))
        out.add(r.choice(self.big_practice))
        lines = sorted(numbers - out) + [NHS(r).valid() for _ in range(5)]
        r.shuffle(lines)
        nl = "\r\n" if r.random() < 0.5 else "\n"
        with open(path, "wb") as fh:
            fh.write("".join(n + ("," if r.random() < 0.5 else "") + nl for n in lines)
                     .encode("ascii"))

    def write(self, out, crlf_bom):
        os.makedirs(out, exist_ok=True)
        rng = self.rng
        w = lambda name, cols, rows, names=None: write_csv(
            os.path.join(out, name), cols, rows, rng, crlf_bom, names)
        w("practices.csv", ["practice_code", "practice_name", "pct", "locality"], self.practices)
        w("patients.csv", ["nhs_number", "date_of_birth", "sex", "gp_practice", "date_of_death"],
          self.patients)
        cols = ["nhs_number", "spell_id", "episode_number", "admission_date", "discharge_date",
                "admission_method", "patient_classification", "admission_source",
                "discharge_destination", "discharge_method"] + [f"diag_{i:02d}" for i in range(1, 9)]
        if self.chance(0.5):
            cols = cols[:10][::-1] + cols[10:]
        if self.chance(0.5):
            cols = cols + ["procode3", "diag_count", "diagnosis_01"]
            for r in self.admissions:
                if "__blank__" not in r:
                    r["procode3"] = "RDE"
                    r["diag_count"] = "many"
                    r["diagnosis_01"] = "not a code"
        names = None
        if self.chance(0.5):
            names = [c.upper() if self.chance(0.5) else c for c in cols]
        w("admissions.csv", cols, self.admissions, names)
        cols = ["nhs_number", "issue_date", "bnf_code", "drug_name", "quantity"]
        rng.shuffle(cols)
        w("prescriptions.csv", cols, self.prescriptions)
        cols = ["care_home_code", "nhs_number", "from_date", "to_date", "care_home_type",
                "source_system"]
        rng.shuffle(cols)
        w("residence.csv", cols, self.residence)
        cols = ["nhs_number", "nominated_on", "nominated_by", "reason"]
        names = [c.upper() if i % 2 == 0 else c.title() for i, c in enumerate(cols)]
        if self.chance(0.15):
            self.nominations = []  # header only
        w("nominations.csv", cols, self.nominations, names)
        # second stream from here on, so the files above do not depend on these two
        main, self.rng = self.rng, self.rng2
        rng = self.rng2
        w = lambda name, cols, rows, names=None: write_csv(
            os.path.join(out, name), cols, rows, rng, crlf_bom, names)
        cols = ["case_manager_id", "name", "locality", "caseload_max", "active"]
        if rng.random() < 0.5:
            cols = cols[::-1]
        if rng.random() < 0.2:
            cols.remove("active")  # optional column: everyone is active
            for row in self.case_managers:
                if row.get("active") == "N":
                    row["locality"] = "Harlow"  # keep "inactive" meaning inactive
        # no case_managers.csv ("no such data": everyone no_capacity) for about 3 percent of
        # seed and date pairs, drawn on their own so it does not follow the data's draws
        if random.Random(self.seed * 100003 + self.D.toordinal()).random() < 0.03:
            pass
        else:
            w("case_managers.csv", cols, self.case_managers)
        w("localities.csv", ["locality", "pct", "expected_patients", "weighted_capitation"],
          self.localities)
        self.rng = main
        if self.chance(0.15):
            os.remove(os.path.join(out, "residence.csv"))  # "no such data"
        if getattr(self, "opt_outs", None) is not None:
            cols = ["nhs_number", "type", "recorded_date"]
            self.grng.shuffle(cols)
            names = [c.upper() if self.grng.random() < 0.3 else c for c in cols]
            write_csv(os.path.join(out, "opt_outs.csv"), cols, self.opt_outs, self.grng, crlf_bom,
                      names)


def nhs_plain(s):
    return s.replace(" ", "").replace("-", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--patients", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", default="2026-11-22")
    ap.add_argument("--crlf-bom", action="store_true")
    ap.add_argument("--previous", help="previous run's as-of date: add status changes after it")
    ap.add_argument("--governance", action="store_true",
                    help="add opt_outs.csv, placeholder practices, hostile names, a big practice")
    ap.add_argument("--ndoo-cleared", help="with --governance: write the national opt-out "
                    "service's cleared list here (outside the extracts folder)")
    a = ap.parse_args()
    g = Gen(a.seed, a.patients, dt.date.fromisoformat(a.as_of))
    g.run()
    if a.previous:
        g.transitions(dt.date.fromisoformat(a.previous), max(40, a.patients // 20))
    if a.governance:
        g.governance()
    g.write(a.out, a.crlf_bom)
    if a.governance and a.ndoo_cleared:
        g.write_cleared(a.ndoo_cleared)


if __name__ == "__main__":
    main()
