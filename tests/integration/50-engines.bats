#!/usr/bin/env bats
# vessel-runtime under real engines, as a drop-in for runc:
#   podman 4.3 (through conmon) and containerd 1.6 (through ctr and
#   containerd-shim-runc-v2).
#
# Nothing is pulled: the image is a busybox rootfs (make_rootfs) that
# `podman import` turns into localhost/vbusybox:test, and that `podman save
# --format oci-archive` hands to containerd. Podman runs on a private store
# (--root/--runroot/--tmpdir/--network-config-dir under a temp dir) and
# containerd on its own config, whose root, state, temp and sockets are all
# under the same temp dir. Containers get no network (--network none, no CNI
# for ctr), so there is no traffic at all.
#
# Each test checks that it left nothing behind: the snapshot of helpers.bash
# (mounts, *vessel* cgroups, runtime state of $RT_ROOT, runtime processes)
# plus what the engines add: podman's containers, their cgroups
# (libpod_parent/libpod-ID) and their runtime state (podman does not pass
# --root, so that is the default root: /run/vessel-runtime), containerd's
# tasks and containers, its cgroups (vtest/ID), shims and conmons.
#
# Notes on this machine, found while writing these tests:
# - The sandbox lacks CAP_SYS_RESOURCE and its RLIMIT_NPROC hard limit is
#   below the 1048576 podman asks for (RLIMIT_NOFILE and RLIMIT_NPROC, both
#   "max" for root): runc and crun fail the same way ("setrlimit
#   RLIMIT_NPROC: Operation not permitted"). So every `podman run` carries
#   --ulimit nofile=1024:1024 and --ulimit nproc=4096:4096.
# - podman's `--runtime-flag root=DIR` cannot give the runtime a private
#   root: the exit command conmon runs (`podman container cleanup`) does not
#   carry runtime flags, so its `delete --force` goes to the default root and
#   leaves the state folder and the cgroup behind. The podman tests therefore
#   use the default root, like runc under podman does (/run/runc).
# - Both engines create a few folders outside their private roots, which
#   teardown_file removes when they were not there before: podman's
#   /var/lib/containers/cache (blob info cache), /run/containers/networks
#   (netavark's run dir, hard-coded for root), the cgroup parent
#   libpod_parent (and libpod_parent/conmon); containerd-shim's
#   /run/containerd/s (shim sockets, hard-coded) and the cgroup parent vtest.
# - The ASan build (VESSEL_RUNTIME from tests/run-all.sh) works under both
#   engines. conmon starts the runtime with a reduced environment (PATH,
#   HOME, _OCI_SYNCPIPE/_OCI_STARTPIPE for create; nothing at all for the
#   delete of `podman container cleanup`), so ASAN_OPTIONS and UBSAN_OPTIONS
#   of run-all.sh do not reach it and ASan runs with its defaults
#   (detect_leaks=1, a leak exits 23); the shim passes containerd's
#   environment through, so there they do.
# - Both engines call `delete --force ID` for containers the runtime no
#   longer (or never) has: podman after a failed create, the containerd shim
#   in its cleanup after every task. runc and crun exit 0 there; the last
#   podman test and the last containerd test check that vessel-runtime does.
bats_require_minimum_version 1.5.0
load helpers

RUNTIME=$(readlink -f "$RUNTIME")
# The runtime's default root: where its state goes when podman runs it.
DEFAULT_RT_ROOT=/run/vessel-runtime
IMAGE=localhost/vbusybox:test
CTR_NS=vtest
# RLIMIT_NPROC/NOFILE that this machine allows (see the notes above), and no
# network for the container.
PM_RUN_FLAGS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --network none)

# ---------------------------------------------------------------------------
# engines

# podman on the private store, with vessel-runtime; never hangs the suite.
pm_cmd() {
  echo podman --root "$ENG_DIR/podman/storage" --runroot "$ENG_DIR/podman/run" \
    --tmpdir "$ENG_DIR/podman/tmp" --network-config-dir "$ENG_DIR/podman/net" \
    --runtime "$RUNTIME" --cgroup-manager cgroupfs --events-backend file
}
pm() {
  # shellcheck disable=SC2046
  timeout --kill-after=5 "${PM_TIMEOUT:-60}" $(pm_cmd) "$@"
}

