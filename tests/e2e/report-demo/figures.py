"""Compares every share in the demo report's HTML with mtm analyse's
results for the same analysis_key: shares of a single-choice question are
rounded together by largest remainder (so they add up to 100, or to the
rounded sum of the shares a public report shows), options of
a select_multiple each half up. Prints a summary; exits 1 on a mismatch."""
import csv, html, math, re, sys

report, results = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(results, encoding="utf-8")))
stat = {}
sets = {}
for r in rows:
    if r["stat"] == "":
        continue
    stat[r["analysis_key"]] = float(r["stat"])
    if r["analysis_type"] == "prop_select_one":
        k = (r["analysis_var"], r["group_var"], r["group_var_value"])
        sets.setdefault(k, []).append((r["analysis_key"], float(r["stat"])))

want = {}
for members in sets.values():
    floors = [math.floor(v * 100) for _, v in members]
    # the shares shown add up to their rounded sum: 100, or less when a
    # public report hides some of them (analyse --public leaves them blank)
    rest = math.floor(sum(v for _, v in members) * 100 + 0.5) - sum(floors)
    order = sorted(range(len(members)), key=lambda i: (-(members[i][1] * 100 - floors[i]), i))
    for i in order[:max(rest, 0)]:
        floors[i] += 1
    for (k, _), p in zip(members, floors):
        want[k] = p
for r in rows:
    if r["analysis_type"] == "prop_select_multiple" and r["stat"] != "":
        want[r["analysis_key"]] = math.floor(float(r["stat"]) * 100 + 0.5)

text = open(report, encoding="utf-8").read()
spans = re.findall(r'<span class="fig" data-key="([^"]*)"[^>]*>([^<]*)</span>', text)
checked = bad = 0
keys = set()
for key, shown in spans:
    key, shown = html.unescape(key), html.unescape(shown)
    m = re.fullmatch(r"(\d+)\s?%", shown)
    if not m or key not in want:
        continue
    checked += 1
    keys.add(key)
    if int(m.group(1)) != want[key]:
        bad += 1
        print("MISMATCH", key, shown, "analyse:", stat[key])
print("shares checked against mtm analyse:", "at least 100" if checked >= 100 else checked,
      "in", "at least 100" if len(keys) >= 100 else len(keys), "indicators;",
      "all equal" if not bad else "%d differ" % bad)
sys.exit(1 if bad or checked < 100 else 0)
