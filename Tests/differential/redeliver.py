#!/usr/bin/env python3
"""Re-delivery of generated contract extracts in real delivery shapes (compare.py --delivery).

    compare.py --delivery [--seeds 1-3] [--dates ...] [--patients 3000] [--encodings lf,crlf-bom]
               [--shapes hes,monthly,dmd,dmd-only] [--governance] [--delivery-mutant NAME]
               [--engine PATH]

For every seed x date x encoding, generate.py writes contract extracts and reference.py runs on
them. Then the same rows are written again, into a fresh extracts folder per shape, and the
engine runs on each:

  hes       admissions as headerless, pipe-delimited HES parts hes/hes_apc_2526_NNN.txt (some
            .txt.gz, some of those several gzip members), header line in hes/hes_apc_headers.txt,
            HES column names, DD/MM/YYYY (or YYYYMMDD) dates, read through a mapping this
            module writes (`file:` a glob, `header_file:`); the spell key is PROCODE3+PROVSPNO
            or one column.
  monthly   prescriptions as prescriptions/YYYY-MM.csv.gz parts (one plain .csv), each with its
            own header, rows split by issue month (unreadable dates into some month), and a
            README.txt that must be reported unread; admissions as one admissions.csv.gz.
  dmd       prescriptions.csv with a dmd_code column beside bnf_code: most valid BNF codes
            replaced by a dm+d id that the map (--bnf-map, NHSBSA's layout) sends to that code,
            some rows with both, malformed BNF codes kept or replaced by invalid ids, and rows
            with valid ids that are not in the map (or whose map row has no BNF code).
  dmd-only  the same with no bnf_code column at all (and a run without --bnf-map must exit 65
            before writing anything).

Every record keeps its physical line structure (quoted line breaks, blank lines, padding,
quoting), and the converter keeps a table from (part, line) back to (plain file, line): the
engine's rejects.csv is mapped back through it and compared with the reference's exactly as the
plain mode compares (compare.compare_run), with summary.json's inputs renamed to the plain file
names. On top: each part's sha256, bytes, read, accepted, rejected, unregistered, opted_out and
warnings; the extract's sha256 (sha256sum of its parts' lines); unread_files; the mapping's
name; each reject's record against the delivered line; for dmd, summary.json's bnf_map exactly
as planted. With --governance the extracts are generate.py --governance's (opt-outs under the
default policy) and the governance checks of compare.py run too. A row that cannot be carried
into a shape is left out: the reference then runs on an "equivalent" copy of the plain folder
where that record's lines are blank lines (line numbers unchanged), and the row is reported.
The dmd shapes' valid ids not in the map are such rows: the engine accepts them but reads no
substance, so the equivalent leaves them out and the expected per-file counts add them back
(read, accepted, unregistered).
"""
import collections
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate as G  # noqa: E402
import reference as R  # noqa: E402

TRIM = R.TRIM
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # neutralised with a leading '
SHAPES = ["hes", "monthly", "dmd", "dmd-only"]
MUTANTS = {
    "part-lines": "the HES parts' lines are mapped back one too far (as if the header file's "
                  "line were line 1 of every part)",
    "drop-row": "one accepted admissions row is silently left out of the HES parts",
    "map-wrong-bnf": "the map given to the engine sends the most used dm+d id to another "
                     "substance (chapter 21), the expectation is not told",
}

# ---------------------------------------------------------------- reading the plain files


class Rec:
    __slots__ = ("line", "fields", "raws", "text")

    def __init__(self, line, fields, raws, text):
        self.line, self.fields, self.raws, self.text = line, fields, raws, text

    @property
    def nlines(self):
        return self.text.count("\n") + 1


