#!/usr/bin/python3
"""Generates the analysis benchmark's inputs (bench helper, not part of mtm):
an XLSForm (pyxform Markdown), a KoBo-style CSV export of ROWS respondents
and a list of the indicator questions for bench/analyse_r.R.

The survey has the "standard" indicator set of an MTM household survey:
- a design: 12 regions as strata (select_one region), 600 clusters nested in
  them (integer cluster, 50 per region), a decimal weight;
- the group questions sex (2 levels) and nationality (8 levels);
- 30 select_one questions with 2 to 12 levels; the lists of 4 or more levels
  end in "dont_know" and "refused"; every fifth question is relevant only
  when the one before it is "o1" (empty otherwise), and a few others are
  left unanswered by 2% of respondents;
- 8 select_multiple questions with 4 to 10 options (one to four ticked),
  two of them relevant only when s01 is "o1";
- 4 numeric questions: age and hh_size (integers), income (decimal, skewed:
  lognormal) and months_here (decimal, relevant only when s02 is "o1");
  5% of each unanswered.
Answers depend on region, sex and nationality, so the groups differ.
Deterministic (numpy's PCG64 with seed 7).

Writes OUT_DIR/bench_analyse.md, OUT_DIR/bench_analyse.csv and
OUT_DIR/questions.csv (kind,name,options: the questions the default plan
analyses, in form order; options of a select_multiple space-separated).

usage: analyse_gen.py OUT_DIR ROWS
"""
import os, sys
import numpy as np

out, N = sys.argv[1], int(sys.argv[2])
rng = np.random.Generator(np.random.PCG64(7))
os.makedirs(out, exist_ok=True)

H, CPH = 12, 50  # regions, clusters per region
NAT = ["kaz", "uzb", "kgz", "tjk", "rus", "afg", "tkm", "other"]
NAT_LAB = ["Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Russia", "Afghanistan",
           "Turkmenistan", "Other"]


def opts(k):
    """The choice names of a list with k levels."""
    if k < 4:
        return ["o%d" % (i + 1) for i in range(k)]
    return ["o%d" % (i + 1) for i in range(k - 2)] + ["dont_know", "refused"]


