#!/bin/sh
# The analysis benchmark: bench/analyse_gen.py's survey of N respondents (12
# regions as strata, 600 clusters, weights; the standard indicator set of 30
# select_one, 8 select_multiple and 4 numeric questions, with sex and
# nationality as groups) imported once into a workspace, then `mtm analyse`
# of the default plan with --weight weight --strata region --cluster
# cluster, overall only ("all") and --by sex,nationality ("by": overall, by
# sex and by nationality), under /usr/bin/time -v: "cold" once, the first
# run after a fresh import into a new workspace (the import builds the
# round's cached columns; until 2026-11-25T02:45Z "cold" dropped the cache
# first, so decoded the round and wrote the cache), "warm" reading the
# cache, best of three (and its CPU seconds), and the warm "by" again
# on one thread (MTM_ANALYSE_THREADS=1), whose output must be identical to
# the threaded and the cold one. In the same run R's survey package (bench/analyse_r.R)
# computes the same indicator set (svymean of every factor, multi-select
# option and numeric, svyquantile medians, each overall and svyby by sex and
# by nationality) on the same export, and bench/analyse_compare.py checks
# that every row R computes agrees with mtm's (stat 1e-9, SE 1e-6
# relative); a disagreement stops the script. R runs for N <= R_MAX
# (default 100000: R takes about 6 minutes at 1,000,000, so the issue
# compares at 100,000) under an R_TIMEOUT-second timeout (default 900).
# The speed-up is R's seconds (reading the CSV included, R's start
# excluded) over mtm's warm "by" seconds (the whole command). Results are
# appended to BENCHMARKS.md.
#
#   bench/analyse.sh [N ...]     (default 100000 1000000; run from the repository)
#   R_MAX=1000000 bench/analyse.sh 1000000     (R at 1,000,000 too)
#   MTM_BENCH_OUT=DIR            the surveys are generated once into DIR/analyse-N
#                                (default bench/out), e.g. shared by worktrees
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 100000 1000000
R_MAX=${R_MAX:-100000}
R_TIMEOUT=${R_TIMEOUT:-900}
make --no-print-directory build/mtm >/dev/null
measure() { # LOG
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nAppended by the scripts in bench/.\n' >BENCHMARKS.md
grep -q '^### Standard indicator set' BENCHMARKS.md || cat >>BENCHMARKS.md <<'EOF2'

### Standard indicator set (bench/analyse.sh)

`mtm analyse` of the default plan on bench/analyse_gen.py's survey: 12
regions as strata, 600 clusters, weights; 30 select_one questions (2 to 12
levels, "dont_know" and "refused" among them, six of them relevant only
after an answer and four with 2% unanswered), 8 select_multiple (4 to 10
options), 4 numeric (two integers, a skewed decimal and a decimal relevant
only after an answer), sex and nationality (8 levels): shares, options,
means and medians, each with its Taylor-linearised SE, CI, deff and n,
with `--weight weight --strata region --cluster cluster`. "all" is overall
only, "by" is `--by sex,nationality` (overall, by sex and by nationality
in one command). Times are wall seconds of the whole command (process
start, workspace open and frame load included); "cold" is the first run
after a fresh import (one run; until 2026-11-25T02:45Z it dropped the
frame cache first), "warm" reads the cache (best of three, the machine
being shared); "CPU" is the user plus system seconds of that best warm "by"
run, which other work on the machine inflates much less than the wall
time; "1 thread" is the warm "by" with MTM_ANALYSE_THREADS=1, whose output
must be byte-identical to the threaded one. "MB" is the peak resident
memory of the warm "by". R is R's survey package computing the
same indicators (svymean of every factor, option and numeric, svyquantile
medians, overall and svyby by sex and by nationality) on the same export
in the same run, reading the CSV included, at 100,000 respondents (about
6 minutes at 1,000,000: `R_MAX=1000000` runs it there too); "speed-up" is
R over mtm's warm "by"; "agree" is bench/analyse_compare.py: the number of
R rows compared (every one must have its mtm row) and the largest
relative differences of the estimates and SEs (the script fails above
1e-9 and 1e-6). "load" is the 1-minute load average before mtm's runs and
before R's.

| date | machine | N | rows out | all cold s | all warm s | by cold s | by warm s | by warm CPU s | by warm 1 thread s | by warm MB | R s | speed-up | agree | load |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
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
      --strata region --cluster cluster "$@" >"$out/$name.csv" 2>"$out/$name.time" ||
      { cat "$out/$name.time" >&2; exit 1; }
    measure "$out/$name.time"
  }
  cpu() { # LOG: user + system seconds
    awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"
  }
  best3() { # NAME ARGS...: the best of three warm runs (its log copied to NAME.best)
    name=$1
    shift
    b=$(run "$name" "$@")
    cp "$out/$name.time" "$out/$name.best"
    for k in 2 3; do
      t=$(run "$name-$k" "$@")
      if awk -v a="$b" -v t="$t" 'BEGIN { exit !(t < a) }'; then
        b=$t
        cp "$out/$name-$k.time" "$out/$name.best"
      fi
    done
    echo "$b"
  }
  fresh
  all_cold=$(run all-cold)
  all_warm=$(best3 all-warm)
  fresh
  by_cold=$(run by-cold --by sex,nationality)
  by_warm=$(best3 by-warm --by sex,nationality)
  by_one=$(export MTM_ANALYSE_THREADS=1; best3 by-warm1 --by sex,nationality)
  cmp -s "$out/by-warm.csv" "$out/by-warm1.csv" ||
    { echo "the threaded and the one-thread results differ" >&2; exit 1; }
  cmp -s "$out/by-warm.csv" "$out/by-cold.csv" ||
    { echo "the cold and the warm results differ" >&2; exit 1; }
  by_cpu=$(cpu "$out/by-warm.best")
  mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/by-warm.best" |
    awk '{ printf "%.0f", $1 / 1024 }')
  rows_out=$(($(wc -l <"$out/by-warm.csv") - 1))
  echo "mtm analyse $n: overall cold $all_cold s warm $all_warm s; by sex,nationality cold $by_cold s warm $by_warm s (CPU $by_cpu s; 1 thread $by_one s; $mb MB; $rows_out rows)" >&2
  r_s="not run (N > R_MAX=$R_MAX)" speed="–" agree="–"
  if [ "$n" -le "$R_MAX" ]; then
    load="$load, $(cut -d' ' -f1 /proc/loadavg)"
    echo "R survey on $n respondents ($R_TIMEOUT s timeout) ..." >&2
    if r=$(timeout "$R_TIMEOUT" Rscript bench/analyse_r.R "$csv" "$out/questions.csv" "$out/r.csv"); then
      r_s=$r
      speed=$(awk -v r="$r" -v m="$by_warm" 'BEGIN { printf "%.0fx", r / m }')
      agree=$(/usr/bin/python3 bench/analyse_compare.py "$out/by-warm.csv" "$out/r.csv") ||
        { echo "mtm and R disagree: $agree" >&2; exit 1; }
      echo "R $r_s s; speed-up $speed; $agree" >&2
      agree=$(echo "$agree" | sed 's/^compared \([0-9]*\) rows.*max rel diff /\1 rows: /')
    else
      r_s="not run: over $R_TIMEOUT s"
    fi
  fi
  bench/table_row.sh '### Standard indicator set' "$(printf '| %s | %s cores, %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$model" "$n" "$rows_out" "$all_cold" "$all_warm" \
    "$by_cold" "$by_warm" "$by_cpu" "$by_one" "$mb" "$r_s" "$speed" "$agree" "$load")"
done
