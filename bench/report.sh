#!/bin/sh
# The report benchmark: `mtm report` on the demo workspace (built once with
# `mtm demo --out bench/out/report/demo`), Round 2 compared with Round 1,
# English, HTML and PDF together, RUNS times (default 5) under
# /usr/bin/time -v. Each run writes into a fresh folder. Prints and appends
# to BENCHMARKS.md (section "Report") the median, fastest and slowest wall
# seconds of the whole command and the peak memory of all runs. Budget:
# 5 s on 2 cores.
#
#   bench/report.sh [RUNS]       (run from the repository, or via bench/run.sh)
set -eu
runs=${1:-5}
cd "$(dirname "$0")/.."
make --no-print-directory build/mtm >/dev/null
out=bench/out/report
demo=$out/demo
ws=$demo/mtm-demo.db
# The demo is rebuilt when the binary is newer than its workspace.
if [ ! -s "$ws" ] || [ build/mtm -nt "$ws" ]; then
  rm -rf "$demo"
  mkdir -p "$out"
  echo "building the demo workspace into $demo ..." >&2
  build/mtm demo --out "$demo" >"$out/demo.log" 2>&1 || { cat "$out/demo.log" >&2; exit 1; }
fi
measure() { # LOG: prints "SECONDS MB"
  secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
  mb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.0f", $1 / 1024 }')
  echo "$secs $mb"
}
load=$(cut -d' ' -f1 /proc/loadavg)
: >"$out/runs.txt"
i=1
while [ "$i" -le "$runs" ]; do
  dir=$out/run$i
  rm -rf "$dir"
  /usr/bin/time -v build/mtm -w "$ws" report --round 2 --lang en --out "$dir" >"$out/run$i.out" \
    2>"$out/run$i.time" || { cat "$out/run$i.out" "$out/run$i.time" >&2; exit 1; }
  for f in report.html report.pdf; do
    [ -s "$dir/$f" ] || { echo "run $i wrote no $dir/$f" >&2; exit 1; }
  done
  measure "$out/run$i.time" >>"$out/runs.txt"
  i=$((i + 1))
done
# Median (the middle run, or the mean of the two middle ones), fastest,
# slowest, and the largest peak memory.
set -- $(sort -n "$out/runs.txt" | awk '{ s[NR] = $1; if ($2 > mb) mb = $2 }
  END { m = (NR % 2) ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2
        printf "%.2f %.2f %.2f %d\n", m, s[1], s[NR], mb }')
med=$1 fast=$2 slow=$3 mb=$4
last=$out/run$runs
pages=$(pdfinfo "$last/report.pdf" | sed -n 's/^Pages: *//p')
html_kb=$(($(wc -c <"$last/report.html") / 1024))
pdf_kb=$(($(wc -c <"$last/report.pdf") / 1024))
nsvg=$(find "$last/figures" -name '*.svg' 2>/dev/null | wc -l)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | awk '{ print $1, $2 }')
verdict=within
awk -v m="$med" 'BEGIN { exit !(m <= 5) }' || verdict=OVER
row=$(printf '| %s | %s cores, %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$cpu" "$runs" "$med" "$fast" "$slow" "$mb" \
  "$pages" "$nsvg" "$html_kb" "$pdf_kb" "$load")
[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nAppended by the scripts in bench/.\n' >BENCHMARKS.md
grep -q '^## Report' BENCHMARKS.md || cat >>BENCHMARKS.md <<'EOF2'

## Report (bench/report.sh)

`mtm report --round 2 --lang en --out DIR` on the demo workspace (`mtm demo`:
two survey rounds, Round 2 compared with Round 1, the baseline and its
maps): HTML, PDF, figures and data together, each run into a fresh folder.
Budget: 5 s on 2 cores. Times are wall seconds of the whole command
(median, fastest and slowest of the runs); "MB" is the largest peak memory
of the runs; pages, SVG figures and file sizes are of the last run; "load"
is the 1-minute load average when the runs started.

| date | machine | runs | median s | fastest s | slowest s | peak MB | PDF pages | SVGs | HTML KB | PDF KB | load |
|---|---|---|---|---|---|---|---|---|---|---|---|
EOF2
# The row goes under the last row of this section's table (other scripts'
# sections may follow it).
at=$(awk '/^## / { insec = ($0 ~ /^## Report/) } insec && /^\|/ { n = NR } END { print n }' BENCHMARKS.md)
awk -v row="$row" -v at="$at" '{ print } NR == at { print row }' BENCHMARKS.md >BENCHMARKS.md.tmp
mv BENCHMARKS.md.tmp BENCHMARKS.md
echo "report of the demo (Round 2, en, HTML + PDF): median $med s (fastest $fast, slowest $slow) over $runs runs, peak $mb MB, $pages pages, $nsvg SVGs; $verdict the 5 s budget (load $load)"
