#!/usr/bin/env bats
# Every command of the runc-compatible CLI, with the behaviour it promises:
# create/start/state/kill/delete, run (detached and foreground), list, spec,
# global flags, --preserve-fds, errors on the wrong state, concurrency and a
# runtime killed in the middle of create.
load helpers

setup() { common_setup; }

teardown() {
  local p
  # Hook processes this file started record their pid here.
  for p in $(cat "$TEST_TMP"/*.hookpid 2>/dev/null); do
    kill -9 "$p" 2>/dev/null || true
  done
  common_teardown
}

# A running container $1 (process from the current config), without create.
run_detached() {
  run rt_detached run --detach --bundle "$BUNDLE" "$1"
  [ "$status" -eq 0 ] || { echo "run --detach $1 failed: $output" >&2; return 1; }
  wait_status "$1" running
}

state_field() { rt state "$1" | jq -r "$2"; }

# Gone or a zombie: a process that can no longer run.
proc_gone() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null; }

# ---------------------------------------------------------------------------
# create / start / state / kill / delete

@test "create: state is created with pid and the spec fields; start makes it running" {
  make_bundle '.process.args=["sleep","100"] | .annotations={"org.example.key":"value"}'
  run rt_detached create --bundle "$BUNDLE" life
  [ "$status" -eq 0 ]
  [ -z "$output" ]

  run rt state life
  [ "$status" -eq 0 ]
  echo "$output" | jq -e . >/dev/null
  [ "$(echo "$output" | jq -r .ociVersion)" = "1.2.0" ]
  [ "$(echo "$output" | jq -r .id)" = "life" ]
  [ "$(echo "$output" | jq -r .status)" = "created" ]
  [ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
  [ "$(echo "$output" | jq -r '.annotations["org.example.key"]')" = "value" ]
  pid=$(echo "$output" | jq -r .pid)
  [ "$pid" -gt 1 ]
  [ -d "/proc/$pid" ]

  run rt start life
  [ "$status" -eq 0 ]
  wait_status life running
  [ "$(state_field life .pid)" = "$pid" ]
  # the init is now the container's process
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]

  run rt kill life KILL
  [ "$status" -eq 0 ]
  wait_status life stopped
  run rt state life
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = "stopped" ]
  [ "$(echo "$output" | jq -r 'has("pid")')" = "false" ]
  [ "$(echo "$output" | jq -r .annotations[\"org.example.key\"])" = "value" ]

  run rt delete life
  [ "$status" -eq 0 ]
  run rt state life
  [ "$status" -ne 0 ]
  [[ "$output" == *"life"*"does not exist"* ]]
  assert_nothing_left
}

@test "state: no annotations key when the config has none" {
  make_bundle '.process.args=["sleep","100"] | del(.annotations)'
  run_detached noann
  run rt state noann
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r 'has("annotations")')" = "false" ]
  [ "$(echo "$output" | jq -r 'keys | sort | join(",")')" = "bundle,id,ociVersion,pid,status" ]
  rt delete --force noann
  assert_nothing_left
}

@test "create --pid-file writes the init's pid" {
  make_bundle '.process.args=["sleep","100"]'
  run rt_detached create --bundle "$BUNDLE" --pid-file "$TEST_TMP/init.pid" pf
  [ "$status" -eq 0 ]
  [ -s "$TEST_TMP/init.pid" ]
  pid=$(cat "$TEST_TMP/init.pid")
  [[ "$pid" =~ ^[0-9]+$ ]]
  [ -d "/proc/$pid" ]
  [ "$(state_field pf .pid)" = "$pid" ]
  run rt delete --force pf
  [ "$status" -eq 0 ]
  proc_gone "$pid"
  assert_nothing_left
}

@test "run --detach --pid-file: returns 0 and leaves a running container" {
  make_bundle '.process.args=["sleep","100"]'
  run rt_detached run --detach --pid-file "$TEST_TMP/run.pid" --bundle "$BUNDLE" det
  [ "$status" -eq 0 ]
  run rt state det
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = "running" ]
  pid=$(echo "$output" | jq -r .pid)
  [ "$pid" = "$(cat "$TEST_TMP/run.pid")" ]
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
  rt delete --force det
  proc_gone "$pid"
  assert_nothing_left
}

@test "kill with a signal name (KILL) stops the container and omits pid" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached kname
  pid=$(state_field kname .pid)
  run rt kill kname KILL
  [ "$status" -eq 0 ]
  wait_status kname stopped
  [ "$(state_field kname 'has("pid")')" = "false" ]
  proc_gone "$pid"
  rt delete kname
  assert_nothing_left
}

@test "kill with SIGTERM (the default) reaches a process that handles it" {
  make_bundle '.root.readonly=false | .process.args=["sh","-c","trap \"echo TERM >/tmp/got; exit 0\" TERM; while :; do sleep 0.1; done"]'
  run_detached kterm
  run rt kill kterm SIGTERM
  [ "$status" -eq 0 ]
  wait_status kterm stopped
  [ "$(cat "$BUNDLE/rootfs/tmp/got")" = "TERM" ]

  # no signal at all means SIGTERM too
  rm -f "$BUNDLE/rootfs/tmp/got"
  rt delete kterm
  run_detached kterm2
  run rt kill kterm2
  [ "$status" -eq 0 ]
  wait_status kterm2 stopped
  [ "$(cat "$BUNDLE/rootfs/tmp/got")" = "TERM" ]
  rt delete kterm2
  assert_nothing_left
}

@test "kill with a signal number (9)" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached knum
  run rt kill knum 9
  [ "$status" -eq 0 ]
  wait_status knum stopped
  rt delete knum
  assert_nothing_left
}

@test "kill --all signals every process of the container, plain kill only the init" {
  # sh is the pid-namespace init: without a handler it ignores USR1; its two
  # children do not.
  make_bundle '.process.args=["sh","-c","sleep 1001 & sleep 1002 & wait; wait; sleep 100"]'
  run_detached kall
  pid=$(state_field kall .pid)
  for i in $(seq 50); do
    kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
    [ "$(echo $kids | wc -w)" -eq 2 ] && break
    sleep 0.1
  done
  [ "$(echo $kids | wc -w)" -eq 2 ]

  run rt kill kall USR1
  [ "$status" -eq 0 ]
  sleep 0.3
  for k in $kids; do
    if proc_gone "$k"; then echo "plain kill reached child $k" >&2; return 1; fi
  done

  run rt kill --all kall USR1
  [ "$status" -eq 0 ]
  for i in $(seq 50); do
    gone=0
    for k in $kids; do proc_gone "$k" && gone=$((gone + 1)); done
    [ "$gone" -eq 2 ] && break
    sleep 0.1
  done
  [ "$gone" -eq 2 ]
  [ "$(state_field kall .status)" = "running" ]
  run rt kill --all kall KILL
  [ "$status" -eq 0 ]
  wait_status kall stopped
  rt delete kall
  assert_nothing_left
}

@test "delete of a running container needs --force" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached busy
  pid=$(state_field busy .pid)
  run rt delete busy
  [ "$status" -ne 0 ]
  [[ "$output" == *"busy"*"running"*"--force"* ]]
  [ "${#lines[@]}" -eq 1 ]
  [ "$(state_field busy .status)" = "running" ]
  [ -d "/proc/$pid" ]

  run rt delete --force busy
  [ "$status" -eq 0 ]
  proc_gone "$pid"
  run rt state busy
  [ "$status" -ne 0 ]
  assert_nothing_left
}

@test "delete --force of a created (never started) container" {
  make_bundle '.process.args=["sleep","100"]'
  run rt_detached create --bundle "$BUNDLE" --pid-file "$TEST_TMP/pid" fresh
  [ "$status" -eq 0 ]
  pid=$(cat "$TEST_TMP/pid")
  run rt delete --force fresh
  [ "$status" -eq 0 ]
  proc_gone "$pid"
  run rt state fresh
  [ "$status" -ne 0 ]
  assert_nothing_left
}

@test "a container whose init exited: state says stopped and delete cleans it" {
  make_bundle '.process.args=["sh","-c","sleep 0.3"]'
  run rt_detached run --detach --bundle "$BUNDLE" done
  [ "$status" -eq 0 ]
  wait_status done stopped
  run rt state done
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = "stopped" ]
  [ "$(echo "$output" | jq -r 'has("pid")')" = "false" ]
  [ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
  run rt delete done
  [ "$status" -eq 0 ]
  [ -z "$(ls "$RT_ROOT")" ]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# run in the foreground

@test "run in the foreground passes the exit status through and removes its state" {
  make_bundle '.process.args=["sh","-c","echo out; echo err >&2; exit 3"]'
  run rt run --bundle "$BUNDLE" fg
  [ "$status" -eq 3 ]
  [[ "$output" == *out* ]]
  [[ "$output" == *err* ]]
  run rt state fg
  [ "$status" -ne 0 ]
  [[ "$output" == *"fg"*"does not exist"* ]]
  [ -z "$(ls "$RT_ROOT")" ]

  make_bundle '.process.args=["true"]'
  run rt run --bundle "$BUNDLE" fg0
  [ "$status" -eq 0 ]
  assert_nothing_left
}

@test "run in the foreground: a process killed by a signal gives 128+N" {
  # Without a pid namespace the shell is not an init and can kill itself.
  make_bundle '.linux.namespaces |= map(select(.type != "pid")) | .process.args=["sh","-c","kill -KILL $$"]'
  run rt run --bundle "$BUNDLE" sig9
  [ "$status" -eq 137 ]
  make_bundle '.linux.namespaces |= map(select(.type != "pid")) | .process.args=["sh","-c","kill -TERM $$; sleep 5"]'
  run rt run --bundle "$BUNDLE" sig15
  [ "$status" -eq 143 ]
  [ -z "$(ls "$RT_ROOT")" ]
  assert_nothing_left
}

@test "run in the foreground: kill from outside gives 137 and removes the state" {
  make_bundle '.process.args=["sleep","100"]'
  rt run --bundle "$BUNDLE" outside </dev/null >"$TEST_TMP/outside.out" 2>&1 3>&- &
  bg=$!
  wait_status outside running
  run rt kill outside KILL
  [ "$status" -eq 0 ]
  rc=0
  wait "$bg" || rc=$?
  [ "$rc" -eq 137 ]
  run rt state outside
  [ "$status" -ne 0 ]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# list

@test "list: table, --format json and -q" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached l1
  run_detached l2
  p1=$(state_field l1 .pid)

  run rt list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  [ "${#lines[@]}" -eq 3 ]
  row=$(printf '%s\n' "${lines[@]}" | awk '$1 == "l1"')
  [ "$(echo "$row" | awk '{print $2}')" = "$p1" ]
  [ "$(echo "$row" | awk '{print $3}')" = "running" ]
  [ "$(echo "$row" | awk '{print $4}')" = "$BUNDLE" ]

  run rt list --format json
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r 'type')" = "array" ]
  [ "$(echo "$output" | jq -r 'length')" -eq 2 ]
  [ "$(echo "$output" | jq -r 'map(.id) | sort | join(" ")')" = "l1 l2" ]
  [ "$(echo "$output" | jq -r '.[] | select(.id == "l1") | .pid')" = "$p1" ]
  [ "$(echo "$output" | jq -r '.[] | select(.id == "l1") | .status')" = "running" ]
  [ "$(echo "$output" | jq -r '.[] | select(.id == "l2") | .bundle')" = "$BUNDLE" ]

  run rt list -q
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "l1 l2 " ]

  run rt list --format yaml
  [ "$status" -ne 0 ]
  [[ "$output" == *yaml* ]]

  rt delete --force l1
  rt delete --force l2
  run rt list --format json
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r 'length')" -eq 0 ]
  assert_nothing_left
}

@test "list of an empty or missing root" {
  run rt list -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  run rt list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" == ID* ]]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# spec and --version

@test "spec writes config.json and refuses to overwrite it" {
  mkdir "$TEST_TMP/spec"
  run rt spec --bundle "$TEST_TMP/spec"
  [ "$status" -eq 0 ]
  jq -e '.ociVersion and .process.args and .root.path == "rootfs"' "$TEST_TMP/spec/config.json"
  [ "$(jq -r '.linux.namespaces | map(.type) | index("user")' "$TEST_TMP/spec/config.json")" = "null" ]

  echo '{"mine":1}' >"$TEST_TMP/spec/config.json"
  run rt spec --bundle "$TEST_TMP/spec"
  [ "$status" -ne 0 ]
  [[ "$output" == *config.json*exists* ]]
  [ "$(cat "$TEST_TMP/spec/config.json")" = '{"mine":1}' ]

  # the bundle defaults to the current directory
  mkdir "$TEST_TMP/cwd"
  (cd "$TEST_TMP/cwd" && rt spec)
  jq -e .ociVersion "$TEST_TMP/cwd/config.json"
  assert_nothing_left
}

@test "spec --rootless has a user namespace with mappings" {
  mkdir "$TEST_TMP/rl"
  run rt spec --rootless --bundle "$TEST_TMP/rl"
  [ "$status" -eq 0 ]
  c="$TEST_TMP/rl/config.json"
  jq -e '.linux.namespaces | map(.type) | index("user") != null' "$c"
  [ "$(jq -r '.linux.uidMappings | length' "$c")" -ge 1 ]
  [ "$(jq -r '.linux.gidMappings | length' "$c")" -ge 1 ]
  [ "$(jq -r '.linux.uidMappings[0].hostID' "$c")" = "$(id -u)" ]
  [ "$(jq -r '.linux.gidMappings[0].hostID' "$c")" = "$(id -g)" ]
  [ "$(jq -r '.linux.uidMappings[0].containerID' "$c")" = "0" ]
  [ "$(jq -r '.linux.uidMappings[0].size' "$c")" -ge 1 ]
  assert_nothing_left
}

@test "--version prints a version line" {
  run rt --version
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^vessel-runtime\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
  run rt -v
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^vessel-runtime\ version ]]
}

# ---------------------------------------------------------------------------
# global flags

@test "--log FILE --log-format json writes a JSON line for an error" {
  run rt --log "$TEST_TMP/log.json" --log-format json state ghost
  [ "$status" -ne 0 ]
  [[ "$output" == *ghost* ]]
  [ "$(wc -l <"$TEST_TMP/log.json")" -eq 1 ]
  line=$(cat "$TEST_TMP/log.json")
  [ "$(echo "$line" | jq -r .level)" = "error" ]
  [[ "$(echo "$line" | jq -r .msg)" == *ghost*"does not exist"* ]]
  [[ "$(echo "$line" | jq -r .time)" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]]
  # appends
  rt --log "$TEST_TMP/log.json" --log-format=json kill ghost KILL || true
  [ "$(wc -l <"$TEST_TMP/log.json")" -eq 2 ]
  tail -n1 "$TEST_TMP/log.json" | jq -e '.level == "error"'

  run rt --log-format xml list
  [ "$status" -ne 0 ]
  [[ "$output" == *log-format* ]]
  assert_nothing_left
}

@test "--systemd-cgroup is refused clearly" {
  make_bundle '.process.args=["true"]'
  run rt --systemd-cgroup run --bundle "$BUNDLE" sd
  [ "$status" -ne 0 ]
  [[ "$output" == *systemd-cgroup*"not supported"* ]]
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
  assert_nothing_left
}

@test "an unknown command and an unknown option fail" {
  run rt frobnicate
  [ "$status" -ne 0 ]
  [[ "$output" == *"unknown command"*frobnicate* ]]
  run rt --frobnicate list
  [ "$status" -ne 0 ]
  [[ "$output" == *frobnicate* ]]
  run rt list --frobnicate
  [ "$status" -ne 0 ]
  [[ "$output" == *frobnicate* ]]
  make_bundle '.process.args=["true"]'
  run rt run --frobnicate --bundle "$BUNDLE" x
  [ "$status" -ne 0 ]
  [[ "$output" == *frobnicate* ]]
  run rt_detached create --detach --bundle "$BUNDLE" x
  [ "$status" -ne 0 ]
  run rt
  [ "$status" -ne 0 ]
  [[ "$output" == *usage* ]]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# --preserve-fds

@test "--preserve-fds 1 passes fd 3 into the container" {
  echo "preserved-content" >"$TEST_TMP/fd3"
  make_bundle '.process.args=["sh","-c","cat /proc/self/fd/3"]'
  run rt run --preserve-fds 1 --bundle "$BUNDLE" pfd 3<"$TEST_TMP/fd3"
  [ "$status" -eq 0 ]
  [ "$output" = "preserved-content" ]

  make_bundle '.process.args=["ls","/proc/self/fd"]'
  run rt run --preserve-fds 1 --bundle "$BUNDLE" pfd2 3<"$TEST_TMP/fd3"
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2 3 4" ]
  assert_nothing_left
}

@test "without --preserve-fds only 0, 1 and 2 reach the container" {
  echo "secret" >"$TEST_TMP/fd3"
  make_bundle '.process.args=["ls","/proc/self/fd"]'
  # fd 3 of ls is the directory it reads
  run rt run --bundle "$BUNDLE" nofd 3<"$TEST_TMP/fd3" 5<"$TEST_TMP/fd3" 7<"$TEST_TMP/fd3"
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2 3" ]

  make_bundle '.process.args=["cat","/proc/self/fd/3"]'
  run rt run --bundle "$BUNDLE" nofd2 3<"$TEST_TMP/fd3"
  [ "$status" -ne 0 ]
  [[ "$output" != *secret* ]]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# commands on the wrong state or a missing container

@test "start of a container that is not created fails" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached started
  run rt start started
  [ "$status" -ne 0 ]
  [[ "$output" == *started*running*"not created"* ]]
  [ "$(state_field started .status)" = "running" ]
  rt kill started KILL
  wait_status started stopped
  run rt start started
  [ "$status" -ne 0 ]
  [[ "$output" == *started*stopped* ]]
  rt delete started
  assert_nothing_left
}

@test "start twice after create: the second start fails" {
  make_bundle '.process.args=["sleep","100"]'
  rt_detached create --bundle "$BUNDLE" twice
  run rt start twice
  [ "$status" -eq 0 ]
  run rt start twice
  [ "$status" -ne 0 ]
  [[ "$output" == *twice*"not created"* ]]
  rt delete --force twice
  assert_nothing_left
}

@test "kill of a stopped container fails" {
  make_bundle '.process.args=["true"]'
  run rt_detached run --detach --bundle "$BUNDLE" dead
  [ "$status" -eq 0 ]
  wait_status dead stopped
  run rt kill dead KILL
  [ "$status" -ne 0 ]
  [[ "$output" == *dead*"not running"* ]]
  rt delete dead
  assert_nothing_left
}

@test "commands on a nonexistent id fail naming the id" {
  local cmd
  for cmd in "state" "start" "kill" "kill --all" "delete"; do
    run rt $cmd no-such-ctr
    [ "$status" -ne 0 ] || { echo "$cmd succeeded" >&2; return 1; }
    [[ "$output" == *no-such-ctr*"does not exist"* ]] || { echo "$cmd: $output" >&2; return 1; }
    [ "${#lines[@]}" -eq 1 ]
  done
  # as runc: a forced delete of a container that is gone succeeds quietly,
  # so engines can clean up after a failed create
  run rt delete --force no-such-ctr
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# concurrency

@test "parallel delete --force of one container: one removes it, nothing breaks" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached par
  pid=$(state_field par .pid)
  for i in 1 2 3 4; do
    rt delete --force par >"$TEST_TMP/del.$i.out" 2>&1 3>&- &
    eval "bg$i=\$!"
  done
  ok=0
  for i in 1 2 3 4; do
    rc=0
    eval "wait \$bg$i" || rc=$?
    cat "$TEST_TMP/del.$i.out"
    # success, or a clean "does not exist" (never a crash or sanitizer report)
    if [ "$rc" -eq 0 ]; then ok=$((ok + 1)); else
      [ "$rc" -eq 1 ]
      grep -q "par.*does not exist" "$TEST_TMP/del.$i.out"
    fi
    if grep -qi "sanitizer\|corrupt" "$TEST_TMP/del.$i.out"; then return 1; fi
  done
  [ "$ok" -ge 1 ]
  proc_gone "$pid"
  run rt state par
  [ "$status" -ne 0 ]
  [[ "$output" == *par*"does not exist"* ]]
  assert_nothing_left
}

@test "parallel state calls see a consistent state" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached pst
  pid=$(state_field pst .pid)
  for i in $(seq 8); do
    rt state pst >"$TEST_TMP/st.$i.out" 2>&1 3>&- &
  done
  wait
  for i in $(seq 8); do
    jq -e --arg b "$BUNDLE" --argjson p "$pid" \
      '.id == "pst" and .status == "running" and .pid == $p and .bundle == $b' "$TEST_TMP/st.$i.out"
  done
  rt delete --force pst
  assert_nothing_left
}

@test "state racing delete --force never reports a half-deleted container" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached race
  for i in $(seq 12); do
    rt state race >"$TEST_TMP/race.$i.out" 2>&1 3>&- &
  done
  rt delete --force race 3>&- &
  for i in $(seq 12 20); do
    rt state race >"$TEST_TMP/race.$i.out" 2>&1 3>&- &
  done
  wait
  for i in $(seq 20); do
    if jq -e . "$TEST_TMP/race.$i.out" >/dev/null 2>&1; then
      # a state that was printed is the real one, with its bundle
      jq -e --arg b "$BUNDLE" '.id == "race" and .bundle == $b' "$TEST_TMP/race.$i.out"
    else
      grep -q "race.*does not exist" "$TEST_TMP/race.$i.out"
    fi
  done
  run rt state race
  [ "$status" -ne 0 ]
  [ -z "$(ls "$RT_ROOT")" ]
  assert_nothing_left
}

@test "delete --force racing a new create of the same id leaves the new one alone" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached reuse
  rt delete --force reuse
  run_detached reuse
  pid=$(state_field reuse .pid)
  # a second, late delete of the first incarnation must not exist anymore
  run rt delete reuse
  [ "$status" -ne 0 ]
  [ "$(state_field reuse .pid)" = "$pid" ]
  rt delete --force reuse
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# a runtime killed in the middle of create

@test "runtime killed with SIGKILL during create: delete --force removes everything" {
  cat >"$TEST_TMP/hook.sh" <<EOF
#!/bin/sh
echo \$\$ >"$TEST_TMP/create.hookpid"
exec sleep 60
EOF
  chmod +x "$TEST_TMP/hook.sh"
  make_bundle ".process.args=[\"sleep\",\"100\"] | .hooks.createRuntime=[{\"path\":\"$TEST_TMP/hook.sh\"}]"
  "$RUNTIME" --root "$RT_ROOT" create --bundle "$BUNDLE" victim >"$TEST_TMP/create.out" 2>&1 3>&- &
  victim=$!
  for i in $(seq 100); do
    [ -s "$TEST_TMP/create.hookpid" ] && break
    sleep 0.1
  done
  [ -s "$TEST_TMP/create.hookpid" ]
  kill -9 "$victim"
  wait "$victim" || true
  kill -9 "$(cat "$TEST_TMP/create.hookpid")" 2>/dev/null || true
  rm -f "$TEST_TMP/create.hookpid"

  # the container is there, but not alive
  [ -d "$RT_ROOT/victim" ]
  run rt state victim
  [ "$status" -eq 0 ]
  [[ "$(echo "$output" | jq -r .status)" =~ ^(stopped|creating)$ ]]
  run rt start victim
  [ "$status" -ne 0 ]

  run rt delete --force victim
  [ "$status" -eq 0 ]
  run rt state victim
  [ "$status" -ne 0 ]
  [ -z "$(ls "$RT_ROOT")" ]
  [ -z "$(pgrep -f "vessel-runtime --root $RT_ROOT ")" ]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# exec, ps, pause/resume, update, events, features

@test "exec runs a process in the container and passes its exit status" {
  make_bundle '.process.args=["sleep","100"] | .hostname="lifehost"'
  run_detached ex
  run rt exec ex sh -c 'hostname; echo err >&2; exit 4'
  [ "$status" -eq 4 ]
  [ "${lines[0]}" = "lifehost" ]
  [[ "$output" == *err* ]]
  run rt exec --env FOO=bar --cwd /tmp ex sh -c 'echo "$FOO $(pwd)"'
  [ "$status" -eq 0 ]
  [ "$output" = "bar /tmp" ]
  run rt exec ex no-such-program
  [ "$status" -ne 0 ]
  [[ "$output" == *no-such-program* ]]
  run rt exec no-such-ctr true
  [ "$status" -ne 0 ]
  [[ "$output" == *no-such-ctr*"does not exist"* ]]
  rt delete --force ex
  assert_nothing_left
}

@test "exec --detach and ps list the container's processes" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached psc
  init=$(state_field psc .pid)
  run rt_detached exec --detach --pid-file "$TEST_TMP/exec.pid" psc sleep 99
  [ "$status" -eq 0 ]
  epid=$(cat "$TEST_TMP/exec.pid")
  [ -d "/proc/$epid" ]
  run rt ps --format json psc
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r 'sort | map(tostring) | join(" ")')" = "$(printf '%s\n' "$init" "$epid" | sort -n | tr '\n' ' ' | sed 's/ $//')" ]
  run rt ps psc
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID* ]]
  [ "${#lines[@]}" -eq 3 ]
  [[ "$output" == *"sleep 99"* ]]
  rt delete --force psc
  proc_gone "$epid"
  assert_nothing_left
}

@test "pause and resume" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached pz
  run rt pause pz
  [ "$status" -eq 0 ]
  [ "$(state_field pz .status)" = "paused" ]
  run rt exec pz true
  [ "$status" -ne 0 ]
  [[ "$output" == *pz*paused* ]]
  run rt delete pz
  [ "$status" -ne 0 ]
  [[ "$output" == *paused* ]]
  run rt resume pz
  [ "$status" -eq 0 ]
  [ "$(state_field pz .status)" = "running" ]
  rt delete --force pz
  assert_nothing_left
}

@test "delete --force of a paused container removes it" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached pzf
  pid=$(state_field pzf .pid)
  rt pause pzf
  [ "$(state_field pzf .status)" = "paused" ]
  run rt delete --force pzf
  [ "$status" -eq 0 ]
  proc_gone "$pid"
  run rt state pzf
  [ "$status" -ne 0 ]
  assert_nothing_left
}

@test "update changes a limit; events --stats reports it" {
  make_bundle '.process.args=["sleep","100"]'
  run_detached upd
  run rt update --pids-limit 42 upd
  [ "$status" -eq 0 ]
  run rt events --stats upd
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .type)" = "stats" ]
  [ "$(echo "$output" | jq -r .id)" = "upd" ]
  [ "$(echo "$output" | jq -r .data.pids.limit)" = "42" ]
  [ "$(echo "$output" | jq -r .data.pids.current)" -ge 1 ]
  run rt update --pids-limit lots upd
  [ "$status" -ne 0 ]
  [[ "$output" == *pids-limit*lots* ]]
  rt delete --force upd
  assert_nothing_left
}

@test "features prints JSON describing the runtime" {
  run rt features
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.ociVersionMax == "1.2.0" and (.hooks | index("createRuntime") != null)
                          and (.linux.namespaces | index("user") != null)'
  run rt features extra
  [ "$status" -ne 0 ]
}
