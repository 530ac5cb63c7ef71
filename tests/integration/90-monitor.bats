#!/usr/bin/env bats
# vessel-monitor, run directly on a hand-made bundle: the json-file log and
# its streams, exit codes in state.json, restart policies and the stopped
# file, start failures on the sync fd, log rotation, the stop signal, the
# exit command, and a clean end (no process, mount, cgroup or state left).
load helpers

MONITOR="${VESSEL_MONITOR:-$BATS_TEST_DIRNAME/../../build/asan/vessel-monitor}"
MONITOR_REL="$BATS_TEST_DIRNAME/../../build/vessel-monitor"

setup() {
  common_setup
  CTR="$TEST_TMP/ctr"
  mkdir -p "$CTR"
}

teardown() {
  local p
  for p in $(pgrep -f "vessel-monitor .*--dir $TEST_TMP/" 2>/dev/null); do
    kill -9 "$p" 2>/dev/null || true
  done
  common_teardown
}

# The monitor of container $1 in the foreground, to its end (more options
# after the id); use with `run`.
monitor() {
  local id=$1
  shift
  timeout --kill-after=2 "${MON_TIMEOUT:-30}" "${MON_BIN:-$MONITOR}" --runtime "$RUNTIME" --runtime-root "$RT_ROOT" \
    --bundle "$BUNDLE" --id "$id" --dir "$CTR" --log "$CTR/ctr.log" "$@"
}

# The same in the background: MON_PID; its output goes to monitor.out.
monitor_bg() {
  monitor "$@" </dev/null >"$TEST_TMP/monitor.out" 2>&1 3>&- &
  MON_PID=$!
}

# Wait (up to ~10 s) until state.json matches the jq condition $1.
wait_state() {
  local i
  for i in $(seq 100); do
    jq -e "$1" "$CTR/state.json" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "state.json never matched $1: $(cat "$CTR/state.json" 2>&1)" >&2
  return 1
}

# Wait (up to ~15 s) for the background monitor: MON_STATUS.
wait_monitor() {
  local i
  for i in $(seq 150); do
    kill -0 "$MON_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$MON_PID" 2>/dev/null; then
    echo "the monitor is still running" >&2
    return 1
  fi
  wait "$MON_PID" && MON_STATUS=0 || MON_STATUS=$?
  cat "$TEST_TMP/monitor.out"
}

state() { jq -r "$1" "$CTR/state.json"; }

# The text of one stream, as the container wrote it.
stream_text() { jq -j --arg s "$1" 'select(.stream == $s) | .log' "${2:-$CTR/ctr.log}"; }

# No monitor, no runtime process, mount, cgroup or runtime state left.
assert_clean_end() {
  if pgrep -f "vessel-monitor .*--dir $CTR " >&2; then
    echo "a monitor is still running" >&2
    return 1
  fi
  assert_nothing_left
}

# ---------------------------------------------------------------------------

@test "monitor: stdout and stderr become json-file entries with their streams" {
  cat >"$BUNDLE/rootfs/run.sh" <<'SCRIPT'
echo out one
echo err one >&2
printf 'q"b\\t\t\001\n'
echo out two
printf no-newline
SCRIPT
  make_bundle '.process.args=["sh","/run.sh"]'
  run monitor logs --sync-fd 5 5>"$TEST_TMP/sync"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(cat "$TEST_TMP/sync")" =~ ^ok\ [0-9]+$ ]]
  [ "$(state .monitor_pid)" -gt 1 ]

  # one JSON object per line, exactly the three keys
  run jq -c 'keys' "$CTR/ctr.log"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | sort -u)" = '["log","stream","time"]' ]
  [ "$(stream_text stdout)" = "$(printf 'out one\nq"b\\t\t\001\nout two\nno-newline')" ]
  [ "$(stream_text stderr)" = "err one" ]
  # one entry per line, with its newline; the partial line without
  [ "$(jq -c 'select(.stream == "stdout") | .log' "$CTR/ctr.log" | head -1)" = '"out one\n"' ]
  [ "$(jq -c 'select(.stream == "stdout") | .log' "$CTR/ctr.log" | tail -1)" = '"no-newline"' ]
  grep -q '\\u0001' "$CTR/ctr.log"
  # RFC 3339 UTC with nanoseconds
  run jq -r .time "$CTR/ctr.log"
  for t in $output; do
    [[ "$t" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$ ]]
  done

  [ "$(state .status)" = exited ]
  [ "$(state .exit_code)" = 0 ]
  [ "$(state .restart_count)" = 0 ]
  [[ "$(state .finished_at)" =~ ^[0-9-]+T[0-9:.]+Z$ ]]
  assert_clean_end
}

