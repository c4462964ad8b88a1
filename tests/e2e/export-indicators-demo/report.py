"""Every survey figure of a report is in the export, with the same value.

report.py REPORT_DIR EXPORT_CSV: REPORT_DIR/data/*.csv are the numbers
behind the report's figures (analysis_key, ..., value, n, n_total); the
export is `mtm export --what indicators` (its HXL row, if any, skipped).
A figure of a share, mean or median must be a row of the export with the
same analysis_key, its value the export's stat and its n and n_total the
export's (a hidden figure: empty in both). A figure computed with a
filter ${Q} = 'V' (the nationality profiles, the charts of women) is the
export's row by Q for V: the same sub-population. Exits 1 on a difference
and when the report has no such figure at all."""
import csv
import glob
import re
import sys

exp = {}
rows = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
for r in rows:
    if not r["round"].startswith("#"):
        exp[r["analysis_key"]] = r


def same(a, b):
    if a == "" or b == "":
        return a == b
    x, y = float(a), float(b)
    return abs(x - y) <= 1e-12 * max(1.0, abs(x))


kinds = ("prop_select_one @", "prop_select_multiple @", "mean @", "median @")
found = bad = 0
for path in sorted(glob.glob(sys.argv[1] + "/data/*.csv")):
    for r in csv.DictReader(open(path, newline="", encoding="utf-8")):
        key = r.get("analysis_key") or ""
        if not key.startswith(kinds):
            continue
        m = re.match(r"(.*) @/@ NA %/% NA @/@ filter %/% \$\{(\w+)\} = '([^']*)'$", key)
        if m:
            key = f"{m.group(1)} @/@ {m.group(2)} %/% {m.group(3)}"
        e = exp.get(key)
        if e is None:
            print(f"{path}: {key} is not in the export")
            bad += 1
            continue
        found += 1
        for mine, theirs in (("value", "stat"), ("n", "n"), ("n_total", "n_total")):
            if not same(r[mine], e[theirs]):
                print(f"{path}: {key}: {mine} {r[mine]!r} in the report, {theirs} {e[theirs]!r} exported")
                bad += 1
if not found:
    print("no survey figure in the report")
    bad = 1
print(f"{sys.argv[1]}: {found} survey figures of the report, {'all' if not bad else 'not all'} exported alike")
sys.exit(1 if bad else 0)
