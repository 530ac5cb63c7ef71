#!/usr/bin/env bats
# Bad input: every mistake gets a non-zero exit, one line on stderr that
# names the field or object at fault, and leaves nothing behind.
load helpers
bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# expect_error PATTERN RUNTIME-ARGS...: the call fails, prints nothing on
# stdout and exactly one line on stderr that matches the glob PATTERN.
expect_error() {
  local pattern=$1
  shift
  # stdio go to files: should the call wrongly succeed, a container holding
  # them open cannot block the test
  status=0
  rt "$@" </dev/null >"$TEST_TMP/err.stdout" 2>"$TEST_TMP/err.stderr" || status=$?
  output=$(cat "$TEST_TMP/err.stdout")
  stderr=$(cat "$TEST_TMP/err.stderr")
  mapfile -t stderr_lines <"$TEST_TMP/err.stderr"
  echo "status=$status"
  echo "stdout=$output"
  echo "stderr=$stderr"
  [ "$status" -ne 0 ]
  [ "$status" -lt 124 ] # not a timeout, a crash or a sanitizer exit
  [ -z "$output" ]
  [ "${#stderr_lines[@]}" -eq 1 ]
  [[ "$stderr" == vessel-runtime:* ]]
  [[ "$stderr" == $pattern ]]
}

# bad_config JQ-FILTER PATTERN: create and run both refuse the config.
bad_config() {
  make_bundle "$1"
  expect_error "$2" create --bundle "$BUNDLE" bad
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
  expect_error "$2" run --bundle "$BUNDLE" bad
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
}

@test "malformed JSON: the error gives line and column" {
  make_bundle
  printf '{\n  "ociVersion": "1.2.0",\n  "process": {\n    "args": ["true"],,\n' >"$BUNDLE/config.json"
  expect_error '*config.json*line 4*column*' create --bundle "$BUNDLE" bad
  assert_nothing_left
}

@test "config.json that is not an object, empty or missing" {
  make_bundle
  echo '[1, 2]' >"$BUNDLE/config.json"
  expect_error '*config.json*object*' create --bundle "$BUNDLE" bad
  : >"$BUNDLE/config.json"
  expect_error '*config.json*' create --bundle "$BUNDLE" bad
  rm "$BUNDLE/config.json"
  expect_error '*config.json*' create --bundle "$BUNDLE" bad
  expect_error "*$TEST_TMP/nowhere*" create --bundle "$TEST_TMP/nowhere" bad
  assert_nothing_left
}

@test "wrong type: process.args is a string" {
  bad_config '.process.args="true"' '*process.args*expected*array*'
  assert_nothing_left
}

@test "wrong type: process.args holds a number" {
  bad_config '.process.args=["echo", 1]' '*process.args\[1\]*expected a string*'
  assert_nothing_left
}

@test "wrong type: process.user.uid is a string" {
  bad_config '.process.user.uid="0"' '*process.user.uid*expected an integer*'
  assert_nothing_left
}

@test "wrong type: mounts is not an array" {
  bad_config '.mounts={"destination":"/proc","type":"proc"}' '*mounts*expected an array*'
  assert_nothing_left
}

@test "wrong type: hostname and process.terminal" {
  bad_config '.hostname=42' '*hostname*expected a string*'
  bad_config '.process.terminal="yes"' '*process.terminal*'
  assert_nothing_left
}

@test "missing ociVersion" {
  bad_config 'del(.ociVersion)' '*ociVersion*missing*'
  assert_nothing_left
}

@test "missing process and relative process.cwd" {
  bad_config 'del(.process)' '*process*missing*'
  bad_config '.process.cwd="tmp"' '*process.cwd*'
  assert_nothing_left
}

@test "root.path that does not exist" {
  bad_config '.root.path="no-such-rootfs"' '*root.path*no-such-rootfs*No such file*'
  assert_nothing_left
}

@test "root.path that is a file" {
  touch "$BUNDLE/afile"
  bad_config '.root.path="afile"' '*root.path*afile*'
  assert_nothing_left
}

@test "a program that is not in the rootfs: not found in \$PATH" {
  bad_config '.process.args=["no-such-program"]' '*no-such-program*not found in $PATH*'
  assert_nothing_left
}

@test "an absolute program path that does not exist" {
  bad_config '.process.args=["/bin/no-such-program"]' '*/bin/no-such-program*No such file*'
  assert_nothing_left
}

