#!/usr/bin/env python3
"""Prints what a reader reads in a report's HTML, for the e2e cases of the
third test operation: the highlight tiles (number and caption), then every
section heading and paragraph after the methodology up to the annex
(the findings), one a line. Figure captions are left out (they name the
question, as a chart's title may)."""
import html
import re
import sys

s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r"<style.*?</style>|<svg.*?</svg>|<table.*?</table>", "", s, flags=re.S)


def text(x):
    return html.unescape(re.sub(r"<[^>]+>", "", x)).strip()


for m in re.finditer(r'<div class="tile">(.*?)</div>', s, flags=re.S):
    big = re.search(r'class="big">(.*?)</span></span>', m.group(1), flags=re.S)
    cap = re.search(r'class="cap">(.*?)</span>', m.group(1), flags=re.S)
    print("tile: %s | %s" % (text(big.group(1)) if big else "", text(cap.group(1)) if cap else ""))
method, on = False, False
for m in re.finditer(r"<(h[1-3]|p)\b[^>]*>(.*?)</\1>", s, flags=re.S):
    t = text(m.group(2))
    if m.group(1) == "h1":
        if re.match(r"Annex|Приложение", t):
            break
        on = method
        method = method or t in ("Methodology", "Методология")
    if on and t:
        print(("# " if m.group(1) == "h1" else "## " if m.group(1) != "p" else "") + t)
