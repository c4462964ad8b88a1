"""A KoBo XLSX export of households (region, respondent's sex) with a
"members" repeat sheet (sex, age, works; 'disabled' never answered),
linked by _index/_parent_index. Seeded: the same file every run.
Arguments: the round (1 or 2), which seeds it and names its uuids."""
import random, sys, openpyxl
rnd_ = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rnd = random.Random(20261207 + rnd_)
wb = openpyxl.Workbook()
hh = wb.active
hh.title = "Households"
hh.append(["region", "sex", "hh_size", "_id", "_uuid", "__version__", "_index"])
ms = wb.create_sheet("members")
ms.append(["members/m_sex", "members/m_age", "members/m_works", "members/m_disabled", "_index",
           "_parent_table_name", "_parent_index", "_submission__uuid"])
mi = 0
for i in range(1, 61):
    region = rnd.choice(["north", "north", "south", "east"])
    sex = rnd.choice(["female", "male", "female"])
    uuid = "f000000%d-0000-4000-8000-%012d" % (rnd_, i)
    k = rnd.choice([0, 1, 2, 2, 3, 4, 5])
    hh.append([region, sex, k, 7000 + i, uuid, "v1", i])
    for _ in range(k):
        mi += 1
        msex = rnd.choice(["female", "male", "male", "female", None])
        age = rnd.randint(0, 80) if rnd.random() > 0.05 else None
        works = None if age is None or age < 15 else ("dk" if rnd.random() < 0.04 else rnd.choice(["yes", "no", "no"]))
        ms.append([msex, age, works, None, mi, "Households", i, uuid])
wb.save("export%d.xlsx" % rnd_)
