#!/usr/bin/env bats
# A smoke test: the runtime runs a container and leaves nothing behind.
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "run prints hostname and id from inside the container" {
  make_bundle '.process.args=["sh","-c","hostname; id -u"]'
  run rt run --bundle "$BUNDLE" smoke
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "vessel" ]
  [ "${lines[1]}" = "0" ]
  assert_nothing_left
}
