"""Checks that a public report hides a figure exactly where mtm analyse
--public blanks it: every span whose key analyse blanked shows a dash (or
is a sentence saying the share is not shown), and every span showing a
dash has a key that analyse blanked. Prints a summary; exits 1 on a
mismatch."""
import csv, html, re, sys

report, results = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(results, encoding="utf-8")))
blank = {r["analysis_key"] for r in rows if r["stat"] == ""}
known = {r["analysis_key"] for r in rows}
text = open(report, encoding="utf-8").read()
spans = re.findall(r'<span class="fig" data-key="([^"]*)"[^>]*>([^<]*)</span>', text)
hidden = bad = 0
for key, shown in spans:
    key, shown = html.unescape(key), html.unescape(shown).strip()
    dash = shown in ("—", "–")
    note = "not shown" in shown or "не приводится" in shown
    if key in blank:
        if dash or note:
            hidden += 1
        elif re.fullmatch(r"\d+\s?%", shown):
            bad += 1
            print("SHOWN BUT BLANK IN ANALYSE", key, shown)
    elif dash and key in known:  # (the report's own keys, e.g. histogram
        bad += 1                  # classes or a profile's filtered shares, aside)
        print("HIDDEN BUT SHOWN BY ANALYSE", key)
print("hidden figures:", "at least 5" if hidden >= 5 else hidden, "- all where analyse --public blanks;",
      "none differ" if not bad else "%d differ" % bad)
sys.exit(1 if bad or hidden < 5 else 0)
