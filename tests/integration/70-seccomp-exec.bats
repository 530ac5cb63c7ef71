#!/usr/bin/env bats
# linux.seccomp (actions, errnoRet, arguments, unknown names, bad input,
# noNewPrivileges false, SCMP_ACT_NOTIFY with a listener) and `exec` (every
# flag runc has, the namespaces and cgroups it joins, the filter it gets,
# and the states it refuses).
load helpers

setup_file() {
  cc -O2 -Wall -Wextra -Werror -o "$BATS_FILE_TMPDIR/recvtty" "$BATS_TEST_DIRNAME/../helpers/recvtty.c"
  cc -O2 -Wall -Wextra -Werror -o "$BATS_FILE_TMPDIR/seccomp-listener" \
    "$BATS_TEST_DIRNAME/../helpers/seccomp-listener.c"
}

setup() { common_setup; }

teardown() {
  local p
  for p in ${HELPER_PIDS:-}; do
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  common_teardown
}

run_detached() {
  run rt_detached run --detach --bundle "$BUNDLE" "$1"
  [ "$status" -eq 0 ] || { echo "run --detach $1 failed: $output" >&2; return 1; }
  wait_status "$1" running
}

# A bundle running `sh -c "$1"` with a writable rootfs and the jq filter $2.
bundle_sh() {
  make_bundle ".root.readonly=false | .process.args=[\"sh\",\"-c\",$(jq -Rn --arg s "$1" '$s')] | ${2:-.}"
}

# A seccomp object: default action $1, rules (a JSON array) $2.
seccomp() {
  echo "{\"defaultAction\":\"$1\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":$2}"
}

wait_file() {
  local i
  for i in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "$1 never appeared" >&2
  return 1
}

# ---------------------------------------------------------------------------
# seccomp

@test "seccomp: ALLOW by default, ERRNO (errnoRet 13) on mkdir" {
  bundle_sh 'mkdir /tmp/d; echo rc=$?; touch /tmp/f && echo touch-ok; grep ^Seccomp: /proc/self/status' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]')"
  run rt run --bundle "$BUNDLE" sc1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"mkdir: can't create directory '/tmp/d': Permission denied"* ]]
  [[ "$output" == *"rc=1"* ]]
  [[ "$output" == *"touch-ok"* ]]
  [[ "$output" == *$'Seccomp:\t2'* ]]
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  assert_nothing_left
}

@test "seccomp: the compiled filter is cached per profile; a cache entry for another profile is never used" {
  bundle_sh 'mkdir /tmp/d; echo rc=$?' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]')"
  run rt run --bundle "$BUNDLE" cache1
  [[ "$output" == *"rc=1"* ]]
  [ "$(ls "$RT_ROOT/.seccomp-cache" | wc -l)" = 1 ]
  entry=$(ls "$RT_ROOT/.seccomp-cache")
  # the second run loads the cached program: the same filter applies
  run rt run --bundle "$BUNDLE" cache2
  [[ "$output" == *"rc=1"* ]]
  # an entry whose recorded profile differs (a hash collision, a stale or
  # planted file) is ignored: here an allow-all program under this name
  bundle_sh 'mkdir /tmp/d2; echo rc=$?' ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[]')"
  run rt run --bundle "$BUNDLE" cache3
  [[ "$output" == *"rc=0"* ]]
  other=$(ls -t "$RT_ROOT/.seccomp-cache" | head -1)
  cp "$RT_ROOT/.seccomp-cache/$other" "$RT_ROOT/.seccomp-cache/$entry"
  bundle_sh 'mkdir /tmp/d; echo rc=$?' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]')"
  run rt run --bundle "$BUNDLE" cache4
  echo "$output"
  [[ "$output" == *"rc=1"* ]]
  assert_nothing_left
}

