# helpers.bash — shared setup for vessel-runtime integration tests.
#
# Each test gets its own runtime root and bundle in a temp dir, a busybox
# rootfs made from Debian's busybox-static, and a snapshot of what a
# container could leave behind (mounts, cgroup folders, state, processes),
# compared again in teardown: a test that leaks fails.

RUNTIME="${VESSEL_RUNTIME:-$BATS_TEST_DIRNAME/../../build/asan/vessel-runtime}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

# Populate $1 with a busybox rootfs (static binary + applet links).
make_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,root}
  cp "$BUSYBOX" "$root/bin/busybox"
  local a
  for a in $("$BUSYBOX" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
}

# A bundle in $BUNDLE whose config comes from `vessel-runtime spec`, then
# edited with jq: make_bundle '.process.args=["true"]'
make_bundle() {
  local filter=${1:-.}
  rm -f "$BUNDLE/config.json"
  "$RUNTIME" spec --bundle "$BUNDLE"
  jq ".process.terminal=false | $filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
  mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# The runtime with this test's root, and a deadline: a command that blocks
# (for example on a container's lock) fails the test instead of hanging it.
rt() { timeout --kill-after=2 "${RT_TIMEOUT:-15}" "$RUNTIME" --root "$RT_ROOT" "$@"; }

# A runtime call whose container can outlive it: the container inherits the
# runtime's stdio, so they go to a file (never to the pipe `run` reads, which
# would stay open as long as the container lives).
rt_detached() {
  local out rc
  out=$(mktemp "$TEST_TMP/detached.XXXXXX")
  rt "$@" </dev/null >"$out" 2>&1 && rc=0 || rc=$?
  cat "$out"
  return "$rc"
}

snapshot() {
  {
    echo "## mounts"; awk '{print $5}' /proc/self/mountinfo | sort
    # container folders: /sys/fs/cgroup/<hierarchy>/vessel-<id> by default, the engine's in vessel/<id>
    echo "## cgroups"; find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d \( -name 'vessel-*' -o -path '*/vessel/*' \) 2>/dev/null | sort
    echo "## state"; ls "$RT_ROOT" 2>/dev/null | sort
    echo "## procs"; pgrep -f "vessel-runtime --root $RT_ROOT" | grep -v "^$$\$" | sort || true
  } >"$1"
}

common_setup() {
  TEST_TMP=$(mktemp -d /tmp/vessel-test.XXXXXX)
  RT_ROOT="$TEST_TMP/state"
  BUNDLE="$TEST_TMP/bundle"
  mkdir -p "$BUNDLE"
  make_rootfs "$BUNDLE/rootfs"
  snapshot "$TEST_TMP/before"
}

# Fails (and shows the difference) when something was left behind.
assert_nothing_left() {
  snapshot "$TEST_TMP/after"
  if ! diff -u "$TEST_TMP/before" "$TEST_TMP/after"; then
    echo "something was left behind (see diff above)" >&2
    return 1
  fi
}

common_teardown() {
  local id p
  # Runtime processes of this test's root that are still there (a command
  # that hung, a container init that never exec'd): end them by pid so that
  # the deletes below cannot block on their lock.
  for p in $(pgrep -f "vessel-runtime --root $RT_ROOT " 2>/dev/null); do
    kill -9 "$p" 2>/dev/null || true
  done
  # A frozen container cannot die: thaw what a failed test left paused.
  for p in $(cat "$RT_ROOT"/*/state.json 2>/dev/null | jq -r '.freezerPath // empty' 2>/dev/null); do
    echo THAWED >"$p/freezer.state" 2>/dev/null || echo 0 >"$p/cgroup.freeze" 2>/dev/null || true
  done
  for id in $(ls "$RT_ROOT" 2>/dev/null); do
    "$RUNTIME" --root "$RT_ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$TEST_TMP"
}

# Wait until `rt state $1` reports status $2 (up to ~5 s).
wait_status() {
  local i
  for i in $(seq 50); do
    [ "$(rt state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
    sleep 0.1
  done
  echo "container $1 never reached status $2 (now: $(rt state "$1" 2>&1))" >&2
  return 1
}
