#!/bin/sh
# The frame benchmark: the 1,000,000-row export of bench/import_gen.py
# imported into a fresh workspace (timed: the import builds the round's
# cached columns), then, each under /usr/bin/time -v:
#   import   `mtm import` into an empty round (writes the cache too);
#   first    the first `mtm frame` after the import (every non-text column:
#            10 select_one as codes, 4 select_multiple as bitsets, 12
#            integers, 8 decimals, 4 dates and today);
#   analyse  the first `mtm analyse` (default plan) after the import;
#   cleaned  the first `mtm frame` after `mtm clean apply` of a log of 300
#            changes and 20 removals (the cache patched with those rows);
#   cl-an    the first `mtm analyse` after a second such cleaning;
#   warm     `mtm frame` again (the cache as it is);
#   decode   `mtm frame --no-cache` (every data blob decoded from SQLite).
# Each frame run is checked against the decode (same summary). The times
# are of the whole command; the results are appended to BENCHMARKS.md.
#
#   bench/frame.sh [ROWS]        (default 1000000; run from the repository)
#   MTM_BENCH_OUT=DIR            the export is generated once into DIR
#                                (default bench/out/frame-ROWS), e.g. a
#                                directory shared by several worktrees
set -eu
rows=${1:-1000000}
cd "$(dirname "$0")/.."
make --no-print-directory build/mtm >/dev/null
out=${MTM_BENCH_OUT:-bench/out/frame-$rows}
csv=$out/bench_export.csv
if [ ! -s "$csv" ]; then
  echo "generating $rows rows into $out ..." >&2
  /usr/bin/python3 bench/import_gen.py "$out" "$rows"
fi
ws=$out/bench-frame.db
measure() { # LOG
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
  mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.0f", $1 / 1024 }')
  cpu=$(sed -n 's/.*\(User\|System\) time (seconds): //p' "$1" | awk '{ s += $1 } END { printf "%.2f", s }')
  echo "$secs $mb $cpu"
}
timed() { # NAME ARGS...
  name=$1
  shift
  /usr/bin/time -v build/mtm -w "$ws" "$@" >"$out/$name.out" 2>"$out/$name.time" ||
    { cat "$out/$name.out" "$out/$name.time" >&2; exit 1; }
  measure "$out/$name.time"
}
# A cleaning log of 300 changes of n_0 (+1) and 20 removals, from row SKIP on.
cleanlog() { # SKIP FILE
  build/mtm -w "$ws" frame --form bench --round 1 --columns n_0 --format csv |
    awk -F, -v skip="$1" 'NR == 1 { print "uuid,question,old_value,new_value,reason,action"; next }
      NR > skip + 1 && $3 != "" && k < 300 { print $2 ",n_0," $3 "," $3 + 1 ",bench,change"; k++; next }
      NR > skip + 400 && r < 20 { print $2 ",,,,bench,remove"; r++ }' >"$2"
}
rm -f "$ws" "$ws-wal" "$ws-shm" "$ws-journal"
build/mtm -w "$ws" init >/dev/null
build/mtm -w "$ws" form add "$out/bench_form.md" >/dev/null
load=$(cut -d' ' -f1 /proc/loadavg)
echo "importing $rows rows (load $load) ..." >&2
set -- $(timed import import --form bench --round 1 "$csv")
imp_s=$1 imp_mb=$2 imp_cpu=$3
set -- $(timed first frame --form bench --round 1)
first_s=$1 first_mb=$2
grep -q 'from the cache' "$out/first.out" || { echo "the first load did not read the cache" >&2; exit 1; }
set -- $(timed analyse analyse --form bench --round 1)
an_s=$1 an_mb=$2
cleanlog 1000 "$out/clean1.csv"
build/mtm -w "$ws" clean apply "$out/clean1.csv" >&2
set -- $(timed cleaned frame --form bench --round 1)
cl_s=$1 cl_mb=$2
grep -q 'from the cache' "$out/cleaned.out" || { echo "the load after cleaning did not read the cache" >&2; exit 1; }
cleanlog 5000 "$out/clean2.csv"
build/mtm -w "$ws" clean apply "$out/clean2.csv" >&2
set -- $(timed clan analyse --form bench --round 1)
clan_s=$1 clan_mb=$2
set -- $(timed warm frame --form bench --round 1)
warm_s=$1 warm_mb=$2
set -- $(timed decode frame --form bench --round 1 --no-cache)
dec_s=$1 dec_mb=$2
# The cached frame and the decode agree (summaries, first line aside).
tail -n +2 "$out/warm.out" >"$out/warm.cmp"
tail -n +2 "$out/decode.out" >"$out/decode.cmp"
cmp -s "$out/warm.cmp" "$out/decode.cmp" || { echo "the cached frame differs from the decode" >&2; exit 1; }
build/mtm -w "$ws" analyse --form bench --round 1 >"$out/clan2.out"
cmp -s "$out/clan.out" "$out/clan2.out" || { echo "the analyse after cleaning changed on a second run" >&2; exit 1; }
endload=$(cut -d' ' -f1 /proc/loadavg)
head -1 "$out/warm.out" >&2
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cache_mb=$(sqlite3 "$ws" 'SELECT sum(length(blob)) / 1048576 FROM frame_cache')
nrows=$(head -1 "$out/warm.out" | sed 's/.*: \([0-9]*\) rows.*/\1/')
[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nAppended by the scripts in bench/.\n' >BENCHMARKS.md
grep -q '^## Frame cache built at import' BENCHMARKS.md || cat >>BENCHMARKS.md <<'EOF2'

## Frame cache built at import, patched after cleaning (bench/frame.sh)

bench/frame.sh since the import builds a round's cached columns and a
cleaning patches them: a fresh workspace, `mtm import` of the 1,000,000
rows x 60 columns (the cache written in the same transaction), the first
`mtm frame` and the first `mtm analyse` (default plan, 107 estimates) after
it, the first `mtm frame` after `mtm clean apply` of 300 changes and 20
removals, the first `mtm analyse` after a second such cleaning, a warm
frame and a `--no-cache` decode (its summary must equal the cached one).
Budgets: import 10 s and 1 GB; frame 1 s; analyse 2 s. Wall seconds of
the whole command; "cpu" is user + system of all threads; load is the
1-minute load average at the start and at the end (the machine is shared:
with load above 2, the 2 cores are oversubscribed and wall time grows).

| date | machine | rows after | cache MB | import s | import cpu s | import MB | first frame s | first analyse s | frame after cleaning s | analyse after cleaning s | warm s | decode s | frame MB | load |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF2
bench/table_row.sh '## Frame cache built at import' "$(printf '| %s | %s cores, %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s–%s |' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$cpu" "$nrows" "$cache_mb" "$imp_s" "$imp_cpu" "$imp_mb" \
  "$first_s" "$an_s" "$cl_s" "$clan_s" "$warm_s" "$dec_s" "$warm_mb" "$load" "$endload")"
echo "frame of $rows rows: import $imp_s s ($imp_cpu cpu s, $imp_mb MB); first frame $first_s s, first analyse $an_s s; after cleaning: frame $cl_s s, analyse $clan_s s; warm $warm_s s ($warm_mb MB); decode $dec_s s; cache $cache_mb MB (load $load-$endload)"