class Plain:
    """A plain extract as the reference reads it, with each field's source text and each
    record's text (its physical lines), so that it can be written again line for line."""

    def __init__(self, path):
        with open(path, "rb") as fh:
            self.data = fh.read()
        text = self.data.decode("utf-8")
        self.bom = text.startswith("\ufeff")
        if self.bom:
            text = text[1:]
        first = text.find("\n")
        self.nl = "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"
        self.items = []  # Rec, or a str: a blank line's text
        n, i, line = len(text), 0, 1
        while i < n:
            start_line, start_i = line, i
            fields, raws, buf = [], [], []
            fstart, at_start, in_q, quoted_any = i, True, False, False
            while True:
                if i >= n:
                    fields.append("".join(buf))
                    raws.append(text[fstart:i])
                    end = i
                    break
                c = text[i]
                if in_q:
                    if c == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            buf.append('"')
                            i += 2
                            continue
                        in_q = False
                        i += 1
                        continue
                    if c == "\n":
                        line += 1
                    buf.append(c)
                    i += 1
                    continue
                if c == '"' and at_start:
                    in_q = quoted_any = True
                    at_start = False
                    i += 1
                    continue
                if c == ",":
                    fields.append("".join(buf))
                    raws.append(text[fstart:i])
                    buf, at_start = [], True
                    i += 1
                    fstart = i
                    continue
                if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                    i += 1
                    continue
                if c == "\n":
                    end = i - 1 if i > start_i and text[i - 1] == "\r" else i
                    fields.append("".join(buf))
                    raws.append(text[fstart:end])
                    i += 1
                    line += 1
                    break
                buf.append(c)
                at_start = False
                i += 1
            rec_text = text[start_i:end]
            if len(fields) == 1 and not quoted_any and fields[0].strip(" \t\r") == "":
                self.items.append(rec_text)
            else:
                self.items.append(Rec(start_line, fields, raws, rec_text))
        self.final_nl = text.endswith("\n")
        self.header = self.items.pop(0)
        assert isinstance(self.header, Rec) and self.header.line == 1, path
        self.cols = [h.strip(TRIM).lower() for h in self.header.fields]
        # self-checks: the reference reads the same records, and the text comes back whole
        head, recs = R.read_records(path)
        assert head == self.cols, path
        assert [(r.line, r.fields) for r in self.records()] == [(l, f) for l, f, _ in recs], path
        assert self.render([self.header] + self.items, self.bom, self.final_nl) == self.data, path

    def records(self):
        return [x for x in self.items if isinstance(x, Rec)]

    def render(self, items, bom, final_nl, nl=None):
        nl = nl or self.nl
        texts = [x.text if isinstance(x, Rec) else x for x in items]
        body = nl.join(t.replace("\r\n", "\n").replace("\n", nl) for t in texts)
        if final_nl and texts:
            body += nl
        return (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8")


def lines_of(items, first_line):
    """{line in the new file: plain line} for the records among items, written from
    first_line on."""
    out, at = {}, first_line
    for x in items:
        if isinstance(x, Rec):
            out[at] = x.line
            at += x.nlines
        else:
            at += 1
    return out


def texts_of(items, first_line):
    """{line in the new file: the record's text} for the one-line records among items."""
    out, at = {}, first_line
    for x in items:
        if isinstance(x, Rec):
            if "\n" not in x.text:
                out[at] = x.text
            at += x.nlines
        else:
            at += 1
    return out


def gz(data, rng, members=True):
    """gzip bytes (mtime 0); sometimes several members cut at arbitrary bytes, as `cat a.gz
    b.gz` or parallel gzip write them."""
    if members and len(data) > 10 and rng.random() < 0.5:
        cuts = sorted(rng.sample(range(1, len(data)), rng.choice([1, 2])))
        chunks = [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]
        return b"".join(gzip.compress(c, mtime=0) for c in chunks)
    return gzip.compress(data, mtime=0)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def uneven(rng, items, k):
    """items dealt at random to k parts of uneven size (each part gets at least one record)."""
    weights = [rng.choice([1, 2, 3, 5, 8, 13]) * rng.random() + 0.05 for _ in range(k)]
    parts = [[] for _ in range(k)]
    recs = [j for j, x in enumerate(items) if isinstance(x, Rec)]
    firsts = set(rng.sample(recs, k)) if len(recs) >= k else set()
    order = iter(rng.sample(range(k), k))
    for j, x in enumerate(items):
        p = next(order) if j in firsts else rng.choices(range(k), weights)[0]
        parts[p].append(x)
    return parts


# ---------------------------------------------------------------- dates in another format

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
ISO_LIKE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$", re.S)
DMY_LIKE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(.*)$", re.S)


def strict(fmt, s):
    """The date s in fmt (DD/MM/YYYY or YYYYMMDD), or None when unreadable."""
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", s) if fmt == "DD/MM/YYYY" else \
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if not m:
        return None
    d, mo, y = (m.group(1), m.group(2), m.group(3)) if fmt == "DD/MM/YYYY" else \
        (m.group(3), m.group(2), m.group(1))
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


def convert_date(v, fmt):
    """A plain date value (padding kept) in fmt: a readable one as the same date, an
    unreadable one as the same mistake in fmt's spelling. None when that is not possible."""
    core = v.strip(TRIM)
    a = v.find(core) if core else len(v)
    lead, trail = v[:a], v[a + len(core):]
    if core == "":
        return v
    m = ISO.match(core)
    ok = False
    if m:
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            ok = True
        except ValueError:
            pass
    m = ISO_LIKE.match(core)
    if m:
        y, mo, d, rest = m.groups()
        out = f"{d}/{mo}/{y}{rest}" if fmt == "DD/MM/YYYY" else f"{y}{mo}{d}{rest}"
    elif DMY_LIKE.match(core) and fmt == "DD/MM/YYYY":
        d, mo, y, rest = DMY_LIKE.match(core).groups()
        out = f"{y}-{mo.zfill(2)}-{d.zfill(2)}{rest}"  # a foreign format stays foreign
    elif re.fullmatch(r"\d{8}", core) and fmt == "YYYYMMDD":
        out = f"{core[:4]}-{core[4:6]}-{core[6:]}"
    else:
        out = core
    if (strict(fmt, out) is not None) != ok:
        return None
    if ok and strict(fmt, out) != dt.date.fromisoformat(core):
        return None
    return lead + out + trail


def requote(raw, value):
    """value written as raw was: quoted when raw was quoted."""
    if raw[:1] == '"':
        return '"' + value.replace('"', '""') + '"'
    return value


# ---------------------------------------------------------------- shape 1: HES parts

HES_COLS = dict(nhs_number="NEWNHSNO", episode_number="EPIORDER", admission_date="ADMIDATE",
                discharge_date="DISDATE", admission_method="ADMIMETH",
                patient_classification="CLASSPAT", admission_source="ADMISORC",
                discharge_destination="DISDEST", discharge_method="DISMETH")
HES_EXTRA = dict(procode3="SITETRET", diag_count="DIAG_COUNT", diagnosis_01="DIAGNOSIS_01")


class Delivery:
    def __init__(self, shape, ext):
        self.shape, self.ext = shape, ext
        self.lines = {}        # (file as rejects.csv names it, line) -> (plain file, line)
        self.fields = {}       # field as rejects.csv names it (lower case) -> contract field
        self.rename = {}       # summary.json inputs' file -> plain file name
        self.parts = {}        # extract key -> [(part name, bytes, [plain lines])]
        self.left_out = collections.defaultdict(list)  # plain file -> [(line, why)]
        self.mapping = None    # (path, name)
        self.engine_args = []
        self.unread = []       # files that must be reported in unread_files
        self.override = {}     # (plain file, line) -> the reject's field in this shape
        self.extra_rows = []   # rows the engine reads that the equivalent leaves out
        self.bnf_map = None    # the expected summary.json bnf_map
        self.notes = []
        self.no_map_exit = False
        self.reasons = {}      # (plain file, line) -> the reject's reason, where it is known
        self.texts = {}        # (file as delivered, line) -> a one-line record's text
        self.record_diffs = []  # rejects whose record is not the delivered line's text
        self.records_checked = 0


def copy_others(plain_dir, ext, skip):
    os.makedirs(ext, exist_ok=True)
    for f in sorted(os.listdir(plain_dir)):
        if f not in skip:
            shutil.copy(os.path.join(plain_dir, f), os.path.join(ext, f))


def shape_hes(plain_dir, ext, rng, crlf_bom, mutant):
    d = Delivery("hes", ext)
    P = Plain(os.path.join(plain_dir, "admissions.csv"))
    copy_others(plain_dir, ext, {"admissions.csv"})
    composite = rng.random() < 0.7
    fmt = rng.choice(["DD/MM/YYYY", "DD/MM/YYYY", "YYYYMMDD"])
    dprefix = rng.choice(["DIAG_4_", "DIAG_4_", "DIAG_"])
    names = {}
    for c in P.cols:
        if c in HES_COLS:
            names[c] = [HES_COLS[c]]
        elif c == "spell_id":
            names[c] = ["PROCODE3", "PROVSPNO"] if composite else ["SUSSPELLID"]
        elif re.fullmatch(r"diag_\d+", c):
            names[c] = [dprefix + c[5:]]
        else:
            names[c] = [HES_EXTRA.get(c, c.upper())]
    out_cols = [n for c in P.cols for n in names[c]]
    order = rng.sample(range(len(out_cols)), len(out_cols))
    header = [out_cols[k] for k in order]
    if header[-1] == "NEWNHSNO":  # a short row drops its last field: keep the number in place
        header[0], header[-1] = header[-1], header[0]
    header_text = "|".join(h.lower() if rng.random() < 0.1 else h for h in header)
    nl = "\r\n" if crlf_bom else "\n"

    items = []
    dropped = None
    for x in P.items:
        if not isinstance(x, Rec):
            items.append(x)
            continue
        vals = {}
        bad = None
        if len(x.fields) <= 2:  # not an episode at all ("<TAB>page 2 of 2, continued")
            if any(ch in v for v in x.fields for ch in '|"\n\r'):
                d.left_out["admissions.csv"].append((x.line, "a pipe, quote or line break"))
            else:
                items.append(Rec(x.line, x.fields, list(x.raws), "|".join(x.raws)))
            continue
        for c, raw, v in zip(P.cols, x.raws, x.fields):
            if any(ch in v for ch in '|"\n\r'):
                bad = f"field {c} holds a pipe, quote or line break"
            if c in ("admission_date", "discharge_date"):
                nv = convert_date(v, fmt)
                if nv is None:
                    bad = f"{c} {v!r} has no {fmt} equivalent"
                    nv = v
                v = nv
            if c == "spell_id" and composite:
                core = v.strip(TRIM)
                if core and ":" not in core:
                    bad = f"spell_id {v!r} cannot be cut into PROCODE3 and PROVSPNO"
                a, _, b = v.partition(":") if core else ("", "", "")
                vals["PROCODE3"], vals["PROVSPNO"] = requote(raw, a), requote(raw, b)
                continue
            vals[names[c][0]] = requote(raw, v)
        for c in P.cols[len(x.fields):]:
            for nme in names[c]:
                vals[nme] = ""
        row = [vals.get(h, "") for h in header]
        extra = len(x.fields) - len(P.cols)
        if extra > 0:
            row += [r for r in x.raws[len(P.cols):]]
        elif extra < 0:
            row = row[:extra]
        if bad:
            d.left_out["admissions.csv"].append((x.line, bad))
            continue
        items.append(Rec(x.line, x.fields, row, "|".join(row)))
    if mutant == "drop-row":
        cands = [j for j, x in enumerate(items) if isinstance(x, Rec)
                 and len(x.fields) == len(P.cols)]
        dropped = items.pop(rng.choice(cands))
        d.notes.append(f"mutant drop-row: admissions.csv line {dropped.line} left out silently")

    k = rng.randint(3, 6)
    parts = uneven(rng, items, k)
    zipped = set(rng.sample(range(k), rng.randint(1, k - 1)))
    glob = rng.choice(["hes/hes_apc_2526_*.txt*", "hes/hes_apc_*.txt*"])
    plist = []
    for p, chunk in enumerate(parts):
        name = f"hes/hes_apc_2526_{p + 1:03d}.txt" + (".gz" if p in zipped else "")
        bom = crlf_bom and rng.random() < 0.8
        final = rng.random() < 0.8
        data = P.render(chunk, bom, final, nl)
        if p in zipped:
            data = gz(data, rng)
        write(os.path.join(ext, name), data)
        m = lines_of(chunk, 1)
        for a, b in m.items():
            d.lines[(name, a + (1 if mutant == "part-lines" else 0))] = ("admissions.csv", b)
        d.texts.update({(name, a): t for a, t in texts_of(chunk, 1).items()})
        plist.append((name, data, sorted(m.values())))
    write(os.path.join(ext, "hes", "hes_apc_headers.txt"),
          (b"\xef\xbb\xbf" if crlf_bom else b"") + (header_text + nl).encode())
    d.parts["admissions.csv"] = plist
    d.rename[glob] = "admissions.csv"
    top_fmt = rng.random() < 0.5
    y = ["# written by Tests/differential/redeliver.py: a HES APC delivery",
         "mapping: hes-apc-redelivered", "version: 1", "person_id: nhs_number"]
    if top_fmt:
        y.append(f"date_format: {fmt}")
    y += ["files:", "  admissions:", f'    file: "{glob}"',
          "    header_file: hes/hes_apc_headers.txt", '    delimiter: "|"']
    if not top_fmt:
        y.append(f"    date_format: {fmt}")
    y.append("    columns:")
    for c in P.cols:
        if c in HES_COLS:
            y.append(f"      {c}: {HES_COLS[c]}")
        elif c == "spell_id":
            y.append("      spell_id: [PROCODE3, PROVSPNO]" if composite
                     else "      spell_id: SUSSPELLID")
    y += ["    diagnoses:", "      prefix: [" + ("DIAG_4_, DIAG_" if dprefix == "DIAG_4_" or
                                                 rng.random() < 0.5 else "DIAG_") + "]"]
    path = os.path.join(os.path.dirname(ext), "mapping.yaml")
    write(path, ("\n".join(y) + "\n").encode())
    d.mapping = (path, "hes-apc-redelivered")
    d.engine_args = ["--mapping", path]
    for c, v in HES_COLS.items():
        d.fields[v.lower()] = c
    d.fields.update({"procode3": "spell_id", "provspno": "spell_id", "susspellid": "spell_id"})
    d.notes.append(f"hes: {k} parts ({len(zipped)} gzip), glob {glob}, spell key "
                   f"{'PROCODE3+PROVSPNO' if composite else 'SUSSPELLID'}, dates {fmt} "
                   f"({'top-level' if top_fmt else 'per file'}), diagnoses {dprefix}NN")
    return d


# ---------------------------------------------------------------- shape 2: monthly parts


def shape_monthly(plain_dir, ext, rng, crlf_bom, mutant):
    d = Delivery("monthly", ext)
    copy_others(plain_dir, ext, {"admissions.csv", "prescriptions.csv"})
    # admissions.csv.gz: the same bytes, compressed (lines unchanged)
    A = Plain(os.path.join(plain_dir, "admissions.csv"))
    data = gz(A.data, rng)
    write(os.path.join(ext, "admissions.csv.gz"), data)
    for r in A.records():
        d.lines[("admissions.csv.gz", r.line)] = ("admissions.csv", r.line)
    d.texts.update({("admissions.csv.gz", a): t for a, t in texts_of(A.items, 2).items()})
    d.rename["admissions.csv.gz"] = "admissions.csv"
    d.single = {"admissions.csv": ("admissions.csv.gz", data)}

    P = Plain(os.path.join(plain_dir, "prescriptions.csv"))
    at = P.cols.index("issue_date")
    months = collections.defaultdict(list)
    known = set()
    for x in P.records():
        v = x.fields[at].strip(TRIM) if at < len(x.fields) else ""
        if ISO.match(v):
            try:
                if dt.date.fromisoformat(v) >= R.SENTINEL_BEFORE:
                    known.add(v[:7])
            except ValueError:
                pass
    known = sorted(known)
    pending = []
    for x in P.items:
        if not isinstance(x, Rec):
            pending.append(x)
            continue
        v = x.fields[at].strip(TRIM) if at < len(x.fields) else ""
        month = v[:7] if v[:7] in known and ISO.match(v) else rng.choice(known)
        try:
            if ISO.match(v) and dt.date.fromisoformat(v) < R.SENTINEL_BEFORE:
                month = rng.choice(known)
        except ValueError:
            month = rng.choice(known)
        months[month] += pending + [x]
        pending = []
    if pending:
        months[known[-1]] += pending
    plain_one = rng.choice(known)
    nl = "\r\n" if crlf_bom else "\n"
    plist = []
    for mth in known:
        chunk = months[mth]
        name = f"prescriptions/{mth}.csv" + ("" if mth == plain_one else ".gz")
        data = P.render([P.header] + chunk, crlf_bom, rng.random() < 0.85, nl)
        if mth != plain_one:
            data = gz(data, rng)
        write(os.path.join(ext, name), data)
        m = lines_of(chunk, 2)
        for a, b in m.items():
            d.lines[(name, a)] = ("prescriptions.csv", b)
        d.texts.update({(name, a): t for a, t in texts_of(chunk, 2).items()})
        plist.append((name, data, sorted(m.values())))
    write(os.path.join(ext, "prescriptions", "README.txt"),
          b"Monthly ePACT2 extract, one file a month by issue date.\n")
    d.unread.append("prescriptions/README.txt")
    d.parts["prescriptions.csv"] = plist
    d.rename["prescriptions/"] = "prescriptions.csv"
    d.notes.append(f"monthly: {len(known)} prescription parts ({known[0]} .. {known[-1]}, "
                   f"{plain_one}.csv plain), admissions.csv.gz")
    return d


# ---------------------------------------------------------------- shape 3: dm+d ids


MAP_COLS = ["Presentation / Pack Level", "VMP / VMPP/ AMP / AMPP", "BNF Code", "BNF Name",
            "SNOMED Code", "DM+D: Product Description", "Strength", "Unit Of Measure",
            "DM+D: Product and Pack Description", "Pack", "Sub-pack", "VTM", "VTM Name"]


class Ids:
    def __init__(self, rng):
        self.rng, self.used = rng, set()

    def new(self, digits=None, first=None):
        while True:
            n = digits or self.rng.choice([8, 9, 9, 15, 16, 16, 17])
            lo, hi = 10 ** (n - 1), 10 ** n - 1
            if first:  # the leading digit
                lo, hi = first * 10 ** (n - 1), (first + 1) * 10 ** (n - 1) - 1
            s = str(self.rng.randint(lo, hi))
            if s not in self.used:
                self.used.add(s)
                return s


def shape_dmd(plain_dir, ext, rng, crlf_bom, mutant, ref_rejects, spine, only, excluded):
    d = Delivery("dmd-only" if only else "dmd", ext)
    excluded = excluded or set()
    copy_others(plain_dir, ext, {"prescriptions.csv"})
    P = Plain(os.path.join(plain_dir, "prescriptions.csv"))
    b = P.cols.index("bnf_code")
    nhs_at = P.cols.index("nhs_number")
    rejected = {ln: f for (fl, ln, sev, f) in ref_rejects
                if fl == "prescriptions.csv" and sev == "reject"}
    ids = Ids(rng)

    # the map: every valid code of the file (upper case) gets a VMP id and some AMP, VMPP and
    # AMPP ids; a few ids of 6 and 18 digits; rows without a BNF code (some used below)
    codes = sorted({x.fields[b].strip(TRIM).upper() for x in P.records()
                    if len(x.fields) == len(P.cols)})
    codes = [c for c in codes if len(c) >= 9 and R.BNF_RE.match(c)]
    names = dict(G.SUBS)
    by_code = {}
    map_rows = []
    for c in codes:
        mine = []
        for kind in ["VMP"] + rng.sample(["AMP", "AMP", "VMPP", "AMPP", "AMPP"],
                                         rng.randint(1, 4)):
            digits = 6 if rng.random() < 0.02 else 18 if rng.random() < 0.02 else None
            sid = ids.new(digits or (9 if kind == "VMP" else 16))
            mine.append(sid)
            nm = names.get(c[:9], "Product")
            map_rows.append({"Presentation / Pack Level": "Presentation" if kind in
                             ("VMP", "AMP") else "Pack", "VMP / VMPP/ AMP / AMPP": kind,
                             "BNF Code": c, "BNF Name": f"{nm} 500mg tablets, 28 tablet",
                             "SNOMED Code": sid,
                             "DM+D: Product Description": f'{nm} "generic" 500mg tablets',
                             "Strength": "500", "Unit Of Measure": "mg",
                             "DM+D: Product and Pack Description": f"{nm} 500mg tablets, 28",
                             "Pack": "28", "Sub-pack": "", "VTM": ids.new(9) if
                             rng.random() < 0.3 else "", "VTM Name": nm})
        by_code[c] = mine
    blank_ids = [ids.new(rng.choice([9, 16])) for _ in range(rng.randint(3, 6))]
    for sid in blank_ids:
        map_rows.append({k: "" for k in MAP_COLS} | {
            "Presentation / Pack Level": "Presentation", "VMP / VMPP/ AMP / AMPP": "AMP",
            "SNOMED Code": sid, "DM+D: Product Description": "Unlicensed special, oral liquid"})
    rng.shuffle(map_rows)

    # the ids planted on accepted rows that are not in the map, with their row counts: a tie
    # of a 6-digit id 9xxxxx and a 7-digit id 1xxxxxx (numeric order puts the 6-digit one
    # first, string order the other), the 6- and 18-digit edges, and ids whose map row has no
    # BNF code
    plan = [(ids.new(6, 9), 3), (ids.new(7, 1), 3), (ids.new(18), 1),
            (ids.new(12), rng.randint(1, 6)), (blank_ids[0], rng.randint(2, 7)),
            (blank_ids[1], 1), (ids.new(9), 2)]
    def opted_out(x):
        return nhs_at < len(x.fields) and R.nhs_valid(x.fields[nhs_at].strip(TRIM)) in excluded

    accepted = [x for x in P.records() if len(x.fields) == len(P.cols)
                and x.line not in rejected and not opted_out(x)]
    want = sum(n for _, n in plan)
    chosen = rng.sample(accepted, want)
    unmapped_at = {}
    it = iter(chosen)
    for sid, n in plan:
        for _ in range(n):
            unmapped_at[next(it).line] = sid

    def pad(v):
        r = rng.random()
        if r < 0.02:
            return f" {v}\t"
        if r < 0.04:
            return f'"{v} "'
        if r < 0.05:
            return f'"{v}"'
        return v

    def invalid_id():
        return rng.choice([str(rng.randint(10000, 99999)), str(rng.randint(10 ** 18, 10 ** 19 - 1)),
                           ids.new(9)[:-1] + "A", "ABCDEF", "3.22236E+14", "-322236009",
                           "32223600X9"])

    header = list(P.header.raws)
    pos = rng.randint(0, len(header) - (1 if only else 0))
    if only and b == len(header) - 1 and nhs_at == len(header) - 2:
        pos = len(header) - 1  # (a short row then keeps its number where the header says)
    colname = rng.choice(["dmd_code", "DMD_CODE", "Dmd_Code"])
    if only:
        header = header[:b] + header[b + 1:]
        pos = min(pos, len(header))
    header.insert(pos, colname)
    stats = collections.Counter()
    unmapped = collections.Counter()
    dmd_rows = 0
    used = collections.Counter()  # mapped ids read on accepted rows
    items = [Rec(1, header, header, ",".join(header))]
    for x in P.items:
        if not isinstance(x, Rec):
            items.append(x)
            continue
        raws = list(x.raws)
        if len(x.fields) != len(P.cols):
            # a wrong field count stays wrong: one field more beside the dm+d column
            # (as the header changes, so that the nhs_number field stays under its name)
            if only and b < len(raws):
                del raws[b]
                raws.insert(min(pos, len(raws)), "")
            elif only:
                raws.insert(min(pos, len(raws)), "")
                raws.pop()
            else:
                raws.insert(min(pos, len(raws)), "")
            stats["field count kept"] += 1
            items.append(Rec(x.line, x.fields, raws, ",".join(raws)))
            continue
        B = x.fields[b].strip(TRIM).upper()
        bnf_raw, dmd_raw = raws[b], ""
        why = rejected.get(x.line)
        if opted_out(x):
            # dropped before any check, whatever it holds: never counted in bnf_map
            r = rng.random()
            if B in by_code and (only or r < 0.8):
                bnf_raw = ""
                dmd_raw = pad(rng.choice(by_code[B]) if r < 0.6 else rng.choice(blank_ids)
                              if r < 0.7 else ids.new(10))
            elif only:
                dmd_raw = pad(invalid_id())
            stats["opted out, dm+d id or not"] += 1
        elif why == "bnf_code":
            if B == "":
                d.override[("prescriptions.csv", x.line)] = "dmd_code"
                d.reasons[("prescriptions.csv", x.line)] = "missing required field"
                stats["blank bnf and dmd: missing dmd_code"] += 1
            else:
                r = rng.random()
                if only or r < 0.4:
                    # an invalid id instead (with no bnf_code column, or a blank one)
                    blank = only and r > 0.7
                    bnf_raw, dmd_raw = "", "" if blank else pad(invalid_id())
                    d.override[("prescriptions.csv", x.line)] = "dmd_code"
                    if blank:
                        d.reasons[("prescriptions.csv", x.line)] = "missing required field"
                    stats["malformed bnf -> " + ("blank dmd" if blank else "invalid dmd")] += 1
                elif r < 0.7:
                    dmd_raw = pad(rng.choice(by_code[rng.choice(codes)]))
                    stats["malformed bnf kept, valid dmd beside (bnf wins: rejected)"] += 1
                else:
                    stats["malformed bnf kept"] += 1
        elif x.line in unmapped_at:
            bnf_raw, dmd_raw = "", pad(unmapped_at[x.line])
            unmapped[unmapped_at[x.line]] += 1
            dmd_rows += 1
            d.extra_rows.append(x)
            stats["valid id not in the map"] += 1
        elif why is not None and B not in by_code:
            stats[f"rejected for {why}, no code: kept"] += 1  # e.g. a record of commas only
        elif why is not None:
            # rejected for another field (its one defect): any id, never counted
            r = rng.random()
            bnf_raw = "" if only or r < 0.8 else bnf_raw
            dmd_raw = pad(rng.choice(by_code[B]) if r < 0.6 else rng.choice(blank_ids)
                          if r < 0.8 else ids.new(10))
            stats[f"rejected for {why}, dm+d id beside"] += 1
        else:
            r = rng.random()
            if only or r < 0.75:
                sid = rng.choice(by_code[B])
                bnf_raw, dmd_raw = "", pad(sid)
                used[sid] += 1
                dmd_rows += 1
                stats["read by dm+d id (mapped)"] += 1
            elif r < 0.85:
                dmd_raw = pad(rng.choice(by_code[B]))
                stats["bnf and dmd, consistent"] += 1
            elif r < 0.90:
                other = rng.choice([c for c in codes if c[:9] != B[:9]] or codes)
                dmd_raw = pad(rng.choice([rng.choice(by_code[other]), rng.choice(blank_ids),
                                          ids.new(11), invalid_id()]))
                stats["bnf and an id that disagrees (bnf wins)"] += 1
            else:
                stats["bnf only"] += 1
        if only:
            raws = raws[:b] + raws[b + 1:]
        else:
            raws[b] = bnf_raw
        raws.insert(pos, dmd_raw)
        items.append(Rec(x.line, x.fields, raws, ",".join(raws)))
    data = P.render(items, P.bom, P.final_nl)
    write(os.path.join(ext, "prescriptions.csv"), data)
    for x in P.records():
        d.lines[("prescriptions.csv", x.line)] = ("prescriptions.csv", x.line)
    d.texts.update({("prescriptions.csv", a): t for a, t in texts_of(items[1:], 2).items()})
    for x in d.extra_rows:
        d.left_out["prescriptions.csv"].append((x.line, "valid dm+d id not in the map: no "
                                                "substance (added back to the counts)"))

    # the map file, as NHSBSA lays it out, saved as CSV (BOM and CRLF with crlf-bom)
    mapname = "BNF Snomed Mapping data 20261115.csv"
    head = list(MAP_COLS)
    k = rng.choice([2, 4])  # "BNF Code" or "SNOMED Code" spelled otherwise in the header
    head_out = list(head)
    head_out[k] = rng.choice([" " + head[k].lower() + " ", head[k].upper(), head[k]])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf_bom else "\n")
    w.writerow(head_out)
    engine_rows = [dict(x) for x in map_rows]
    if mutant == "map-wrong-bnf":
        use = used  # the most used id of a code that polypharmacy counts (chapters 01-15)
        code_of = {sid: c for c, l in by_code.items() for sid in l}
        top = next(sid for sid, _ in use.most_common()
                   if code_of[sid][:2].isdigit() and 1 <= int(code_of[sid][:2]) <= 15)
        for m in engine_rows:
            if m["SNOMED Code"] == top:
                d.notes.append(f"mutant map-wrong-bnf: {top} ({use[top]} rows) sent from "
                               f"{m['BNF Code']} to 2101000A0AAAAAA in the engine's map only")
                m["BNF Code"] = "2101000A0AAAAAA"
    for m in engine_rows:
        w.writerow([m.get(c, "") for c in head])
    mdata = (b"\xef\xbb\xbf" if crlf_bom else b"") + buf.getvalue().encode("utf-8")
    mpath = os.path.join(os.path.dirname(ext), mapname)
    write(mpath, mdata)
    d.engine_args = ["--bnf-map", mpath]
    d.no_map_exit = only
    srt = sorted(unmapped.items(), key=lambda kv: (-kv[1], int(kv[0])))
    if mutant == "map-wrong-bnf":  # the expectation is the honest map's
        buf2 = io.StringIO()
        w2 = csv.writer(buf2, lineterminator="\r\n" if crlf_bom else "\n")
        w2.writerow(head_out)
        for m in map_rows:
            w2.writerow([m.get(c, "") for c in head])
        mdata = (b"\xef\xbb\xbf" if crlf_bom else b"") + buf2.getvalue().encode("utf-8")
    d.bnf_map = dict(file=mapname, sha256=sha(mdata), bytes=len(mdata),
                     ids=len({m["SNOMED Code"] for m in map_rows if m["BNF Code"]}),
                     rows_without_bnf_code=sum(1 for m in map_rows if not m["BNF Code"]),
                     dmd_rows=dmd_rows, unmapped_rows=sum(unmapped.values()),
                     unmapped=[{"dmd_code": k, "rows": v} for k, v in srt])
    d.counts_add = collections.Counter()
    for x in d.extra_rows:
        d.counts_add["read"] += 1
        d.counts_add["accepted"] += 1
        if R.nhs_valid(x.fields[nhs_at].strip(TRIM)) not in spine:
            d.counts_add["unregistered"] += 1
    d.notes.append(f"{d.shape}: dmd_code column {colname!r} at {pos + 1}, "
                   f"{'no bnf_code column' if only else 'beside bnf_code'}; map {len(map_rows)} "
                   f"rows ({d.bnf_map['ids']} ids, {d.bnf_map['rows_without_bnf_code']} without "
                   f"a BNF code); rows: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    return d


# ---------------------------------------------------------------- the plain equivalent


def write_equivalent(plain_dir, out, left_out):
    """A copy of plain_dir whose left-out records are blank lines (line numbers unchanged)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(plain_dir, out)
    for f, rows in left_out.items():
        P = Plain(os.path.join(plain_dir, f))
        gone = {ln for ln, _ in rows}
        items = []
        for x in P.items:
            if isinstance(x, Rec) and x.line in gone:
                items += [""] * x.nlines
            else:
                items.append(x)
        with open(os.path.join(out, f), "wb") as fh:
            fh.write(P.render([P.header] + items, P.bom, P.final_nl))


# ---------------------------------------------------------------- mapping the engine back


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def map_field(d, f):
    lf = f.lower()
    if d.shape == "hes":
        m = re.fullmatch(r"(diag_4_|diag_)(\d+)", lf)
        if m:
            return "diag_" + m.group(2)
        return d.fields.get(lf, f)
    return f


def engine_mapped(d, eng, out):
    """eng's outputs with rejects.csv in plain coordinates and summary.json's inputs under the
    plain names; returns (summary, [unmappable reject messages])."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(eng, out)
    rows = read_csv(os.path.join(eng, "rejects.csv"))
    with open(os.path.join(out, "rejects.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()) if rows else
                           ["file", "line", "severity", "reason", "field", "value", "record"])
        w.writeheader()
        for x in rows:
            k = (x["file"], int(x["line"]))
            want = d.texts.get(k)
            d.records_checked += want is not None
            if want is not None and x.get("record") != want and not (
                    want[:1] in FORMULA_START and x.get("record") == "'" + want):
                d.record_diffs.append(f"{k[0]}:{k[1]} record {x.get('record', '')[:70]!r}, "
                                      f"the delivered line is {want[:70]!r}")
            if k in d.lines:
                x["file"], ln = d.lines[k]
                x["line"] = str(ln)
            x["field"] = map_field(d, x["field"])
            w.writerow(x)
    with open(os.path.join(eng, "summary.json")) as fh:
        summary = json.load(fh)
    inputs = {}
    for i in summary.get("inputs", []):
        name = d.rename.get(i["file"], i["file"])
        if name in inputs and inputs[name].get("present") and not i.get("present"):
            continue
        inputs[name] = dict(i, file=name, delivered_as=i["file"])
    mapped = dict(summary, inputs=list(inputs.values()))
    with open(os.path.join(out, "summary.json"), "w") as fh:
        json.dump(mapped, fh, indent=1)
    return summary


def expected_ref(d, ref, out):
    """The reference's outputs with this shape's reject fields and counts."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ref, out)
    if d.override:
        rows = read_csv(os.path.join(ref, "rejects.csv"))
        for x in rows:
            k = (x["file"], int(x["line"]))
            if k in d.override and x["severity"] == "reject":
                x["field"] = d.override[k]
        with open(os.path.join(out, "rejects.csv"), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=["file", "line", "severity", "field"])
            w.writeheader()
            w.writerows(rows)
    add = getattr(d, "counts_add", None)
    if add:
        rows = read_csv(os.path.join(ref, "counts.csv"))
        for x in rows:
            if x["file"] == "prescriptions.csv":
                for c, v in add.items():
                    x[c] = str(int(x[c]) + v)
        with open(os.path.join(out, "counts.csv"), "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
    return out


def delivery_checks(d, summary, exp, plain_dir, spine, say, mapped, excluded):
    """Parts, digests, unread files, mapping name, bnf_map, known reject reasons, and each
    reject's record against the delivered line (one-line records)."""
    for m in d.record_diffs:
        say("reject_record", m)
    if d.reasons:
        got = {(x["file"], int(x["line"])): x["reason"]
               for x in read_csv(os.path.join(mapped, "rejects.csv")) if x["severity"] == "reject"}
        for k, why in sorted(d.reasons.items()):
            if got.get(k) != why:
                say("reject_reason", f"{k[0]}:{k[1]} (bnf_code and dmd_code blank): reason "
                    f"{got.get(k)!r}, expected {why!r}")
    inputs = {i["file"]: i for i in summary.get("inputs", [])}
    back = {v: k for k, v in d.rename.items()}
    rej = collections.Counter()
    warn = collections.Counter()
    for x in read_csv(os.path.join(exp, "rejects.csv")):
        (rej if x["severity"] == "reject" else warn)[(x["file"], int(x["line"]))] += 1
    for plain, plist in d.parts.items():
        i = inputs.get(back[plain])
        if i is None:
            say("delivery_inputs", f"summary.json has no input {back[plain]!r} "
                f"(files: {sorted(inputs)})")
            continue
        P = Plain(os.path.join(plain_dir, plain))
        at = P.cols.index("nhs_number")
        recs = {x.line: x for x in P.records()}
        got = {p.get("file"): p for p in i.get("parts", [])}
        if [p.get("file") for p in i.get("parts", [])] != [n for n, _, _ in plist]:
            say("delivery_parts", f"{back[plain]} parts: engine {list(got)} expected "
                f"{[n for n, _, _ in plist]}")
        lines_txt = "".join(f"{sha(data)}  {name}\n" for name, data, _ in plist)
        if i.get("sha256") != sha(lines_txt.encode()):
            say("delivery_digest", f"{back[plain]} sha256 {i.get('sha256')} expected "
                f"{sha(lines_txt.encode())} (sha256sum of its parts)")
        if i.get("bytes") != sum(len(x) for _, x, _ in plist):
            say("delivery_digest", f"{back[plain]} bytes {i.get('bytes')} expected "
                f"{sum(len(x) for _, x, _ in plist)}")
        for name, data, lines in plist:
            p = got.get(name)
            if p is None:
                continue
            out = {ln for ln in lines if at < len(recs[ln].fields)
                   and R.nhs_valid(recs[ln].fields[at].strip(TRIM)) in excluded}
            want = dict(read=len(lines), rejected=sum(rej[(plain, ln)] > 0 for ln in lines),
                        warnings=sum(warn[(plain, ln)] for ln in lines), opted_out=len(out),
                        sha256=sha(data), bytes=len(data), present=True)
            want["accepted"] = want["read"] - want["rejected"] - want["opted_out"]
            want["unregistered"] = sum(
                1 for ln in lines if rej[(plain, ln)] == 0 and ln not in out
                and R.nhs_valid(recs[ln].fields[at].strip(TRIM)) not in spine)
            for k, v in want.items():
                if p.get(k) != v:
                    say("delivery_part_counts", f"{name} {k}: engine={p.get(k)!r} expected={v!r}")
    for plain, (name, data) in getattr(d, "single", {}).items():
        i = inputs.get(name, {})
        if i.get("sha256") != sha(data) or i.get("bytes") != len(data):
            say("delivery_digest", f"{name}: sha256 {i.get('sha256')} bytes {i.get('bytes')}, "
                f"expected the compressed bytes' {sha(data)} {len(data)}")
    for f in d.unread:
        if not any(u == f or str(u).startswith(f + " ") for u in summary.get("unread_files", [])):
            say("delivery_unread", f"{f} not in summary.json unread_files "
                f"({summary.get('unread_files')!r})")
    if d.mapping and summary.get("mapping") != d.mapping[1]:
        say("delivery_mapping", f"summary.json mapping {summary.get('mapping')!r} expected "
            f"{d.mapping[1]!r}")
    if d.bnf_map is not None:
        got = summary.get("bnf_map")
        if not isinstance(got, dict):
            say("bnf_map", f"summary.json has no bnf_map object (got {got!r})")
        else:
            for k, v in d.bnf_map.items():
                if got.get(k) != v:
                    if k == "unmapped" and isinstance(got.get(k), list):
                        say("bnf_map", f"bnf_map.unmapped: engine={got.get(k)} expected={v}")
                    else:
                        say("bnf_map", f"bnf_map.{k}: engine={got.get(k)!r} expected={v!r}")


# ---------------------------------------------------------------- the mode


def run_delivery(args, crit, C):
    shapes = args.shapes.split(",")
    for s in shapes:
        if s not in SHAPES:
            print(f"unknown shape {s!r} (shapes: {', '.join(SHAPES)})")
            return 2
    totals = collections.Counter()
    runs = 0
    if C.check_hfrs_table():
        totals["hfrs_table"] += 1
    if args.delivery_mutant:
        print(f"MUTANT {args.delivery_mutant}: {MUTANTS[args.delivery_mutant]}; differences "
              "are expected")
    for seed in C.seeds(args.seeds):
        for date in args.dates.split(","):
            for enc in args.encodings.split(","):
                base = os.path.join(args.work, ("dlv-gov" if args.governance else "dlv")
                                    + f"-s{seed}-{date}-{enc}")
                plain, ref = os.path.join(base, "extracts"), os.path.join(base, "reference")
                subprocess.run(["rm", "-rf", base], check=True)
                gen = [sys.executable, os.path.join(HERE, "generate.py"), "--seed", str(seed),
                       "--patients", str(args.patients), "--out", plain, "--as-of", date]
                if enc == "crlf-bom":
                    gen.append("--crlf-bom")
                if args.governance:
                    gen.append("--governance")
                subprocess.run(gen, check=True)
                subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), "--extracts",
                                plain, "--as-of", date, "--out", ref], check=True)
                with open(os.path.join(ref, "excluded.txt")) as fh:
                    excluded = set(fh.read().split())
                ref_rejects = [(x["file"], int(x["line"]), x["severity"], x["field"])
                               for x in read_csv(os.path.join(ref, "rejects.csv"))]
                spine = R.load_spine(R.Ingest(plain))
                for shape in shapes:
                    tag = (f"seed {seed} as-of {date} {enc} delivery {shape}"
                           + (" governance" if args.governance else ""))
                    sd = os.path.join(base, shape)
                    ext = os.path.join(sd, "extracts")
                    rng = random.Random(f"{seed}/{date}/{enc}/{shape}")
                    mut = args.delivery_mutant
                    if shape == "hes":
                        d = shape_hes(plain, ext, rng, enc == "crlf-bom", mut)
                    elif shape == "monthly":
                        d = shape_monthly(plain, ext, rng, enc == "crlf-bom", mut)
                    else:
                        if plain_has_no(plain, "prescriptions.csv"):
                            continue
                        d = shape_dmd(plain, ext, rng, enc == "crlf-bom", mut, ref_rejects,
                                      spine, shape == "dmd-only", excluded)
                    r_dir = ref
                    if d.left_out:
                        eq = os.path.join(sd, "equivalent")
                        write_equivalent(plain, eq, d.left_out)
                        r_dir = os.path.join(sd, "reference-equivalent")
                        subprocess.run([sys.executable, os.path.join(HERE, "reference.py"),
                                        "--extracts", eq, "--as-of", date, "--out", r_dir],
                                       check=True)
                    extra = []
                    if d.no_map_exit:
                        nomap = os.path.join(sd, "engine-no-map")
                        p = subprocess.run([args.engine, "run", "--extracts", ext, "--criteria",
                                            crit, "--as-of", date, "--out", nomap, "--quiet",
                                            "--disclosure", "none"], capture_output=True,
                                           text=True)
                        if p.returncode != 65 or os.path.exists(nomap):
                            made = sorted(os.path.relpath(os.path.join(r, f), sd)
                                          for r, _, fs in os.walk(nomap) for f in fs)
                            extra.append(("no_map_exit", f"run without --bnf-map: exit "
                                          f"{p.returncode} (expected 65 before anything is "
                                          f"written); --out "
                                          + (f"created, holding {made}" if os.path.exists(nomap)
                                             else "absent")
                                          + f"; stderr {p.stderr.strip()[:200]!r}"))
                    eng = os.path.join(sd, "engine")
                    p = C.run_exact(args.engine, ["run", "--extracts", ext, "--criteria", crit,
                                                  "--as-of", date, "--out", eng, "--quiet"]
                                    + d.engine_args)
                    for n in d.notes:
                        print(f"   [{tag}] {n}")
                    for f, rows in sorted(d.left_out.items()):
                        print(f"   [{tag}] left out of the reference's input ({f}): "
                              f"{len(rows)} row(s): " + "; ".join(
                                  f"line {ln}: {why}" for ln, why in rows[:3])
                              + (" ..." if len(rows) > 3 else ""))
                    if p.returncode != 0:
                        print(f"== {tag}: ENGINE FAILED exit {p.returncode}\n{p.stderr}")
                        totals["engine_failed"] += 1
                        continue
                    mapped = os.path.join(sd, "engine-mapped")
                    summary = engine_mapped(d, eng, mapped)
                    exp = expected_ref(d, r_dir, os.path.join(sd, "expected"))
                    by = C.compare_run(tag, ext, mapped, exp, args.max,
                                       governance=args.governance)
                    more = collections.defaultdict(list)
                    for kind, msg in extra:
                        more[kind].append(msg)
                    delivery_checks(d, summary, exp, plain, spine,
                                    lambda kind, msg: more[kind].append(msg), mapped,
                                    excluded)
                    nparts = sum(len(v) for v in d.parts.values())
                    print(f"   delivery checks: {sum(len(v) for v in more.values())} "
                          f"difference(s) ({nparts} parts, {d.records_checked} rejects' records "
                          "checked" + (", bnf_map" if d.bnf_map else "") + ")")
                    if more:
                        for kind in sorted(more):
                            print(f"  -- {kind}: {len(more[kind])}")
                            for m in more[kind][:args.max]:
                                print("     " + m)
                            if len(more[kind]) > args.max:
                                print(f"     ... {len(more[kind]) - args.max} more")
                    runs += 1
                    for k, v in list(by.items()) + list(more.items()):
                        totals[k] += len(v)
    print(f"\n== {runs} delivery run(s) compared; differences by kind over all runs:")
    if not totals:
        print("   none")
    for k, v in sorted(totals.items()):
        print(f"   {k}: {v}")
    return 1 if totals else 0


def plain_has_no(plain, f):
    return not os.path.exists(os.path.join(plain, f))
