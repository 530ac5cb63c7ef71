#!/usr/bin/env bats
# The engine: containers from images with docker's command line, through
# vessel-monitor and vessel-runtime.  Every test checks that nothing is left:
# no mounts, monitors, runtime state or cgroup folders.

load image-helpers
bats_require_minimum_version 1.5.0

setup_file() {
  export FIXTURE_TAR
  FIXTURE_TAR=$(mktemp /tmp/vessel-engine-bb.XXXXXX.tar)
  IMG_TMP=/tmp make_busybox_tar "$FIXTURE_TAR"
}

teardown_file() {
  rm -f "$FIXTURE_TAR"
}

setup() { engine_setup; }
teardown() { engine_teardown; }

@test "run: output, stderr apart, and the exit status passed through" {
  run --separate-stderr vessel run --name t1 busybox sh -c 'echo out; echo err >&2; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = out ]
  [ "$stderr" = err ]
  run vessel ps -a --format '{{.Names}} {{.Status}}'
  [[ "$output" == "t1 Exited (3)"* ]]
  run vessel inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.Name}} {{.Config.Image}}' t1
  [ "$output" = "exited 3 /t1 busybox" ]
  vessel rm t1
  assert_clean
}

@test "run --rm: nothing is left, not even a record" {
  run vessel run --rm busybox echo hello
  [ "$status" -eq 0 ]
  [ "$output" = hello ]
  [ -z "$(vessel ps -aq)" ]
  [ -z "$(ls -A "$VESSEL_ROOT_DIR/containers")" ]
  assert_clean
}

@test "run -d, ps, logs, stop, start, rm" {
  run vessel run -d --name web busybox sh -c 'echo started; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done'
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  id=$output
  run vessel ps --format '{{.ID}} {{.Names}} {{.State}}'
  [ "$output" = "${id:0:12} web running" ]
  for i in $(seq 1 50); do vessel logs web | grep -q started && break; sleep 0.1; done
  run vessel logs web
  [ "$output" = started ]
  run vessel stop web
  [ "$status" -eq 0 ]
  run vessel logs web
  [ "$output" = "$(printf 'started\nbye')" ]
  run vessel inspect --format '{{.State.ExitCode}}' web
  [ "$output" = 0 ]
  [ -z "$(vessel ps -q)" ]
  run vessel start web
  [ "$status" -eq 0 ]
  run vessel ps -q
  [ "$output" = "${id:0:12}" ]
  run vessel rm web
  [ "$status" -eq 125 ]
  [[ "$output" == *"container is running"* ]]
  run vessel rm -f web
  [ "$status" -eq 0 ]
  assert_clean
}

@test "run: -e, --env-file, -w, -u, --entrypoint, --hostname, --read-only" {
  printf 'A=1\n# comment\nB=two words\n' >"$IMG_TMP/env"
  run vessel run --rm -e X=y --env-file "$IMG_TMP/env" -w /tmp -u 1000:1001 --hostname box busybox \
    sh -c 'echo $X $A $B; pwd; id -u; id -g; hostname'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'y 1 two words\n/tmp\n1000\n1001\nbox')" ]
  run vessel run --rm --entrypoint echo busybox via-entrypoint
  [ "$output" = via-entrypoint ]
  run vessel run --rm --read-only busybox touch /x
  [ "$status" -ne 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  assert_clean
}

@test "run --init: tini is pid 1 and reaps; the command runs under it" {
  run vessel run --rm --init busybox sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo $$'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "/dev/init -- sh -c"* ]]
  [ "${lines[1]}" != 1 ]
  assert_clean
}

@test "run: bind mounts, named volumes and tmpfs" {
  mkdir -p "$IMG_TMP/data"
  echo host >"$IMG_TMP/data/f"
  run vessel run --rm -v "$IMG_TMP/data:/data" busybox sh -c 'cat /data/f; echo ctr >/data/g'
  [ "$output" = host ]
  [ "$(cat "$IMG_TMP/data/g")" = ctr ]
  run vessel run --rm -v "$IMG_TMP/data:/data:ro" busybox touch /data/h
  [ "$status" -ne 0 ]
  vessel run --rm -v vol1:/v busybox sh -c 'echo kept >/v/k'
  run vessel run --rm -v vol1:/v busybox cat /v/k
  [ "$output" = kept ]
  run vessel run --rm --tmpfs /scratch busybox sh -c 'grep /scratch /proc/mounts'
  [[ "$output" == *"tmpfs"* ]]
  run vessel run --rm --mount type=bind,source="$IMG_TMP/data",target=/m,readonly busybox cat /m/f
  [ "$output" = host ]
  assert_clean
}

