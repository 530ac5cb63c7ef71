#!/usr/bin/env bats
# config.json features, each asserted from inside the container.
load helpers

# ---- helpers for this file ----

# cfg FILTER [jq options...]: edit $BUNDLE/config.json in place.
cfg() {
  local f=$1
  shift
  jq "$@" "$f" "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
  mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# sh_cmd SCRIPT: the container runs `sh -c SCRIPT`.
sh_cmd() { cfg '.process.args=["sh","-c",$s]' --arg s "$1"; }

# A bundle whose process runs SCRIPT, with an optional extra jq FILTER.
bundle_sh() {
  make_bundle "${2:-.}"
  sh_cmd "$1"
}

# The optional-fields part of the mountinfo line for mount point $2 in $1
# (a mountinfo text): the words between field 7 and the " - " separator.
mnt_optional() {
  awk -v mp="$2" '$5 == mp { s = ""; for (i = 7; $i != "-"; i++) s = s " " $i; print s }' <<<"$1" | tail -n1
}
# The per-mount options (field 6) of mount point $2 in mountinfo text $1.
mnt_opts() { awk -v mp="$2" '$5 == mp { print $6 }' <<<"$1" | tail -n1; }

host_ns() { readlink "/proc/$$/ns/$1"; }

# `rt create` with the container's stdio on a file: a created container
# keeps its stdio open, so `run rt create` alone would wait for it forever.
rt_create() {
  local rc=0
  rt create "$@" >"$TEST_TMP/create.log" 2>&1 </dev/null || rc=$?
  cat "$TEST_TMP/create.log"
  return "$rc"
}

setup_file() {
  cc -O2 -Wall -Wextra -Werror -o "$BATS_FILE_TMPDIR/recvtty" "$BATS_TEST_DIRNAME/../helpers/recvtty.c"
}

setup() { common_setup; }

teardown() {
  if [ -n "${NETNS_NAME:-}" ]; then
    ip netns del "$NETNS_NAME" 2>/dev/null || true
  fi
  if [ -n "${HOST_MOUNT:-}" ] && mountpoint -q "$HOST_MOUNT"; then
    umount -l "$HOST_MOUNT" || true
  fi
  if [ -n "${RECVTTY_PID:-}" ]; then
    kill "$RECVTTY_PID" 2>/dev/null || true
    wait "$RECVTTY_PID" 2>/dev/null || true
  fi
  common_teardown
}

# ---- namespaces ----

@test "pid namespace: the container process is pid 1" {
  bundle_sh 'echo $$; readlink /proc/self/ns/pid; ps -o pid | wc -l'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1" ]
  [ "${lines[1]}" != "$(host_ns pid)" ]
  assert_nothing_left
}

@test "uts namespace: hostname and domainname come from the config" {
  bundle_sh 'hostname; cat /proc/sys/kernel/domainname; readlink /proc/self/ns/uts' \
    '.hostname="vtest-host" | .domainname="vtest.example"'
  local before_host before_dom
  before_host=$(hostname)
  before_dom=$(cat /proc/sys/kernel/domainname)
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "vtest-host" ]
  [ "${lines[1]}" = "vtest.example" ]
  [ "${lines[2]}" != "$(host_ns uts)" ]
  # the host's names are untouched
  [ "$(hostname)" = "$before_host" ]
  [ "$(cat /proc/sys/kernel/domainname)" = "$before_dom" ]
  assert_nothing_left
}

@test "ipc, net, cgroup and mount namespaces are new" {
  bundle_sh 'for n in ipc net cgroup mnt; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  local n
  for n in ipc net cgroup mnt; do
    local inside
    inside=$(awk -v n="$n" '$1 == n { print $2 }' <<<"$output")
    [ -n "$inside" ]
    [ "$inside" != "$(host_ns "$n")" ]
  done
  assert_nothing_left
}

@test "ipc namespace: a host SysV message queue is not visible" {
  command -v ipcmk >/dev/null || skip "ipcmk (util-linux) is not installed"
  local id
  id=$(ipcmk -Q | awk '{print $NF}')
  bundle_sh 'cat /proc/sysvipc/msg | wc -l'
  run rt run --bundle "$BUNDLE" c1
  ipcrm -q "$id"
  [ "$status" -eq 0 ]
  # only the header line
  [ "${lines[0]}" = "1" ]
  assert_nothing_left
}