# ctr on the private containerd, in the test namespace.
cctr() {
  timeout --kill-after=5 "${CTR_TIMEOUT:-60}" \
    ctr -a "$ENG_DIR/containerd/containerd.sock" -n "$CTR_NS" "$@"
}
# ctr run with vessel-runtime as the shim's runc (its root under the temp dir)
cctr_run() {
  cctr run --runc-binary "$RUNTIME" --runc-root "$ENG_DIR/containerd/runc" \
    --fifo-dir "$ENG_DIR/containerd/fifo" "$@"
}

# "$@" with its stderr kept apart (in $TEST_TMP/stderr), so that `run` sees
# only stdout; engines print warnings there.
no_stderr() { "$@" 2>>"$TEST_TMP/stderr"; }

# Processes working on this file's engine dirs (conmon, shims, runtime calls,
# podman's cleanup), and containerd itself (its --config is there): the same
# before and after a test, none after teardown_file stopped containerd.
engine_pids() { pgrep -f -- "$ENG_DIR" 2>/dev/null | grep -vx -e "$$" -e "$BASHPID" || true; }

containerd_up() { [ -S "$ENG_DIR/containerd/containerd.sock" ] && cctr version >/dev/null 2>&1; }

write_containerd_config() {
  local d=$ENG_DIR/containerd
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
temp = "$d/tmp"
# no CRI (it wants CNI and a network), no snapshotters that are not used,
# no /opt/containerd
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""

[plugins]
  # the tasks service needs the v1 runtime loaded; keep its root here too
  [plugins."io.containerd.runtime.v1.linux"]
    runtime_root = "$d/runc-v1"
EOF
}

