#!/usr/bin/env bats
# The engine's interactive and terminal modes: run -i/-t/-it/-dit, attach,
# start -a -i, exec -it and the detach keys.  A terminal comes from
# util-linux `script` (its -e passes the command's exit status through);
# keys that must arrive after the relay is in raw mode are fed with pauses.

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

setup() {
  engine_setup
  VESSEL_BIN=$(readlink -f "$VESSEL")
}
teardown() { engine_teardown; }

# `vessel ARGS` on a pty made by script; stdin feeds the pty.  script runs
# the command with $SHELL -c: bash is named (the quoting is bash's), and the
# command is exec'ed under `timeout --foreground` so vessel stays in the
# terminal's foreground process group (CI has no SHELL: dash would fork
# timeout, which moves itself to a new group, and vessel's tcsetattr would
# stop it with SIGTTOU).
on_tty() {
  local cmd="exec timeout --foreground --kill-after=5 30 $VESSEL_BIN --root $VESSEL_ROOT_DIR"
  local a
  for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
  SHELL=/bin/bash script -qec "$cmd" /dev/null
}

wait_running() {
  local i
  for i in $(seq 1 100); do
    [ "$(vessel inspect --format '{{.State.Status}}' "$1")" = running ] && return 0
    sleep 0.05
  done
  return 1
}

@test "run -i: stdin reaches the container, its end closes the container's stdin" {
  run bash -c "echo hi | $VESSEL_BIN --root $VESSEL_ROOT_DIR run -i --rm busybox cat"
  [ "$status" -eq 0 ]
  [ "$output" = hi ]
  # a lot of it, both ways at once
  run bash -c "seq 1 100000 | $VESSEL_BIN --root $VESSEL_ROOT_DIR run -i --rm busybox cat | tail -1"
  [ "$output" = 100000 ]
  # without -i the container's stdin is empty
  run bash -c "echo hi | $VESSEL_BIN --root $VESSEL_ROOT_DIR run --rm busybox cat"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  assert_clean
}

@test "run -t: the container has a terminal; -it without one is refused" {
  run on_tty run -t --rm busybox tty
  [ "$status" -eq 0 ]
  [ "$(printf '%s' "$output" | tr -d '\r')" = /dev/pts/0 ]
  run on_tty run -t --rm busybox sh -c 'exit 5'
  [ "$status" -eq 5 ]
  run bash -c "$VESSEL_BIN --root $VESSEL_ROOT_DIR run -it --rm busybox true </dev/null"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not a TTY"* ]]
  assert_clean
}

@test "run -it: a shell on our terminal, its exit status passed through" {
  run on_tty run -it --rm busybox sh <<'EOF'
echo hello-from-$((6*7))
exit 3
EOF
  [ "$status" -eq 3 ]
  [[ "$output" == *hello-from-42* ]]
  run vessel ps -aq
  [ -z "$output" ]
  assert_clean
}

@test "run -it --name: inspect shows Tty and OpenStdin, logs hold the terminal's output" {
  run on_tty run -it --name t busybox sh <<'EOF'
echo logged-$((1+1))
exit 0
EOF
  [ "$status" -eq 0 ]
  run vessel inspect --format '{{.Config.Tty}} {{.Config.OpenStdin}} {{.State.ExitCode}}' t
  [ "$output" = "true true 0" ]
  run vessel logs t
  [[ "$output" == *logged-2* ]]
  run vessel inspect --format '{{.Config.Tty}} {{.Config.OpenStdin}}' "$(vessel create busybox true)"
  [ "$output" = "false false" ]
  vessel rm -f $(vessel ps -aq) >/dev/null
  assert_clean
}

@test "run -dit, then attach: input, output and the exit status" {
  run vessel run -dit --name x busybox sh
  [ "$status" -eq 0 ]
  wait_running x
  [ "$(vessel inspect --format '{{.Config.Tty}}' x)" = true ]
  run on_tty attach x <<'EOF'
echo hello; exit 7
EOF
  [ "$status" -eq 7 ]
  [[ "$output" == *$'\n'hello* ]]
  run vessel inspect --format '{{.State.Status}} {{.State.ExitCode}}' x
  [ "$output" = "exited 7" ]
  run vessel logs x
  [[ "$output" == *hello* ]]
  run vessel attach x
  [ "$status" -ne 0 ]
  [[ "$output" == *"stopped container"* ]]
  vessel rm x
  assert_clean
}