@test "net namespace: only lo in /proc/net/dev" {
  bundle_sh "awk 'NR > 2 { sub(\":\", \"\", \$1); print \$1 }' /proc/net/dev"
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "lo" ]
  assert_nothing_left
}

@test "cgroup namespace: the container's cgroups are all at /" {
  bundle_sh 'cat /proc/self/cgroup'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -gt 0 ]
  local l
  for l in "${lines[@]}"; do
    [[ "$l" == *:/ ]] || { echo "not at the cgroup ns root: $l"; return 1; }
  done
  assert_nothing_left
}

@test "mount namespace: a mount made inside does not show on the host" {
  bundle_sh 'mount -t tmpfs vtest-inside /tmp && grep -c vtest-inside /proc/self/mountinfo' \
    '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
     | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "1" ]
  ! grep -q vtest-inside /proc/self/mountinfo
  assert_nothing_left
}

@test "join a named network namespace by path" {
  NETNS_NAME="vtest$$"
  local had_netns_mount=no
  mountpoint -q /run/netns && had_netns_mount=yes
  ip netns add "$NETNS_NAME"
  local want
  want=$(ip netns exec "$NETNS_NAME" readlink /proc/self/ns/net)
  bundle_sh 'readlink /proc/self/ns/net' \
    "(.linux.namespaces[] | select(.type == \"network\")) |= . + {path: \"/var/run/netns/$NETNS_NAME\"}"
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]
  [ "$output" != "$(host_ns net)" ]
  ip netns del "$NETNS_NAME"
  NETNS_NAME=
  # `ip netns add` made /run/netns a mount point: undo that when it was us
  if [ "$had_netns_mount" = no ] && [ -z "$(ip netns list)" ]; then
    umount /run/netns
  fi
  assert_nothing_left
}

@test "join the network namespace of another container through /proc/PID/ns/net" {
  make_bundle '.process.args=["sleep","100"]'
  run rt_create --bundle "$BUNDLE" first
  [ "$status" -eq 0 ]
  local pid want
  pid=$(rt state first | jq -r .pid)
  want=$(readlink "/proc/$pid/ns/net")
  # a second bundle for the second container
  local b2=$TEST_TMP/bundle2
  mkdir -p "$b2"
  make_rootfs "$b2/rootfs"
  jq --arg p "/proc/$pid/ns/net" \
    '.process.args=["sh","-c","readlink /proc/self/ns/net"]
     | (.linux.namespaces[] | select(.type == "network")) |= . + {path: $p}' \
    "$BUNDLE/config.json" >"$b2/config.json"
  run rt run --bundle "$b2" second
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]
  rt delete --force first
  assert_nothing_left
}

@test "join an existing mount namespace by path: the rootfs is set up inside it" {
  # a mount namespace of our own making, held by a sleeping process
  unshare -m --propagation private sleep 100 </dev/null >/dev/null 2>&1 3>&- &
  local holder=$! want i
  for i in $(seq 50); do
    want=$(readlink "/proc/$holder/ns/mnt")
    [ "$want" != "$(readlink /proc/self/ns/mnt)" ] && break
    sleep 0.1
  done
  bundle_sh 'sleep 100' \
    "(.linux.namespaces[] | select(.type == \"mount\")) |= . + {path: \"/proc/$holder/ns/mnt\"}"
  rt_create --bundle "$BUNDLE" jm
  rt start jm
  local pid
  pid=$(rt state jm | jq -r .pid)
  [ "$(readlink "/proc/$pid/ns/mnt")" = "$want" ]
  # it runs in its rootfs and its cgroups all the same
  [ -x "/proc/$pid/root/bin/busybox" ]
  grep -q ':pids:/vessel-jm$' "/proc/$pid/cgroup"
  rt delete --force jm
  kill "$holder"; wait "$holder" 2>/dev/null || true
  assert_nothing_left
}

@test "no mount namespace: the host's is shared, untouched, and the process is chrooted into the rootfs" {
  bundle_sh 'readlink /proc/self/ns/mnt 2>/dev/null || echo no-proc; ls /bin/busybox' \
    '.linux.namespaces |= map(select(.type != "mount")) | .mounts = [] | .hostname = null
     | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
  run rt run --bundle "$BUNDLE" nomnt
  [ "$status" -eq 0 ]
  # no /proc in the bare rootfs, but the rootfs is what it sees
  [ "${lines[1]}" = "/bin/busybox" ]
  assert_nothing_left
}