@test "a program that is not executable" {
  printf 'plain text\n' >"$BUNDLE/rootfs/bin/not-exec"
  chmod 0644 "$BUNDLE/rootfs/bin/not-exec"
  bad_config '.process.args=["/bin/not-exec"]' '*/bin/not-exec*Permission denied*'
  bad_config '.process.args=["not-exec"]' '*not-exec*Permission denied*'
  # a directory is not a program either
  bad_config '.process.args=["/tmp"]' '*/tmp*'
  assert_nothing_left
}

@test "a namespace path that does not exist" {
  bad_config '.linux.namespaces |= (map(select(.type != "network")) + [{"type":"network","path":"/no/such/netns"}])' \
    '*linux.namespaces\[*\].path*/no/such/netns*No such file*'
  assert_nothing_left
}

@test "a namespace path of the wrong type" {
  bad_config '.linux.namespaces |= (map(select(.type != "network")) + [{"type":"network","path":"/proc/'"$$"'/ns/uts"}])' \
    "*linux.namespaces\\[*\\].path*/proc/$$/ns/uts*not a network namespace*"
  assert_nothing_left
}

@test "a namespace path that is not a namespace at all" {
  echo x >"$TEST_TMP/plainfile"
  bad_config ".linux.namespaces |= (map(select(.type != \"ipc\")) + [{\"type\":\"ipc\",\"path\":\"$TEST_TMP/plainfile\"}])" \
    '*linux.namespaces\[*\].path*plainfile*not a namespace*'
  assert_nothing_left
}

@test "an unknown namespace type" {
  bad_config '.linux.namespaces += [{"type":"bogus"}]' '*linux.namespaces\[*\].type*bogus*'
  assert_nothing_left
}

@test "a bind mount whose source is missing" {
  bad_config '.mounts += [{"destination":"/mnt","type":"bind","source":"/no/such/source","options":["rbind"]}]' \
    '*mounts\[*\]*/no/such/source*No such file*'
  assert_nothing_left
}

@test "a mount of an unknown filesystem type" {
  bad_config '.mounts += [{"destination":"/mnt","type":"nosuchfs","source":"none"}]' '*mounts\[*\]*nosuchfs*/mnt*'
  assert_nothing_left
}

@test "a mount with a relative destination" {
  bad_config '.mounts += [{"destination":"mnt","type":"tmpfs","source":"tmpfs"}]' '*mounts\[*\].destination*mnt*'
  assert_nothing_left
}

@test "kill with an unknown signal" {
  make_bundle '.process.args=["sleep","100"]'
  rt run --detach --bundle "$BUNDLE" sig </dev/null >"$TEST_TMP/sig.out" 2>&1
  pid=$(rt state sig | jq -r .pid)
  expect_error '*unknown signal*SIGBOGUS*' kill sig SIGBOGUS
  expect_error '*unknown signal*12345*' kill sig 12345
  expect_error '*unknown signal*RTMIN+999*' kill sig RTMIN+999
  # the container is untouched
  [ "$(rt state sig | jq -r .status)" = "running" ]
  [ "$(rt state sig | jq -r .pid)" = "$pid" ]
  rt delete --force sig
  assert_nothing_left
}

@test "a duplicate container id" {
  make_bundle '.process.args=["sleep","100"]'
  rt run --detach --bundle "$BUNDLE" twin </dev/null >"$TEST_TMP/twin.out" 2>&1
  pid=$(rt state twin | jq -r .pid)
  expect_error '*twin*already exists*' run --detach --bundle "$BUNDLE" twin
  expect_error '*twin*already exists*' create --bundle "$BUNDLE" twin
  # the first one is unharmed
  [ "$(rt state twin | jq -r .status)" = "running" ]
  [ "$(rt state twin | jq -r .pid)" = "$pid" ]
  [ -d "/proc/$pid" ]
  [ "$(ls "$RT_ROOT")" = "twin" ]
  rt delete --force twin
  assert_nothing_left
}

@test "an invalid container id" {
  make_bundle '.process.args=["true"]'
  for id in ../x x/y .hidden 'a b' ''; do
    expect_error '*invalid container id*' create --bundle "$BUNDLE" "$id"
  done
  expect_error '*invalid container id*../x*' run --bundle "$BUNDLE" ../x
  expect_error '*invalid container id*../x*' state ../x
  expect_error '*invalid container id*../x*' delete --force ../x
  [ ! -e "$TEST_TMP/x" ]
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
  assert_nothing_left
}

