"""Prints every run of Latin words a reader sees in a Russian report's HTML
(the text between tags; the styles, the lists of sources under each figure,
which show analysis keys, and the annex's keys left out), one per line,
sorted and unique: what mtm writes itself must be Russian, so only user data
(the operation's name, the inclusion rules' labels) and codes (MTM, KZT, USD,
n) may remain."""
import html, re, sys

t = open(sys.argv[1], encoding="utf-8").read()
t = re.sub(r"<style>.*?</style>", "", t, flags=re.S)
t = re.sub(r"<details.*?</details>", "", t, flags=re.S)
t = re.sub(r"<svg.*?</svg>", "", t, flags=re.S)
# the annex's first column holds analysis keys (codes, not words)
t = re.sub(r"(<table class=\"data compact\">.*?</table>)",
           lambda m: re.sub(r"<tr><td>[^<]*</td>", "<tr>", m.group(1)), t, flags=re.S)
t = re.sub(r"<[^>]*>", "\n", t)
runs = set()
for line in html.unescape(t).split("\n"):
    for m in re.finditer(r"[A-Za-z][A-Za-z'() -]*[A-Za-z)]|[A-Za-z]", line):
        runs.add(m.group(0))
for r in sorted(runs):
    print(r)
