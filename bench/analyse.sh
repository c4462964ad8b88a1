#!/bin/sh
# The analysis benchmark: bench/analyse_gen.py's survey of N respondents (10
# strata, 500 clusters, weights; 5 select_one, 2 select_multiple, 3 numeric
# questions) imported once into a workspace, then `mtm analyse` of the
# default plan with --weight weight --strata stratum --cluster cluster,
# overall and --by sex, each run twice under /usr/bin/time -v: "cold" the
# first run after a fresh import into a new workspace (the import builds
# the round's cached columns; until 2026-11-25 "cold" dropped the cache
# first, so decoded the round and wrote the cache), "warm" the second. In the same run R's survey package (bench/analyse_r.R) computes
# the same indicator set (svymean of every factor, multi-select option and
# numeric, svyby by sex, svyquantile medians) on the same export, and
# bench/analyse_compare.py checks that the numbers agree (stat 1e-9, SE 1e-6
# relative). R runs for N <= R_MAX (default 1000000) under an 8-minute
# timeout; above it, or on a timeout, the table says so. The speed-up is R's
# seconds (reading the CSV included, R's start excluded) over mtm's warm
# --by sex seconds (the whole command). Results are appended to BENCHMARKS.md.
#
#   bench/analyse.sh [N ...]     (default 100000 1000000; run from the repository)
#   MTM_BENCH_OUT=DIR            the surveys are generated once into DIR/analyse-N
#                                (default bench/out), e.g. shared by worktrees
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 100000 1000000
R_MAX=${R_MAX:-1000000}
make --no-print-directory build/mtm >/dev/null
measure() { # LOG
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nAppended by the scripts in bench/.\n' >BENCHMARKS.md
grep -q '^## Analyse' BENCHMARKS.md || cat >>BENCHMARKS.md <<'EOF2'

## Analyse (bench/analyse.sh)

`mtm analyse` of the default plan on bench/analyse_gen.py's survey (10
strata, 500 clusters, weights; 5 select_one, 2 select_multiple, 3 numeric
questions: shares, multi-select options, means and medians, each with its
Taylor-linearised SE, CI, deff and n) with `--weight --strata --cluster`,
overall ("all") and `--by sex` ("by"). Times are wall seconds of the whole
command; "cold" drops the frame cache first (the round's blobs decoded and
the cache written), "warm" reads it. R is R's survey package computing the
same indicators (svymean, svyby by sex, svyquantile) on the same export in
the same run, reading the CSV included; "speed-up" is R over mtm's warm
`--by sex`; "agree" is bench/analyse_compare.py's largest relative
difference of the estimates and SEs over the rows both compute.

| date | machine | N | rows out | all cold s | all warm s | by cold s | by warm s | R s | speed-up | agree | load |
|---|---|---|---|---|---|---|---|---|---|---|---|
EOF2
for n in "$@"; do
  out=${MTM_BENCH_OUT:-bench/out}/analyse-$n
  csv=$out/bench_analyse.csv
  if [ ! -s "$csv" ]; then
    echo "generating $n respondents into $out ..." >&2
    /usr/bin/python3 bench/analyse_gen.py "$out" "$n"
  fi
  ws=$out/bench.db
  fresh() { # a new workspace with the survey imported
    rm -f "$ws" "$ws-wal" "$ws-shm" "$ws-journal"
    build/mtm -w "$ws" init >/dev/null
    build/mtm -w "$ws" form add "$out/bench_analyse.md" >/dev/null
    echo "importing $n respondents ..." >&2
    build/mtm -w "$ws" import --form bench_analyse --round 1 "$csv" >/dev/null
  }
  load=$(cut -d' ' -f1 /proc/loadavg)
  run() { # NAME ARGS...
    name=$1
    shift
    /usr/bin/time -v build/mtm -w "$ws" analyse --form bench_analyse --round 1 --weight weight \
      --strata stratum --cluster cluster "$@" >"$out/$name.csv" 2>"$out/$name.time" ||
      { cat "$out/$name.time" >&2; exit 1; }
    measure "$out/$name.time"
  }
  fresh
  all_cold=$(run all-cold)
  all_warm=$(run all-warm)
  fresh
  by_cold=$(run by-cold --by sex)
  by_warm=$(run by-warm --by sex)
  rows_out=$(($(wc -l <"$out/by-warm.csv") - 1))
  echo "mtm analyse $n: overall cold $all_cold s warm $all_warm s; by sex cold $by_cold s warm $by_warm s ($rows_out rows)" >&2
  r_s="not run (N > R_MAX=$R_MAX)" speed="–" agree="–"
  if [ "$n" -le "$R_MAX" ]; then
    echo "R survey on $n respondents (8-minute timeout) ..." >&2
    if r=$(timeout 480 Rscript bench/analyse_r.R "$csv" "$out/r.csv"); then
      r_s=$r
      speed=$(awk -v r="$r" -v m="$by_warm" 'BEGIN { printf "%.0fx", r / m }')
      agree=$(/usr/bin/python3 bench/analyse_compare.py "$out/by-warm.csv" "$out/r.csv") ||
        { echo "mtm and R disagree: $agree" >&2; exit 1; }
      echo "R $r_s s; speed-up $speed; $agree" >&2
      agree=$(echo "$agree" | sed 's/.*max rel diff //')
    else
      r_s="not run: over 8 minutes"
    fi
  fi
  bench/table_row.sh '## Analyse' "$(printf '| %s | %s cores, %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$cpu" "$n" "$rows_out" "$all_cold" "$all_warm" \
    "$by_cold" "$by_warm" "$r_s" "$speed" "$agree" "$load")"
done
