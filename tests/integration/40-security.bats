#!/usr/bin/env bats
# One test per attack from /work/shared/SECURITY.md that applies to an OCI
# runtime: each really attempts the attack and asserts that it fails.
load helpers

# ---- helpers for this file ----

cfg() {
  local f=$1
  shift
  jq "$@" "$f" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
  mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# `rt create` with the container's stdio on a file (a created container
# keeps its stdio open: `run rt create` alone would wait for it).
rt_create() {
  local rc=0
  rt create "$@" >"$TEST_TMP/create.log" 2>&1 </dev/null || rc=$?
  cat "$TEST_TMP/create.log"
  return "$rc"
}

# Is $1 a mount point in the host's mount namespace?
host_mounted() { awk -v mp="$1" '$5 == mp { found = 1 } END { exit !found }' /proc/self/mountinfo; }

# Any host mount point at or below $1?
host_mounted_under() { awk -v p="$1" 'index($5, p) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; }

runtime_sha() { sha256sum "$RUNTIME" | cut -d' ' -f1; }

setup() {
  common_setup
  CORE_PATTERN_BEFORE=$(cat /proc/sys/kernel/core_pattern)
  RUNTIME_SHA_BEFORE=$(runtime_sha)
}

teardown() {
  # if an attack ever got through, put the host back
  if [ "$(cat /proc/sys/kernel/core_pattern)" != "$CORE_PATTERN_BEFORE" ]; then
    echo "$CORE_PATTERN_BEFORE" >/proc/sys/kernel/core_pattern
  fi
  common_teardown
}

# ---- runc CVE-2019-5736: overwrite the runtime through /proc/PID/exe ----

@test "CVE-2019-5736: the created init runs from a read-only overlay the container cannot write" {
  make_bundle '.process.args=["sleep","100"]'
  run rt_create --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$(rt state c1 | jq -r .status)" = "created" ]
  local pid
  pid=$(rt state c1 | jq -r .pid)
  # a private overlay of the runtime's folder, never mounted anywhere: the
  # link names the binary inside it, and its file system is an overlay
  run readlink "/proc/$pid/exe"
  echo "exe: $output"
  [ "$output" = "/$(basename "$RUNTIME")" ]
  [ "$(stat -f -L -c %T "/proc/$pid/exe")" = overlayfs ]

  # from inside the container's namespaces, with the container's busybox
  run nsenter -t "$pid" -m -p -- /bin/sh -c 'readlink /proc/1/exe; echo pwned >/proc/1/exe && echo WROTE; echo pwned >>/proc/1/exe && echo WROTE'
  echo "$output"
  [[ "$output" != *WROTE* ]]
  # and not even root on the host can write through the link
  run sh -c "echo pwned >/proc/$pid/exe"
  [ "$status" -ne 0 ]
  [ "$(runtime_sha)" = "$RUNTIME_SHA_BEFORE" ]
  rt delete --force c1
  [ "$(runtime_sha)" = "$RUNTIME_SHA_BEFORE" ]
  assert_nothing_left
}

@test "CVE-2019-5736: where no overlay can be made, the init is a sealed memfd" {
  # a ',' in the runtime root cannot be given to overlayfs: the copy is used
  RT_ROOT="$TEST_TMP/st,ate"
  make_bundle '.process.args=["sleep","100"]'
  run rt_create --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  local pid
  pid=$(rt state c1 | jq -r .pid)
  run readlink "/proc/$pid/exe"
  echo "exe: $output"
  [[ "$output" == /memfd:vessel-runtime* ]]
  run sh -c "echo pwned >/proc/$pid/exe"
  [ "$status" -ne 0 ]
  rt delete --force c1
  [ "$(runtime_sha)" = "$RUNTIME_SHA_BEFORE" ]
  [ -z "$(ls "$RT_ROOT")" ]
}

@test "CVE-2019-5736: an entrypoint with #!/proc/self/exe cannot modify the runtime" {
  # Give the rootfs the runtime's libraries so that the re-executed runtime
  # really runs inside the container; it then blocks opening its --log FIFO
  # while we attack it from inside.
  local lib
  for lib in $(ldd "$RUNTIME" | grep -o '/[^ ]*'); do
    mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
    cp -L "$lib" "$BUNDLE/rootfs$lib"
  done
  printf '#!/proc/self/exe --log=/vtest.fifo\n' >"$BUNDLE/rootfs/evil.sh"
  chmod 755 "$BUNDLE/rootfs/evil.sh"
  mkfifo "$BUNDLE/rootfs/vtest.fifo"
  make_bundle '.process.args=["/evil.sh"]'
  run rt_create --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  local pid
  pid=$(rt state c1 | jq -r .pid)
  run rt start c1
  [ "$status" -eq 0 ]
  local i
  for i in $(seq 50); do
    grep -q evil.sh "/proc/$pid/cmdline" 2>/dev/null && break
    sleep 0.1
  done
  # the runtime now runs as the container's pid 1
  run readlink "/proc/$pid/exe"
  echo "exe: $output"
  [[ "$output" != "$RUNTIME"* ]]

  # hold the exe open from the container's mount namespace and write to it
  run nsenter -t "$pid" -m -- /bin/sh -c 'readlink /proc/1/exe; echo pwned >/proc/1/exe && echo WROTE; echo pwned >>/proc/1/exe && echo WROTE'
  echo "$output"
  [[ "$output" != *WROTE* ]]
  # the classic form: keep a handle, let the runtime exit, then reopen it for writing
  exec 8<"/proc/$pid/exe"
  cat "$BUNDLE/rootfs/vtest.fifo" >/dev/null &
  local reader=$!
  wait_status c1 stopped
  wait "$reader" || true
  run sh -c "echo pwned >/proc/$$/fd/8"
  [ "$status" -ne 0 ]
  run sh -c "echo pwned >>/proc/$$/fd/8"
  [ "$status" -ne 0 ]
  exec 8<&-
  [ "$(runtime_sha)" = "$RUNTIME_SHA_BEFORE" ]
  rt delete --force c1
  assert_nothing_left
}

# ---- runc CVE-2024-21626: leaked host fd, cwd /proc/self/fd/N ----

@test "CVE-2024-21626: an fd open in the runtime does not reach the container" {
  mkdir -p "$TEST_TMP/hostdir"
  touch "$TEST_TMP/hostdir/HOST_MARKER"
  make_bundle '.process.args=["sh","-c","ls /proc/self/fd; ls /proc/1/fd | tr \"\\n\" \" \"; echo; [ -e /proc/1/fd/7 ] && echo LEAK7; [ -e /proc/1/fd/8 ] && echo LEAK8; true"]'
  run rt run --bundle "$BUNDLE" c1 7<"$TEST_TMP/hostdir" 8</
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *LEAK* ]]
  ! grep -qx 7 <<<"$output"
  ! grep -qx 8 <<<"$output"
  run rt run --bundle "$BUNDLE" c2 7</sys/fs/cgroup
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *LEAK* ]]

  # the container's init holds exactly stdio: read from the host, since a
  # shell inside would see its own pipeline fds while it builds the pipe
  make_bundle '.process.args=["sleep","1000"]'
  run rt_detached run --detach --pid-file "$TEST_TMP/init.pid" --bundle "$BUNDLE" c3 7<"$TEST_TMP/hostdir" 8</
  [ "$status" -eq 0 ]
  [ "$(ls /proc/"$(cat "$TEST_TMP/init.pid")"/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
  rt delete --force c3

  assert_nothing_left
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/7 does not reach the host" {
  mkdir -p "$TEST_TMP/hostdir"
  touch "$TEST_TMP/hostdir/HOST_MARKER"
  local cwd
  for cwd in /proc/self/fd/7 /proc/self/fd/7/.. /proc/1/fd/7 /proc/thread-self/fd/7; do
    make_bundle ".process.args=[\"sh\",\"-c\",\"pwd; ls; ls ..; ls ../../../../..\"] | .process.cwd=\"$cwd\""
    run rt run --bundle "$BUNDLE" c1 7<"$TEST_TMP/hostdir"
    echo "cwd $cwd: status $status: $output"
    if [ "$status" -eq 0 ]; then
      # it ran: then it must have stayed inside the container
      [[ "$output" != *HOST_MARKER* ]]
      [[ "$output" != *vessel-test* ]]
    fi
    run rt run --bundle "$BUNDLE" c2 7</
    echo "cwd $cwd on /: status $status: $output"
    if [ "$status" -eq 0 ]; then
      ! grep -qx work <<<"$output"
      ! grep -qx "$(basename "$TEST_TMP")" <<<"$output"
    fi
  done
  assert_nothing_left
}