@test "monitor: state.json says running with the init's pid, then the exit code" {
  make_bundle '.process.args=["sh","-c","read x </dev/null; sleep 1; exit 3"]'
  monitor_bg code3 --sync-fd 5 5>"$TEST_TMP/sync"
  wait_state '.status == "running"'
  pid=$(state .pid)
  [ "$(cat "$TEST_TMP/sync")" = "ok $pid" ]
  # the monitor's own pid beside it; the init is its child (subreaper)
  mpid=$(state .monitor_pid)
  [[ "$(tr '\0' ' ' <"/proc/$mpid/cmdline")" == *vessel-monitor* ]]
  [ "$(awk '{print $4}' "/proc/$pid/stat")" = "$mpid" ]
  # no pid file and no runtime log beside the state (the log is in memory)
  [ ! -e "$CTR/init.pid" ]
  [ ! -e "$CTR/monitor.pid" ]
  [ ! -e "$CTR/runtime.log" ]
  [[ "$(state .started_at)" =~ ^[0-9-]+T[0-9:.]+Z$ ]]
  [ "$(rt state code3 | jq -r .status)" = running ]
  wait_monitor
  [ "$MON_STATUS" -eq 0 ]
  [ "$(state .status)" = exited ]
  [ "$(state .exit_code)" = 3 ]
  assert_clean_end
}

@test "monitor: an init killed by SIGKILL exits with 137" {
  make_bundle '.process.args=["sleep","100"]'
  monitor_bg killed
  wait_state '.status == "running"'
  kill -9 "$(state .pid)"
  wait_monitor
  [ "$MON_STATUS" -eq 0 ]
  [ "$(state .exit_code)" = 137 ]
  assert_clean_end
}

@test "monitor: on-failure:2 restarts twice and the log holds all three runs" {
  make_bundle '.process.args=["sh","-c","echo run; echo oops >&2; exit 1"]'
  run monitor again --restart on-failure:2
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(state .status)" = exited ]
  [ "$(state .exit_code)" = 1 ]
  [ "$(state .restart_count)" = 2 ]
  [ "$(stream_text stdout)" = "$(printf 'run\nrun\nrun')" ]
  [ "$(stream_text stderr | grep -c oops)" = 3 ]
  assert_clean_end
}

@test "monitor: on-failure does not restart a clean exit; no means no" {
  make_bundle '.process.args=["sh","-c","echo run; exit 0"]'
  run monitor clean --restart on-failure
  [ "$status" -eq 0 ]
  [ "$(state .restart_count)" = 0 ]
  [ "$(stream_text stdout)" = "run" ]

  make_bundle '.process.args=["sh","-c","echo run; exit 4"]'
  rm -f "$CTR/ctr.log"
  run monitor clean --restart no
  [ "$status" -eq 0 ]
  [ "$(state .exit_code)" = 4 ]
  [ "$(state .restart_count)" = 0 ]
  [ "$(stream_text stdout)" = "run" ]
  assert_clean_end
}

@test "monitor: always restarts (showing restarting) until the stopped file exists" {
  make_bundle '.process.args=["sh","-c","echo run; exit 0"]'
  monitor_bg forever --restart always
  wait_state '.status == "restarting"'
  wait_state '.restart_count >= 2'
  touch "$CTR/stopped"
  wait_monitor
  [ "$MON_STATUS" -eq 0 ]
  [ "$(state .status)" = exited ]
  [ "$(state .exit_code)" = 0 ]
  n=$(state .restart_count)
  [ "$(stream_text stdout | grep -c run)" = $((n + 1)) ]
  assert_clean_end
}

@test "monitor: a stopped file prevents the restart of a killed container" {
  make_bundle '.process.args=["sleep","100"]'
  monitor_bg stopme --restart unless-stopped
  wait_state '.status == "running"'
  touch "$CTR/stopped"
  rt kill stopme KILL
  wait_monitor
  [ "$MON_STATUS" -eq 0 ]
  [ "$(state .status)" = exited ]
  [ "$(state .exit_code)" = 137 ]
  [ "$(state .restart_count)" = 0 ]
  assert_clean_end
}

@test "monitor: SIGTERM forwards the stop signal and ends without a restart" {
  make_bundle '.process.args=["sh","-c","trap \"echo got usr1; exit 7\" USR1; echo ready; while :; do sleep 0.1; done"]'
  monitor_bg term --restart always --stop-signal USR1
  wait_state '.status == "running"'
  for i in $(seq 50); do grep -q ready "$CTR/ctr.log" && break; sleep 0.1; done
  kill -TERM "$(state .monitor_pid)"
  wait_monitor
  [ "$MON_STATUS" -eq 0 ]
  [ "$(state .exit_code)" = 7 ]
  [ "$(state .restart_count)" = 0 ]
  [ "$(stream_text stdout)" = "$(printf 'ready\ngot usr1')" ]
  assert_clean_end
}

@test "monitor: a missing executable is reported on the sync fd; exit code 127" {
  make_bundle '.process.args=["no-such-program"]'
  run monitor missing --sync-fd 5 --restart always 5>"$TEST_TMP/sync"
  echo "$output"
  [ "$status" -ne 0 ]
  [ "$(wc -l <"$TEST_TMP/sync")" = 1 ]
  [[ "$(cat "$TEST_TMP/sync")" == "error "*"no-such-program"*"not found"* ]]
  [ "$(state .status)" = exited ]
  [ "$(state .exit_code)" = 127 ]
  [[ "$(state .error)" == *"no-such-program"* ]]
  [ "$(state .restart_count)" = 0 ]
  assert_clean_end
}

