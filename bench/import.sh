#!/bin/sh
# The import benchmark: a 1,000,000-row, 60-column KoBo-style CSV export into
# a fresh workspace with `mtm import`, and pandas read_csv on the same file in
# the same run, both under /usr/bin/time -v (wall time and peak memory). The
# results are appended to BENCHMARKS.md.
#
#   bench/import.sh [ROWS]        (default 1000000; run from the repository)
#
# The inputs are generated once into bench/out/ (git-ignored) by
# bench/import_gen.py with /usr/bin/python3; the budget is 10 s and 1 GB.
set -eu
rows=${1:-1000000}
cd "$(dirname "$0")/.."
scripts/deps.sh bench
make --no-print-directory build/mtm >/dev/null
out=bench/out/import-$rows
csv=$out/bench_export.csv
if [ ! -s "$csv" ]; then
  echo "generating $rows rows into $out ..." >&2
  /usr/bin/python3 bench/import_gen.py "$out" "$rows"
fi
ws=$out/bench.db
rm -f "$ws" "$ws-wal" "$ws-shm" "$ws-journal"
build/mtm -w "$ws" init >/dev/null
build/mtm -w "$ws" form add "$out/bench_form.md" >/dev/null
load=$(cut -d' ' -f1 /proc/loadavg)
# Time and peak memory from /usr/bin/time -v.
measure() { # LOG
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
  mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.0f", $1 / 1024 }')
  cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$1" | awk '{ s += $1 } END { printf "%.2f", s }')
  echo "$secs $mb $cpu"
}
/usr/bin/time -v build/mtm -w "$ws" import --form bench --round 1 "$csv" >"$out/mtm.out" 2>"$out/mtm.time" ||
  { cat "$out/mtm.out" "$out/mtm.time" >&2; exit 1; }
set -- $(measure "$out/mtm.time")
mtm_s=$1 mtm_mb=$2 mtm_cpu=$3
/usr/bin/time -v /usr/bin/python3 -c 'import sys, pandas; d = pandas.read_csv(sys.argv[1]); print(d.shape)' \
  "$csv" >"$out/pandas.out" 2>"$out/pandas.time" || { cat "$out/pandas.time" >&2; exit 1; }
set -- $(measure "$out/pandas.time")
pandas_s=$1 pandas_mb=$2 pandas_cpu=$3
cols=$(head -1 "$csv" | tr ',' '\n' | wc -l)
size=$(du -m "$csv" | cut -f1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
imported=$(grep '^imported' "$out/mtm.out")
[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nAppended by the scripts in bench/.\n' >BENCHMARKS.md
grep -q '^## Import' BENCHMARKS.md || cat >>BENCHMARKS.md <<'EOF'

## Import (bench/import.sh)

`mtm import` of a generated KoBo-style CSV (60 columns: start, end, today,
deviceid, 46 questions with selects as labels or names, integers, decimals,
dates, texts, select_multiple, and KoBo's system columns) into a fresh
workspace, and pandas `read_csv` of the same file in the same run. Budget:
1,000,000 rows in 10 s with peak memory 1 GB on 2 cores. "s" is wall time,
"cpu s" user + system time of all threads; "load" is the 1-minute load
average when the run started (the machine may be shared: with other work on
it, wall time tends to cpu time).

| date | machine | rows | columns | file MB | mtm s | mtm cpu s | mtm peak MB | pandas s | pandas cpu s | pandas peak MB | load |
|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
bench/table_row.sh '## Import' "$(printf '| %s | %s cores, %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$cpu" "$rows" "$cols" "$size" "$mtm_s" "$mtm_cpu" \
  "$mtm_mb" "$pandas_s" "$pandas_cpu" "$pandas_mb" "$load")"
echo "$imported"
echo "mtm import: $mtm_s s ($mtm_cpu s cpu), $mtm_mb MB peak; pandas read_csv: $pandas_s s ($pandas_cpu s cpu), $pandas_mb MB peak (load $load)"