@test "user namespace: container root is host uid 100000" {
  chmod 711 "$TEST_TMP"
  chown -R 100000:100000 "$BUNDLE/rootfs"
  make_bundle '.process.args=["sleep","100"]
    | .linux.namespaces += [{"type":"user"}]
    | .linux.uidMappings=[{"containerID":0,"hostID":100000,"size":65536}]
    | .linux.gidMappings=[{"containerID":0,"hostID":100000,"size":65536}]'
  run rt_create --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  local pid
  pid=$(rt state c1 | jq -r .pid)
  # seen from the host the container runs as 100000
  [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "100000" ]
  [ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = "100000" ]
  rt delete --force c1

  cfg '.process.args=["sh","-c","cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; stat -c %u:%g /bin/busybox"]'
  run rt run --bundle "$BUNDLE" c2
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
  [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
  [ "${lines[2]}" = "0" ]
  [ "${lines[3]}" = "0" ]
  [ "${lines[4]}" = "0:0" ]
  assert_nothing_left
}

@test "time namespace: linux.timeOffsets.boottime shows in /proc/uptime" {
  [ -e /proc/self/ns/time ] || skip "this kernel has no time namespaces (no /proc/self/ns/time)"
  bundle_sh 'cut -d. -f1 /proc/uptime; readlink /proc/self/ns/time' \
    '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets={"boottime":{"secs":864000,"nanosecs":0},"monotonic":{"secs":1000,"nanosecs":0}}'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  local host_up
  host_up=$(cut -d. -f1 /proc/uptime)
  [ "${lines[0]}" -ge $((864000 + host_up - 5)) ]
  [ "${lines[0]}" -le $((864000 + host_up + 60)) ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/time)" ]
  assert_nothing_left
}

# ---- root and mounts ----

@test "root.readonly: / is read-only, a tmpfs on /tmp stays writable" {
  bundle_sh 'if touch /vtest-file 2>/dev/null; then echo root-writable; else echo root-ro; fi
             echo hi >/tmp/f && cat /tmp/f
             awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo' \
    '.root.readonly=true | .mounts += [{"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev"]}]'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "root-ro" ]
  [ "${lines[1]}" = "hi" ]
  [[ "${lines[2]}" == ro,* ]] || [ "${lines[2]}" = "ro" ]
  [ ! -e "$BUNDLE/rootfs/vtest-file" ]
  assert_nothing_left
}

@test "root.readonly false: / is writable" {
  bundle_sh 'touch /vtest-file && echo ok' '.root.readonly=false'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "ok" ]
  [ -e "$BUNDLE/rootfs/vtest-file" ]
  assert_nothing_left
}

@test "mounts: rw and ro bind mounts of host directories" {
  mkdir -p "$TEST_TMP/rw" "$TEST_TMP/ro"
  echo from-host >"$TEST_TMP/ro/file"
  bundle_sh 'echo from-container >/mnt/rw/new && echo rw-ok
             cat /mnt/ro/file
             if echo x 2>/dev/null >/mnt/ro/new; then echo ro-writable; else echo ro-refused; fi
             awk "\$5 == \"/mnt/ro\" { print \$6 }" /proc/self/mountinfo' \
    ".mounts += [{\"destination\":\"/mnt/rw\",\"type\":\"bind\",\"source\":\"$TEST_TMP/rw\",\"options\":[\"bind\",\"rw\"]},
                 {\"destination\":\"/mnt/ro\",\"type\":\"bind\",\"source\":\"$TEST_TMP/ro\",\"options\":[\"bind\",\"ro\"]}]"
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "rw-ok" ]
  [ "${lines[1]}" = "from-host" ]
  [ "${lines[2]}" = "ro-refused" ]
  [[ "${lines[3]}" == ro,* ]]
  [ "$(cat "$TEST_TMP/rw/new")" = "from-container" ]
  [ ! -e "$TEST_TMP/ro/new" ]
  # the image had no /mnt/rw: it was made inside the rootfs
  [ -d "$BUNDLE/rootfs/mnt/rw" ]
  assert_nothing_left
}

