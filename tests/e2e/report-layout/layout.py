"""Checks the layout of a report's PDF with poppler's tools; prints one line
per check, the same whatever the report's content, so a failure shows as a
changed line.  Usage: layout.py LANG PDF HTML"""
import re
import subprocess
import sys

lang, pdf, html = sys.argv[1], sys.argv[2], sys.argv[3]
PAGE_H, MARGIN = 841.89, 56.69
FOOTER_TOP = PAGE_H - MARGIN - 12  # text below this is the running footer
FIG = "Рисунок" if lang == "ru" else "Figure"
WOMEN, MEN = ("Женщины", "Мужчины") if lang == "ru" else ("Women", "Men")


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def say(ok, what, detail=""):
    print(f"{lang}: {what}" if ok else f"{lang}: NOT {what}: {detail}")


# the words of every page with their boxes
bbox = run("pdftotext", "-bbox", pdf, "-")
pages = []
for pg in re.findall(r"<page [^>]*>(.*?)</page>", bbox, re.S):
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', pg)]
    pages.append([w for w in words if w[1] < FOOTER_TOP])
n = len(pages)

# the outline: its top-level entries start the sections (a part's too)
xml = run("pdftohtml", "-xml", "-i", "-stdout", "-q", pdf)
outline = xml[xml.find("<outline>"):]
depth, top, nested, items = 0, [], 0, 0
for tok in re.findall(r"<outline>|</outline>|<item page=\"\d+\">[^<]*</item>", outline):
    if tok == "<outline>":
        depth += 1
    elif tok == "</outline>":
        depth -= 1
    else:
        items += 1
        page = int(re.search(r'page="(\d+)"', tok).group(1))
        if depth == 1:
            top.append(page)
        else:
            nested += 1
say(items >= 8 and nested >= 2, "the outline has an entry per heading, nested",
    f"{items} entries, {nested} nested")

# the text lines of each page, in reading order
text = run("pdftotext", "-layout", pdf, "-").split("\f")
lines = [[ln.strip() for ln in t.splitlines() if ln.strip()] for t in text[:n]]

# 1. a figure's lead sentence (or heading) is on the figure's page: no page
# starts with a chart's caption (the baseline's tables follow one another
# without a sentence between them)
bad = [i + 1 for i in range(1, n) if lines[i] and re.match(rf"{FIG} \d+\.", lines[i][0])]
say(not bad, "every figure is on the page of its lead sentence", f"pages {bad} start with a caption")

# 2. no page is less than half full but the last of a part (the next page
# opens a section) and the last; none holds only a line or two
half = [i + 1 for i in range(1, n - 1)
        if pages[i] and max(w[3] for w in pages[i]) < PAGE_H / 2 and (i + 2) not in top]
say(not half, "no page is more than half empty, except at the end of a part", f"pages {half}")
thin = [i + 1 for i in range(1, n) if len(lines[i]) < 4]
say(not thin, "no page holds only a line or two", f"pages {thin}")

# 3. by-sex figures stand side by side: "Women" on the left half and "Men"
# on the right, on one line, under a "(by sex)" caption
pairs = 0
for ws in pages:
    left = [w for w in ws if w[4] == WOMEN and w[0] < 595.28 / 2]
    for a in left:
        pairs += any(w[4] == MEN and w[0] > 595.28 / 2 and abs(w[1] - a[1]) < 1 for w in ws)
say(pairs >= 5, "by-sex figures stand side by side", f"{pairs} pairs")
h = open(html, encoding="utf-8").read()
say(h.count('<div class="pair">') >= 5, "the HTML sets them side by side too")

# 4. the printed annex lists the numbers quoted without their internal keys;
# the HTML keeps the full keys
annex = [i for i in range(n) if any("@/@" in ln for ln in lines[i])]
say(not annex, "the printed annex has no internal keys", f"pages {[i + 1 for i in annex]}")
say(h.count("@/@") > 100, "the HTML keeps the full keys")

# 5. tagged, with metadata
info = run("pdfinfo", pdf)
say("Tagged:          yes" in info, "the PDF is tagged")
say(re.search(r"^Author: .*(IOM|МОМ).*(MTM|МТМ)", info, re.M) is not None, "the author is IOM and the operation")
say(re.search(r"^Subject: +\S", info, re.M) is not None, "it has a subject")
say("CreationDate:    Thu Jan 15 00:00:00 2026 UTC" in info, "it is dated MTM_TODAY")
struct = run("pdfinfo", "-struct", pdf)
say(all(t in struct for t in ("H1", "H2", "P (block)", "Figure", "Table", "TR", "L (block)")),
    "its structure has headings, paragraphs, figures, tables and lists")
