#!/usr/bin/python3
"""Times `mtm check` on 100,000 submissions of the check fixture form.
Usage: bench/check_100k.py [MTM] [N]. The submissions are written straight
into the workspace (mtm_record blobs), so only the check is timed."""
import os, random, sqlite3, subprocess, sys, tempfile, time

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


def varint(v):
    out = bytearray()
    while True:
        c = v & 0x7f
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def record(vals):
    b = bytearray()
    for v in vals:
        if v is None:
            b += varint(0)
        else:
            e = v.encode()
            b += varint(len(e) + 1) + e
    return bytes(b)


rnd = random.Random(1)
db = sqlite3.connect(ws)
fid = db.execute("SELECT id FROM forms WHERE form_id='chk'").fetchone()[0]
rows = []
for i in range(n):
    m = rnd.randint(5, 59)
    vals = ["2026-01-10T08:00:00Z", "2026-01-10T08:%02d:00Z" % m, "d%d" % (i % 50),
            rnd.choice(["yes", "yes", "yes", "no"]), str(rnd.randint(15, 70)),
            rnd.choice(["driver", "cook", "nurse", "", "farmer"]), rnd.choice(["female", "male", None]),
            rnd.choice(["Karagandy", "Almaty"]), str(rnd.randint(1, 9) if i % 500 else 60),
            rnd.choice(["UZB", "TJK", "KAZ", "Uzbek"])]
    blob = record(vals)
    rows.append((fid, 1, "u%06d" % i, "1", blob, blob))
db.executemany("INSERT INTO submissions(form, round, uuid, version, raw, data) VALUES (?,?,?,?,?,?)", rows)
db.commit()
db.close()
t = time.time()
p = subprocess.run([mtm, "-w", ws, "check", "--form", "chk", "--round", "1", "--format", "csv"],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
dt = time.time() - t
lines = p.stdout.count(b"\n") - 1
print("mtm check: %d submissions, %d findings, exit %d, %.2f s" % (n, lines, p.returncode, dt))