@test "mounts: rbind carries submounts, bind does not" {
  mkdir -p "$TEST_TMP/tree/sub"
  echo lower >"$TEST_TMP/tree/sub/marker"
  HOST_MOUNT="$TEST_TMP/tree/sub"
  mount -t tmpfs vtest-sub "$HOST_MOUNT"
  echo upper >"$HOST_MOUNT/marker"
  snapshot "$TEST_TMP/before"
  bundle_sh 'cat /r/sub/marker /b/sub/marker' \
    ".mounts += [{\"destination\":\"/r\",\"type\":\"bind\",\"source\":\"$TEST_TMP/tree\",\"options\":[\"rbind\"]},
                 {\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"$TEST_TMP/tree\",\"options\":[\"bind\"]}]"
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "upper" ]
  [ "${lines[1]}" = "lower" ]
  assert_nothing_left
  umount "$HOST_MOUNT"
  HOST_MOUNT=
}

@test "mounts: tmpfs with size and mode; nosuid, nodev, noexec take effect" {
  bundle_sh 'stat -c %a /scratch
             df -k /scratch | awk "NR == 2 { print \$2 }"
             awk "\$5 == \"/scratch\" { print \$6 }" /proc/self/mountinfo
             cp /bin/busybox /scratch/bb
             if /scratch/bb true 2>/dev/null; then echo exec-allowed; else echo exec-refused; fi
             mknod /scratch/null c 1 3 && echo mknod-ok
             if echo x 2>/dev/null >/scratch/null; then echo dev-allowed; else echo dev-refused; fi' \
    '.mounts += [{"destination":"/scratch","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","noexec","size=2m","mode=0710"]}]
     | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
     | .process.capabilities.permitted += ["CAP_MKNOD"]'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "710" ]
  [ "${lines[1]}" = "2048" ]
  local opts=${lines[2]}
  [[ ",$opts," == *,nosuid,* ]]
  [[ ",$opts," == *,nodev,* ]]
  [[ ",$opts," == *,noexec,* ]]
  [ "${lines[3]}" = "exec-refused" ]
  [ "${lines[4]}" = "mknod-ok" ]
  [ "${lines[5]}" = "dev-refused" ]
  assert_nothing_left
}

@test "mounts: bind of a single file, made as a file in the rootfs" {
  echo single-file >"$TEST_TMP/onefile"
  bundle_sh 'cat /etc/vtest.conf; [ -f /etc/vtest.conf ] && echo is-file' \
    ".mounts += [{\"destination\":\"/etc/vtest.conf\",\"type\":\"bind\",\"source\":\"$TEST_TMP/onefile\",\"options\":[\"bind\",\"ro\"]}]"
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "single-file" ]
  [ "${lines[1]}" = "is-file" ]
  [ -f "$BUNDLE/rootfs/etc/vtest.conf" ]
  assert_nothing_left
}

@test "mounts: a relative bind source is relative to the bundle" {
  mkdir -p "$BUNDLE/data"
  echo in-bundle >"$BUNDLE/data/f"
  bundle_sh 'cat /data/f' \
    '.mounts += [{"destination":"/data","type":"bind","source":"data","options":["bind","ro"]}]'
  # run from elsewhere: the cwd must not matter
  cd /
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "in-bundle" ]
  assert_nothing_left
}