@test "default security is docker's; --privileged, --cap-drop and no-new-privileges change it" {
  run vessel run --rm busybox sh -c 'grep -E "^(CapEff|Seccomp|NoNewPrivs):" /proc/self/status'
  echo "$output"
  [[ "$output" == *"CapEff:"*"00000000a80425fb"* ]]
  [[ "$output" == *"Seccomp:"*"2"* ]]
  [[ "$output" == *"NoNewPrivs:"*"0"* ]]
  # the default seccomp profile refuses unshare and mount
  run vessel run --rm busybox unshare -U true
  [ "$status" -ne 0 ]
  run vessel run --rm busybox sh -c 'cat /proc/kcore >/dev/null 2>&1 && echo readable || echo masked'
  [ "$output" = masked ]
  run vessel run --rm --privileged busybox sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status'
  [[ "$output" != *"00000000a80425fb"* ]]
  [[ "$output" == *"Seccomp:"*"0"* ]]
  run vessel run --rm --cap-drop ALL --cap-add NET_RAW busybox grep CapEff /proc/self/status
  [[ "$output" == *"0000000000002000"* ]]
  run vessel run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
  [[ "$output" == *"1"* ]]
  assert_clean
}

@test "resources: --memory and --pids-limit reach the container's cgroup" {
  id=$(vessel run -d --memory 64m --pids-limit 50 busybox sleep 100)
  mem=$(cat /sys/fs/cgroup/memory/vessel/"$id"/memory.limit_in_bytes 2>/dev/null ||
    cat /sys/fs/cgroup/vessel/"$id"/memory.max)
  [ "$mem" = 67108864 ]
  pids=$(cat /sys/fs/cgroup/pids/vessel/"$id"/pids.max 2>/dev/null || cat /sys/fs/cgroup/vessel/"$id"/pids.max)
  [ "$pids" = 50 ]
  vessel rm -f "$id"
  assert_clean
}

@test "bad input: docker's exit codes and one-line errors, nothing left" {
  run vessel run --rm busybox no-such-program
  echo "$output"
  [ "$status" -eq 127 ]
  [[ "$output" == *"no-such-program"* ]]
  run vessel run --rm busybox /etc/passwd
  echo "$output"
  [ "$status" -eq 126 ]
  run vessel run --bogus busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"unknown flag"* ]]
  run vessel run --memory lots busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"--memory"* ]]
  run vessel run --pull never busybox-nothere true
  [ "$status" -eq 125 ]
  [[ "$output" == *"no such image"* ]]
  run vessel run 127.0.0.1:1/nothing true
  [ "$status" -eq 125 ]
  [[ "$output" == *"127.0.0.1:1"* ]]
  run vessel run --rm -v /no/such/dir:/x busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"/no/such/dir"* ]]
  # run -d starts the monitor while it writes the container: a creation
  # that fails after that ends it too, with its log file
  logs_before=$(ls "$VESSEL_ROOT_DIR/logs" 2>/dev/null | wc -l)
  run vessel run -d -v /no/such/dir:/x busybox sleep 100
  [ "$status" -eq 125 ]
  [[ "$output" == *"/no/such/dir"* ]]
  [ -z "$(pgrep -f "vessel-monitor.*$VESSEL_ROOT_DIR")" ]
  [ "$(ls "$VESSEL_ROOT_DIR/logs" 2>/dev/null | wc -l)" -eq "$logs_before" ]
  [ -z "$(ls "$VESSEL_ROOT_DIR/containers")" ]
  # its monitor starts before the engine opens the store: an image or a
  # name found wrong later ends it, and its folder goes
  run vessel run -d --pull never busybox-nothere sleep 100
  [ "$status" -eq 125 ]
  [[ "$output" == *"no such image"* ]]
  vessel create --name dup busybox true >/dev/null
  run vessel run -d --name dup busybox sleep 100
  [ "$status" -eq 125 ]
  [[ "$output" == *"already in use"* ]]
  [ -z "$(pgrep -f "vessel-monitor.*$VESSEL_ROOT_DIR")" ]
  [ "$(ls "$VESSEL_ROOT_DIR/logs" 2>/dev/null | wc -l)" -eq "$logs_before" ]
  [ "$(ls "$VESSEL_ROOT_DIR/containers" | wc -l)" -eq 1 ]
  run vessel create --name dup busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *"already in use"* ]]
  vessel rm dup
  run vessel rm nothere
  [ "$status" -eq 125 ]
  [[ "$output" == "Error: No such container: nothere" ]]
  run vessel logs nothere
  [ "$status" -eq 125 ]
  run vessel stop nothere
  [ "$status" -eq 125 ]
  [ -z "$(vessel ps -aq)" ]
  assert_clean
}

