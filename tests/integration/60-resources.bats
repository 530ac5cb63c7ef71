#!/usr/bin/env bats
# linux.resources on this host's cgroups (v1 controllers, hybrid layout):
# the values reach the cgroup files and take effect inside; `update`,
# `pause`/`resume`, `ps`, `events --stats` and `features`; limits the host
# cannot express fail with one line naming the field and leave nothing.
load helpers

setup() { common_setup; }

teardown() { common_teardown; }

run_detached() {
  run rt_detached run --detach --bundle "$BUNDLE" "$1"
  [ "$status" -eq 0 ] || { echo "run --detach $1 failed: $output" >&2; return 1; }
  wait_status "$1" running
}

# The container's folder of a v1 controller (as recorded at create).
cg() {
  local d
  d=$(jq -r --arg c "$2" '.cgroupControllers[$c] // empty' "$RT_ROOT/$1/state.json" 2>/dev/null)
  [ -n "$d" ] || d=/sys/fs/cgroup/$2/vessel-$1
  echo "$d"
}

cgval() { cat "$(cg "$1" "$2")/$3"; }

# A sleeping container with the given jq filter on top.
sleeper() { make_bundle ".process.args=[\"sleep\",\"1000\"] | ${1:-.}"; }

# ---------------------------------------------------------------------------
# limits at create

@test "memory: limit, reservation, swappiness and disableOOMKiller reach the cgroup" {
  sleeper '.linux.resources.memory={"limit":67108864,"reservation":33554432,"swappiness":10,"disableOOMKiller":true}'
  run_detached mem
  [ "$(cgval mem memory memory.limit_in_bytes)" = 67108864 ]
  [ "$(cgval mem memory memory.soft_limit_in_bytes)" = 33554432 ]
  [ "$(cgval mem memory memory.swappiness)" = 10 ]
  grep -qx 'oom_kill_disable 1' "$(cg mem memory)/memory.oom_control"
  # the init is in that cgroup
  pid=$(rt state mem | jq -r .pid)
  grep -qx "$pid" "$(cg mem memory)/cgroup.procs"
  rt delete --force mem
  assert_nothing_left
}

