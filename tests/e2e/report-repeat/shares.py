"""Every share the report's HTML shows for a question of the members
repeat (a span whose data-key names m_sex, m_works) equals mtm analyse's
stat for that key (in any of the tables given): single-choice shares rounded together by largest
remainder, the first share of a finding ("Works (household members): yes
40% ...") too. A hidden share ("—") is one analyse left blank. Exits 1 on a
mismatch."""
import csv, html, math, re, sys

report, results = sys.argv[1], sys.argv[2:]
rows, seen = [], set()  # several analyse tables (by different groups): each key once
for f in results:
    for r in csv.DictReader(open(f, encoding="utf-8")):
        if r["analysis_key"] not in seen:
            seen.add(r["analysis_key"])
            rows.append(r)
sets, want, blank = {}, {}, set()
for r in rows:
    if r["stat"] == "":
        blank.add(r["analysis_key"])
        continue
    if r["analysis_type"] == "prop_select_one":
        k = (r["analysis_var"], r["group_var"], r["group_var_value"])
        sets.setdefault(k, []).append((r["analysis_key"], float(r["stat"])))
for members in sets.values():
    floors = [math.floor(v * 100) for _, v in members]
    rest = math.floor(sum(v for _, v in members) * 100 + 0.5) - sum(floors)
    # ties in the remainder go to the larger share, then the first (prose's rule)
    order = sorted(range(len(members)), key=lambda i: (-(members[i][1] * 100 - floors[i]), -members[i][1], i))
    for i in order[:max(rest, 0)]:
        floors[i] += 1
    for (k, _), p in zip(members, floors):
        want[k] = p
WORDS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
WORDS.update({w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)})
WORDS["hundred"] = 100  # "One hundred per cent": "one" then "hundred" is not written so
text = open(report, encoding="utf-8").read()
checked = bad = hidden = 0
for key, shown in re.findall(r'<span class="fig" data-key="([^"]*)"[^>]*>([^<]*)</span>', text):
    key, shown = html.unescape(key), html.unescape(shown)
    if not re.search(r" @/@ m_(sex|works) %/% ", key):
        continue
    # a share alone, or a finding's first: "Works (household members): yes
    # 37% (female 37%, male 32%), no 56%", "Работает (члены домохозяйства):
    # да 37 % ..."
    m = re.match(r"(\d+)\s?%", shown) or re.search(r"^[^:]*: [^\d%]*?(\d+)\s?%", shown)
    w = re.match(r"([A-Z][a-z]*)(?:-([a-z]*))? per cent of household members", shown)
    if w:  # a percentage in words: "Fifty-nine per cent"
        m = re.match(r"()", "")
        got = WORDS[w.group(1).lower()] + (WORDS[w.group(2)] if w.group(2) else 0)
    if shown == "\u2014" or "not shown" in shown or "не приводится" in shown:
        hidden += 1
        if key not in blank:
            bad += 1
            print("HIDDEN but analyse has it:", key)
        continue
    if not m:
        print("UNREAD", key, shown)
        bad += 1
        continue
    if not w:
        got = int(next(g for g in m.groups() if g))
    checked += 1
    if key not in want or got != want[key]:
        bad += 1
        print("MISMATCH", key, shown, "analyse:", want.get(key))
print("member shares checked: %s%s; %s" % ("at least 5" if checked >= 5 else checked,
      "; hidden as analyse: %d" % hidden if hidden else "", "all equal" if not bad else "%d differ" % bad))
sys.exit(1 if bad or checked < 5 else 0)
