"""Checks that an export of indicators holds analyse's results table.

same.py EXPORT ANALYSE_CSV[:ROUND] ...: EXPORT is the file `mtm export
--what indicators` wrote (CSV, with or without its HXL row, or the DTM
API's JSON envelope); each ANALYSE_CSV is what `mtm analyse --format csv`
wrote for ROUND (default 1). The export's columns must be round followed
by analyse's, and its rows, round by round in the order given, analyse's
rows exactly (JSON: numbers as numbers, empty cells null). Prints one line
per round and exits 1 at the first difference."""
import csv
import json
import sys


def fail(msg):
    print(msg)
    sys.exit(1)


def num(s):
    return None if s == "" else float(s)


path = sys.argv[1]
expected = []
for arg in sys.argv[2:]:
    name, _, rnd = arg.partition(":")
    rows = list(csv.reader(open(name, newline="", encoding="utf-8")))
    expected.append((int(rnd or 1), rows[0], rows[1:]))
header = ["round"] + expected[0][1]

if path.endswith(".json"):
    doc = json.load(open(path, encoding="utf-8"))
    for k, v in (("isSuccess", True), ("statusCode", 200), ("errorMessages", [])):
        if doc.get(k) != v:
            fail(f"{k} is {doc.get(k)!r}, not {v!r}")
    got = doc["result"]
    if doc["totalRecordsCount"] != len(got):
        fail(f"totalRecordsCount {doc['totalRecordsCount']} but {len(got)} rows")
    numeric = {"round", "stat", "stat_low", "stat_upp", "se", "n", "n_total", "n_w", "n_w_total"}
    rows = []
    for obj in got:
        if list(obj) != header:
            fail(f"keys {list(obj)} are not {header}")
        for k in obj:
            if k in numeric and obj[k] is not None and not isinstance(obj[k], (int, float)):
                fail(f"{k} is {obj[k]!r}, not a number")
            if obj[k] == "":
                fail(f"{k} is an empty string, not null")
        rows.append(obj)
    at = 0
    for rnd, head, want in expected:
        for w in want:
            g = rows[at]
            at += 1
            if g["round"] != rnd:
                fail(f"row {at}: round {g['round']}, not {rnd}")
            for k, v in zip(head, w):
                gv = g[k]
                if k in numeric:
                    if num(v) != gv:
                        fail(f"row {at} {k}: {gv!r}, analyse {v!r}")
                elif (gv or "") != v:
                    fail(f"row {at} {k}: {gv!r}, analyse {v!r}")
        print(f"round {rnd}: {len(want)} rows as analyse writes them")
    if at != len(rows):
        fail(f"{len(rows) - at} rows more than analyse's")
else:
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    if rows[0] != header:
        fail(f"columns {rows[0]} are not {header}")
    body = rows[2:] if rows[1] and rows[1][0].startswith("#") else rows[1:]
    at = 0
    for rnd, head, want in expected:
        for w in want:
            g = body[at]
            at += 1
            if g != [str(rnd)] + w:
                fail(f"row {at}: {g}\n  analyse: {[str(rnd)] + w}")
        print(f"round {rnd}: {len(want)} rows as analyse writes them")
    if at != len(body):
        fail(f"{len(body) - at} rows more than analyse's")
