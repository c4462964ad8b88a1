#!/usr/bin/python3
"""Generates the analysis benchmark's inputs (bench helper, not part of mtm):
an XLSForm (pyxform Markdown) and a KoBo-style CSV export of ROWS respondents
with a design: 10 strata (select_one stratum), 500 clusters nested in them
(integer cluster, 50 per stratum), a decimal weight, 5 select_one questions
(sex, the group variable, among them), 2 select_multiple and 3 numeric
questions (2 integers, 1 decimal, 5% missing).

usage: analyse_gen.py OUT_DIR ROWS
"""
import os, random, sys

out, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
os.makedirs(out, exist_ok=True)

lists = {
    "stratum": [("st%02d" % i, "Stratum %d" % i) for i in range(10)],
    "sex": [("female", "Female"), ("male", "Male")],
    "yesno": [("yes", "Yes"), ("no", "No"), ("dk", "Don't know"), ("refused", "Refused")],
    "sector": [("agri", "Agriculture"), ("constr", "Construction"), ("trade", "Trade"),
               ("services", "Services"), ("transport", "Transport"), ("other", "Other")],
    "need": [("food", "Food"), ("shelter", "Shelter"), ("health", "Health"), ("work", "Work"),
             ("documents", "Documents"), ("education", "Education")],
}
ones = [("sex", "sex"), ("contract", "yesno"), ("registered", "yesno"), ("sector", "sector"),
        ("plans", "yesno")]
multis = [("needs", "need"), ("langs", "sector")]
nums = [("age", "integer"), ("hh_size", "integer"), ("income", "decimal")]

with open(os.path.join(out, "bench_analyse.md"), "w") as f:
    f.write("| survey |\n| | type | name | label |\n")
    f.write("| | select_one stratum | stratum | Stratum |\n")
    f.write("| | integer | cluster | Cluster |\n")
    f.write("| | decimal | weight | Weight |\n")
    for n, l in ones:
        f.write(f"| | select_one {l} | {n} | {n.title()} |\n")
    for n, l in multis:
        f.write(f"| | select_multiple {l} | {n} | {n.title()} |\n")
    for n, t in nums:
        f.write(f"| | {t} | {n} | {n.title()} |\n")
    f.write("| choices |\n| | list_name | name | label |\n")
    for ln, items in lists.items():
        for n, l in items:
            f.write(f"| | {ln} | {n} | {l} |\n")
    f.write("| settings |\n| | form_id | form_title | version |\n| | bench_analyse | Analysis benchmark | v1 |\n")

head = ["stratum", "cluster", "weight"] + [n for n, _ in ones] + [n for n, _ in multis] + \
       [n for n, _ in nums] + ["_id", "_uuid", "_submission_time", "_index"]
with open(os.path.join(out, "bench_analyse.csv"), "w", newline="") as f:
    f.write(",".join(head) + "\n")
    for r in range(rows):
        h = rnd.randrange(10)
        cl = h * 50 + rnd.randrange(50)
        cells = ["st%02d" % h, str(cl), "%.3f" % (50 + h * 10 + rnd.random() * 100)]
        female = rnd.random() < 0.4 + h * 0.02
        for n, l in ones:
            if n == "sex":
                cells.append("female" if female else "male")
            else:
                w = [3 + (h % 3), 2, 1, 0.3] if l == "yesno" else [1 + (cl % 5 == i) for i in range(6)]
                cells.append(rnd.choices(lists[l], w)[0][0])
        for n, l in multis:
            k = rnd.sample(lists[l], rnd.randint(1, 3))
            cells.append(" ".join(x[0] for x in k))
        for n, t in nums:
            if rnd.random() < 0.05:
                cells.append("")
            elif n == "age":
                cells.append(str(18 + int(rnd.random() * 50) + (5 if female else 0)))
            elif n == "hh_size":
                cells.append(str(1 + int(rnd.expovariate(0.3))))
            else:
                cells.append("%.2f" % (rnd.lognormvariate(11 + h * 0.05, 0.6)))
        cells += [str(r + 1), "%08x-0000-4000-8000-%012x" % (r, r), "2024-03-01T10:00:00", str(r + 1)]
        f.write(",".join(cells) + "\n")
