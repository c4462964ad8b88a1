"""Checks a results table of analyse --public against the public rule and
prints what it hid: rule.py FILE K AREA_QUESTION|no [FULL], FULL being
the same run without --public (the counts the rule saw)."""
import csv
import sys
from collections import Counter

path, k, area = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = list(csv.DictReader(open(path, encoding="utf-8")))
full = list(csv.DictReader(open(sys.argv[4], encoding="utf-8"))) if len(sys.argv) > 4 else []
num = lambda s: float(s) if s not in ("", None) else None
why = Counter()
bad = []
small_shown = 0
for r in rows:
    why[r["suppressed"] or "shown"] += 1
    share = r["analysis_type"].startswith("prop_")
    at_area = area != "no" and (r["group_var"] == area or (share and r["analysis_var"] == area))
    n, base = num(r["n"]), num(r["n_total"] if share else r["n"])
    if r["suppressed"] == "":
        if base is not None and base < k:
            bad.append("shown under K: " + r["analysis_key"])
        if share and n is not None and 1 <= n < k:
            if at_area:
                bad.append("area numerator under K shown: " + r["analysis_key"])
            else:
                small_shown += 1
    elif r["stat"] != "":
        bad.append("hidden but written: " + r["analysis_key"])
    elif not at_area and r["suppressed"] != "n < %d" % k:
        bad.append("hidden as %s outside an area: %s" % (r["suppressed"], r["analysis_key"]))
# A complement is an area's cell, never the largest area of its answer
# nor the largest answer of its area (the counts from the full run).
n_of = {r["analysis_key"]: num(r["n"]) or 0 for r in full}
by_answer, by_area = {}, {}
for r in full:
    if r["group_var"] == area and r["analysis_type"] == "prop_select_one":
        by_answer.setdefault((r["analysis_var"], r["analysis_var_value"]), []).append(r["analysis_key"])
        by_area.setdefault((r["analysis_var"], r["group_var_value"]), []).append(r["analysis_key"])
complements = 0
for r in rows:
    if r["suppressed"] != "complementary":
        continue
    complements += 1
    if r["group_var"] != area:
        bad.append("complement outside an area: " + r["analysis_key"])
        continue
    key = r["analysis_key"]
    for group in (by_answer.get((r["analysis_var"], r["analysis_var_value"]), []),
                  by_area.get((r["analysis_var"], r["group_var_value"]), [])):
        if group and n_of[key] == max(n_of[g] for g in group) and len(group) > 1:
            bad.append("complement is the largest: " + key)
print("%s: %s; small numerators shown outside areas: %d%s; %s" % (
    path, ", ".join("%s %d" % kv for kv in sorted(why.items())), small_shown,
    "; complements checked: %d" % complements if full else "",
    "the rule holds" if not bad else "BREACHES: " + "; ".join(bad[:5])))