def draw(probs, idx, miss=None):
    """One level per row: probs[idx[r]] is row r's distribution; -1 where
    miss is true."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(N)
    code = (u[:, None] > cum[idx]).sum(axis=1)
    code = np.minimum(code, probs.shape[1] - 1)
    if miss is not None:
        code[miss] = -1
    return code


# the design
region = rng.integers(0, H, N)
cluster = region * CPH + rng.integers(0, CPH, N)
weight = 50 + region * 10 + rng.random(N) * 100
female = rng.random(N) < 0.4 + region * 0.02
sex = np.where(female, 0, 1)
natp = rng.dirichlet(np.ones(8) * 2, H) + np.array([3, 2, 1.5, 1, 0.6, 0.3, 0.2, 0.1]) / 8.7
nat = draw(natp, region)
cell = (region * 2 + sex) * 8 + nat  # 192 cells of region x sex x nationality

form = [("select_one region", "region", "Region", ""), ("integer", "cluster", "Cluster", ""),
        ("decimal", "weight", "Weight", ""), ("select_one sex", "sex", "Sex", ""),
        ("select_one nationality", "nationality", "Nationality", "")]
lists = {"region": [("r%02d" % i, "Region %d" % (i + 1)) for i in range(H)],
         "sex": [("female", "Female"), ("male", "Male")],
         "nationality": list(zip(NAT, NAT_LAB))}
cols = {"region": np.array(["r%02d" % i for i in range(H)])[region],
        "cluster": cluster.astype(str),
        "weight": np.char.mod("%.3f", weight),
        "sex": np.array(["female", "male"])[sex],
        "nationality": np.array(NAT)[nat]}
questions = [("one", "sex", ""), ("one", "nationality", "")]

# 30 select_one
ones = {}
for i in range(30):
    k = 2 + i % 11
    name = "s%02d" % (i + 1)
    ln = "l%d" % k
    if ln not in lists:
        lists[ln] = [(o, "Don't know" if o == "dont_know" else "Refused" if o == "refused"
                      else "Option %s" % o[1:]) for o in opts(k)]
    p = rng.gamma(2.0, 1.0, (H * 16, k))
    if k >= 4:
        p[:, -2:] *= 0.15  # don't know and refused are rare
    rel = ""
    miss = None
    if i % 5 == 4:
        prev = "s%02d" % i
        rel = "${%s} = 'o1'" % prev
        miss = ones[prev] != 0
    elif i % 7 == 3:
        miss = rng.random(N) < 0.02
    c = draw(p, cell, miss)
    ones[name] = c
    form.append(("select_one %s" % ln, name, "Question %d" % (i + 1), rel))
    cols[name] = np.where(c < 0, "", np.array(opts(k) + [""])[c])
    questions.append(("one", name, ""))

# 8 select_multiple
for j, k in enumerate([4, 5, 6, 7, 8, 9, 10, 6]):
    name = "m%d" % (j + 1)
    ln = "ml%d_%d" % (j + 1, k)
    names = ["a%d" % (i + 1) for i in range(k)]
    lists[ln] = [(x, "Answer %s" % x[1:]) for x in names]
    p = rng.beta(1.5, 4.0, (H * 16, k))
    sel = rng.random((N, k)) < p[cell]
    none = ~sel.any(axis=1)
    sel[none, rng.integers(0, k, int(none.sum()))] = True
    rel = ""
    miss = np.zeros(N, bool)
    if j in (2, 5):
        rel = "${s01} = 'o1'"
        miss = ones["s01"] != 0
    txt = np.full(N, "", dtype=object)
    for i in range(k):
        txt = np.where(sel[:, i], np.where(txt == "", names[i], txt + " " + names[i]), txt)
    txt[miss] = ""
    cols[name] = txt
    form.append(("select_multiple %s" % ln, name, "Multiple %d" % (j + 1), rel))
    questions.append(("multi", name, " ".join(names)))

# 4 numeric
age = 18 + rng.integers(0, 50, N) + 5 * female
hh = 1 + rng.geometric(0.3, N) - 1
income = rng.lognormal(11 + region * 0.05 + 0.2 * (nat == 0), 0.8, N)
months = np.round(rng.gamma(2.0, 8.0, N) * 2) / 2
for name, t, v, fmt, rel, miss in [
        ("age", "integer", age, "%d", "", None),
        ("hh_size", "integer", hh, "%d", "", None),
        ("income", "decimal", income, "%.2f", "", None),
        ("months_here", "decimal", months, "%.1f", "${s02} = 'o1'", ones["s02"] != 0)]:
    s = np.char.mod(fmt, v).astype(object)
    s[rng.random(N) < 0.05] = ""
    if miss is not None:
        s[miss] = ""
    cols[name] = s
    form.append((t, name, name.replace("_", " ").capitalize(), rel))
    questions.append(("num", name, ""))

with open(os.path.join(out, "bench_analyse.md"), "w") as f:
    f.write("| survey |\n| | type | name | label | relevant |\n")
    for t, n, l, r in form:
        f.write(f"| | {t} | {n} | {l} | {r} |\n")
    f.write("| choices |\n| | list_name | name | label |\n")
    for ln, items in lists.items():
        for n, l in items:
            f.write(f"| | {ln} | {n} | {l} |\n")
    f.write("| settings |\n| | form_id | form_title | version |\n"
            "| | bench_analyse | Analysis benchmark | v2 |\n")

with open(os.path.join(out, "questions.csv"), "w") as f:
    f.write("kind,name,options\n")
    for q in questions:
        f.write(",".join(q) + "\n")

head = [n for _, n, _, _ in form] + ["_id", "_uuid", "_submission_time", "_index"]
ids = np.arange(1, N + 1).astype(str)
cols["_id"] = ids
cols["_uuid"] = np.array(["%08x-0000-4000-8000-%012x" % (r, r) for r in range(N)])
cols["_submission_time"] = np.full(N, "2024-03-01T10:00:00")
cols["_index"] = ids
data = [cols[h].tolist() for h in head]
with open(os.path.join(out, "bench_analyse.csv"), "w", newline="") as f:
    f.write(",".join(head) + "\n")
    f.writelines(",".join(r) + "\n" for r in zip(*data))