@test "mounts: propagation options show in mountinfo" {
  mkdir -p "$TEST_TMP/shr" "$TEST_TMP/prv"
  bundle_sh 'cat /proc/self/mountinfo' \
    ".mounts += [{\"destination\":\"/shr\",\"type\":\"bind\",\"source\":\"$TEST_TMP/shr\",\"options\":[\"rbind\",\"rshared\"]},
                 {\"destination\":\"/prv\",\"type\":\"bind\",\"source\":\"$TEST_TMP/prv\",\"options\":[\"rbind\",\"rprivate\"]}]"
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  local shr prv
  shr=$(mnt_optional "$output" /shr)
  prv=$(mnt_optional "$output" /prv)
  echo "shr: [$shr] prv: [$prv]"
  [[ "$shr" == *shared:* ]]
  [[ "$prv" != *shared:* && "$prv" != *master:* ]]
  assert_nothing_left
}

@test "linux.rootfsPropagation: shared and private root" {
  bundle_sh 'cat /proc/self/mountinfo' '.linux.rootfsPropagation="rshared"'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  local root
  root=$(mnt_optional "$output" /)
  echo "rshared: [$root]"
  [[ "$root" == *shared:* ]]

  cfg '.linux.rootfsPropagation="rprivate"'
  run rt run --bundle "$BUNDLE" c2
  [ "$status" -eq 0 ]
  root=$(mnt_optional "$output" /)
  echo "rprivate: [$root]"
  [[ "$root" != *shared:* && "$root" != *master:* ]]
  assert_nothing_left
}

@test "--no-pivot runs the container in its rootfs" {
  echo marker >"$BUNDLE/rootfs/vtest-marker"
  bundle_sh 'cat /vtest-marker; ls /; echo $$'
  run rt run --no-pivot --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "marker" ]
  # the host's root is not what the container sees
  ! grep -qx work <<<"$output"
  [ "${lines[${#lines[@]}-1]}" = "1" ]
  assert_nothing_left
}

# ---- devices ----

@test "default /dev nodes and links" {
  bundle_sh 'for d in null zero full random urandom tty; do
               printf "%s %s %d:%d\n" $d "$(stat -c %F /dev/$d)" 0x$(stat -c %t /dev/$d) 0x$(stat -c %T /dev/$d)
             done
             for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done
             echo zero | head -c 0 >/dev/null && echo null-writable
             head -c 4 /dev/zero | od -An -tx1 | tr -d " "'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "null character special file 1:3" ]
  [ "${lines[1]}" = "zero character special file 1:5" ]
  [ "${lines[2]}" = "full character special file 1:7" ]
  [ "${lines[3]}" = "random character special file 1:8" ]
  [ "${lines[4]}" = "urandom character special file 1:9" ]
  [ "${lines[5]}" = "tty character special file 5:0" ]
  [ "${lines[6]}" = "fd -> /proc/self/fd" ]
  [ "${lines[7]}" = "stdin -> /proc/self/fd/0" ]
  [ "${lines[8]}" = "stdout -> /proc/self/fd/1" ]
  [ "${lines[9]}" = "stderr -> /proc/self/fd/2" ]
  [ "${lines[10]}" = "ptmx -> pts/ptmx" ]
  [ "${lines[11]}" = "null-writable" ]
  [ "${lines[12]}" = "00000000" ]
  assert_nothing_left
}

@test "linux.devices adds a node with fileMode, uid and gid" {
  bundle_sh 'stat -c "%F %a %u %g" /dev/vtest; printf "%d:%d\n" 0x$(stat -c %t /dev/vtest) 0x$(stat -c %T /dev/vtest)
             stat -c "%F %a" /dev/sub/vtest2' \
    '.linux.devices=[{"path":"/dev/vtest","type":"c","major":1,"minor":7,"fileMode":416,"uid":1000,"gid":1001},
                     {"path":"/dev/sub/vtest2","type":"c","major":1,"minor":3,"fileMode":438}]'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 640 1000 1001" ]
  [ "${lines[1]}" = "1:7" ]
  [ "${lines[2]}" = "character special file 666" ]
  assert_nothing_left
}

# ---- process ----

@test "process.args and process.env" {
  make_bundle '.process.args=["sh","-c","echo \"$0|$1|$2|$FOO|$EMPTY|\"","zero","one two","three"]
               | .process.env=["PATH=/bin","FOO=bar baz","EMPTY="]'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "zero|one two|three|bar baz||" ]
  assert_nothing_left
}

@test "process.cwd, created when missing from the image" {
  [ ! -e "$BUNDLE/rootfs/work/deep/dir" ]
  bundle_sh 'pwd' '.process.cwd="/work/deep/dir"'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "/work/deep/dir" ]
  [ -d "$BUNDLE/rootfs/work/deep/dir" ]
  assert_nothing_left
}

