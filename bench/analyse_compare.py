#!/usr/bin/python3
"""Compares mtm analyse's CSV with bench/analyse_r.R's (bench helper): every
R row must have an mtm row with the same (analysis_type, analysis_var,
analysis_var_value, group_var, group_var_value), and its stat must agree to
1e-9 relative and its SE to 1e-6 relative (absolute below 1e-12). Prints
"compared N rows (R N, mtm M; by type ...), max rel diff stat X se Y" and
exits 0; on any disagreement or an R row mtm lacks, prints the first ten to
stderr, then the summary, and exits 1.

usage: analyse_compare.py MTM.csv R.csv
"""
import collections, csv, math, sys

STAT_TOL, SE_TOL = 1e-9, 1e-6


def key(r):
    return (r["analysis_type"], r["analysis_var"], r["analysis_var_value"], r["group_var"],
            r["group_var_value"])


def num(s):
    return math.nan if s in ("", "NA", "NaN") else float(s)


def rel(a, b):
    """The relative difference of a from b; 0 when both are NaN."""
    if math.isnan(a) and math.isnan(b):
        return 0.0
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(a - b) / abs(b) if abs(b) > 1e-12 else abs(a - b)


m = {key(r): r for r in csv.DictReader(open(sys.argv[1]))}
rr = list(csv.DictReader(open(sys.argv[2])))
ds = dse = 0.0
n = 0
bad = []
types = collections.Counter()
for r in rr:
    k = key(r)
    if k not in m:
        bad.append("R row %s is missing from mtm's output" % (k,))
        continue
    n += 1
    types[k[0]] += 1
    a, b = num(m[k]["stat"]), num(r["stat"])
    d = rel(a, b)
    ds = max(ds, d)
    if d > STAT_TOL:
        bad.append("%s: stat mtm %r R %r (rel %.1e)" % (k, a, b, d))
    a, b = num(m[k]["se"]), num(r["se"])
    d = rel(a, b)
    dse = max(dse, d)
    if d > SE_TOL:
        bad.append("%s: se mtm %r R %r (rel %.1e)" % (k, a, b, d))
summary = "compared %d rows (R %d, mtm %d; %s), max rel diff stat %.1e se %.1e" % (
    n, len(rr), len(m), ", ".join("%s %d" % t for t in sorted(types.items())), ds, dse)
if bad or n == 0:
    for b in bad[:10]:
        print("DISAGREE " + b, file=sys.stderr)
    print("mtm and R DISAGREE on %d rows: %s" % (len(bad), summary), file=sys.stderr)
    print(summary)
    sys.exit(1)
print(summary)
