#!/usr/bin/python3
# One-off data preparation (Python 3, standard library only; never used by
# mtm at run time): builds data/geo/kazakhstan/ from the shared data.
#
#   scripts/geo-kazakhstan-data.py [SHARED_DATA_DIR]
#   (default $MTM_SHARED/data, else ../shared/data beside the repository)
#
# Copies, unchanged: the geokz 2024 and 2018 attribute tables and the 2024
# ADM1/ADM2 GeoJSON. Derives:
#   kaz_admin1_aliases.csv   one row per ADM1 unit (geokz KZnn P-codes):
#                            pcode, aliases_en, aliases_kk, aliases_ru, aliases
#                            from kaz_admin1_name_variants.csv, P-codes through
#                            kaz_admin1_code_crosswalk.csv (kato -> geokz_pcode).
#                            Rows whose only source is "general knowledge" are
#                            dropped; lang "en/ru-translit" goes to "aliases".
#   kaz_reform_2022.csv      pcode, level, parent, valid_from, valid_to: units only
#                            in the 2018 layer end on 2022-06-08 (the decree on the
#                            new regions came into force), units only in the 2024
#                            layer begin then. Units in both layers (same P-code)
#                            are one area and get no dates.
#   kaz_successors_2022.csv  pcode, successor, note: each 2018-only unit maps to
#                            the 2024-only unit(s) with the same English name
#                            (the rayons moved to Abai, Zhetysu and Ulytau), plus
#                            the manual entries listed in MANUAL below.
import csv
import os
import shutil
import sys

REFORM = "2022-06-08"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "geo", "kazakhstan")
SHARED = (sys.argv[1] if len(sys.argv) > 1
          else os.path.join(os.environ.get("MTM_SHARED", os.path.join(HERE, "..", "..", "shared")), "data"))
KZ = os.path.join(SHARED, "geo", "kazakhstan")

COPIES = [
    "geokz_2024/kaz_adm1_2024_attributes.csv",
    "geokz_2024/kaz_adm2_2024_attributes.csv",
    "geokz_2024/kaz_admbnda_adm1_2024.geojson",
    "geokz_2024/kaz_admbnda_adm2_2024.geojson",
    "geokz_2018/kaz_adm1_2018_attributes.csv",
    "geokz_2018/kaz_adm2_2018_attributes.csv",
]

# Successions the attribute tables cannot show (no unit of the same name).
MANUAL = {
    # Kapchagay (city administration) was renamed Konaev in 2022; in the 2024
    # layer KATO 191000 is "Konaiev" (the 2018 layer used 191000 for
    # Taldykorgan, now KZ331000 in Zhetysu). The OCHA 2023 / geokz overlap
    # crosswalk matches OCHA "Qonayev" to KZ191000 with 97.5% overlap.
    "KZ191600": ["KZ191000"],
}


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    os.makedirs(OUT, exist_ok=True)
    for c in COPIES:
        shutil.copyfile(os.path.join(KZ, c), os.path.join(OUT, os.path.basename(c)))

    # Aliases of the ADM1 units.
    pcode_of = {r["kato"]: r["geokz_pcode"] for r in read(os.path.join(KZ, "kaz_admin1_code_crosswalk.csv"))}
    cols = ["aliases_en", "aliases_kk", "aliases_ru", "aliases"]
    aliases = {}
    dropped = 0
    for r in read(os.path.join(KZ, "kaz_admin1_name_variants.csv")):
        sources = [s.strip() for s in r["source"].split(" ; ")]
        if all(s.startswith("general knowledge") for s in sources):
            dropped += 1
            continue
        col = {"en": "aliases_en", "kk": "aliases_kk", "ru": "aliases_ru"}.get(r["lang"], "aliases")
        p = pcode_of[r["kato"]]
        lst = aliases.setdefault(p, {c: [] for c in cols})[col]
        if r["variant"] not in lst:
            lst.append(r["variant"])
    write("kaz_admin1_aliases.csv", ["pcode"] + cols,
          [[p] + ["|".join(aliases[p][c]) for c in cols] for p in sorted(aliases)])

    # Validity and successors from the two layers.
    reform, succ = [], []
    for lv in (1, 2):
        old = read(os.path.join(KZ, "geokz_2018", "kaz_adm%d_2018_attributes.csv" % lv))
        new = read(os.path.join(KZ, "geokz_2024", "kaz_adm%d_2024_attributes.csv" % lv))
        pc, par = "ADM%d_PCODE" % lv, "ADM%d_PCODE" % (lv - 1)
        en = "ADM%d_EN" % lv
        A = {r[pc]: r for r in old}
        B = {r[pc]: r for r in new}
        only_old = [p for p in A if p not in B]
        only_new = [p for p in B if p not in A]
        for p in sorted(only_old):
            reform.append([p, lv, A[p][par], "", REFORM])
            targets = MANUAL.get(p) or [q for q in only_new if B[q][en] == A[p][en]]
            if not targets:
                sys.exit("no successor for %s %s: add it to MANUAL" % (p, A[p][en]))
            for q in sorted(targets):
                why = "renamed" if p in MANUAL else "moved to %s" % B[q]["ADM1_EN"]
                succ.append([p, q, "%s (2018) -> %s (2024): %s on %s" % (A[p][en], B[q][en], why, REFORM)])
        for p in sorted(only_new):
            reform.append([p, lv, B[p][par], REFORM, ""])
    write("kaz_reform_2022.csv", ["pcode", "level", "parent", "valid_from", "valid_to"], reform)
    write("kaz_successors_2022.csv", ["pcode", "successor", "note"], succ)
    print("aliases: %d units (%d general-knowledge rows dropped); reform: %d units; successors: %d"
          % (len(aliases), dropped, len(reform), len(succ)))


main()
