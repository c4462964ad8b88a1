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
