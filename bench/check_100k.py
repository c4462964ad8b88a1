#!/usr/bin/python3
"""Times `mtm check` on 100,000 submissions of the check fixture form.
Usage: bench/check_100k.py [MTM] [N]. The submissions are imported from a
generated KoBo-style CSV with `mtm import`; only the check is timed."""
import os, random, subprocess, sys, tempfile, time

mtm = sys.argv[1] if len(sys.argv) > 1 else "build/mtm"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
d = tempfile.mkdtemp()
ws = os.path.join(d, "ws.db")
subprocess.run([mtm, "-w", ws, "init"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([mtm, "-w", ws, "round", "add", "1"], check=True, stdout=subprocess.DEVNULL)
subprocess.run([mtm, "-w", ws, "form", "add", "tests/fixtures/check/chk_form.xlsx"], check=True,
               stdout=subprocess.DEVNULL)
subprocess.run([mtm, "-w", ws, "criteria", "add", "--form", "chk", "${age} >= 18"], check=True,
               stdout=subprocess.DEVNULL)


# A KoBo-style export of the fixture form, imported through `mtm import`
# like any user's file (the import itself is timed by bench/import.sh).
rnd = random.Random(1)
csv_path = os.path.join(d, "export.csv")
with open(csv_path, "w", encoding="utf-8") as f:
    f.write("start,end,deviceid,consent,age,work/job,sex,oblast,hh_size,nationality,_uuid\n")
    for i in range(n):
        m = rnd.randint(5, 59)
        vals = ["2026-01-10T08:00:00Z", "2026-01-10T08:%02d:00Z" % m, "d%d" % (i % 50),
                rnd.choice(["yes", "yes", "yes", "no"]), str(rnd.randint(15, 70)),
                rnd.choice(["driver", "cook", "nurse", "", "farmer"]),
                rnd.choice(["female", "male", ""]), rnd.choice(["Karagandy", "Almaty"]),
                str(rnd.randint(1, 9) if i % 500 else 60), rnd.choice(["UZB", "TJK", "KAZ", "Uzbek"]),
                "u%06d" % i]
        f.write(",".join(vals) + "\n")
subprocess.run([mtm, "-w", ws, "import", "--form", "chk", "--round", "1", "--keep-going", csv_path],
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t = time.time()
p = subprocess.run([mtm, "-w", ws, "check", "--form", "chk", "--round", "1", "--format", "csv"],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
dt = time.time() - t
lines = p.stdout.count(b"\n") - 1
print("mtm check: %d submissions, %d findings, exit %d, %.2f s" % (n, lines, p.returncode, dt))
