#!/bin/sh
# Runs every test and ends with "N passed, N failed".
#
#   tests/run.sh BUILD_DIR [FILTER]
#
# Unit tests: BUILD_DIR/unit/<module>/test_* (cmocka); each cmocka test counts.
# End-to-end tests: every folder tests/e2e/<case>/ holding
#   cmd        a shell script, run in a fresh temporary directory where
#              ./data is ../shared/data and ./case is the case folder;
#              $MTM is the mtm binary under test
#   expected   (optional) the exact standard output
#   expected_err (optional) the exact standard error
#   status     (optional) the expected exit status, default 0
# A case is one test. A new case is a new folder.
set -u
build=${1:?usage: tests/run.sh BUILD_DIR [FILTER]}
filter=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
shared=${MTM_SHARED:-$root/../shared}
shared=$(cd "$shared" 2>/dev/null && pwd) || { echo "tests: ../shared is missing" >&2; exit 2; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export MTM_SHARED="$shared" MTM_TODAY=2026-01-15 TZ=UTC LC_ALL=C.UTF-8
passed=0
failed=0
failures=""

for t in "$build"/unit/*/test_*; do
  [ -x "$t" ] || continue
  name=${t#"$build"/unit/}
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  out=$(cd "$root" && "$t" 2>&1)
  rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ]; then
    printf '%s\n' "$out" | tail -40
    failures="$failures unit/$name"
  fi
  echo "unit $name: $p passed, $f failed"
done

for dir in "$root"/tests/e2e/*/; do
  [ -f "$dir/cmd" ] || continue
  name=$(basename "$dir")
  case "$name" in *"$filter"*) ;; *) continue ;; esac
  tmp=$(mktemp -d)
  ln -s "$shared/data" "$tmp/data"
  ln -s "$dir" "$tmp/case"
  (cd "$tmp" && MTM="$build/mtm" ROOT="$root" sh ./case/cmd >"$tmp/.out" 2>"$tmp/.err")
  rc=$?
  want=0
  [ -f "$dir/status" ] && want=$(cat "$dir/status")
  ok=1
  why=""
  if [ "$rc" != "$want" ]; then ok=0; why="exit status $rc, expected $want"; fi
  if [ -f "$dir/expected" ] && ! cmp -s "$dir/expected" "$tmp/.out"; then
    ok=0; why="$why; standard output differs:"
    why="$why
$(diff -u "$dir/expected" "$tmp/.out" | head -40)"
  fi
  if [ -f "$dir/expected_err" ] && ! cmp -s "$dir/expected_err" "$tmp/.err"; then
    ok=0; why="$why; standard error differs:"
    why="$why
$(diff -u "$dir/expected_err" "$tmp/.err" | head -40)"
  fi
  if grep -q 'runtime error:\|AddressSanitizer\|LeakSanitizer' "$tmp/.err"; then
    ok=0; why="$why; sanitizer report:
$(grep -A20 'runtime error:\|AddressSanitizer\|LeakSanitizer' "$tmp/.err" | head -40)"
  fi
  if [ $ok -eq 1 ]; then
    passed=$((passed + 1))
    echo "e2e $name: ok"
  else
    failed=$((failed + 1))
    failures="$failures e2e/$name"
    echo "e2e $name: FAILED ($why)"
    [ -f "$dir/expected_err" ] || sed 's/^/  stderr: /' "$tmp/.err" | head -20
  fi
  rm -rf "$tmp"
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