# Folders outside the private roots that the engines create on their own
# (see the notes at the top): removed in teardown_file if they are new.
host_paths() {
  echo /var/lib/containers /run/containers /run/libpod /etc/containers/networks \
    /var/lib/containerd /run/containerd /opt/containerd
}
cgroup_parents() {
  local c
  for c in /sys/fs/cgroup/*/; do echo "${c}libpod_parent" "${c}$CTR_NS"; done
}

setup_file() {
  export ENG_DIR
  ENG_DIR=$(mktemp -d /tmp/vessel-engines.XXXXXX)
  mkdir -p "$ENG_DIR"/podman/{storage,run,tmp,net} "$ENG_DIR"/containerd/{tmp,fifo,runc}
  local p
  for p in $(host_paths) $(cgroup_parents); do
    [ -e "$p" ] || echo "$p" >>"$ENG_DIR/new-host-paths"
  done

  # the image, offline
  make_rootfs "$ENG_DIR/rootfs"
  tar -C "$ENG_DIR/rootfs" -cf "$ENG_DIR/vbusybox.tar" .
  pm import "$ENG_DIR/vbusybox.tar" "$IMAGE" >/dev/null
  pm save --format oci-archive -o "$ENG_DIR/vbusybox-oci.tar" "$IMAGE" 2>/dev/null

  # containerd, on its own config (fd 3 closed so that bats does not wait on it)
  write_containerd_config
  containerd --config "$ENG_DIR/containerd/config.toml" \
    </dev/null >"$ENG_DIR/containerd/log" 2>&1 3>&- &
  echo $! >"$ENG_DIR/containerd/pid"
  local i
  for i in $(seq 100); do
    containerd_up && break
    sleep 0.1
  done
  containerd_up || { cat "$ENG_DIR/containerd/log" >&2; return 1; }
  cctr images import "$ENG_DIR/vbusybox-oci.tar" >/dev/null
}

# Everything of both engines, whatever state the tests left.
remove_all_containers() {
  pm rm --all --force --time 0 >/dev/null 2>&1 || true
  if containerd_up; then
    local id
    for id in $(cctr tasks ls -q 2>/dev/null); do
      cctr tasks kill -s KILL --all "$id" >/dev/null 2>&1 || true
      cctr tasks delete --force "$id" >/dev/null 2>&1 || true
    done
    for id in $(cctr containers ls -q 2>/dev/null); do
      cctr containers delete "$id" >/dev/null 2>&1 || true
    done
  fi
}

teardown_file() {
  [ -n "${ENG_DIR:-}" ] && [ -d "$ENG_DIR" ] || return 0
  remove_all_containers
  pm rmi --all --force >/dev/null 2>&1 || true

  # containerd, then any shim or conmon of ours still there (by pid)
  local pid p
  pid=$(cat "$ENG_DIR/containerd/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    for p in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # Whatever else of the engines still runs on our dirs (a conmon, a shim, the
  # `podman container cleanup` conmon started, a shim's cleanup `delete`):
  # these recreate /run/containers or /run/containerd/s if they outlive the
  # removal below, so let them finish, then end them by pid.
  for p in $(seq 50); do
    [ -z "$(engine_pids)" ] && break
    sleep 0.2
  done
  for p in $(engine_pids); do
    kill -9 "$p" 2>/dev/null || true
  done

  # mounts the engines left under their roots (deepest first), then the roots
  local m
  for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$ENG_DIR/" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$ENG_DIR/containerd/root" 2>/dev/null || true

  # what the engines created outside them, if it was not there before
  local c
  while read -r p; do
    case $p in
      /sys/fs/cgroup/*)
        # the parents only: a container's own folder is a leak the tests report
        c=$p/conmon
        if [ -d "$c" ]; then rmdir "$c" 2>/dev/null || true; fi
        if [ -d "$p" ]; then rmdir "$p" 2>/dev/null || true; fi ;;
      *) rm -rf "$p" ;;
    esac
  done <"$ENG_DIR/new-host-paths"
  rm -rf "$ENG_DIR"
}

# ---------------------------------------------------------------------------
# per test: the snapshot of helpers.bash plus the engines' own traces

eval "helpers_$(declare -f snapshot)"
snapshot() {
  helpers_snapshot "$1"
  {
    echo "## engine runtime state (default root)"
    grep -l "$ENG_DIR" "$DEFAULT_RT_ROOT"/*/state.json 2>/dev/null | sort || true
    echo "## engine cgroups"
    find /sys/fs/cgroup -maxdepth 3 -type d \( -name 'libpod-*' -o -path "*/$CTR_NS/*" \) 2>/dev/null | sort
    echo "## engine containers"
    pm ps --all --quiet --no-trunc 2>&1 | sort
    cctr containers ls -q 2>&1 | sort
    cctr tasks ls -q 2>&1 | sort
    echo "## engine procs"
    engine_pids | sort
  } >>"$1"
}

# The engines finish some cleanup after their command returned (conmon runs
# `podman container cleanup`, the shim exits): give them a few seconds.
assert_engines_clean() {
  local i
  for i in $(seq 50); do
    assert_nothing_left >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  assert_nothing_left
}

setup() {
  TEST_TMP=$(mktemp -d /tmp/vessel-test.XXXXXX)
  # where the shim's runtime keeps its state (--runc-root + namespace)
  RT_ROOT="$ENG_DIR/containerd/runc/$CTR_NS"
  snapshot "$TEST_TMP/before"
}

teardown() {
  remove_all_containers
  rm -rf "$TEST_TMP"
}

# Host cgroup folder (v1 controller $2) of process $1.
host_cgroup() {
  echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '$2 == c {print $3}' "/proc/$1/cgroup")"
}

# Wait until podman reports status $2 for container $1.
pm_wait_status() {
  local i
  for i in $(seq 50); do
    [ "$(pm inspect --format '{{.State.Status}}' "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.1
  done
  echo "container $1 never reached $2 (now: $(pm inspect --format '{{.State.Status}}' "$1" 2>&1))" >&2
  return 1
}

# ---------------------------------------------------------------------------
# podman

@test "podman: run --rm passes output and exit code through" {
  run no_stderr pm run --rm "${PM_RUN_FLAGS[@]}" "$IMAGE" sh -c 'echo hello from $(hostname); id -u'
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "hello from "* ]]
  [ "${lines[1]}" = 0 ]

  run no_stderr pm run --rm "${PM_RUN_FLAGS[@]}" "$IMAGE" sh -c 'echo out; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = out ]
  assert_engines_clean
}

