#!/usr/bin/python3
"""Generates the import benchmark's inputs (test helper, not part of mtm):
a 46-question XLSForm in pyxform Markdown and a KoBo-style CSV export of it
with 60 columns: start/end/today/deviceid, the questions (selects written as
labels or names, integers, decimals, dates, texts, select_multiple) and
KoBo's system columns (_id, _uuid, _submission_time, __version__, ...).

usage: import_gen.py OUT_DIR ROWS
"""
import os, random, sys, uuid, datetime

out, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
os.makedirs(out, exist_ok=True)

regions = ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Atyrau", "Pavlodar", "Kostanay"]
yesno = [("yes", "Yes"), ("no", "No"), ("dk", "Don't know")]
sectors = [("agri", "Agriculture"), ("constr", "Construction"), ("trade", "Trade"),
           ("services", "Services"), ("transport", "Transport"), ("other", "Other")]
langs = [("kazakh", "Kazakh"), ("russian", "Russian"), ("english", "English"), ("uzbek", "Uzbek"),
         ("kyrgyz", "Kyrgyz"), ("tajik", "Tajik")]
needs = [("food", "Food"), ("shelter", "Shelter"), ("health", "Health"), ("work", "Work"),
         ("documents", "Documents"), ("education", "Education")]

# (name, type, list, group, label)
qs = []
for i in range(5):
    qs.append((f"s1_{i}", "select_one", "yesno", "profile", f"Question yes/no {i}"))
for i in range(3):
    qs.append((f"s2_{i}", "select_one", "sector", "work", f"Sector {i}"))
qs.append(("region", "select_one", "region", "profile", "Region"))
qs.append(("sex", "select_one", "sex", "profile", "Sex"))
for i in range(4):
    qs.append((f"m_{i}", "select_multiple", ["lang", "need"][i % 2], "", f"Multiple {i}"))
for i in range(12):
    qs.append((f"n_{i}", "integer", None, "work" if i < 6 else "", f"Count {i}"))
for i in range(8):
    qs.append((f"d_{i}", "decimal", None, "", f"Amount {i}"))
for i in range(4):
    qs.append((f"dt_{i}", "date", None, "", f"Date {i}"))
for i in range(8):
    qs.append((f"t_{i}", "text", None, "", f"Text {i}"))
assert len(qs) == 46

lists = {"yesno": yesno, "sector": sectors, "lang": langs, "need": needs,
         "region": [(r.lower(), r) for r in regions], "sex": [("female", "Female"), ("male", "Male")]}

with open(os.path.join(out, "bench_form.md"), "w") as f:
    f.write("| survey |\n| | type | name | label |\n")
    f.write("| | start | start | |\n| | end | end | |\n| | today | today | |\n| | deviceid | deviceid | |\n")
    for grp in ["profile", "work", ""]:
        if grp:
            f.write(f"| | begin_group | {grp} | {grp.title()} |\n")
        for name, typ, lst, g, label in qs:
            if g == grp:
                f.write(f"| | {typ}{' ' + lst if lst else ''} | {name} | {label} |\n")
        if grp:
            f.write(f"| | end_group | {grp} | |\n")
    f.write("| choices |\n| | list_name | name | label |\n")
    for ln, items in lists.items():
        for n, l in items:
            f.write(f"| | {ln} | {n} | {l} |\n")
    f.write("| settings |\n| | form_id | form_title | version |\n| | bench | Benchmark | v1 |\n")

order = [q for grp in ["profile", "work", ""] for q in qs if q[3] == grp]
head = ["start", "end", "today", "deviceid"]
head += [(q[3] + "/" if q[3] else "") + q[0] for q in order]
head += ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
         "_submitted_by", "__version__", "_tags", "_index"]
assert len(head) == 60, len(head)

words = ["market", "bazaar", "family", "work", "river", "city", "road", "bus", "school", "doctor"]
base = datetime.datetime(2024, 3, 1, 8, 0, 0)

def q(s):
    return '"' + s.replace('"', '""') + '"' if (',' in s or '"' in s or '\n' in s) else s

with open(os.path.join(out, "bench_export.csv"), "w", newline="") as f:
    f.write(",".join(head) + "\n")
    for r in range(rows):
        t0 = base + datetime.timedelta(seconds=r * 17 % 5000000)
        cells = [t0.strftime("%Y-%m-%dT%H:%M:%S.000+06:00"),
                 (t0 + datetime.timedelta(minutes=12 + r % 30)).strftime("%Y-%m-%dT%H:%M:%S.000+06:00"),
                 t0.strftime("%Y-%m-%d"), "collect:%012d" % (r % 5000)]
        for name, typ, lst, g, label in order:
            if typ == "select_one":
                c = rnd.choice(lists[lst])
                cells.append(c[1] if r % 2 else c[0])  # labels on odd rows, names on even
            elif typ == "select_multiple":
                k = rnd.sample(lists[lst], rnd.randint(1, 3))
                cells.append(" ".join(x[0] for x in k))
            elif typ == "integer":
                cells.append(str(rnd.randint(0, 120)) if rnd.random() > 0.05 else "")
            elif typ == "decimal":
                cells.append("%.2f" % (rnd.random() * 100000))
            elif typ == "date":
                cells.append((base - datetime.timedelta(days=rnd.randint(0, 3000))).strftime("%Y-%m-%d"))
            else:
                cells.append(q(" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 4)))))
        u = uuid.UUID(int=rnd.getrandbits(128), version=4)
        cells += [str(100000 + r), str(u), (t0 + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                  "", "[]", "submitted_via_web", "", "v1", "[]", str(r + 1)]
        f.write(",".join(cells) + "\n")
