import csv, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def nhs(n9):
    s = str(n9).zfill(9)
    w = sum(int(d) * (10 - i) for i, d in enumerate(s))
    c = 11 - w % 11
    if c == 11: c = 0
    if c == 10: return None
    return s + str(c)
valid = []
n = 999100000
while len(valid) < 40:
    v = nhs(n); n += 1
    if v: valid.append(v)
# a 9-digit stem whose check would be 10
ten = None
n = 999200000
while ten is None:
    s = str(n).zfill(9)
    w = sum(int(d) * (10 - i) for i, d in enumerate(s))
    if 11 - w % 11 == 10: ten = s + "0"
    n += 1
bad_check = valid[0][:9] + str((int(valid[0][9]) + 1) % 10)
P = valid
patients = [
    ["nhs_number", "date_of_birth", "sex", "gp_practice", "date_of_death"],
    [P[0], "1940-02-29", "F", "F81101", ""],             # a real 29 February
    [P[1][:3] + " " + P[1][3:6] + " " + P[1][6:], "1941-01-01", "M", "f81101", ""],   # spaced
    [P[2][:3] + "-" + P[2][3:6] + "-" + P[2][6:], "1942-03-01", "M", "F81101", ""],   # hyphens
    [bad_check, "1943-01-01", "F", "F81101", ""],        # wrong check digit
    [ten, "1943-01-01", "F", "F81101", ""],              # check digit would be 10
    [P[3] + "1", "1943-01-01", "F", "F81101", ""],       # 11 digits
    ["", "1943-01-01", "F", "F81101", ""],               # missing
    [P[4], "1941-02-29", "F", "F81101", ""],             # 29 Feb of a common year
    [P[5], "1900-02-29", "F", "F81101", ""],             # 1900 is not a leap year
    [P[6], "2000-02-29", "F", "F81101", ""],             # 2000 is
    [P[7], "1941-13-01", "F", "F81101", ""],             # month 13
    [P[8], "1941-04-31", "F", "F81101", ""],             # 31 April
    [P[9], "1941-1-01", "F", "F81101", ""],              # one-digit month
    [P[10], "0000-01-01", "F", "F81101", ""],            # year 0
    [P[11], "1889-12-31", "F", "F81101", ""],            # sentinel, required
    [P[12], "1941-01-01\n", "F", "F81101", ""],          # a line break after a date
    [P[13], "01/01/1941", "F", "F81101", ""],            # another format
    [P[14], "1941-01-01", "F", "", ""],                  # practice missing
    [P[15], "1941-01-01", "F", "F81101", "1801-01-01"],  # death a sentinel: warning
    [P[16], "1941-01-01", "F", "F81101", "2026-02-30"],  # death unreadable
    [P[17], "1941-01-01", "F", "F81101", "2025-06-01"],  # died
    [P[0], "1950-01-01", "F", "F81102", ""],             # P0 again: a duplicate
    [P[1], "1950-01-01", "F", "F81102", ""],             # P1 without spaces: a duplicate
    [P[18], "1939-05-05", "M", "F81102", ""],
    [P[19], "1938-05-05", "M", "F81102", ""],
    [P[20], "1937-05-05", "M", "F81102", ""],
    [P[21], " 1936-05-05 ", "M", "\tF81102\t", ""],      # padded
] + [[P[i], "1935-01-01", "F", "F81101", ""] for i in range(24, 30)]  # they opt out
opt_outs = [
    ["nhs_number", "type", "recorded_date"],
    [P[24], "type1", "2026-01-01"],
    [P[25][:3] + " " + P[25][3:], "NDOO", "2026-01-01"],        # spaced, upper case
    [P[26], "", "2026-01-01"],                                  # no type: honoured, reported
    [P[27], "type 2", "2026-01-01"],                            # unknown type: the same
    [bad_check, "type1", "2026-01-01"],                         # not an NHS number
    [P[28], "type1", "2026-02-30"],                             # impossible date: honoured
    [P[29], "ndoo", "1850-01-01"],                              # sentinel date: a warning
    [P[24], "ndoo", ""],                                        # listed twice
]
practices = [
    ["practice_code", "practice_name", "pct", "locality"],
    ["F81101", "A", "5PX", "North"],
    ["F81102", "B", "5PX", "South"],
    ["f81101", "A again", "5PX", "East"],                # listed twice (case)
    ["F81103", "C", "", "North"],                        # pct missing
    ["F81104", "D", "5PX", " "],                          # locality blank
]
diag = ["diag_%02d" % i for i in range(1, 5)]
adm_h = ["nhs_number", "spell_id", "episode_number", "admission_date", "discharge_date",
         "admission_method", "patient_classification", "admission_source",
         "discharge_destination", "discharge_method"] + diag