@test "memory: limit with swap (memory+swap) sets memsw" {
  [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "no swap accounting (memory.memsw.*) on this host"
  sleeper '.linux.resources.memory={"limit":67108864,"swap":134217728}'
  run_detached memsw
  [ "$(cgval memsw memory memory.limit_in_bytes)" = 67108864 ]
  [ "$(cgval memsw memory memory.memsw.limit_in_bytes)" = 134217728 ]
  rt delete --force memsw
  assert_nothing_left
}

@test "memory: a swappiness above 100 is refused naming the field" {
  sleeper '.linux.resources.memory={"swappiness":101}'
  run rt_detached run --detach --bundle "$BUNDLE" swp
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.resources.memory.swappiness"* ]]
  ! rt state swp 2>/dev/null
  assert_nothing_left
}

@test "cpu: shares, quota, period and cpus reach the cgroup" {
  sleeper '.linux.resources.cpu={"shares":512,"quota":50000,"period":200000,"cpus":"0","mems":"0"}'
  run_detached cpu
  [ "$(cgval cpu cpu cpu.shares)" = 512 ]
  [ "$(cgval cpu cpu cpu.cfs_quota_us)" = 50000 ]
  [ "$(cgval cpu cpu cpu.cfs_period_us)" = 200000 ]
  [ "$(cgval cpu cpuset cpuset.cpus)" = 0 ]
  [ "$(cgval cpu cpuset cpuset.mems)" = 0 ]
  # the container sees it: only cpu 0 is allowed
  run rt exec cpu sh -c 'grep Cpus_allowed_list /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *$'\t'"0" ]]
  rt delete --force cpu
  assert_nothing_left
}

@test "pids: the limit is written; nothing forks beyond it (exec included)" {
  sleeper '.linux.resources.pids={"limit":2}'
  run_detached pids
  [ "$(cgval pids pids pids.max)" = 2 ]
  # exec's helper joins the cgroup before it forks the process: room for both
  rt update --pids-limit 3 pids
  run rt_detached exec --detach pids sleep 1000
  echo "$output"
  [ "$status" -eq 0 ]
  rt update --pids-limit 2 pids
  [ "$(cgval pids pids pids.current)" -eq 2 ]
  # a third process cannot be made in the container
  run rt exec pids true
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$(cgval pids pids pids.current)" -eq 2 ]
  rt update --pids-limit 4 pids
  run rt exec pids true
  [ "$status" -eq 0 ]
  rt delete --force pids
  assert_nothing_left
}

@test "pids: a fork beyond the limit fails inside with EAGAIN" {
  make_bundle '.process.args=["sh","-c","sleep 30 & sleep 30 & sleep 30 & sleep 30 & echo after"] | .linux.resources.pids={"limit":3}'
  run rt run --bundle "$BUNDLE" pids2
  echo "$output"
  [[ "$output" == *"can't fork"*"Resource temporarily unavailable"* ]]
  rt delete --force pids2 2>/dev/null || true
  assert_nothing_left
}

@test "blockIO: weight reaches blkio.weight" {
  [ -e /sys/fs/cgroup/blkio/blkio.weight ] || skip "this host's blkio cgroup has no blkio.weight (no CFQ/BFQ weight file)"
  sleeper '.linux.resources.blockIO={"weight":300}'
  run_detached blk
  [ "$(cgval blk blkio blkio.weight)" = 300 ]
  rt delete --force blk
  assert_nothing_left
}

@test "devices: deny-all with the default allows; a node made of 1:1 cannot be opened" {
  sleeper '.process.capabilities.bounding+=["CAP_MKNOD"] | .process.capabilities.effective+=["CAP_MKNOD"] | .process.capabilities.permitted+=["CAP_MKNOD"] | .root.readonly=false'
  run_detached dev
  list=$(cat "$(cg dev devices)/devices.list")
  echo "$list"
  grep -qx 'c 1:3 rwm' <<<"$list"
  grep -qx 'c 136:\* rwm' <<<"$list"
  grep -qx 'c \*:\* m' <<<"$list"
  ! grep -q '^a ' <<<"$list"
  ! grep -q '^c 1:1 ' <<<"$list"
  run rt exec dev sh -c 'echo hi >/dev/null && head -c 4 /dev/zero | wc -c'
  [ "$status" -eq 0 ]
  [ "$output" = 4 ]
  # mknod is allowed (c *:* m); an allowed node works, a denied one does not
  run rt exec dev sh -c 'mknod /tmp/null2 c 1 3 && echo ok >/tmp/null2 && echo null-ok'
  [ "$status" -eq 0 ]
  [ "$output" = null-ok ]
  run rt exec dev sh -c 'mknod /tmp/mem2 c 1 1 && head -c 1 /tmp/mem2'
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  rt delete --force dev
  assert_nothing_left
}

@test "devices: a linux.devices node is allowed in the device cgroup" {
  sleeper '.linux.devices=[{"path":"/dev/fuse2","type":"c","major":10,"minor":229,"fileMode":438}]'
  run_detached devl
  grep -qx 'c 10:229 rwm' "$(cg devl devices)/devices.list"
  run rt exec devl ls -l /dev/fuse2
  [ "$status" -eq 0 ]
  [[ "$output" == c*"10,"*"229"* ]]
  rt delete --force devl
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# update

@test "update with flags changes memory, pids and cpu shares" {
  sleeper '.linux.resources.memory={"limit":67108864} | .linux.resources.pids={"limit":100}'
  run_detached upd
  run rt update --memory 134217728 --pids-limit 50 --cpu-shares 256 upd
  [ "$status" -eq 0 ]
  [ "$(cgval upd memory memory.limit_in_bytes)" = 134217728 ]
  [ "$(cgval upd pids pids.max)" = 50 ]
  [ "$(cgval upd cpu cpu.shares)" = 256 ]
  run rt update --pids-limit -1 upd
  [ "$status" -eq 0 ]
  [ "$(cgval upd pids pids.max)" = max ]
  run rt update --memory lots upd
  [ "$status" -ne 0 ]
  [[ "$output" == *"--memory"* ]]
  rt delete --force upd
  assert_nothing_left
}

@test "update -r file.json changes the cgroup files" {
  sleeper .
  run_detached updr
  cat >"$TEST_TMP/res.json" <<'EOF'
{"memory":{"limit":100663296,"reservation":50331648},"cpu":{"shares":300,"quota":20000,"period":100000},"pids":{"limit":33}}
EOF
  run rt update -r "$TEST_TMP/res.json" updr
  [ "$status" -eq 0 ]
  [ "$(cgval updr memory memory.limit_in_bytes)" = 100663296 ]
  [ "$(cgval updr memory memory.soft_limit_in_bytes)" = 50331648 ]
  [ "$(cgval updr cpu cpu.shares)" = 300 ]
  [ "$(cgval updr cpu cpu.cfs_quota_us)" = 20000 ]
  [ "$(cgval updr pids pids.max)" = 33 ]
  # stdin too
  run rt update -r - updr <<<'{"pids":{"limit":44}}'
  [ "$status" -eq 0 ]
  [ "$(cgval updr pids pids.max)" = 44 ]
  # a bad field names it, one line
  run rt update -r - updr <<<'{"memory":{"swappiness":500}}'
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.resources.memory.swappiness"* ]]
  rt delete --force updr
  assert_nothing_left
}

@test "update of a nonexistent container fails naming it" {
  run rt update --memory 1000000 nosuchctr
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"nosuchctr"* ]]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# pause / resume

@test "pause and resume: freezer.state and status follow; resume of a running one fails" {
  sleeper .
  run_detached frz
  fz=$(cg frz freezer)
  run rt pause frz
  [ "$status" -eq 0 ]
  [ "$(cat "$fz/freezer.state")" = FROZEN ]
  [ "$(rt state frz | jq -r .status)" = paused ]
  pid=$(rt state frz | jq -r .pid)
  grep -Eq '^State:[[:space:]]*[DS]' "/proc/$pid/status"
  run rt pause frz
  [ "$status" -ne 0 ]
  [[ "$output" == *"frz"* ]]
  run rt resume frz
  [ "$status" -eq 0 ]
  [ "$(cat "$fz/freezer.state")" = THAWED ]
  [ "$(rt state frz | jq -r .status)" = running ]
  run rt resume frz
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"frz"*"running"* ]]
  run rt pause nosuchctr
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuchctr"* ]]
  rt delete --force frz
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# ps / events / features