@test "podman: run -it gets a terminal on /dev/pts" {
  run script -qec "$(pm_cmd) run --rm -it ${PM_RUN_FLAGS[*]} $IMAGE sh -c 'tty; test -t 0 && echo stdin-is-a-tty; exit 5'" /dev/null
  echo "$output"
  [ "$status" -eq 5 ]
  [[ "$output" =~ /dev/pts/[0-9]+ ]]
  [[ "$output" == *stdin-is-a-tty* ]]
  assert_engines_clean
}

@test "podman: --memory 64m sets memory.limit_in_bytes (inside and on the host)" {
  run no_stderr pm run --rm "${PM_RUN_FLAGS[@]}" --memory 64m "$IMAGE" \
    cat /sys/fs/cgroup/memory/memory.limit_in_bytes
  [ "$status" -eq 0 ]
  [ "$output" = 67108864 ]

  run no_stderr pm run -d --name vt-mem "${PM_RUN_FLAGS[@]}" --memory 64m "$IMAGE" sleep 100
  [ "$status" -eq 0 ]
  pid=$(pm inspect --format '{{.State.Pid}}' vt-mem)
  cg=$(host_cgroup "$pid" memory)
  [[ "$cg" == */libpod-* ]]
  [ "$(cat "$cg/memory.limit_in_bytes")" = 67108864 ]
  grep -qx "$pid" "$cg/cgroup.procs"
  pm rm --force --time 0 vt-mem
  [ ! -d "$cg" ]
  assert_engines_clean
}

@test "podman: --pids-limit 33 sets pids.max" {
  run no_stderr pm run --rm "${PM_RUN_FLAGS[@]}" --pids-limit 33 "$IMAGE" \
    cat /sys/fs/cgroup/pids/pids.max
  [ "$status" -eq 0 ]
  [ "$output" = 33 ]

  run no_stderr pm run -d --name vt-pids "${PM_RUN_FLAGS[@]}" --pids-limit 33 "$IMAGE" sleep 100
  [ "$status" -eq 0 ]
  pid=$(pm inspect --format '{{.State.Pid}}' vt-pids)
  [ "$(cat "$(host_cgroup "$pid" pids)/pids.max")" = 33 ]
  pm rm --force --time 0 vt-pids
  assert_engines_clean
}

@test "podman: exec into a detached container" {
  run no_stderr pm run -d --name vt-exec "${PM_RUN_FLAGS[@]}" "$IMAGE" sleep 100
  [ "$status" -eq 0 ]
  pm_wait_status vt-exec running

  run no_stderr pm exec vt-exec sh -c 'echo in; cat /proc/1/cmdline | tr "\0" " "; exit 4'
  [ "$status" -eq 4 ]
  [ "${lines[0]}" = in ]
  [ "${lines[1]}" = "sleep 100 " ]

  # with a terminal too
  run script -qec "$(pm_cmd) exec -it vt-exec tty" /dev/null
  [ "$status" -eq 0 ]
  [[ "$output" =~ /dev/pts/[0-9]+ ]]

  # detached exec, with its own environment and working directory
  pm exec -d --env VT=42 --workdir /tmp vt-exec sh -c 'echo "$VT $PWD" >/tmp/out'
  for i in $(seq 50); do
    [ "$(pm exec vt-exec cat /tmp/out 2>/dev/null)" = "42 /tmp" ] && break
    sleep 0.1
  done
  [ "$(pm exec vt-exec cat /tmp/out)" = "42 /tmp" ]

  pm rm --force --time 0 vt-exec
  assert_engines_clean
}