# ---- runc CVE-2021-30465 / crun CVE-2019-18837: symlinked mount destinations ----

@test "CVE-2021-30465: a bind mount onto a symlink to a host path lands inside the rootfs" {
  local src=$TEST_TMP/src abs=$TEST_TMP/host-abs rel=$TEST_TMP/host-rel
  local comp=$TEST_TMP/host-comp dangling=$TEST_TMP/host-dangling
  mkdir -p "$src" "$abs" "$rel" "$comp/sub"
  echo payload >"$src/payload"
  echo original >"$abs/keep"
  echo original >"$rel/keep"
  echo original >"$comp/sub/keep"
  local r=$BUNDLE/rootfs
  ln -s "$abs" "$r/abs-link"
  ln -s "../../../../../../../../../..$rel" "$r/rel-link"
  ln -s "$comp" "$r/comp-link"           # a symlink as an inner path component
  ln -s "$dangling" "$r/dangling-link"   # pointing to a host path that does not exist
  # the same paths inside the rootfs, where a symlink must resolve to
  mkdir -p "$r$abs" "$r$rel" "$r$comp/sub"
  make_bundle '.process.args=["sleep","100"]'
  local d
  for d in /abs-link /rel-link /comp-link/sub; do
    cfg '.mounts += [{"destination":$d,"type":"bind","source":$s,"options":["bind","ro"]}]' --arg d "$d" --arg s "$src"
  done
  run rt_create --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  local pid
  pid=$(rt state c1 | jq -r .pid)
  # the host paths are untouched and nothing is mounted on them
  for d in "$abs" "$rel" "$comp/sub"; do
    ! host_mounted "$d"
    [ "$(ls -A "$d")" = "keep" ]
    [ "$(cat "$d/keep")" = "original" ]
  done
  # inside, the mounts are where the links point within the rootfs
  run nsenter -t "$pid" -m -- /bin/sh -c "cat /abs-link/payload /rel-link/payload /comp-link/sub/payload $abs/payload $rel/payload $comp/sub/payload"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(grep -c payload <<<"$output")" = "6" ]
  rt delete --force c1

  # a dangling link: the runtime may refuse, but must not make the host path
  make_bundle '.process.args=["true"]'
  cfg '.mounts += [{"destination":"/dangling-link","type":"bind","source":$s,"options":["bind"]}]' --arg s "$src"
  run rt run --bundle "$BUNDLE" c2
  echo "dangling: $status $output"
  [ ! -e "$dangling" ]
  ! host_mounted "$dangling"
  assert_nothing_left
}

