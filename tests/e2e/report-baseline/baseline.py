"""Reads the baseline section of a report's HTML and its map's SVG, and
prints what a reader must find there, in words that hold whatever the
demo's numbers: each target population with its definition and figure or
the sentence that it has no data; the total with the arrivals of the
latest period; the tables' rows adding up to their total row, shares to
100.0%, the regions' total equal to the headline and the origins' total
named in the note as the base of their shares; the map's period equal to
the tables'; the map's insets, region names, source line and a district
label that names its region.

usage: baseline.py REPORT.html MAP.svg LANG"""
import html as H
import re
import sys

page = open(sys.argv[1], encoding="utf-8").read()
svg = open(sys.argv[2], encoding="utf-8").read()
ru = sys.argv[3] == "ru"
title = "Базовая оценка мобильности" if ru else "Baseline Mobility Assessment"
i = page.index("<h1>" + title + "</h1>")
sec = page[i:page.index("</section>", i)]


def text(s):
    return H.unescape(re.sub(r"<[^>]*>", "", s)).replace("\xa0", " ")


def number(s):
    return float(s.replace(",", "").replace(" ", "").replace("\xa0", ""))


# the populations: a definition, then a figure or no data
# (the section's own list, after the map and its list of areas in <details>)
body = re.sub(r"<figure.*?</figure>", "", sec, flags=re.S)
ul = body[body.index("<ul>"):body.index("</ul>")]
items = re.findall(r"<li>(.*?)</li>", ul, re.S)
print("populations:", len(items))
for it in items:
    t = text(it)
    name = t.split(":")[0]
    figure = re.search(r"<strong>\s*<span class=\"fig\"[^>]*>([^<]*)<", it)
    none = "no data" in t or "данных о ней нет" in t
    print(" ", name, "|", "figure" if figure else "no data" if none else "NEITHER",
          "| periods" if ("Periods:" in t or "Периоды:" in t) else "| NO PERIODS")

# the headline: the total and the arrivals of the latest period
para = [p for p in re.findall(r"<p>(.*?)</p>", sec, re.S) if "bma @/@" in p and "admin0" in p and "<li>" not in p]
head = para[0]
keys = re.findall(r'data-key="(bma @/@ [^"]*admin0)"[^>]*>([^<]*)<', head)
print("headline:", " + ".join(k.split(" %/% ")[1].split(" @/@ ")[0] for k, _ in keys))
headline_total = number(keys[0][1])
latest = "Q1 2023" in text(head) or "I квартал 2023" in text(head)
print("latest period named in the headline:", latest)

# the tables
tables = re.findall(r'<figure id="[^"]*" class="table">(.*?)</figure>', sec, re.S)
periods = []
for tb in tables:
    cap = text(re.search(r"<figcaption>(.*?)</figcaption>", tb, re.S).group(1))
    periods.append(cap[cap.rindex("(") + 1:-1])
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in re.findall(r"<tr>(.*?)</tr>", tb, re.S)[1:]]
    body, total = rows[:-1], rows[-1]
    vals = [number(text(r[1])) for r in body]
    shares = [float(text(r[2]).replace(",", ".").replace("%", "").strip()) for r in body]
    tv = number(text(total[1]))
    note = text(re.search(r'<p class="note">(.*?)</p>', tb, re.S).group(1)) if '<p class="note">' in tb else ""
    what = "origins" if ("origin" in cap or "происхождения" in cap) else "regions"
    print(what + ":", len(body), "rows and", text(total[0]),
          "| rows add up to the total" if sum(vals) == tv else "| ROWS %g != TOTAL %g" % (sum(vals), tv),
          "| shares add up to 100.0" if abs(sum(shares) - 100) < 1e-9 else "| SHARES %g" % sum(shares),
          "| total row shows 100.0" if text(total[2]).replace(",", ".").startswith("100.0") else "| TOTAL SHARE?")
    named = text(total[1]) in note
    print("  the note names the base of the shares:", named)
    if what == "regions":
        print("  total equals the headline:", tv == headline_total,
              "| same key as the headline:", 'admin0"' in total[1])
    else:
        print("  the note says why it is not the headline:", tv == headline_total or text(keys[0][1]) in note)

# the map: caption period, insets, region names, labels, source line
cap = text(re.search(r'class="map">\s*<figcaption>(.*?)</figcaption>', sec, re.S).group(1))
print("map period equals the tables':", all(cap.endswith(", " + p) for p in periods), "|", cap.split(", ")[-1] == periods[0])
print("insets:", " ".join(re.findall(r'<g class="inset" data-region="([^"]*)">', svg)))
print("frames on the map:", len(re.findall(r'<rect class="inset-frame"', svg)))
print("region names:", len(re.findall(r"<text data-region=", svg)) >= 15)
print("the district of Astana named Almaty:", re.search(r'<path id="KZ711110"[^>]*><title>([^<]*): ', svg).group(1))
src = re.search(r'<g class="source">\n(.*?)</g>', svg, re.S).group(1)
print("source:", " ".join(text(t) for t in re.findall(r"<text[^>]*>.*?</text>", src)))