@test "ps: the table shows the container's sleep; --format json lists its cgroup's pids" {
  make_bundle '.process.args=["sh","-c","sleep 1234 & wait"]'
  run_detached psc
  for i in $(seq 50); do
    [ "$(wc -l <"$(cg psc pids)/cgroup.procs")" -ge 2 ] && break
    sleep 0.1
  done
  run rt ps psc
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID* ]]
  [[ "$output" == *"sleep 1234"* ]]
  # only the container's processes
  [ "${#lines[@]}" -eq 3 ]
  run rt ps --format json psc
  [ "$status" -eq 0 ]
  echo "$output" | jq -e 'type == "array" and length == 2' >/dev/null
  for p in $(echo "$output" | jq -r '.[]'); do
    grep -qx "$p" "$(cg psc pids)/cgroup.procs"
    grep -qx "$p" "$(cg psc memory)/cgroup.procs"
  done
  [ "$(echo "$output" | jq -r '.[]' | sort)" = "$(sort "$(cg psc pids)/cgroup.procs")" ]
  run rt ps --format yaml psc
  [ "$status" -ne 0 ]
  run rt ps nosuchctr
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuchctr"* ]]
  rt delete --force psc
  assert_nothing_left
}

@test "events --stats prints one stats JSON object" {
  sleeper '.linux.resources.memory={"limit":67108864} | .linux.resources.pids={"limit":20}'
  run_detached ev
  run rt events --stats ev
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  echo "$output" | jq -e . >/dev/null
  [ "$(echo "$output" | jq -r .type)" = stats ]
  [ "$(echo "$output" | jq -r .id)" = ev ]
  [ "$(echo "$output" | jq -r .data.pids.current)" -ge 1 ]
  [ "$(echo "$output" | jq -r .data.pids.limit)" = 20 ]
  [ "$(echo "$output" | jq -r .data.memory.usage.usage)" -gt 0 ]
  [ "$(echo "$output" | jq -r .data.memory.usage.limit)" = 67108864 ]
  echo "$output" | jq -e '.data.cpu.usage.total >= 0' >/dev/null
  run rt events --stats nosuchctr
  [ "$status" -ne 0 ]
  [[ "$output" == *"nosuchctr"* ]]
  rt delete --force ev
  assert_nothing_left
}

