#!/bin/sh
# The frame benchmark: the 1,000,000-row export of bench/import_gen.py
# imported once into a workspace, then `mtm frame` (every non-text column:
# 10 select_one as codes, 4 select_multiple as bitsets, 12 integers, 8
# decimals, 4 dates and today as doubles with missing masks) timed three
# ways under /usr/bin/time -v:
#   decode  --no-cache: every data blob decoded from SQLite, cache untouched;
#   cold    the cache dropped first: decode and write the cache;
#   warm    the cache read (the fast path every computation takes).
# The times are of the whole command (process start, form parsing, the
# summary's missing counts included). The results are appended to
# BENCHMARKS.md.
#
#   bench/frame.sh [ROWS]        (default 1000000; run from the repository)
set -eu
rows=${1:-1000000}
cd "$(dirname "$0")/.."
make --no-print-directory build/mtm >/dev/null
out=bench/out/frame-$rows
csv=$out/bench_export.csv
if [ ! -s "$csv" ]; then
  echo "generating $rows rows into $out ..." >&2
  /usr/bin/python3 bench/import_gen.py "$out" "$rows"
fi
ws=$out/bench.db
if [ ! -s "$ws" ] || [ "$(sqlite3 "$ws" 'PRAGMA user_version')" != 7 ]; then
  rm -f "$ws" "$ws-wal" "$ws-shm" "$ws-journal"
  build/mtm -w "$ws" init >/dev/null
  build/mtm -w "$ws" form add "$out/bench_form.md" >/dev/null
  echo "importing $rows rows ..." >&2
  build/mtm -w "$ws" import --form bench --round 1 "$csv" >/dev/null
fi
measure() { # LOG
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
  mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.0f", $1 / 1024 }')
  echo "$secs $mb"
}
run() { # NAME ARGS...
  name=$1
  shift
  /usr/bin/time -v build/mtm -w "$ws" frame --form bench --round 1 "$@" >"$out/$name.out" \
    2>"$out/$name.time" || { cat "$out/$name.out" "$out/$name.time" >&2; exit 1; }
  measure "$out/$name.time"
}
load=$(cut -d' ' -f1 /proc/loadavg)
set -- $(run decode --no-cache)
dec_s=$1 dec_mb=$2
sqlite3 "$ws" 'DELETE FROM frame_cache'
set -- $(run cold)
cold_s=$1 cold_mb=$2
set -- $(run warm)
warm_s=$1 warm_mb=$2
set -- $(run warm2)
warm2_s=$1
head -1 "$out/warm.out" >&2
grep -q 'from the cache' "$out/warm.out" || { echo "the warm run did not read the cache" >&2; exit 1; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cache_mb=$(sqlite3 "$ws" 'SELECT sum(length(blob)) / 1048576 FROM frame_cache')
cols=$(head -1 "$out/warm.out" | sed 's/.* rows, \([0-9]*\) columns.*/\1/')
[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nAppended by the scripts in bench/.\n' >BENCHMARKS.md
grep -q '^## Frame' BENCHMARKS.md || cat >>BENCHMARKS.md <<'EOF2'

## Frame (bench/frame.sh)

`mtm frame` on the import benchmark's workspace (bench/import_gen.py, one
round): every non-text column (10 select_one as dictionary codes, 4
select_multiple as bitsets, 12 integers, 8 decimals, 4 dates and `today`
as doubles with missing masks, 39 columns). Budget: 1,000,000 rows loaded
in 1 s on 2 cores. "decode" reads every data blob from SQLite (--no-cache);
"cold" drops the cache first, so decodes and writes it; "warm" reads the
cached columns (two runs). Times are wall seconds of the whole command,
process start and the summary included; "MB" is peak memory.

| date | machine | rows | columns | cache MB | decode s | decode MB | cold s | cold MB | warm s | warm s (again) | warm MB | load |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF2
printf '| %s | %s cores, %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$cpu" "$rows" "$cols" "$cache_mb" "$dec_s" "$dec_mb" \
  "$cold_s" "$cold_mb" "$warm_s" "$warm2_s" "$warm_mb" "$load" >>BENCHMARKS.md
echo "frame of $rows rows, $cols columns: decode $dec_s s ($dec_mb MB), cold $cold_s s ($cold_mb MB), warm $warm_s s / $warm2_s s ($warm_mb MB); cache $cache_mb MB (load $load)"
