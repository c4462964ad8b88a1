#!/usr/bin/python3
"""Compares mtm analyse's CSV with bench/analyse_r.R's (bench helper): the
rows present in both by (analysis_type, analysis_var, analysis_var_value,
group_var, group_var_value); prints "matched N of M, max rel diff stat X se Y".
Exits 1 when a stat differs by more than 1e-9 relative or an SE by more than
1e-6 relative.

usage: analyse_compare.py MTM.csv R.csv
"""
import csv, sys

def key(r):
    return (r["analysis_type"], r["analysis_var"], r["analysis_var_value"], r["group_var"],
            r["group_var_value"])

m = {key(r): r for r in csv.DictReader(open(sys.argv[1]))}
rr = list(csv.DictReader(open(sys.argv[2])))
ds = dse = 0.0
n = 0
for r in rr:
    k = key(r)
    if k not in m or m[k]["stat"] == "":
        continue
    n += 1
    a, b = float(m[k]["stat"]), float(r["stat"])
    ds = max(ds, abs(a - b) / max(abs(b), 1e-12) if b else abs(a))
    if r["se"] not in ("", "NA"):
        a, b = float(m[k]["se"] or 0), float(r["se"])
        dse = max(dse, abs(a - b) / max(abs(b), 1e-12) if b else abs(a))
print("matched %d of %d R rows (mtm %d rows), max rel diff stat %.1e se %.1e" % (n, len(rr), len(m), ds, dse))
sys.exit(1 if ds > 1e-9 or dse > 1e-6 else 0)
