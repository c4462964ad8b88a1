#!/usr/bin/python3
"""Fills build/fuzz/corpus/<harness>/ with seeds taken from the shared data
($MTM_SHARED/data) and tests/fixtures: whole workbooks, their XML parts
joined as fuzz_xlsx_parts reads them, CSV and Markdown forms and exports,
and every relevant / constraint / calculation / choice_filter / required /
default / repeat_count text of the shared XLSForms. Run from the repository
root; needs Debian's python3 with openpyxl. A test helper, not product."""
import glob
import hashlib
import os
import sys
import zipfile

import openpyxl

SHARED = os.environ.get("MTM_SHARED", "/work/shared") + "/data"
OUT = "build/fuzz/corpus"
EXPR_COLS = ("relevant", "constraint", "calculation", "choice_filter", "required", "default",
             "repeat_count")


def put(harness, data):
    """Writes one seed, named by its hash."""
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(f"{OUT}/{harness}", exist_ok=True)
    with open(f"{OUT}/{harness}/{hashlib.sha1(data).hexdigest()[:16]}", "wb") as f:
        f.write(data)


def files(pattern_list):
    out = []
    for p in pattern_list:
        out += glob.glob(p, recursive=True)
    return sorted(out)


def part(z, name):
    for m in z.namelist():
        if m.lower() == name.lower():
            return z.read(m)
    return b""


def main():
    xlsx = files([SHARED + "/xlsforms/**/*.xlsx", "tests/fixtures/**/*.xlsx"])
    exprs = set()
    for f in xlsx:
        data = open(f, "rb").read()
        if len(data) < 300000:
            put("xlsx", data)
        z = zipfile.ZipFile(f)
        sheets = [n for n in z.namelist()
                  if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")]
        for sh in sheets[:2]:
            body = z.read(sh)
            if len(body) < 200000:
                put("xlsx_parts", b"@@@@".join(
                    [body, part(z, "xl/sharedStrings.xml"), part(z, "xl/styles.xml")]))
        try:
            wb = openpyxl.load_workbook(f, read_only=True)
        except Exception as e:  # a damaged sample is still a zip seed
            print(f"seed_corpus: {f}: {e}", file=sys.stderr)
            continue
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            if not rows:
                continue
            hdr = [str(h or "").strip().lower() for h in rows[0]]
            idx = [i for i, h in enumerate(hdr) if h in EXPR_COLS]
            for r in rows[1:]:
                for i in idx:
                    v = str(r[i]).strip() if i < len(r) and r[i] is not None else ""
                    if v and v.lower() not in ("yes", "no", "true", "false"):
                        exprs.add(v)
    for e in exprs:
        put("expr", e)
    for f in files([SHARED + "/xlsforms/**/*.csv", "tests/fixtures/**/*.csv"]):
        data = open(f, "rb").read()
        if len(data) < 100000:
            put("form", data)
            put("csv", data)
    for f in files([SHARED + "/kobo_exports/**/*.csv", SHARED + "/geo/**/*.csv"]):
        put("csv", open(f, "rb").read()[:20000])
    for f in files([SHARED + "/xlsforms/**/*.md"]):
        data = open(f, "rb").read()
        put("md", data)
        put("form", data)
    for h in sorted(os.listdir(OUT)):
        print(f"{OUT}/{h}: {len(os.listdir(OUT + '/' + h))} seeds")


main()