def adm(p, spell, ep, a, d, codes, meth="21", cls="1", src="19", dest="19", dm="1"):
    return [p, spell, ep, a, d, meth, cls, src, dest, dm] + (codes + [""] * 4)[:4]
admissions = [adm_h,
    adm(P[18], "S1", "1", "2026-06-01", "2026-06-03", ["E86.0", "W19X", "r11", "K59.0"]),
    adm(P[18], "S2", "+2", "2026-07-01", "2026-07-02", ["E86X", "R11X0", "N39.0-", "W00*"]),
    adm(P[18], "S3", "-0", "2026-08-01", "2026-08-02", ["E8", "E86123456", "E8612345X", "1E86"]),
    adm(P[18], "S4", "9223372036854775807", "2026-09-01", "", ["E86 .1", "..", "E.8.6", "EE86"]),
    adm(P[19], "S5", "9223372036854775808", "2026-05-01", "2026-05-02", ["N39.0", "", "", ""]),
    adm(P[19], "S6", "-9223372036854775808", "2026-05-05", "2026-05-06", ["N390"]),
    adm(P[19], "S7", "00000000000000000000001", "2026-05-09", "2026-05-10", ["é86"]),
    adm(P[19], "S8", "1.0", "2026-05-11", "2026-05-12", ["E86"], meth="ABCDE", cls="é12", src="é123", dest="1234", dm="12345"),
    adm(P[19], "S9", "+", "2026-05-13", "1801-01-01", ["E86"]),
    adm(P[20], "", "1", "2026-05-13", "2026-05-14", ["E86"]),
    adm(P[20], "S10", "1", "1889-01-01", "2026-05-14", ["E86"]),
    adm(P[20], "S11", "1", "2026-02-29", "2026-05-14", ["E86"]),
    adm(P[20], "S12", "1", "2026-05-13", "2026-02-29", ["E86"]),
    adm(P[20], "S13", "1", "2026-05-15", "2026-05-16", ["W19"]),
    adm(bad_check, "S14", "1", "2026-05-15", "2026-05-16", ["W19"]),
    adm(P[30], "S15", "1", "2026-05-15", "2026-05-16", ["W19"]),   # not on the spine
    adm(P[24], "S16", "1", "2026-13-15", "2026-05-16", ["W19"]),   # opted out: dropped unread
    adm(P[25], "S17", "1", "2026-05-15", "2026-05-16", ["W19"]),   # opted out
]
prescriptions = [
    ["nhs_number", "issue_date", "bnf_code", "drug_name", "quantity"],
    [P[21], "2026-10-01", "0101010A0AAAAAA", "a", "1"],
    [P[21], "2026-10-01", "0101010b0", "b", "1"],                  # lower case, 9
    [P[21], "2026-10-01", "0101010B", "c", "1"],                   # 8 characters
    [P[21], "2026-10-01", "0101010 B0", "d", "1"],                 # a space inside
    [P[21], "2026-10-01", "0101010B0\n", "e", "1"],                # a line break after
    [P[21], "2026-10-01", "0101010B0é", "f", "1"],                 # non-ASCII
    [P[21], "2026-10-01", "", "g", "1"],                           # missing
    [P[21], "2026-10-32", "0101010C0", "h", "1"],
    [P[21], "", "0101010C0", "i", "1"],
    [P[21], "1889-12-31", "0101010C0", "j", "1"],
    [ten, "2026-10-01", "0101010C0", "k", "1"],
    [P[26], "2026-10-01", "0101010", "l", "1"],                    # opted out: dropped unread
    [P[27], "2026-10-01", "0101010C0", "m", "1", "an extra field"],  # opted out, malformed
]
residence = [
    ["nhs_number", "care_home_code", "care_home_type", "from_date", "to_date"],
    [P[22], "CH1", "nursing", "2025-01-01", ""],
    [P[22], "", "nursing", "2025-01-01", ""],
    [P[22], "CH1", "nursing", "", ""],
    [P[22], "CH1", "nursing", "2025-01-01", "1850-01-01"],
    [P[22], "CH1", "nursing", "2025-01-01", "2025-02-30"],
    [P[22], "CH1", "nursing", "1800-01-01", ""],
]
nominations = [
    ["nhs_number", "nominated_on", "nominated_by", "reason"],
    [P[23], "2026-11-01", "Dr A", "x"],
    [P[23], "", "Dr A", "x"],
    [P[23], "2026-11-31", "Dr A", "x"],
    ["", "2026-11-01", "Dr A", "x"],
    [P[23][:9], "2026-11-01", "Dr A", "x"],
    [P[23], "1700-01-01", "Dr A", "x"],
]
for name, rows in [("patients", patients), ("practices", practices), ("admissions", admissions),
                   ("prescriptions", prescriptions), ("residence", residence), ("nominations", nominations),
                   ("opt_outs", opt_outs)]:
    with open(os.path.join(out, name + ".csv"), "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
