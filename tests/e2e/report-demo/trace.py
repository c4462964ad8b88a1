"""Every number a reader sees in a report's HTML (a span with a data-key)
traces to a row of its annex (data/annex-indicators.csv): its key is a row's
key, or starts with the prefix of a row whose key ends in " *" (a map's
areas, listed as one row). Prints a summary; exits 1 when a key has no row."""
import csv, html, re, sys

report, annex = sys.argv[1], sys.argv[2]
rows = [r[0] for r in list(csv.reader(open(annex, encoding="utf-8")))[1:]]
exact = set(rows)
prefixes = [k[:-1] for k in rows if k.endswith(" *")]
keys = set(html.unescape(k) for k in
           re.findall(r'<span class="fig" data-key="([^"]*)"', open(report, encoding="utf-8").read()))
bad = [k for k in sorted(keys) if k not in exact and not any(k.startswith(p) for p in prefixes)]
for k in bad[:10]:
    print("NOT IN THE ANNEX:", k)
print("keys traced to the annex: %s; %s" % ("at least 300" if len(keys) >= 300 else len(keys),
      "all found" if not bad else "%d missing" % len(bad)))
sys.exit(1 if bad else 0)