@test "logs outlive the container: after rm until logs --prune" {
  vessel run --name gone busybox sh -c 'echo one; echo two' >/dev/null
  vessel rm gone
  run vessel logs gone
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'one\ntwo')" ]
  run vessel logs --tail 1 gone
  [ "$output" = two ]
  run vessel logs -t gone
  [[ "${lines[0]}" =~ ^20[0-9-]+T[0-9:.]+Z\ one$ ]]
  vessel logs --prune
  run vessel logs gone
  [ "$status" -eq 125 ]
  assert_clean
}

@test "restart policy: on-failure:2 runs three times; wait reports the last code" {
  id=$(vessel run -d --restart on-failure:2 busybox sh -c 'echo run; exit 4')
  run vessel wait "$id"
  [ "$output" = 4 ]
  for i in $(seq 1 100); do
    [ "$(vessel inspect --format '{{.RestartCount}}' "$id")" = 2 ] && break
    sleep 0.1
  done
  run vessel wait "$id"
  [ "$output" = 4 ]
  [ "$(vessel inspect --format '{{.RestartCount}}' "$id")" = 2 ]
  [ "$(vessel logs "$id" | grep -c run)" = 3 ]
  vessel rm -f "$id"
  assert_clean
}

@test "run -d: the monitor forks the init from a read-only overlay of itself (CVE-2019-5736)" {
  local sha id mpid
  sha=$(sha256sum "$VESSEL_MONITOR" | cut -d' ' -f1)
  id=$(vessel run -d busybox sleep 1000)
  mpid=$(jq -r .monitor_pid "$VESSEL_ROOT_DIR/containers/$id/state.json")
  # the vessel-runtime next to it is linked in: no program is exec'd for
  # `run`, so the monitor itself runs from a private overlay of its folder
  run readlink "/proc/$mpid/exe"
  [ "$output" = "/$(basename "$VESSEL_MONITOR")" ]
  [ "$(stat -f -L -c %T "/proc/$mpid/exe")" = overlayfs ]
  run sh -c "echo pwned >>/proc/$mpid/exe"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Read-only file system"* ]]
  # and a command naming the init's own binary is not run (a magic link)
  run -127 vessel run --rm --entrypoint /proc/self/exe busybox
  vessel rm -f "$id" >/dev/null
  [ "$(sha256sum "$VESSEL_MONITOR" | cut -d' ' -f1)" = "$sha" ]
  assert_clean
}

@test "kill -9 of the monitor: ps shows the truth and rm -f cleans up" {
  id=$(vessel run -d busybox sleep 100)
  mpid=$(jq -r .monitor_pid "$VESSEL_ROOT_DIR/containers/$id/state.json")
  [ "$mpid" -gt 1 ]
  kill -9 "$mpid"
  run vessel ps --format '{{.State}}'
  [ "$output" = running ]
  run vessel rm -f "$id"
  [ "$status" -eq 0 ]
  [ -z "$(vessel ps -aq)" ]
  assert_clean
}

@test "rmi refuses an image a container uses" {
  vessel create --name user1 busybox true >/dev/null
  run vessel rmi busybox
  [ "$status" -eq 125 ]
  [[ "$output" == *"a container uses it"* ]]
  vessel rm user1
  run vessel rmi busybox
  [ "$status" -eq 0 ]
  assert_clean
}

@test "kill -9 of vessel during a foreground run: the container goes on, ps shows it, rm -f cleans up" {
  vessel run --name fg busybox sh -c 'echo up; sleep 100' >/dev/null 2>&1 &
  local cli=$!
  for i in $(seq 1 100); do
    [ "$(vessel ps --format '{{.Names}}' 2>/dev/null)" = fg ] && break
    sleep 0.05
  done
  kill -9 "$cli"
  wait "$cli" 2>/dev/null || true
  run vessel ps --format '{{.Names}} {{.State}}'
  [ "$output" = "fg running" ]
  run vessel logs fg
  [ "$output" = up ]
  # with its CLI gone, the monitor's exit command cleans up after a stop
  vessel stop -t 1 fg
  for i in $(seq 1 100); do
    grep -q "$IMG_TMP" /proc/self/mountinfo || break
    sleep 0.05
  done
  ! grep -q "$IMG_TMP" /proc/self/mountinfo
  vessel rm fg
  assert_clean
}