@test "unknown fields in config.json are ignored" {
  make_bundle '.process.args=["echo","still-runs"] | .vesselUnknown={"a":[1,2]} | .process.madeUp=true
               | .linux.notAField="x" | .root.extra=1 | .mounts[0].weird=null'
  run --separate-stderr rt run --bundle "$BUNDLE" unknown
  [ "$status" -eq 0 ]
  [ "$output" = "still-runs" ]
  assert_nothing_left
}

@test "process.terminal without --console-socket fails for create and run --detach" {
  make_bundle '.process.terminal=true | .process.args=["true"]'
  expect_error '*process.terminal*--console-socket*' create --bundle "$BUNDLE" tty
  expect_error '*process.terminal*--console-socket*' run --detach --bundle "$BUNDLE" tty
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
  assert_nothing_left
}

@test "--console-socket that does not exist" {
  make_bundle '.process.terminal=true | .process.args=["true"]'
  expect_error "*console-socket*$TEST_TMP/no.sock*" create --console-socket "$TEST_TMP/no.sock" --bundle "$BUNDLE" tty
  assert_nothing_left
}

@test "an unknown rlimit type" {
  bad_config '.process.rlimits += [{"type":"RLIMIT_BOGUS","hard":1,"soft":1}]' '*process.rlimits\[1\].type*RLIMIT_BOGUS*'
  assert_nothing_left
}

@test "a soft rlimit above the hard one" {
  bad_config '.process.rlimits = [{"type":"RLIMIT_NOFILE","hard":10,"soft":20}]' '*process.rlimits\[0\]*'
  assert_nothing_left
}

@test "a non-namespaced sysctl is refused" {
  before=$(cat /proc/sys/kernel/panic)
  bad_config '.linux.sysctl={"kernel.panic":"17"}' '*linux.sysctl*kernel.panic*'
  [ "$(cat /proc/sys/kernel/panic)" = "$before" ]
  assert_nothing_left
}

@test "a network sysctl without a network namespace is refused" {
  before=$(cat /proc/sys/net/ipv4/ip_forward)
  bad_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl={"net.ipv4.ip_forward":"1"}' \
    '*linux.sysctl*net.ipv4.ip_forward*network namespace*'
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
  assert_nothing_left
}

@test "a sysctl key that tries to escape /proc/sys" {
  bad_config '.linux.sysctl={"../../etc/hostname":"x"}' '*linux.sysctl*'
  assert_nothing_left
}

@test "a createRuntime hook that fails aborts the create" {
  bad_config '.hooks.createRuntime=[{"path":"/bin/false"}]' '*createRuntime*/bin/false*status 1*'
  assert_nothing_left
}

@test "usage errors: missing id, extra arguments, bad --preserve-fds" {
  make_bundle '.process.args=["true"]'
  expect_error '*create*container id*' create --bundle "$BUNDLE"
  expect_error '*create*container id*' create --bundle "$BUNDLE" a b
  expect_error '*state*container id*' state
  expect_error '*preserve-fds*abc*' run --preserve-fds abc --bundle "$BUNDLE" pf
  expect_error '*preserve-fds*' run --preserve-fds -1 --bundle "$BUNDLE" pf
  [ -z "$(ls "$RT_ROOT" 2>/dev/null)" ]
  assert_nothing_left
}

@test "a capability this host cannot give fails, naming it (never silently dropped)" {
  # find a capability missing from our own bounding set
  local bnd last c missing=""
  bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  last=$(cat /proc/sys/kernel/cap_last_cap)
  for c in $(seq 0 "$last"); do
    if (( (16#$bnd >> c & 1) == 0 )); then missing=$c; break; fi
  done
  [ -n "$missing" ] || skip "this host's bounding set has every capability"
  local name
  name=$(capsh --decode=$(printf '%x' $((1 << missing))) | sed 's/.*=//' | tr a-z A-Z)
  make_bundle ".process.args=[\"true\"] | .process.capabilities.bounding += [\"$name\"]"
  expect_error "*process.capabilities.bounding*$name*not available*" run --bundle "$BUNDLE" capmiss
  assert_nothing_left
}
