#!/bin/sh
# Loads the bundled Kazakhstan gazetteer (data/geo/kazakhstan) into a
# workspace through the real command, in this order:
#   1. the 2018 (pre-reform) ADM1 and ADM2 attribute tables: KZ (level 0),
#      17 regions, 216 rayons;
#   2. the 2024 ADM1 and ADM2 GeoJSON: the same P-codes are updated (their
#      2024 names become canonical, the 2018 ones stay as aliases, e.g.
#      Nur-Sultan), new units are added, boundaries are stored;
#   3. kaz_reform_2022.csv: validity dates around 2022-06-08;
#   4. kaz_successors_2022.csv: which 2024 unit took over each 2018-only one;
#   5. kaz_admin1_aliases.csv: spelling variants of the regions;
#   6. kaz_names_ru.csv: official Russian names where geokz's differ
#      (Шымкент, not Чимкент; typos); the geokz names stay as aliases.
# usage: scripts/demo-gazetteer.sh MTM WORKSPACE [DATA_DIR]
set -e
mtm=${1:?usage: scripts/demo-gazetteer.sh MTM WORKSPACE [DATA_DIR]}
ws=${2:?usage: scripts/demo-gazetteer.sh MTM WORKSPACE [DATA_DIR]}
d=${3:-$(dirname "$0")/../data/geo/kazakhstan}
"$mtm" -w "$ws" areas import \
  "$d/kaz_adm1_2018_attributes.csv" \
  "$d/kaz_adm2_2018_attributes.csv" \
  "$d/kaz_admbnda_adm1_2024.geojson" \
  "$d/kaz_admbnda_adm2_2024.geojson" \
  "$d/kaz_reform_2022.csv" \
  "$d/kaz_successors_2022.csv" \
  "$d/kaz_admin1_aliases.csv" \
  "$d/kaz_names_ru.csv"
