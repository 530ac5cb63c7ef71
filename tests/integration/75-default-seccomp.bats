#!/usr/bin/env bats
# The engine's default seccomp profile (src/engine/defaults.c, docker's
# behaviour) under vessel-runtime: ordinary commands work, namespace and
# mount calls are refused unless the container has CAP_SYS_ADMIN.
load helpers

DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID",
  "CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'

setup_file() {
  local top="$BATS_TEST_DIRNAME/../.."
  # shellcheck disable=SC2046
  cc -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation -o "$BATS_FILE_TMPDIR/print-default-seccomp" \
    "$top/tests/helpers/print-default-seccomp.c" "$top/src/engine/defaults.c" "$top/src/basic/error.c" \
    $(pkg-config --cflags --libs jansson)
}

setup() { common_setup; }
teardown() { common_teardown; }

# A bundle running `sh -c "$1"` with capabilities $2 (a JSON array) and the
# default profile for them.
bundle_default_profile() {
  local caps=$2 profile
  # shellcheck disable=SC2046
  profile=$("$BATS_FILE_TMPDIR/print-default-seccomp" $(jq -r '.[]' <<<"$caps"))
  make_bundle ".root.readonly=false | .process.args=[\"sh\",\"-c\",$(jq -Rn --arg s "$1" '$s')]
    | .process.capabilities={bounding:$caps, effective:$caps, permitted:$caps}
    | .linux.seccomp=$profile"
}

@test "default seccomp: ordinary commands work, unshare and mount get EPERM" {
  bundle_default_profile 'ls / >/dev/null && echo ls-ok; ps >/dev/null && echo ps-ok
    echo hi >/tmp/f && cat /tmp/f; sh -c "exit 3"; echo sub=$?
    unshare -U true; echo unshare-rc=$?
    mkdir -p /tmp/m && mount -t tmpfs none /tmp/m; echo mount-rc=$?
    linux32 uname -m; grep ^Seccomp: /proc/self/status' "$DOCKER_CAPS"
  run rt run --bundle "$BUNDLE" dsc1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ls-ok"* ]]
  [[ "$output" == *"ps-ok"* ]]
  [[ "$output" == *"hi"* ]]
  [[ "$output" == *"sub=3"* ]]
  # a user namespace needs no capability: only the filter refuses it
  [[ "$output" == *"unshare"*"Operation not permitted"* ]]
  [[ "$output" == *"unshare-rc=1"* ]]
  [[ "$output" == *"mount-rc="* && "$output" != *"mount-rc=0"* ]]
  # personality(PER_LINUX32) is one of the allowed personas
  [[ "$output" == *"i686"* || "$output" == *"armv"* ]]
  [[ "$output" == *$'Seccomp:\t2'* ]]
  assert_nothing_left
}

@test "default seccomp: CAP_SYS_ADMIN lets unshare and mount through" {
  local caps
  caps=$(jq -c '. + ["CAP_SYS_ADMIN"]' <<<"$DOCKER_CAPS")
  bundle_default_profile 'unshare -U true && echo unshare-ok
    mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mount-ok' "$caps"
  run rt run --bundle "$BUNDLE" dsc2
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"unshare-ok"* ]]
  [[ "$output" == *"mount-ok"* ]]
  assert_nothing_left
}