@test "seccomp: ERRNO by default (defaultErrnoRet) with an allow-list" {
  local allow='["execve","brk","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","mprotect",
    "mmap","munmap","uname","readlink","readlinkat","getrandom","write","writev","exit","exit_group","getpid",
    "getppid","getuid","geteuid","getgid","getegid","rt_sigaction","rt_sigprocmask","rt_sigreturn","ioctl",
    "fcntl","dup2","dup3","close","openat","open","read","fstat","newfstatat","stat","lstat","statx","access",
    "faccessat","faccessat2","getcwd","wait4","clone","clone3","vfork","fork","pipe","pipe2","lseek","gettid",
    "sysinfo","getdents64","futex","madvise","sigaltstack"]'
  bundle_sh 'echo hello; mkdir /tmp/d; echo rc=$?' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ERRNO "[{\"names\":$allow,\"action\":\"SCMP_ACT_ALLOW\"}]") | .linux.seccomp.defaultErrnoRet=95"
  run rt run --bundle "$BUNDLE" sc2
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"hello"* ]]
  [[ "$output" == *"mkdir: can't create directory '/tmp/d': Operation not supported"* ]]
  [[ "$output" == *"rc=1"* ]]
  assert_nothing_left
}

@test "seccomp: KILL_PROCESS kills the process with SIGSYS (run exits 159)" {
  make_bundle ".root.readonly=false | .process.args=[\"mkdir\",\"/tmp/d\"] | .linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL_PROCESS"}]')"
  run rt run --bundle "$BUNDLE" sc3
  echo "$output"
  [ "$status" -eq 159 ]
  # run (foreground) deletes the container when its process ends
  ! rt state sc3 2>/dev/null
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  assert_nothing_left
}

@test "seccomp: KILL (thread) and TRAP end the process with SIGSYS too" {
  make_bundle ".root.readonly=false | .process.args=[\"mkdir\",\"/tmp/d\"] | .linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_TRAP"}]')"
  run rt run --bundle "$BUNDLE" sc4
  [ "$status" -eq 159 ]
  make_bundle ".root.readonly=false | .process.args=[\"mkdir\",\"/tmp/d\"] | .linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL"}]')"
  run rt run --bundle "$BUNDLE" sc4b
  [ "$status" -eq 159 ]
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  assert_nothing_left
}

@test "seccomp: LOG lets the syscall through" {
  bundle_sh 'mkdir /tmp/d && echo made' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_LOG"}]')"
  run rt run --bundle "$BUNDLE" sc5
  [ "$status" -eq 0 ]
  [ "$output" = made ]
  [ -d "$BUNDLE/rootfs/tmp/d" ]
  assert_nothing_left
}

@test "seccomp: an argument condition blocks personality(PER_LINUX32) only" {
  bundle_sh 'linux64 echo p0; linux32 echo p8; echo rc=$?' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]')"
  run rt run --bundle "$BUNDLE" sc6
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"p0"* ]]
  [[ "$output" != *"p8"* ]]
  [[ "$output" == *"Operation not permitted"* ]]
  [[ "$output" == *"rc=1"* ]]
  # MASKED_EQ on the same syscall: any value with bit 3 set
  bundle_sh 'linux64 echo p0; linux32 echo p8' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["personality"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":8,"valueTwo":8,"op":"SCMP_CMP_MASKED_EQ"}]}]')"
  run rt run --bundle "$BUNDLE" sc6b
  [[ "$output" == *"p0"* ]]
  [[ "$output" != *"p8"* ]]
  assert_nothing_left
}

@test "seccomp: an unknown syscall name is skipped, the rest applies" {
  bundle_sh 'mkdir /tmp/d; echo ran' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["no_such_syscall_xyz","mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]')"
  run rt run --bundle "$BUNDLE" sc7
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Permission denied"* ]]
  [[ "$output" == *"ran"* ]]
  assert_nothing_left
}

@test "seccomp: an unknown action fails with one line naming the field, nothing left" {
  bundle_sh 'echo should-not-run' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir"],"action":"SCMP_ACT_BOGUS"}]')"
  run rt run --bundle "$BUNDLE" sc8
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.seccomp.syscalls[0]"* ]]
  [[ "$output" == *"SCMP_ACT_BOGUS"* ]]
  [[ "$output" != *"should-not-run"* ]]
  ! rt state sc8 2>/dev/null
  assert_nothing_left
  # the default action too
  bundle_sh 'true' ".linux.seccomp=$(seccomp SCMP_ACT_NOPE '[]')"
  run rt_detached create --bundle "$BUNDLE" sc8b
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.seccomp.defaultAction"* ]]
  assert_nothing_left
}

@test "seccomp: an unknown architecture fails with one line naming the field, nothing left" {
  bundle_sh 'echo should-not-run' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[]') | .linux.seccomp.architectures=[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_BOGUS\"]"
  run rt run --bundle "$BUNDLE" sc9
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.seccomp.architectures[1]"* ]]
  [[ "$output" == *"SCMP_ARCH_BOGUS"* ]]
  ! rt state sc9 2>/dev/null
  assert_nothing_left
}

@test "seccomp: noNewPrivileges false with a filter (NoNewPrivs 0, filter on)" {
  bundle_sh 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mkdir /tmp/d; echo rc=$?' \
    ".process.noNewPrivileges=false | .linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]')"
  run rt run --bundle "$BUNDLE" sc10
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'NoNewPrivs:\t0'* ]]
  [[ "$output" == *$'Seccomp:\t2'* ]]
  [[ "$output" == *"Permission denied"* ]]
  assert_nothing_left
}