@test "podman: pause and unpause" {
  run no_stderr pm run -d --name vt-pause "${PM_RUN_FLAGS[@]}" "$IMAGE" sleep 100
  [ "$status" -eq 0 ]
  id=$output
  pm_wait_status vt-pause running
  pid=$(pm inspect --format '{{.State.Pid}}' vt-pause)

  pm pause vt-pause
  [ "$(pm inspect --format '{{.State.Status}}' vt-pause)" = paused ]
  # the runtime agrees, and the process is frozen
  [ "$("$RUNTIME" state "$id" | jq -r .status)" = paused ]
  [ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = FROZEN ]

  pm unpause vt-pause
  [ "$(pm inspect --format '{{.State.Status}}' vt-pause)" = running ]
  [ "$("$RUNTIME" state "$id" | jq -r .status)" = running ]
  [ "$(cat "$(host_cgroup "$pid" freezer)/freezer.state")" = THAWED ]
  run no_stderr pm exec vt-pause echo alive
  [ "$output" = alive ]

  pm rm --force --time 0 vt-pause
  assert_engines_clean
}

@test "podman: stop ends the container in time" {
  # a process that handles SIGTERM stops at once, with its own exit code
  run no_stderr pm run -d --name vt-stop "${PM_RUN_FLAGS[@]}" "$IMAGE" \
    sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
  [ "$status" -eq 0 ]
  pm_wait_status vt-stop running
  start=$SECONDS
  pm stop --time 30 vt-stop
  [ $((SECONDS - start)) -lt 10 ]
  [ "$(pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' vt-stop)" = "exited 7" ]
  pm rm vt-stop

  # pid 1 ignores SIGTERM: SIGKILL after --time
  run no_stderr pm run -d --name vt-stop2 "${PM_RUN_FLAGS[@]}" "$IMAGE" sleep 100
  [ "$status" -eq 0 ]
  pm_wait_status vt-stop2 running
  start=$SECONDS
  pm stop --time 2 vt-stop2 2>/dev/null
  [ $((SECONDS - start)) -lt 10 ]
  [ "$(pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' vt-stop2)" = "exited 137" ]
  pm rm vt-stop2
  assert_engines_clean
}

@test "podman: top lists the container's processes" {
  run no_stderr pm run -d --name vt-top "${PM_RUN_FLAGS[@]}" "$IMAGE" sleep 100
  [ "$status" -eq 0 ]
  pm_wait_status vt-top running

  # podman's own descriptors (read from the host's /proc)
  run no_stderr pm top vt-top pid args
  [ "$status" -eq 0 ]
  [[ "$output" == *"sleep 100"* ]]
  # ps options: podman runs ps in the container (a runtime exec)
  run no_stderr pm top vt-top -o pid,comm
  [ "$status" -eq 0 ]
  echo "$output" | grep -Eq '^ *1 +sleep$'

  pm rm --force --time 0 vt-top
  assert_engines_clean
}

@test "podman: a failed create gives 127/126 like runc, and its cleanup is quiet" {
  # podman maps the runtime's message to the exit code
  run -127 no_stderr pm run --rm "${PM_RUN_FLAGS[@]}" "$IMAGE" nosuchcmd
  run -126 no_stderr pm run --rm "${PM_RUN_FLAGS[@]}" "$IMAGE" /etc/passwd
  # After a failed create podman calls `delete --force ID` for a container
  # the runtime never recorded: runc and crun exit 0 there, so podman says
  # nothing but the error itself.
  cat "$TEST_TMP/stderr"
  assert_engines_clean
  if grep -E "does not exist|from runtime after creation failed" "$TEST_TMP/stderr"; then
    return 1
  fi
}

# ---------------------------------------------------------------------------
# containerd

@test "containerd: ctr run --rm prints hello and passes the exit code through" {
  run no_stderr cctr_run --rm "$IMAGE" id1 echo hello </dev/null
  [ "$status" -eq 0 ]
  [ "$output" = hello ]

  run no_stderr cctr_run --rm "$IMAGE" id1 sh -c 'echo bye; exit 3' </dev/null
  [ "$status" -eq 3 ]
  [ "$output" = bye ]
  assert_engines_clean
}

