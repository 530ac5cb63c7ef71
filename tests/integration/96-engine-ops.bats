#!/usr/bin/env bats
# Operations on running containers: exec, top, pause/unpause and stats,
# with docker's flags, output and exit codes.  Every test checks that
# nothing is left: no mounts, monitors, runtime state or cgroup folders.

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

# The pid of the container's process whose command line is exactly $2.
ctr_pid() {
  vessel top "$1" | awk -v c="$2" 'NR > 1 { cmd = ""; for (i = 8; i <= NF; i++) cmd = cmd (i > 8 ? " " : "") $i; if (cmd == c) print $2 }'
}

@test "exec: output, stderr apart, exit status passed through; -e, -u, -w, -i" {
  vessel run -d --name e1 -e KEEP=1 busybox sleep 1000 >/dev/null
  run --separate-stderr vessel exec e1 sh -c 'echo out; echo err >&2; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = out ]
  [ "$stderr" = err ]
  run vessel exec -e X=y -e KEEP=2 -u 1000:1001 -w /tmp e1 sh -c 'echo $X $KEEP; id -u; id -g; pwd'
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'y 2\n1000\n1001\n/tmp')" ]
  # the container's environment is kept; -e replaces a key rather than adding it
  run vessel exec -e KEEP=3 e1 sh -c 'env | grep -c ^KEEP='
  [ "$output" = 1 ]
  run vessel exec -u root e1 id -u
  [ "$output" = 0 ]
  # stdin only with -i
  run sh -c "echo piped | $VESSEL --root $VESSEL_ROOT_DIR exec -i e1 cat"
  [ "$output" = piped ]
  run sh -c "echo piped | $VESSEL --root $VESSEL_ROOT_DIR exec e1 cat"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  vessel rm -f e1
  assert_clean
}

@test "exec -d leaves a process behind (top shows it); top lists the container's processes" {
  vessel run -d --name e2 busybox sleep 1000 >/dev/null
  run vessel exec -d e2 sleep 777
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  for i in $(seq 1 50); do vessel top e2 | grep -q 'sleep 777' && break; sleep 0.1; done
  run vessel top e2
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
  [ "${#lines[@]}" -eq 3 ]
  [[ "$output" == *"root "*"sleep 1000"* ]]
  [[ "$output" == *"sleep 777"* ]]
  # the pid is the host's, and it is the container's sleep
  pid=$(ctr_pid e2 "sleep 1000")
  [ "$(tr '\0' ' ' </proc/"$pid"/cmdline)" = "sleep 1000 " ]
  # ps options go to ps
  run vessel top e2 -o pid,comm
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ PID\ +COMMAND ]]
  [ "${#lines[@]}" -eq 3 ]
  vessel rm -f e2
  assert_clean
}

@test "exec: docker's exit codes — not running 125, not found 127, not executable 126, -it without a terminal" {
  vessel run -d --name e3 busybox sleep 1000 >/dev/null
  run -127 vessel exec e3 no-such-program
  echo "$output"
  [ "$status" -eq 127 ]
  [[ "$output" == *"no-such-program"* ]]
  run vessel exec e3 /etc/passwd
  [ "$status" -eq 126 ]
  run -127 vessel exec -d e3 no-such-program
  [ "$status" -eq 127 ]
  [[ "$output" == "Error: "*"no-such-program"* ]]
  run vessel exec -u nosuchuser e3 true
  [ "$status" -eq 126 ]
  [[ "$output" == *"unable to find user nosuchuser"* ]]
  # -t without a terminal on our side: docker's refusal
  run vessel exec -it e3 sh </dev/null
  [ "$status" -eq 1 ]
  [[ "$output" == *"the input device is not a TTY"* ]]
  run vessel exec --bogus e3 true
  [ "$status" -eq 125 ]
  [[ "$output" == *"unknown flag"* ]]
  run vessel exec e3
  [ "$status" -eq 125 ]
  run vessel exec nothere true
  [ "$status" -eq 125 ]
  [ "$output" = "Error: No such container: nothere" ]
  vessel stop -t 0 e3 >/dev/null
  id=$(vessel inspect --format '{{.Id}}' e3)
  run vessel exec e3 true
  [ "$status" -eq 125 ]
  [ "$output" = "Error: container $id is not running" ]
  run vessel top e3
  [ "$status" -eq 125 ]
  [[ "$output" == *"is not running"* ]]
  vessel rm e3
  [ -z "$(ls -A "$VESSEL_ROOT_DIR/containers")" ]
  assert_clean
}

@test "pause freezes the container, ps and inspect show it; unpause resumes" {
  vessel run -d --name p1 busybox sh -c 'while :; do echo x >/dev/null; done' >/dev/null
  run vessel pause p1
  [ "$status" -eq 0 ]
  [ "$output" = p1 ]
  run vessel ps --format '{{.Status}}|{{.State}}'
  [[ "$output" =~ ^Up\ .*\ \(Paused\)\|paused$ ]]
  run vessel inspect --format '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' p1
  [ "$output" = "paused true true" ]
  id=$(vessel inspect --format '{{.Id}}' p1)
  [ "$(cat /sys/fs/cgroup/freezer/vessel/"$id"/freezer.state 2>/dev/null || cat /sys/fs/cgroup/vessel/"$id"/cgroup.freeze)" = FROZEN ] ||
    [ "$(cat /sys/fs/cgroup/vessel/"$id"/cgroup.freeze 2>/dev/null)" = 1 ]
  # frozen: no CPU time is used
  pid=$(vessel inspect --format '{{.State.Pid}}' p1)
  [ "$pid" -gt 0 ]
  t1=$(awk '{print $14 + $15}' /proc/"$pid"/stat)
  sleep 0.5
  t2=$(awk '{print $14 + $15}' /proc/"$pid"/stat)
  [ "$t1" = "$t2" ]
  run vessel exec p1 true
  [ "$status" -eq 125 ]
  [[ "$output" == *"is paused"* ]]
  run vessel pause p1
  [ "$status" -eq 125 ]
  [[ "$output" == *"already paused"* ]]
  run vessel unpause p1
  [ "$status" -eq 0 ]
  [ "$output" = p1 ]
  run vessel inspect --format '{{.State.Status}} {{.State.Paused}}' p1
  [ "$output" = "running false" ]
  t1=$(awk '{print $14 + $15}' /proc/"$pid"/stat)
  sleep 0.5
  t2=$(awk '{print $14 + $15}' /proc/"$pid"/stat)
  [ "$t2" -gt "$t1" ]
  run vessel unpause p1
  [ "$status" -eq 125 ]
  [[ "$output" == *"not paused"* ]]
  vessel rm -f p1
  assert_clean
}

