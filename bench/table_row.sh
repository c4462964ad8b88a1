#!/bin/sh
# Inserts a table row into BENCHMARKS.md after the last row of the table in
# the section whose heading starts with HEADING (at the end of the file
# when the section has no rows yet), so that every script's rows stay in
# its own section.
#
#   bench/table_row.sh HEADING ROW
set -eu
heading=$1 row=$2
tmp=BENCHMARKS.md.tmp
awk -v head="$heading" -v row="$row" '
  { line[NR] = $0 }
  END {
    insec = 0; last = 0
    for (i = 1; i <= NR; i++) {
      if (index(line[i], head) == 1) insec = 1
      else if (insec && line[i] ~ /^## /) insec = 0
      if (insec && line[i] ~ /^\|/) last = i
    }
    if (!last) last = NR
    for (i = 1; i <= NR; i++) { print line[i]; if (i == last) print row }
  }' BENCHMARKS.md >"$tmp"
mv "$tmp" BENCHMARKS.md
