#!/usr/bin/env bash
# Run every unit test binary (cmocka, TAP output) and every bats file, then
# print one closing line: "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
# No test reads the caller's terminal (CI has no standard input at all).
exec </dev/null
export VESSEL_RUNTIME="$PWD/build/asan/vessel-runtime"
export VESSEL="$PWD/build/asan/vessel"
export VESSEL_MONITOR="${VESSEL_MONITOR:-$PWD/build/asan/vessel-monitor}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

pass=0 fail=0 skip=0
count() { # reads TAP on stdin, echoes it, updates counters via a temp file
  local f=$1
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case "$line" in
      "ok "*"# skip"*|"ok "*"# SKIP"*) echo s >>"$f" ;;
      "ok "*) echo p >>"$f" ;;
      "not ok "*) echo f >>"$f" ;;
    esac
  done
}

tally=$(mktemp)
for t in "$@"; do
  echo "# unit: $t"
  CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 | count "$tally"
  rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && ! grep -q f "$tally" && echo f >>"$tally" && echo "not ok - $t exited with $rc"
done
for b in tests/integration/*.bats; do
  [ -e "$b" ] || continue
  echo "# integration: $b"
  bats --tap --print-output-on-failure "$b" 2>&1 | count "$tally"
done
pass=$(grep -c p "$tally" || true)
fail=$(grep -c f "$tally" || true)
skip=$(grep -c s "$tally" || true)
rm -f "$tally"
echo "${pass} passed, ${fail} failed, ${skip} skipped"
[ "$fail" -eq 0 ]