@test "detach keys: ctrl-p ctrl-q leave the container running, attach again" {
  vessel run -dit --name d busybox sh >/dev/null
  wait_running d
  run on_tty attach d < <(sleep 1; printf 'echo one\n'; sleep 0.5; printf '\020\021'; sleep 3)
  [ "$status" -eq 0 ]
  [[ "$output" == *one* ]]
  [ "$(vessel inspect --format '{{.State.Status}}' d)" = running ]
  # custom keys, and run -it detached the same way (its --rm then left to the monitor)
  run on_tty attach --detach-keys ctrl-x d < <(sleep 1; printf '\030'; sleep 3)
  [ "$status" -eq 0 ]
  [ "$(vessel inspect --format '{{.State.Status}}' d)" = running ]
  run on_tty run -it --rm --name r busybox sh < <(sleep 1; printf '\020\021'; sleep 3)
  [ "$status" -eq 0 ]
  [ "$(vessel inspect --format '{{.State.Status}}' r)" = running ]
  run on_tty attach d <<'EOF'
exit 2
EOF
  [ "$status" -eq 2 ]
  vessel stop -t 1 r >/dev/null
  for i in $(seq 1 100); do [ -z "$(vessel ps -aq --filter name=r)" ] && break; sleep 0.05; done
  [ -z "$(vessel ps -aq --filter name=r)" ]
  vessel rm d
  assert_clean
}

@test "run -di and attach --no-stdin; start -a -i" {
  vessel run -di --name c busybox sh -c 'read line; echo "got $line"; read x; exit 4' >/dev/null
  wait_running c
  # stdin of a non-terminal container through attach (closing ours does not close its)
  run bash -c "printf 'abc\n' | timeout 2 $VESSEL_BIN --root $VESSEL_ROOT_DIR attach c"
  [ "$status" -eq 124 ]
  run vessel logs c
  [ "$output" = "got abc" ]
  run bash -c "echo done | $VESSEL_BIN --root $VESSEL_ROOT_DIR attach c"
  [ "$status" -eq 4 ]
  run bash -c "echo again | $VESSEL_BIN --root $VESSEL_ROOT_DIR start -a -i c"
  [ "$status" -eq 4 ]
  [ "$output" = "got again" ]
  vessel rm c
  vessel create -i --name s busybox cat >/dev/null
  run bash -c "echo via-start | $VESSEL_BIN --root $VESSEL_ROOT_DIR start -a -i s"
  [ "$status" -eq 0 ]
  [ "$output" = via-start ]
  vessel rm s
  assert_clean
}

@test "exec -it: a terminal in a running container, its status passed through" {
  vessel run -d --name e busybox sleep 1000 >/dev/null
  wait_running e
  run on_tty exec -it e sh <<'EOF'
tty; echo in-exec; exit 4
EOF
  [ "$status" -eq 4 ]
  [[ "$output" == *in-exec* ]]
  [[ "$output" == */dev/pts/* ]]
  run on_tty exec -t -u 1000:1000 -e FOO=bar -w /tmp e sh -c 'id -u; echo $FOO; pwd'
  [ "$status" -eq 0 ]
  [ "$(printf '%s' "$output" | tr -d '\r')" = $'1000\nbar\n/tmp' ]
  run -127 on_tty exec -it e nosuchcmd
  [ "$status" -eq 127 ]
  [ -z "$(ls "$VESSEL_ROOT_DIR"/containers/*/ | grep exec)" ]
  vessel rm -f e >/dev/null
  assert_clean
}

@test "exec -dt: a process left on its own terminal; a bad command still fails" {
  vessel run -d --name e busybox sleep 1000 >/dev/null
  wait_running e
  run vessel exec -dt e sh -c 'tty >/tmp/t; sleep 1; echo done >/tmp/d'
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  local i
  for i in $(seq 1 60); do vessel exec e test -e /tmp/d && break; sleep 0.05; done
  run vessel exec e cat /tmp/t /tmp/d
  [[ "${lines[0]}" == /dev/pts/* ]]
  [ "${lines[1]}" = done ]
  run -127 vessel exec -dt e nosuchcmd
  [[ "$output" == *nosuchcmd* ]]
  # the terminal's holder ends with the process: nothing of ours is left
  for i in $(seq 1 40); do pgrep -f "vessel --root $VESSEL_ROOT_DIR exec" >/dev/null || break; sleep 0.05; done
  ! pgrep -f "vessel --root $VESSEL_ROOT_DIR exec"
  vessel rm -f e >/dev/null
  assert_clean
}
