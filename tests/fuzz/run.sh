#!/bin/sh
# Runs one fuzz harness: tests/fuzz/run.sh NAME [SECONDS] [extra libFuzzer flags]
# The corpus grows in build/fuzz/corpus/NAME (seeded from tests/fuzz/seeds/NAME);
# crashes, timeouts and leaks are written to build/fuzz/artifacts/NAME/, the
# log to build/fuzz/logs/NAME.log. Build first with `make fuzz`.
set -eu
name=$1
secs=${2:-180}
shift
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/build/fuzz/fuzz_$name
[ -x "$bin" ] || { echo "run.sh: $bin is missing; run make fuzz" >&2; exit 2; }
corpus=$root/build/fuzz/corpus/$name
art=$root/build/fuzz/artifacts/$name
mkdir -p "$corpus" "$art" "$root/build/fuzz/logs"
seeds=
[ -d "$root/tests/fuzz/seeds/$name" ] && seeds=$root/tests/fuzz/seeds/$name
dict=
[ -f "$root/tests/fuzz/$name.dict" ] && dict=-dict=$root/tests/fuzz/$name.dict
cd "$art"
exec "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$art/" $dict "$@" "$corpus" $seeds >"$root/build/fuzz/logs/$name.log" 2>&1