@test "containerd: detached run, task exec, kill, delete" {
  run no_stderr cctr_run -d "$IMAGE" id2 sleep 100 </dev/null
  [ "$status" -eq 0 ]
  # the shim ran vessel-runtime with the root it was given
  [ -d "$RT_ROOT/id2" ]
  [ "$(cctr tasks ls | awk '$1 == "id2" {print $3}')" = RUNNING ]
  pid=$(cctr tasks ls | awk '$1 == "id2" {print $2}')
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 100 " ]
  [ "$(host_cgroup "$pid" pids)" = "/sys/fs/cgroup/pids/$CTR_NS/id2" ]

  run no_stderr cctr tasks exec --exec-id e1 --fifo-dir "$ENG_DIR/containerd/fifo" \
    id2 sh -c 'echo inside; cat /proc/1/cmdline | tr "\0" " "; exit 2' </dev/null
  [ "$status" -eq 2 ]
  [ "${lines[0]}" = inside ]
  [ "${lines[1]}" = "sleep 100 " ]

  run no_stderr cctr tasks ps id2
  [ "$status" -eq 0 ]
  [[ "$output" == *"$pid"* ]]

  # sleep as pid 1 ignores the default SIGTERM, so kill with SIGKILL
  cctr tasks kill -s KILL id2
  for i in $(seq 50); do
    [ "$(cctr tasks ls | awk '$1 == "id2" {print $3}')" = STOPPED ] && break
    sleep 0.1
  done
  [ "$(cctr tasks ls | awk '$1 == "id2" {print $3}')" = STOPPED ]
  run no_stderr cctr tasks delete id2
  [ "$status" -eq 0 ]
  [ "$output" = "" ] || [[ "$output" == *137* ]]
  cctr containers delete id2
  [ ! -e "$RT_ROOT/id2" ]
  assert_engines_clean
}

@test "containerd: task pause and resume" {
  run no_stderr cctr_run -d "$IMAGE" id3 sleep 100 </dev/null
  [ "$status" -eq 0 ]
  cctr tasks pause id3
  [ "$(cctr tasks ls | awk '$1 == "id3" {print $3}')" = PAUSED ]
  [ "$(cat "/sys/fs/cgroup/freezer/$CTR_NS/id3/freezer.state")" = FROZEN ]
  cctr tasks resume id3
  [ "$(cctr tasks ls | awk '$1 == "id3" {print $3}')" = RUNNING ]
  cctr tasks kill -s KILL id3
  for i in $(seq 50); do
    [ "$(cctr tasks ls | awk '$1 == "id3" {print $3}')" = STOPPED ] && break
    sleep 0.1
  done
  cctr tasks delete id3 >/dev/null
  cctr containers delete id3
  assert_engines_clean
}

@test "containerd: the shim's cleanup delete of a gone container succeeds" {
  # After every task the shim's cleanup (`containerd-shim-runc-v2 delete`)
  # runs `RUNTIME delete --force ID` on a container that is usually gone
  # already; runc exits 0 there (its delete.go), otherwise containerd logs
  # "failed to remove runc container".
  log_start=$(stat -c %s "$ENG_DIR/containerd/log")
  run no_stderr cctr_run --rm "$IMAGE" id4 true </dev/null
  [ "$status" -eq 0 ]
  run no_stderr cctr_run --rm "$IMAGE" id4 nosuchcmd </dev/null
  [ "$status" -ne 0 ]
  cat "$TEST_TMP/stderr"
  [[ "$(cat "$TEST_TMP/stderr")" == *'executable file not found in $PATH'* ]]
  cctr containers delete id4 2>/dev/null || true
  assert_engines_clean
  # The shim's cleanup reaper sometimes loses the exit status of the delete
  # it ran and reports "exit status 255" with no output: runc 1.1.5 gets the
  # same about one run in eight here (ftrace showed our delete exiting 0
  # when the shim said 255).  Any other failure report is ours.
  if tail -c "+$((log_start + 1))" "$ENG_DIR/containerd/log" | grep -a 'failed to remove runc container' \
      | grep -av 'did not terminate successfully: exit status 255: \\"'; then
    return 1
  fi
}