@test "seccomp: NOTIFY sends the fd and state to listenerPath; the answer reaches the container" {
  local sock=$TEST_TMP/listener.sock st=$TEST_TMP/listener.state
  "$BATS_FILE_TMPDIR/seccomp-listener" "$sock" "$st" 18 3>&- &
  HELPER_PIDS="$!"
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  bundle_sh 'mkdir /tmp/d; echo rc=$?; sleep 1000' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]') | .linux.seccomp.listenerPath=\"$sock\" | .linux.seccomp.listenerMetadata=\"meta-1\""
  run_detached sc11
  wait_file "$st.notif"
  cat "$st"
  pid=$(rt state sc11 | jq -r .pid)
  jq -e '.fds | index("seccompFd")' "$st" >/dev/null
  [ "$(jq -r .pid "$st")" = "$pid" ]
  [ "$(jq -r .metadata "$st")" = meta-1 ]
  [ "$(jq -r .state.id "$st")" = sc11 ]
  [ "$(jq -r .state.pid "$st")" = "$pid" ]
  [ "$(jq -r .state.bundle "$st")" = "$BUNDLE" ]
  jq -e '.ociVersion | length > 0' "$st" >/dev/null
  # the notification came from the container (the init's mkdir child), for mkdir
  read -r nr npid <"$st.notif"
  [ "$npid" -gt "$pid" ] || [ "$npid" = "$pid" ]
  [ "$nr" = 83 ] || [ "$nr" = 258 ]
  wait "$HELPER_PIDS"
  HELPER_PIDS=
  # the listener answered EXDEV (18); the container went on
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  [ "$(rt state sc11 | jq -r .status)" = running ]
  rt delete --force sc11
  assert_nothing_left
}

@test "seccomp: NOTIFY: the listener's errno, or success, reaches a foreground run" {
  local sock=$TEST_TMP/listener.sock st=$TEST_TMP/listener.state
  "$BATS_FILE_TMPDIR/seccomp-listener" "$sock" "$st" 18 3>&- &
  HELPER_PIDS="$!"
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  bundle_sh 'mkdir /tmp/d; echo rc=$?' \
    ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]') | .linux.seccomp.listenerPath=\"$sock\""
  run rt run --bundle "$BUNDLE" sc12
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Invalid cross-device link"* ]]
  [[ "$output" == *"rc=1"* ]]
  wait "$HELPER_PIDS"
  HELPER_PIDS=
  # errno 0: the syscall "succeeds" without running
  "$BATS_FILE_TMPDIR/seccomp-listener" "$sock" "$st" 0 3>&- &
  HELPER_PIDS="$!"
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  run rt run --bundle "$BUNDLE" sc12b
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"rc=0"* ]]
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  wait "$HELPER_PIDS"
  HELPER_PIDS=
  assert_nothing_left
}

@test "seccomp: NOTIFY without listenerPath, or with nobody listening, fails clearly" {
  bundle_sh 'true' ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]')"
  run rt run --bundle "$BUNDLE" sc13
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"listenerPath"* ]]
  assert_nothing_left
  bundle_sh 'true' ".linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]') | .linux.seccomp.listenerPath=\"$TEST_TMP/nobody.sock\""
  run rt run --bundle "$BUNDLE" sc13b
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.seccomp.listenerPath"*"nobody.sock"* ]]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# exec