@test "process.user: uid, gid, additionalGids" {
  bundle_sh 'id -u; id -g; awk "/^Groups:/ { \$1 = \"\"; print }" /proc/self/status; awk "/^Uid:|^Gid:/" /proc/self/status' \
    '.process.user={"uid":1000,"gid":1001,"additionalGids":[2000,3000]} | .process.cwd="/tmp"'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1000" ]
  [ "${lines[1]}" = "1001" ]
  [ "$(echo ${lines[2]})" = "2000 3000" ]
  [ "$(echo ${lines[3]})" = "Uid: 1000 1000 1000 1000" ]
  [ "$(echo ${lines[4]})" = "Gid: 1001 1001 1001 1001" ]
  assert_nothing_left
}

@test "process.user.umask" {
  bundle_sh 'umask' '.process.user.umask=23' # 0027
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "0027" ]
  assert_nothing_left
}

# hex mask of capability numbers, as /proc/self/status prints it
capmask() {
  local m=0 c
  for c in "$@"; do m=$((m | (1 << c))); done
  printf '%016x' "$m"
}

@test "process.capabilities: each set matches the config" {
  # CHOWN=0 KILL=5 NET_BIND_SERVICE=10 NET_RAW=13 SYS_ADMIN=21
  bundle_sh 'grep ^Cap /proc/self/status' \
    '.process.capabilities={"bounding":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SYS_ADMIN"],
                            "effective":["CAP_CHOWN","CAP_KILL"],
                            "permitted":["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"]}'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "CapBnd:[[:space:]]*$(capmask 0 5 10 21)" <<<"$output"
  # uid 0 gets effective = permitted on execve (the kernel's root rule)
  grep -qx "CapEff:[[:space:]]*$(capmask 0 5 10)" <<<"$output"
  grep -qx "CapPrm:[[:space:]]*$(capmask 0 5 10)" <<<"$output"
  grep -qx "CapInh:[[:space:]]*0000000000000000" <<<"$output"
  grep -qx "CapAmb:[[:space:]]*0000000000000000" <<<"$output"

  # inheritable and ambient when asked, for a non-root user too
  cfg '.process.user={"uid":1000,"gid":1000} | .process.cwd="/tmp"
       | .process.capabilities={"bounding":["CAP_KILL","CAP_NET_RAW"],"effective":["CAP_KILL","CAP_NET_RAW"],
                                "permitted":["CAP_KILL","CAP_NET_RAW"],"inheritable":["CAP_KILL","CAP_NET_RAW"],
                                "ambient":["CAP_NET_RAW"]}'
  run rt run --bundle "$BUNDLE" c2
  echo "$output"
  [ "$status" -eq 0 ]
  grep -qx "CapBnd:[[:space:]]*$(capmask 5 13)" <<<"$output"
  grep -qx "CapInh:[[:space:]]*$(capmask 5 13)" <<<"$output"
  grep -qx "CapAmb:[[:space:]]*$(capmask 13)" <<<"$output"
  # ambient survive execve for a non-root user: they are in the new permitted set
  grep -qx "CapPrm:[[:space:]]*$(capmask 13)" <<<"$output"
  grep -qx "CapEff:[[:space:]]*$(capmask 13)" <<<"$output"
  assert_nothing_left
}

@test "process.rlimits: RLIMIT_NOFILE" {
  bundle_sh 'ulimit -n; ulimit -Hn' '.process.rlimits=[{"type":"RLIMIT_NOFILE","soft":256,"hard":512}]'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "256" ]
  [ "${lines[1]}" = "512" ]
  assert_nothing_left
}

@test "process.noNewPrivileges" {
  bundle_sh 'awk "/^NoNewPrivs:/ { print \$2 }" /proc/self/status' '.process.noNewPrivileges=true'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "1" ]
  cfg '.process.noNewPrivileges=false'
  run rt run --bundle "$BUNDLE" c2
  [ "$status" -eq 0 ]
  [ "$output" = "$(awk '/^NoNewPrivs:/ { print $2 }' /proc/self/status)" ]
  assert_nothing_left
}

@test "process.oomScoreAdj" {
  bundle_sh 'cat /proc/self/oom_score_adj' '.process.oomScoreAdj=789'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "789" ]
  assert_nothing_left
}