@test "monitor: a file that is not executable gives exit code 126" {
  echo 'not a program' >"$BUNDLE/rootfs/plain"
  chmod 644 "$BUNDLE/rootfs/plain"
  make_bundle '.process.args=["/plain"]'
  run monitor noexec --sync-fd 5 5>"$TEST_TMP/sync"
  [ "$status" -ne 0 ]
  [[ "$(cat "$TEST_TMP/sync")" == "error "* ]]
  [ "$(state .exit_code)" = 126 ]
  assert_clean_end
}

@test "monitor: the log rotates at --log-max-size and keeps --log-max-file files" {
  make_bundle '.process.args=["sh","-c","i=1; while [ $i -le 200 ]; do echo line $i; i=$((i+1)); done"]'
  run monitor rotate --log-max-size 2000 --log-max-file 3
  [ "$status" -eq 0 ]
  [ -e "$CTR/ctr.log" ] && [ -e "$CTR/ctr.log.1" ] && [ -e "$CTR/ctr.log.2" ]
  [ ! -e "$CTR/ctr.log.3" ]
  for f in "$CTR"/ctr.log*; do
    [ "$(stat -c %s "$f")" -le 2000 ]
    jq -e . "$f" >/dev/null
  done
  # newest last; the kept lines are consecutive and end with the last one
  all=$(cat "$CTR/ctr.log.2" "$CTR/ctr.log.1" "$CTR/ctr.log" | jq -j .log)
  [ "$(echo "$all" | tail -1)" = "line 200" ]
  first=$(echo "$all" | head -1 | cut -d' ' -f2)
  [ "$(echo "$all" | wc -l)" = $((201 - first)) ]

  # one file: replaced, never more than the limit
  rm -f "$CTR"/ctr.log*
  run monitor rotate --log-max-size 1000 --log-max-file 1
  [ "$status" -eq 0 ]
  [ ! -e "$CTR/ctr.log.1" ]
  [ "$(stat -c %s "$CTR/ctr.log")" -le 1000 ]
  [ "$(jq -j .log "$CTR/ctr.log" | tail -1)" = "line 200" ]
  assert_clean_end
}

@test "monitor: a line over 16 KiB is split docker-style" {
  echo 'head -c 20000 /dev/zero | tr "\0" x; echo' >"$BUNDLE/rootfs/run.sh"
  make_bundle '.process.args=["sh","/run.sh"]'
  run monitor long
  [ "$status" -eq 0 ]
  run jq -r '.log | length' "$CTR/ctr.log"
  [ "$output" = "$(printf '16384\n3617')" ]
}

@test "monitor: the exit command runs after the container is gone" {
  make_bundle '.process.args=["true"]'
  run monitor rmme --exit-command sh --exit-command -c \
    --exit-command "ls \"$RT_ROOT\" >\"$TEST_TMP/exit-ran\"; jq -r .status \"$CTR/state.json\" >>\"$TEST_TMP/exit-ran\""
  [ "$status" -eq 0 ]
  [ "$(cat "$TEST_TMP/exit-ran")" = exited ]
  assert_clean_end
}

@test "monitor: bad arguments fail with a message" {
  run "$MONITOR" --runtime "$RUNTIME" --id x
  [ "$status" -ne 0 ]
  [[ "$output" == *"required"* ]]
  run monitor badrestart --restart sometimes
  [ "$status" -ne 0 ]
  [[ "$output" == *"--restart"* ]]
  run monitor badsize --log-max-size lots
  [ "$status" -ne 0 ]
  [[ "$output" == *"--log-max-size"* ]]
  [ ! -e "$CTR/state.json" ]
}

@test "monitor: the release build stays under 300 KiB of private dirty memory" {
  [ -x "$MONITOR_REL" ] || skip "build/vessel-monitor not built"
  # freshly written pages of the binary count as dirty until written back
  sync "$MONITOR_REL" 2>/dev/null || sync
  make_bundle '.process.args=["sh","-c","i=0; while [ $i -lt 500 ]; do echo line $i; echo err $i >&2; i=$((i+1)); done; sleep 100"]'
  MON_BIN="$MONITOR_REL" monitor_bg mem
  wait_state '.status == "running"'
  for i in $(seq 50); do grep -q 'err 499' "$CTR/ctr.log" && break; sleep 0.1; done
  kb=$(awk '/^Private_Dirty:/ {print $2}' "/proc/$(state .monitor_pid)/smaps_rollup")
  echo "monitor private dirty: $kb KiB"
  [ "$kb" -lt 300 ]
  echo "# monitor private dirty: $kb KiB" >&3
  rt kill mem KILL
  wait_monitor
  [ "$(state .exit_code)" = 137 ]
  assert_clean_end
}
