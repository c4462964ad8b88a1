#!/bin/sh
# Runs every benchmark of mtm against its peer, in one go, and appends the
# results to BENCHMARKS.md. Run on an otherwise idle machine: the budgets are
# for 2 cores.
#
#   bench/run.sh            (make bench does the set-up first)
set -eu
cd "$(dirname "$0")/.."
echo "== import: mtm import against pandas read_csv (1,000,000 rows, 60 columns)"
bench/import.sh
echo "== check: mtm check on 100,000 imported submissions"
/usr/bin/python3 bench/check_100k.py build/mtm 100000
echo "== analyse: mtm analyse against R survey (100,000 and 1,000,000 respondents)"
bench/analyse.sh
echo "== report: mtm report on the demo workspace (HTML + PDF, 5 runs)"
bench/report.sh