@test "process.terminal with --console-socket: a pty, consoleSize, input" {
  local sock=$TEST_TMP/console.sock out=$TEST_TMP/console.out
  bundle_sh 'tty; stty size; read line; echo "got:$line"' \
    '.process.terminal=true | .process.consoleSize={"height":33,"width":101}'
  "$BATS_FILE_TMPDIR/recvtty" "$sock" $'hello\n' >"$out" 3>&- &
  RECVTTY_PID=$!
  local i
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  run rt run -d --console-socket "$sock" --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  # recvtty ends when the container's side of the pty closes
  for i in $(seq 100); do kill -0 "$RECVTTY_PID" 2>/dev/null || break; sleep 0.1; done
  wait "$RECVTTY_PID"
  RECVTTY_PID=
  tr -d '\r' <"$out" >"$out.txt"
  cat "$out.txt"
  grep -Eqx '/dev/pts/[0-9]+' "$out.txt"
  grep -qx '33 101' "$out.txt"
  grep -qx 'got:hello' "$out.txt"
  wait_status c1 stopped
  rt delete c1
  assert_nothing_left
}

@test "linux.sysctl: net.ipv4.ip_forward in the container's netns" {
  local host_before
  host_before=$(cat /proc/sys/net/ipv4/ip_forward)
  bundle_sh 'cat /proc/sys/net/ipv4/ip_forward' '.linux.sysctl={"net.ipv4.ip_forward":"1"}'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "1" ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_before" ]
  assert_nothing_left
}

@test "linux.maskedPaths: files read empty, directories are empty" {
  mkdir -p "$BUNDLE/rootfs/secret"
  echo s3cr3t >"$BUNDLE/rootfs/secret/key"
  bundle_sh 'if [ -e /proc/kcore ]; then wc -c </proc/kcore; else echo absent; fi
             wc -c </proc/timer_list
             ls -A /secret | wc -l
             cat /proc/keys | wc -c' \
    '.linux.maskedPaths += ["/proc/kcore", "/proc/timer_list", "/proc/keys", "/secret"]'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0" ] || [ "${lines[0]}" = "absent" ]
  [ "${lines[1]}" = "0" ]
  [ "${lines[2]}" = "0" ]
  [ "${lines[3]}" = "0" ]
  # the image itself is untouched
  [ "$(cat "$BUNDLE/rootfs/secret/key")" = "s3cr3t" ]
  assert_nothing_left
}

@test "linux.readonlyPaths: /proc/sys cannot be written" {
  bundle_sh 'if echo 1 2>/dev/null >/proc/sys/net/ipv4/ip_forward; then echo writable; else echo refused; fi
             if echo vtest 2>/dev/null >/proc/sys/kernel/hostname; then echo writable; else echo refused; fi
             hostname
             awk "\$5 == \"/proc/sys\" { print \$6 }" /proc/self/mountinfo' \
    '.linux.readonlyPaths += ["/proc/sys"]'
  run rt run --bundle "$BUNDLE" c1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "refused" ]
  [ "${lines[1]}" = "refused" ]
  [ "${lines[2]}" = "vessel" ]
  [[ "${lines[3]}" == ro,* ]]
  assert_nothing_left
}

@test "linux.personality LINUX32" {
  local want
  case "$(uname -m)" in
    x86_64) want=i686 ;;
    aarch64) want=armv8l ;;
    *) skip "no known 32-bit personality name for $(uname -m)" ;;
  esac
  bundle_sh 'uname -m' '.linux.personality={"domain":"LINUX32"}'
  run rt run --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]
  cfg '.linux.personality={"domain":"LINUX"}'
  run rt run --bundle "$BUNDLE" c2
  [ "$status" -eq 0 ]
  [ "$output" = "$(uname -m)" ]
  assert_nothing_left
}

@test "annotations show up in state" {
  make_bundle '.process.args=["true"] | .annotations={"org.example.vtest":"some value","other":"x"}'
  run rt_create --bundle "$BUNDLE" c1
  [ "$status" -eq 0 ]
  run rt state c1
  [ "$status" -eq 0 ]
  [ "$(jq -r '.annotations["org.example.vtest"]' <<<"$output")" = "some value" ]
  [ "$(jq -r '.annotations.other' <<<"$output")" = "x" ]
  rt delete --force c1
  assert_nothing_left
}

# ---- hooks ----