@test "exec: exit status passthrough, --env, --cwd, --user" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex1
  run rt exec ex1 sh -c 'exit 42'
  [ "$status" -eq 42 ]
  run rt exec ex1 true
  [ "$status" -eq 0 ]
  run rt exec --env FOO=bar --env BAZ=qux ex1 sh -c 'echo "$FOO-$BAZ"'
  [ "$status" -eq 0 ]
  [ "$output" = bar-qux ]
  run rt exec --env NOEQUALS ex1 true
  [ "$status" -ne 0 ]
  [[ "$output" == *"NOEQUALS"* ]]
  run rt exec --cwd /tmp ex1 pwd
  [ "$status" -eq 0 ]
  [ "$output" = /tmp ]
  run rt exec --user 1000:1000 ex1 sh -c 'echo $(id -u):$(id -g)'
  [ "$status" -eq 0 ]
  [ "$output" = 1000:1000 ]
  run rt exec --user bogus ex1 true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--user"*"bogus"* ]]
  rt delete --force ex1
  assert_nothing_left
}

@test "exec --cap adds to effective and bounding, never inheritable or ambient (CVE-2022-29162)" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex2
  run rt exec ex2 cat /proc/self/status
  eff0=$(echo "$output" | awk '/^CapEff/{print $2}')
  run rt exec --cap CAP_NET_ADMIN ex2 cat /proc/self/status
  [ "$status" -eq 0 ]
  echo "$output" | grep ^Cap
  eff=$(echo "$output" | awk '/^CapEff/{print $2}')
  bnd=$(echo "$output" | awk '/^CapBnd/{print $2}')
  prm=$(echo "$output" | awk '/^CapPrm/{print $2}')
  [ $((0x$eff & (1 << 12))) -ne 0 ]
  [ $((0x$bnd & (1 << 12))) -ne 0 ]
  [ $((0x$prm & (1 << 12))) -ne 0 ]
  [ $((0x$eff0 & (1 << 12))) -eq 0 ]
  [ "$(echo "$output" | awk '/^CapInh/{print $2}')" = 0000000000000000 ]
  [ "$(echo "$output" | awk '/^CapAmb/{print $2}')" = 0000000000000000 ]
  rt delete --force ex2
  assert_nothing_left
}

@test "exec --no-new-privs sets no_new_privs when the config does not" {
  make_bundle '.process.args=["sleep","1000"] | .process.noNewPrivileges=false'
  run_detached ex3
  run rt exec ex3 grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t0' ]
  run rt exec --no-new-privs ex3 grep NoNewPrivs /proc/self/status
  [ "$output" = $'NoNewPrivs:\t1' ]
  rt delete --force ex3
  assert_nothing_left
}

@test "exec --tty --console-socket hands a pty to the socket" {
  local sock=$TEST_TMP/console.sock out=$TEST_TMP/console.out
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex4
  "$BATS_FILE_TMPDIR/recvtty" "$sock" >"$out" 3>&- &
  HELPER_PIDS="$!"
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  run rt_detached exec --tty --detach --console-socket "$sock" ex4 sh -c 'tty; echo done-tty'
  echo "$output"
  [ "$status" -eq 0 ]
  for i in $(seq 100); do kill -0 "$HELPER_PIDS" 2>/dev/null || break; sleep 0.1; done
  wait "$HELPER_PIDS"
  HELPER_PIDS=
  tr -d '\r' <"$out" >"$out.txt"
  cat "$out.txt"
  grep -Eqx '/dev/pts/[0-9]+' "$out.txt"
  grep -qx 'done-tty' "$out.txt"
  # --console-socket without --tty is refused
  run rt exec --console-socket "$sock" ex4 true
  [ "$status" -ne 0 ]
  [[ "$output" == *"--tty"* ]]
  rt delete --force ex4
  assert_nothing_left
}