@test "CVE-2021-30465: a tmpfs onto a symlinked destination does not cover a host dir" {
  local target=$TEST_TMP/host-tmpfs-target
  mkdir -p "$target"
  echo original >"$target/keep"
  ln -s "$target" "$BUNDLE/rootfs/tmpfs-link"
  mkdir -p "$BUNDLE/rootfs$target"
  make_bundle '.process.args=["sleep","100"]
               | .mounts += [{"destination":"/tmpfs-link","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]'
  run rt_create --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  ! host_mounted "$target"
  [ "$(cat "$target/keep")" = "original" ]
  rt delete --force c1
  assert_nothing_left
}

# ---- masking through symlinks; runc CVE-2025-31133 ----

@test "maskedPaths and readonlyPaths that are symlinks to host files mount nothing on the host" {
  local secret=$TEST_TMP/host-secret sdir=$TEST_TMP/host-secret-dir rw=$TEST_TMP/host-rw
  echo "top secret" >"$secret"
  mkdir -p "$sdir" "$rw"
  echo inside >"$sdir/f"
  local r=$BUNDLE/rootfs
  ln -s "$secret" "$r/mask-abs"
  ln -s "../../../../../../../..$secret" "$r/mask-rel"
  ln -s "$sdir" "$r/mask-dir"
  ln -s "$rw" "$r/ro-link"
  make_bundle '.process.args=["sleep","100"]
               | .linux.maskedPaths += ["/mask-abs", "/mask-rel", "/mask-dir"]
               | .linux.readonlyPaths += ["/ro-link"]'
  run rt_create --bundle "$BUNDLE" c1
  echo "$output"
  if [ "$status" -eq 0 ]; then
    ! host_mounted "$secret"
    ! host_mounted "$sdir"
    ! host_mounted "$rw"
    [ "$(cat "$secret")" = "top secret" ]
    [ "$(cat "$sdir/f")" = "inside" ]
    touch "$rw/still-writable"
    rt delete --force c1
  fi
  [ "$(cat "$secret")" = "top secret" ]
  assert_nothing_left
}

# A config whose /dev is a bind of a host folder holding `null` -> core_pattern.
@test "CVE-2025-31133: a /dev/null symlink to core_pattern in a bound /dev never masks with core_pattern" {
  local fakedev=$TEST_TMP/fakedev
  mkdir -p "$fakedev"
  ln -s /proc/sys/kernel/core_pattern "$fakedev/null"
  make_bundle '.process.args=["sh","-c","for p in /proc/keys /proc/timer_list /proc/kcore /proc/acpi /dev/null; do echo \"|/vtest-evil %p\" 2>/dev/null >$p; done; cat /proc/sys/kernel/core_pattern; stat -c \"%F %t:%T\" /dev/null"]'
  cfg '.mounts |= map(if .destination == "/dev" then {"destination":"/dev","type":"bind","source":$d,"options":["rbind","rw"]} else . end)' --arg d "$fakedev"
  run rt run --bundle "$BUNDLE" c1
  echo "status $status: $output"
  [ "$(cat /proc/sys/kernel/core_pattern)" = "$CORE_PATTERN_BEFORE" ]
  if [ "$status" -eq 0 ]; then
    [[ "$output" != *vtest-evil* ]]
    [[ "$output" == *"character special file 1:3"* ]]
  fi
  assert_nothing_left
}

@test "CVE-2025-31133: a createContainer hook swapping /dev/null for a symlink makes the start fail" {
  local target
  for target in /proc/sys/kernel/core_pattern ../proc/sys/kernel/core_pattern; do
    make_bundle '.process.args=["sh","-c","echo \"|/vtest-evil %p\" 2>/dev/null >/proc/keys; echo \"|/vtest-evil %p\" 2>/dev/null >/proc/timer_list; cat /proc/sys/kernel/core_pattern"]'
    cfg '.hooks.createContainer=[{"path":"/bin/sh","args":["sh","-c",$s]}]' \
      --arg s "rm -f '$BUNDLE/rootfs/dev/null' && ln -s '$target' '$BUNDLE/rootfs/dev/null'"
    run rt run --bundle "$BUNDLE" c1
    echo "$target: status $status: $output"
    [ "$status" -ne 0 ]
    [[ "$output" != *vtest-evil* ]]
    [ "$(cat /proc/sys/kernel/core_pattern)" = "$CORE_PATTERN_BEFORE" ]
  done
  assert_nothing_left
}

@test "CVE-2025-31133: a createContainer hook binding core_pattern onto /dev/null makes the start fail" {
  make_bundle '.process.args=["sh","-c","echo \"|/vtest-evil %p\" 2>/dev/null >/proc/keys; cat /proc/sys/kernel/core_pattern"]'
  cfg '.hooks.createContainer=[{"path":"/bin/mount","args":["mount","--bind","/proc/sys/kernel/core_pattern",$d]}]' \
    --arg d "$BUNDLE/rootfs/dev/null"
  run rt run --bundle "$BUNDLE" c1
  echo "status $status: $output"
  [ "$status" -ne 0 ]
  [[ "$output" != *vtest-evil* ]]
  [ "$(cat /proc/sys/kernel/core_pattern)" = "$CORE_PATTERN_BEFORE" ]
  assert_nothing_left
}

# ---- runc CVE-2019-16884 / CVE-2023-28642: /proc (or /sys) is a symlink ----

@test "CVE-2019-16884 / CVE-2023-28642: a rootfs whose /proc is a symlink is refused" {
  local fake=$TEST_TMP/fakeproc
  mkdir -p "$fake" "$BUNDLE/rootfs/fakeproc"
  make_bundle '.process.args=["true"]'
  local link
  for link in "$fake" "../../../../../..$fake" /fakeproc fakeproc; do
    rm -rf "$BUNDLE/rootfs/proc"
    ln -s "$link" "$BUNDLE/rootfs/proc"
    run rt run --bundle "$BUNDLE" c1
    echo "/proc -> $link: status $status: $output"
    [ "$status" -ne 0 ]
    [[ "$output" == *symlink* ]]
    [[ "$output" == */proc* ]]
    ! host_mounted "$fake"
    [ -z "$(ls -A "$fake")" ]
  done
  assert_nothing_left
}

@test "CVE-2023-28642: a rootfs whose /sys is a symlink is refused" {
  local fake=$TEST_TMP/fakesys
  mkdir -p "$fake"
  rm -rf "$BUNDLE/rootfs/sys"
  ln -s "$fake" "$BUNDLE/rootfs/sys"
  make_bundle '.process.args=["true"]'
  run rt run --bundle "$BUNDLE" c1
  echo "status $status: $output"
  [ "$status" -ne 0 ]
  [[ "$output" == *symlink* ]]
  ! host_mounted_under "$fake"
  [ -z "$(ls -A "$fake")" ]
  assert_nothing_left
}

# ---- runc CVE-2025-52881: procfs writes redirected ----

@test "CVE-2025-52881: a sysctl write is not redirected by a mount over /proc/sys" {
  local fake=$TEST_TMP/fake-ipv4
  mkdir -p "$fake"
  echo 0 >"$fake/ip_forward"
  make_bundle '.process.args=["cat","/proc/sys/net/ipv4/ip_forward"]
               | .linux.sysctl={"net.ipv4.ip_forward":"1"}'
  cfg '.mounts += [{"destination":"/proc/sys/net/ipv4","type":"bind","source":$s,"options":["bind","rw"]}]' --arg s "$fake"
  run rt run --bundle "$BUNDLE" c1
  echo "status $status: $output"
  # the host file must not receive the write, and the runtime must refuse
  # to write a sysctl into something that is not procfs
  [ "$(cat "$fake/ip_forward")" = "0" ]
  [ "$status" -ne 0 ]
  assert_nothing_left
}

# ---- runc CVE-2023-25809: writable cgroupfs ----

@test "CVE-2023-25809: /sys/fs/cgroup is not writable from the container" {
  make_bundle '.process.args=["sh","-c","for d in /sys/fs/cgroup /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/unified; do [ -d $d ] || continue; mkdir $d/vtest-escape 2>/dev/null && echo WRITABLE $d; done; true"]
               | .process.capabilities.bounding += ["CAP_SYS_ADMIN","CAP_DAC_OVERRIDE"]
               | .process.capabilities.effective += ["CAP_SYS_ADMIN","CAP_DAC_OVERRIDE"]
               | .process.capabilities.permitted += ["CAP_SYS_ADMIN","CAP_DAC_OVERRIDE"]'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" != *WRITABLE* ]]
  [ -z "$(find /sys/fs/cgroup -maxdepth 4 -name vtest-escape 2>/dev/null)" ]
  assert_nothing_left
}

# ---- runc CVE-2022-29162 / crun CVE-2022-27650: inheritable capabilities ----

@test "CVE-2022-29162: inheritable and ambient are empty when the config lists none" {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  make_bundle '.process.args=["grep","^Cap","/proc/self/status"]'
  # the runtime itself is started with non-empty inheritable and ambient sets
  run setpriv --inh-caps +kill,+net_raw --ambient-caps +kill,+net_raw "$RUNTIME" --root "$RT_ROOT" run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "CapInh:[[:space:]]*0000000000000000" <<<"$output"
  grep -qx "CapAmb:[[:space:]]*0000000000000000" <<<"$output"

  # a non-root user with the default sets: nothing inheritable, nothing ambient
  cfg '.process.user={"uid":1000,"gid":1000} | .process.cwd="/tmp"'
  run setpriv --inh-caps +kill,+net_raw --ambient-caps +kill,+net_raw "$RUNTIME" --root "$RT_ROOT" run --bundle "$BUNDLE" c2
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "CapInh:[[:space:]]*0000000000000000" <<<"$output"
  grep -qx "CapAmb:[[:space:]]*0000000000000000" <<<"$output"
  grep -qx "CapPrm:[[:space:]]*0000000000000000" <<<"$output"
  grep -qx "CapEff:[[:space:]]*0000000000000000" <<<"$output"
  assert_nothing_left
}

@test "CVE-2022-29162: no inheritable or ambient leak from the runtime when process.capabilities is absent" {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  make_bundle '.process.args=["grep","^Cap","/proc/self/status"] | del(.process.capabilities)'
  run setpriv --inh-caps +kill,+net_raw --ambient-caps +kill,+net_raw "$RUNTIME" --root "$RT_ROOT" run --bundle "$BUNDLE" c3
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "CapInh:[[:space:]]*0000000000000000" <<<"$output"
  grep -qx "CapAmb:[[:space:]]*0000000000000000" <<<"$output"
  assert_nothing_left
}