# hook_json KIND [EXTRA-SH]: a hook entry that saves its stdin to
# $HK/state.KIND and appends KIND to $HK/log.  Inside the container (after
# pivot_root) $HK is bind-mounted at /hooks, which holds a .marker file.
hook_json() {
  local kind=$1 extra=${2:-}
  local script="d=$HK; [ -f /hooks/.marker ] && d=/hooks; cat >\"\$d/state.$kind\"; $extra echo $kind >>\"\$d/log\""
  jq -cn --arg s "$script" '{path: "/bin/sh", args: ["sh", "-c", $s], env: ["PATH=/bin:/usr/bin:/sbin:/usr/sbin"]}'
}

@test "hooks: all six run in order and get the state on stdin" {
  HK=$TEST_TMP/hooks
  mkdir -p "$HK"
  touch "$HK/.marker"
  make_bundle ".process.args=[\"true\"]
    | .mounts += [{\"destination\":\"/hooks\",\"type\":\"bind\",\"source\":\"$HK\",\"options\":[\"bind\"]}]"
  # startContainer takes its time: poststart must still come after it
  cfg '.hooks={prestart:[$a], createRuntime:[$b], createContainer:[$c], startContainer:[$d], poststart:[$e], poststop:[$f]}' \
    --argjson a "$(hook_json prestart)" --argjson b "$(hook_json createRuntime)" \
    --argjson c "$(hook_json createContainer)" --argjson d "$(hook_json startContainer 'sleep 0.5;')" \
    --argjson e "$(hook_json poststart)" --argjson f "$(hook_json poststop)"
  run rt_create --bundle "$BUNDLE" hooked
  echo "$output"
  [ "$status" -eq 0 ]
  local pid
  pid=$(rt state hooked | jq -r .pid)
  [ "$(cat "$HK/log" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
  run rt start hooked
  [ "$status" -eq 0 ]
  wait_status hooked stopped
  run rt delete hooked
  [ "$status" -eq 0 ]
  local k
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    echo "$k: $(cat "$HK/state.$k")"
    [ "$(jq -r .id "$HK/state.$k")" = "hooked" ]
    [ "$(jq -r .bundle "$HK/state.$k")" = "$BUNDLE" ]
  done
  for k in prestart createRuntime createContainer startContainer poststart; do
    [ "$(jq -r .pid "$HK/state.$k")" = "$pid" ]
  done
  [ "$(jq -r .status "$HK/state.poststop")" = "stopped" ]
  # OCI: poststart runs after the user process started, so after startContainer
  cat "$HK/log"
  [ "$(cat "$HK/log" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart poststop " ]
  assert_nothing_left
}

@test "hooks: with run, poststart comes after startContainer" {
  HK=$TEST_TMP/hooks
  mkdir -p "$HK"
  touch "$HK/.marker"
  make_bundle ".process.args=[\"true\"]
    | .mounts += [{\"destination\":\"/hooks\",\"type\":\"bind\",\"source\":\"$HK\",\"options\":[\"bind\"]}]"
  cfg '.hooks={startContainer:[$d], poststart:[$e], poststop:[$f]}' \
    --argjson d "$(hook_json startContainer 'sleep 0.5;')" --argjson e "$(hook_json poststart)" \
    --argjson f "$(hook_json poststop)"
  run rt run --bundle "$BUNDLE" hooked
  [ "$status" -eq 0 ]
  [ "$(cat "$HK/log" | tr '\n' ' ')" = "startContainer poststart poststop " ]
  assert_nothing_left
}

@test "hooks: a failing createRuntime hook makes create fail and leaves nothing" {
  make_bundle '.process.args=["true"]
    | .hooks.createRuntime=[{"path":"/bin/sh","args":["sh","-c","exit 3"]}]'
  run rt_create --bundle "$BUNDLE" failing
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *createRuntime* ]]
  run rt state failing
  [ "$status" -ne 0 ]
  assert_nothing_left
}

@test "hooks: a hook past its timeout is killed and reported" {
  make_bundle '.process.args=["true"]
    | .hooks.createRuntime=[{"path":"/bin/sleep","args":["sleep","37.25"],"timeout":1}]'
  local t0=$SECONDS
  run rt_create --bundle "$BUNDLE" slow
  echo "$output"
  [ "$status" -ne 0 ]
  [ $((SECONDS - t0)) -lt 15 ]
  [[ "$output" == *"timed out"* ]]
  ! pgrep -f "sleep 37.25"
  run rt state slow
  [ "$status" -ne 0 ]
  assert_nothing_left
}