@test "stop and rm -f of a paused container work" {
  vessel run -d --name p2 busybox sleep 1000 >/dev/null
  vessel run -d --name p3 busybox sleep 1000 >/dev/null
  vessel pause p2 p3
  run vessel stop -t 1 p2
  [ "$status" -eq 0 ]
  run vessel inspect --format '{{.State.Status}}' p2
  [ "$output" = exited ]
  run vessel rm -f p3
  [ "$status" -eq 0 ]
  vessel rm p2
  [ -z "$(vessel ps -aq)" ]
  assert_clean
}

@test "stats --no-stream --format json: exact pids, memory and CPU time" {
  vessel run -d --name s1 busybox sh -c 'sleep 1000 & sleep 1001' >/dev/null
  # busy work, then idle: the CPU time is counted
  vessel exec s1 sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'
  for i in $(seq 1 50); do [ "$(vessel top s1 | grep -c 'sleep 100')" = 2 ] && break; sleep 0.1; done
  run vessel stats --no-stream --format json s1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  # sleep 1000 and sleep 1001: sh execs its last command in place
  [ "$(jq .pids <<<"$output")" = 2 ]
  [ "$(jq .Name <<<"$output")" = '"s1"' ]
  [ "$(jq '.memory_bytes > 0' <<<"$output")" = true ]
  [ "$(jq '.memory_limit > 0' <<<"$output")" = true ]
  [ "$(jq '.cpu_ns > 10000000' <<<"$output")" = true ]
  [ "$(jq '.blkio_read >= 0 and .blkio_write >= 0' <<<"$output")" = true ]
  [ "$(jq '.memory_cache_bytes >= 0' <<<"$output")" = true ]
  # PSI: an object of some/full avg10 when the kernel has it, else absent
  if [ -e /sys/fs/cgroup/unified/cgroup.controllers ] || [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    [ "$(jq '.psi == null or (.psi.cpu.some_avg10 >= 0)' <<<"$output")" = true ]
  fi
  # the table: docker's columns
  run vessel stats --no-stream
  echo "$output"
  [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +NAME\ +CPU\ %\ +MEM\ USAGE\ /\ LIMIT\ +MEM\ %\ +NET\ I/O\ +BLOCK\ I/O\ +PIDS$ ]]
  [[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +s1\ +[0-9.]+%\ +[0-9.]+[KMG]?i?B\ /\ [0-9.]+[KMG]iB\ +[0-9.]+%\ +--\ +.*\ +2$ ]]
  run vessel stats --no-stream --format '{{.Name}} {{.PIDs}}'
  [ "$output" = "s1 2" ]
  vessel rm -f s1
  assert_clean
}

@test "stats: CPU % of a busy container; --network none shows NET I/O" {
  vessel run -d --name s2 --network none busybox sh -c 'while :; do :; done' >/dev/null
  run vessel stats --no-stream --format json s2
  echo "$output"
  [ "$(jq '.cpu_percent > 20' <<<"$output")" = true ]
  [ "$(jq '.net_rx' <<<"$output")" = 0 ]
  [ "$(jq -r '.NetIO' <<<"$output")" = "0B / 0B" ]
  vessel rm -f s2
  assert_clean
}

@test "stats streams until its containers are gone" {
  vessel run -d --name s3 busybox sleep 2 >/dev/null
  run vessel stats --format '{{.Name}}' s3
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -ge 1 ]
  [ "${lines[0]}" = s3 ]
  vessel rm -f s3
  assert_clean
}

@test "stats, top, pause: errors and unknown flags are 125" {
  vessel create --name s4 busybox true >/dev/null
  run vessel stats --no-stream s4
  [ "$status" -eq 125 ]
  [[ "$output" == *"is not running"* ]]
  run vessel stats --no-stream nothere
  [ "$status" -eq 125 ]
  run vessel stats --bogus
  [ "$status" -eq 125 ]
  [[ "$output" == *"unknown flag"* ]]
  run vessel top --bogus s4
  [ "$status" -eq 125 ]
  run vessel pause --bogus s4
  [ "$status" -eq 125 ]
  run vessel pause s4
  [ "$status" -eq 125 ]
  [[ "$output" == *"is not running"* ]]
  run vessel unpause s4
  [ "$status" -eq 125 ]
  vessel rm s4
  assert_clean
}

@test "container exec/top/pause/unpause/stats are there too" {
  vessel run -d --name c1 busybox sleep 1000 >/dev/null
  run vessel container exec c1 echo hi
  [ "$output" = hi ]
  run vessel container top c1
  [[ "$output" == *"sleep 1000"* ]]
  vessel container pause c1
  vessel container unpause c1
  run vessel container stats --no-stream --format '{{.Name}}' c1
  [ "$output" = c1 ]
  vessel rm -f c1
  assert_clean
}
