"""Reads mtm export's bma files as a partner does and checks them against
`mtm bma`'s long CSV of each round (argv: bma.json bma.csv bma1.xlsx
long1.csv long2.csv). Prints what a reader sees; exits 1 on a mismatch."""
import csv
import json
import sys

import openpyxl

jpath, cpath, xpath, long_paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
bad = []


def fail(msg):
    if len(bad) < 10:
        print("MISMATCH:", msg)
    bad.append(msg)


def wide(pop, period, origin, sex):
    """The column name of a series, as mtm documents it."""
    name = "numPresent" + "".join(w.capitalize() for w in pop.split("_")) + "Ind_"
    name += period[:4] + "M" + period[5:] if len(period) == 7 and period[4] == "-" else period
    return name + ("_" + origin if origin else "") + ("_" + sex if sex else "")


def span(period):
    """(to, from) in months of a period YYYY, YYYYQn or YYYY-MM."""
    y = int(period[:4]) * 12
    if "Q" in period:
        q = int(period[5])
        return (y + 3 * q, y + 3 * q - 3)
    if "-" in period:
        m = int(period[5:])
        return (y + m, y + m - 1)
    return (y + 12, y)


# mtm bma's figures per round: (pcode, column) -> value or None
figs, names, nfields = {}, {}, {}
for rnd, path in enumerate(long_paths, 1):
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            names[r["pcode"]] = r["name"]
            v = float(r["value"]) if r["value"] != "" else None
            figs[(rnd, r["pcode"], wide(r["population"], r["period"], r["origin"], r["sex"]))] = v
            if r["level"] == "2" and r["sex"] == "f" and r["origin"] == "":
                nfields.setdefault(rnd, set()).add((r["population"], r["period"]))

# 1. the JSON, as dtmapi reads a response: check the envelope, take "result"
with open(jpath, encoding="utf-8") as f:
    env = json.load(f)
if sorted(env) != ["errorMessages", "isSuccess", "result", "statusCode", "totalRecordsCount"]:
    fail("envelope keys %s" % sorted(env))
if not (env["isSuccess"] is True and env["statusCode"] == 200 and env["errorMessages"] == []):
    fail("envelope values")
rows = env["result"]
if env["totalRecordsCount"] != len(rows):
    fail("totalRecordsCount")
cols = list(rows[0])
if any(list(r) != cols for r in rows):
    fail("rows with different keys")
frame = {c: [r[c] for r in rows] for c in cols}  # pandas.DataFrame(result)
print("json: %d rows, %d columns" % (len(rows), len(cols)))
print("columns:", ",".join(c for c in cols if not c.startswith("numPresent")))
series = [c for c in cols if c.startswith("numPresent")]
print("figure columns: %d, e.g. %s" % (len(series), ", ".join(series[:2] + series[-2:])))
for rnd in (1, 2):
    idx = [i for i, x in enumerate(frame["roundNumber"]) if x == rnd]
    first = rows[idx[0]]
    print("round %d: %d districts, reportingDate %s (%d, %d), %s %s %s, operation %s" % (
        rnd, len(idx), first["reportingDate"], first["yearReportingDate"],
        first["monthReportingDate"], first["admin0Pcode"], first["admin0Name"],
        first["assessmentType"], first["operation"]))

# every figure as mtm bma has it; numberFemales from the round's latest
# period with a figure for women; coverage from the figures
for r in rows:
    rnd, p = r["roundNumber"], r["admin2Pcode"]
    for t in ("id", "roundNumber", "yearReportingDate", "monthReportingDate",
              "locationsReporting", "locationsTotal"):
        if type(r[t]) is not int:
            fail("%s is not an integer" % t)
    if r["admin2Name"] != names.get(p) or r["admin1Name"] != names.get(r["admin1Pcode"]):
        fail("names of %s" % p)
    if not p.startswith(r["admin1Pcode"]):
        fail("admin1 of %s" % p)
    any_fig = False
    for c in series:
        want = figs.get((rnd, p, c))
        if r[c] != want:
            fail("round %d %s %s: %r, mtm bma %r" % (rnd, p, c, r[c], want))
        any_fig = any_fig or want is not None
    pop, per = max(nfields[rnd], key=lambda x: span(x[1]))
    if r["numberFemales"] != figs.get((rnd, p, wide(pop, per, "", "f"))):
        fail("numberFemales of %s" % p)
    if r["numberMales"] is not None:
        fail("numberMales of %s: the mapping has no field for men" % p)
    if r["locationsTotal"] != 1 or r["locationsReporting"] != int(any_fig):
        fail("coverage of %s" % p)

# a partner's first sum: the districts add up to mtm bma's national figure
for rnd, c in ((1, "numPresentMigrantWorkerInd_2022Q1"), (2, "numPresentMigrantWorkerInd_2023Q1")):
    s = sum(v for v, x in zip(frame[c], frame["roundNumber"]) if x == rnd and v is not None)
    nat = figs[(rnd, "KZ", c)]
    print("round %d: %s summed over districts %s, mtm bma's national %s%s" % (
        rnd, c, s, nat, "" if abs(s - nat) < 1e-6 else "  MISMATCH"))
    if abs(s - nat) >= 1e-6:
        bad.append("sum")

for rnd in (1, 2):
    pop, per = max(nfields[rnd], key=lambda x: span(x[1]))
    s = sum(v for v, x in zip(frame["numberFemales"], frame["roundNumber"]) if x == rnd and v is not None)
    print("round %d: numberFemales are %s of %s, %s over districts" % (rnd, pop, per, s))

# 2. the CSV: the JSON's columns, the HXL row, the same cells
with open(cpath, encoding="utf-8", newline="") as f:
    crows = list(csv.reader(f))
if crows[0] != cols:
    fail("CSV header differs from the JSON's keys")
hxl = dict(zip(crows[0], crows[1]))
if not all(t.startswith("#") for t in crows[1]):
    fail("HXL row")
print("csv: %d data rows; hxl %s %s %s %s" % (
    len(crows) - 2, hxl["admin0Pcode"], hxl["admin2Pcode"], hxl["roundNumber"],
    hxl["numPresentMigrantWorkerInd_2023Q1_UZB"]))
for jr, cr in zip(rows, crows[2:]):
    for c, v in zip(cols, cr):
        w = jr[c]
        same = (v == "" if w is None else
                float(v) == w if isinstance(w, (int, float)) else v == w)
        if not same:
            fail("CSV %s: %r, JSON %r" % (c, v, w))
if len(crows) - 2 != len(rows):
    fail("CSV rows")

# 3. the XLSX of the regions: numbers are numbers, the HXL row under the names
wb = openpyxl.load_workbook(xpath, read_only=True)
ws = wb["bma"]
x = [list(r) for r in ws.iter_rows(values_only=True)]
head = x[0]
print("xlsx: sheet bma, %d regions, columns to %s, hxl %s" % (
    len(x) - 2, head[head.index("admin1Pcode")], x[1][head.index("admin1Pcode")]))
ci = head.index("numPresentMigrantWorkerInd_2023Q1")
for r in x[2:]:
    rnd = r[head.index("roundNumber")]
    want = figs.get((rnd, r[head.index("admin1Pcode")], head[ci]))
    if not isinstance(rnd, int) or r[ci] != want:
        fail("xlsx %s round %s: %r, mtm bma %r" % (r[head.index("admin1Pcode")], rnd, r[ci], want))
if "admin2Pcode" in head:
    fail("admin1 file with admin2 columns")

print("all figures as mtm bma has them" if not bad else "%d mismatches" % len(bad))
sys.exit(1 if bad else 0)