@test "--security-opt seccomp=FILE in docker's format: includes/excludes decide per container, archMap per machine" {
  cat >"$IMG_TMP/prof.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
 "syscalls": [{"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
              {"name": "mkdir", "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "99.0"}}]}
JSON
  run vessel run --rm --security-opt seccomp="$IMG_TMP/prof.json" busybox unshare -U true
  [ "$status" -ne 0 ]
  run vessel run --rm --cap-add SYS_ADMIN --security-opt seccomp="$IMG_TMP/prof.json" busybox unshare -U true
  [ "$status" -eq 0 ]
  # a rule for a kernel this is not does not apply
  run vessel run --rm --security-opt seccomp="$IMG_TMP/prof.json" busybox mkdir /tmp/x
  [ "$status" -eq 0 ]
  assert_clean
}

@test "user lookups never read host files: a symlinked /etc in the image, a device as /etc/passwd" {
  # an image whose /etc is a symlink to a host path holding a passwd file
  mkdir -p "$IMG_TMP/hostetc" "$IMG_TMP/evil"
  echo 'hostonly:x:4242:4343::/:/bin/sh' >"$IMG_TMP/hostetc/passwd"
  tar -C "$IMG_TMP/evil" -xf "$FIXTURE_TAR"
  rm -rf "$IMG_TMP/evil/etc"
  ln -s "$IMG_TMP/hostetc" "$IMG_TMP/evil/etc"
  tar -C "$IMG_TMP/evil" -cf "$IMG_TMP/evil.tar" .
  vessel import "$IMG_TMP/evil.tar" evil:1 >/dev/null
  run vessel run --rm -u hostonly evil:1 id
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"unable to find user hostonly"* ]]
  # exec -u with /etc/passwd swapped for /dev/zero's device inside: refused at once
  id=$(vessel run -d busybox sh -c 'rm /etc/passwd; mknod /etc/passwd c 1 5; exec sleep 100')
  for i in $(seq 1 50); do vessel exec "$id" test -c /etc/passwd && break; sleep 0.1; done
  run timeout 10 "$VESSEL" --root "$VESSEL_ROOT_DIR" exec -u nobody "$id" id
  echo "$output"
  [ "$status" -ne 0 ]
  [ "$status" -ne 124 ]
  vessel rm -f "$id" >/dev/null
  assert_clean
}

@test "start and rm at once: one wins, nothing is left half-made" {
  for i in 1 2 3 4 5; do
    id=$(vessel create busybox sleep 100)
    vessel start "$id" >/dev/null 2>&1 &
    local pid=$!
    sleep 0.0$((i * 2))
    vessel rm -f "$id" >/dev/null 2>&1 || true
    wait "$pid" || true
    # whatever happened, the container is either whole or gone
    if vessel inspect "$id" >/dev/null 2>&1; then vessel rm -f "$id" >/dev/null; fi
    [ -z "$(vessel ps -aq)" ]
  done
  assert_clean
}

@test "restart: the old run ends (its monitor too), a new one starts" {
  id=$(vessel run -d busybox sh -c 'echo started; exec sleep 100')
  pid1=$(vessel inspect --format '{{.State.Pid}}' "$id")
  run vessel restart -t 1 "$id"
  [ "$status" -eq 0 ]
  run vessel inspect --format '{{.State.Status}} {{.State.Pid}}' "$id"
  [[ "$output" == running* ]]
  [ "${output#running }" != "$pid1" ]
  for i in $(seq 1 50); do [ "$(vessel logs "$id" | grep -c started)" = 2 ] && break; sleep 0.1; done
  [ "$(vessel logs "$id" | grep -c started)" = 2 ]
  [ "$(pgrep -fc "vessel-monitor.*$id")" = 1 ]
  vessel rm -f "$id" >/dev/null
  assert_clean
}

@test "run in the foreground passes our signals to the container (sig-proxy)" {
  local out="$BATS_TEST_TMPDIR/out" pid i
  # vessel itself in the background (not the helper's timeout around it)
  "$VESSEL" --root "$VESSEL_ROOT_DIR" run --rm --name sp busybox \
    sh -c 'trap "echo got-TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done' >"$out" 2>&1 &
  pid=$!
  for i in $(seq 1 100); do grep -q ready "$out" 2>/dev/null && break; sleep 0.05; done
  grep -q ready "$out"
  kill -TERM "$pid"
  local st=0
  wait "$pid" || st=$?
  [ "$st" -eq 3 ]
  grep -q got-TERM "$out"
  [ -z "$(vessel ps -aq)" ]
  assert_clean
}