@test "exec --detach --pid-file: the process is in the container's cgroups and namespaces" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex5
  init=$(rt state ex5 | jq -r .pid)
  run rt_detached exec --detach --pid-file "$TEST_TMP/ex.pid" ex5 sleep 999
  [ "$status" -eq 0 ]
  pid=$(cat "$TEST_TMP/ex.pid")
  [[ "$pid" =~ ^[0-9]+$ ]]
  [ -d "/proc/$pid" ]
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 999 " ]
  # every namespace of the init
  for ns in cgroup ipc mnt net pid uts; do
    [ "$(readlink "/proc/$pid/ns/$ns")" = "$(readlink "/proc/$init/ns/$ns")" ] || {
      echo "ns $ns differs" >&2; false; }
  done
  [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
  # every cgroup of the init
  [ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$init/cgroup")" ]
  grep -qx "$pid" /sys/fs/cgroup/pids/vessel-ex5/cgroup.procs
  # listed by ps, and its pid inside the container is not 1
  rt ps --format json ex5 | jq -e --argjson p "$pid" 'index($p)' >/dev/null
  [ "$(awk '/^NSpid/{print $3}' "/proc/$pid/status")" -gt 1 ]
  rt delete --force ex5
  proc_gone() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null; }
  proc_gone "$pid"
  assert_nothing_left
}

@test "exec --preserve-fds 1 passes fd 3; without it no extra fd reaches the process" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex6
  echo secret-data >"$TEST_TMP/fd3"
  run rt exec --preserve-fds 1 ex6 sh -c 'cat <&3' 3<"$TEST_TMP/fd3"
  [ "$status" -eq 0 ]
  [ "$output" = secret-data ]
  run rt exec ex6 sh -c 'ls /proc/self/fd' 3<"$TEST_TMP/fd3"
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(echo "$output" | tr '\n' ' ')" = "0 1 2 3 " ] # 3 is ls's own directory fd
  run rt exec --preserve-fds nope ex6 true
  [ "$status" -ne 0 ]
  rt delete --force ex6
  assert_nothing_left
}

@test "exec --process proc.json" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex7
  cat >"$TEST_TMP/proc.json" <<'EOF'
{"args":["sh","-c","echo $A:$(id -u):$(pwd); exit 7"],"env":["A=from-json","PATH=/bin"],"cwd":"/tmp","user":{"uid":1000,"gid":1000}}
EOF
  run rt exec --process "$TEST_TMP/proc.json" ex7
  [ "$status" -eq 7 ]
  [ "$output" = from-json:1000:/tmp ]
  run rt exec --process - ex7 <<<'{"args":["echo","stdin-proc"],"cwd":"/"}'
  [ "$status" -eq 0 ]
  [ "$output" = stdin-proc ]
  echo '{not json' >"$TEST_TMP/bad.json"
  run rt exec --process "$TEST_TMP/bad.json" ex7
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"--process"*"bad.json"* ]]
  rt delete --force ex7
  assert_nothing_left
}

@test "exec: the container's seccomp filter applies to exec'd processes" {
  make_bundle ".root.readonly=false | .process.args=[\"sleep\",\"1000\"] | .linux.seccomp=$(seccomp SCMP_ACT_ALLOW '[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]')"
  run_detached ex8
  run rt exec ex8 sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d'
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *$'Seccomp:\t2'* ]]
  [[ "$output" == *"Permission denied"* ]]
  [ ! -e "$BUNDLE/rootfs/tmp/d" ]
  # also with --process and with noNewPrivileges false
  run rt exec --process - ex8 <<<'{"args":["mkdir","/tmp/d"],"cwd":"/","noNewPrivileges":false}'
  [ "$status" -ne 0 ]
  [[ "$output" == *"Permission denied"* ]]
  rt delete --force ex8
  assert_nothing_left
}

@test "exec into a stopped or a paused container fails clearly" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex9
  rt pause ex9
  run rt exec ex9 true
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"ex9"*"paused"* ]]
  rt resume ex9
  rt kill ex9 KILL
  wait_status ex9 stopped
  run rt exec ex9 true
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"ex9"*"stopped"* ]]
  run rt exec nosuchctr true
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuchctr"* ]]
  rt delete ex9
  assert_nothing_left
}

@test "exec of a missing binary fails naming it" {
  make_bundle '.process.args=["sleep","1000"]'
  run_detached ex10
  run rt exec ex10 /no/such/binary
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"/no/such/binary"* ]]
  run rt exec ex10 nosuchcmd
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuchcmd"* ]]
  # the container is unharmed
  [ "$(rt state ex10 | jq -r .status)" = running ]
  rt delete --force ex10
  assert_nothing_left
}