@test "features: versions, hooks, seccomp actions and namespaces" {
  run rt features
  [ "$status" -eq 0 ]
  echo "$output" | jq -e . >/dev/null
  [ "$(echo "$output" | jq -r .ociVersionMax)" = 1.2.0 ]
  [ "$(echo "$output" | jq -r .ociVersionMin)" = 1.0.0 ]
  echo "$output" | jq -e '.hooks | index("prestart") and index("createRuntime") and index("poststop")' >/dev/null
  echo "$output" | jq -e '.linux.seccomp.enabled == true' >/dev/null
  echo "$output" | jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") and index("SCMP_ACT_ERRNO") and index("SCMP_ACT_KILL_PROCESS")' >/dev/null
  echo "$output" | jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")' >/dev/null
  echo "$output" | jq -e '.linux.namespaces | index("time") and index("user") and index("cgroup")' >/dev/null
  echo "$output" | jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' >/dev/null
  echo "$output" | jq -e '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true' >/dev/null
  run rt features extra
  [ "$status" -ne 0 ]
  assert_nothing_left
}

# ---------------------------------------------------------------------------
# limits this host cannot express

@test "network.classID without a net_cls hierarchy: one line naming the field, nothing left" {
  [ ! -d /sys/fs/cgroup/net_cls ] || skip "this host has net_cls"
  sleeper '.linux.resources.network={"classID":1048577}'
  run rt_detached run --detach --bundle "$BUNDLE" netcls
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.resources.network.classID"* ]]
  ! rt state netcls 2>/dev/null
  assert_nothing_left
  # create too
  run rt_detached create --bundle "$BUNDLE" netcls2
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.resources.network.classID"* ]]
  assert_nothing_left
}

@test "a hugepage size the host does not have: one line naming the field, nothing left" {
  sleeper '.linux.resources.hugepageLimits=[{"pageSize":"3MB","limit":1048576}]'
  run rt_detached run --detach --bundle "$BUNDLE" huge
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.resources.hugepageLimits[0]"* ]]
  [[ "$output" == *"hugetlb.3MB"* ]]
  ! rt state huge 2>/dev/null
  assert_nothing_left
}

@test "a unified key the host does not have: one line naming it, nothing left" {
  sleeper '.linux.resources.unified={"memory.nosuchfile":"1"}'
  run rt_detached run --detach --bundle "$BUNDLE" unif
  echo "$output"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"linux.resources.unified.memory.nosuchfile"* ]]
  ! rt state unif 2>/dev/null
  assert_nothing_left
}

@test "a container whose cgroup folders are gone is tolerated: state and delete still work" {
  make_bundle '.process.args=["sleep","100"]'
  rt_detached run -d --bundle "$BUNDLE" cggone
  local pid d
  pid=$(rt state cggone | jq -r .pid)
  kill -9 "$pid"
  for i in $(seq 50); do [ "$(rt state cggone | jq -r .status)" = stopped ] && break; sleep 0.1; done
  # somebody (an admin, systemd) removed the folders behind our back
  for d in $(jq -r '.cgroupPaths[]' "$RT_ROOT/cggone/state.json"); do
    rmdir "$d" 2>/dev/null || true
  done
  run rt state cggone
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | jq -r .status)" = stopped ]
  run rt delete cggone
  [ "$status" -eq 0 ]
  assert_nothing_left
}
