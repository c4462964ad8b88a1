"""Compares the demo operation's Round 2 figures with the published ones
(shared/reference/kazakhstan-2023-round2.md) and fails when one is outside
its tolerance:

  baseline (from `mtm bma`'s long CSV, consolidated by the median):
    country total of migrant workers 2020 to Q1 2023   within 2% of 724,534
    arrivals in Q1 2023                                within 5% of 56,112
    share of each published top-5 region               within 2 points
    share of each published top-5 origin               within 2 points
  survey (from the Round 2 XLSX export as imported):
    women, nationality (top 5), written contract,
    sends remittances, housing                         within 3 points

usage: compare.py BMA_ROUND2.csv SURVEY_ROUND2.xlsx
"""
import collections
import csv
import sys

import openpyxl

bad = 0


def judge(what, got, want, tol, unit):
    global bad
    ok = abs(got - want) <= tol
    bad += not ok
    if unit == "%":
        print(f"{what}: {got:.1f}% (published {want:g}%, tolerance {tol:g} points) {'ok' if ok else 'OUT'}")
    else:
        print(f"{what}: {got:,.0f} (published {want:,}, {100 * (got / want - 1):+.1f}%, tolerance {100 * tol / want:g}%) {'ok' if ok else 'OUT'}")


# ---- baseline ----
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
mw = [r for r in rows if r["population"] == "migrant_worker" and r["sex"] == "" and r["value"] not in ("", "NA")]
periods = ("2020", "2021", "2022", "2023Q1")
total = sum(float(r["value"]) for r in mw if r["level"] == "0" and r["origin"] == "" and r["period"] in periods)
q1 = sum(float(r["value"]) for r in mw if r["level"] == "0" and r["origin"] == "" and r["period"] == "2023Q1")
judge("migrant workers 2020 to Q1 2023", total, 724534, 724534 * 0.02, "n")
judge("arrived in Q1 2023", q1, 56112, 56112 * 0.05, "n")
region = collections.Counter()
names = {}
for r in mw:
    if r["level"] == "1" and r["origin"] == "" and r["period"] in periods:
        region[r["pcode"]] += float(r["value"])
        names[r["pcode"]] = r["name"]
rt = sum(region.values())
for pcode, want in (("KZ75", 27), ("KZ47", 23), ("KZ71", 15), ("KZ19", 13), ("KZ35", 5)):
    judge(f"region {names.get(pcode, pcode)}", 100 * region[pcode] / rt, want, 2, "%")
origin = collections.Counter()
for r in mw:
    if r["level"] == "0" and r["origin"] != "" and r["period"] in periods:
        origin[r["origin"]] += float(r["value"])
ot = sum(origin.values())
for iso, want in (("UZB", 64), ("RUS", 20), ("TJK", 10), ("KGZ", 5), ("AZE", 2)):
    judge(f"origin {iso}", 100 * origin[iso] / ot, want, 2, "%")

# ---- survey ----
ws = openpyxl.load_workbook(sys.argv[2], read_only=True).worksheets[0]
it = ws.iter_rows(values_only=True)
head = next(it)
col = {h: i for i, h in enumerate(head)}
data = [r for r in it if r[col["screening/consent"]] == "yes"]


def share(question, value, among=None):
    c = col[question]
    rs = [r for r in data if r[c] not in (None, "") and (among is None or among(r))]
    return 100 * sum(1 for r in rs if r[c] == value) / len(rs)


judge("survey: women", share("profile/sex", "female"), 16, 3, "%")
for iso, want in (("UZB", 64), ("RUS", 20), ("TJK", 10), ("KGZ", 5), ("AZE", 2)):
    judge(f"survey: nationality {iso}", share("screening/nationality", iso), want, 3, "%")
judge("survey: no written contract", share("conditions/written_contract", "no"), 55, 3, "%")
judge("survey: sends remittances", share("remittances/sends_remittances", "yes"), 49, 3, "%")
judge("survey: permanent housing", share("wellbeing/housing", "permanent"), 89, 3, "%")
judge("survey: temporary housing", share("wellbeing/housing", "temporary"), 10, 3, "%")
print("all within tolerance" if not bad else f"{bad} outside tolerance")
sys.exit(1 if bad else 0)
