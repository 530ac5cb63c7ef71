# image-helpers.bash — shared setup for the engine's image tests (bats).
#
#   load image-helpers
#   setup()    { image_setup; }
#   teardown() { image_teardown; }
#
# Each test gets a fresh engine root in $VESSEL_ROOT_DIR (under $IMG_TMP,
# a per-test temp dir); `vessel ...` runs the engine with that root and a
# deadline.  Fixtures are built without vessel: a busybox rootfs from the
# host's busybox-static, a tar of it, and an OCI layout made with umoci.

VESSEL="${VESSEL:-$BATS_TEST_DIRNAME/../../build/asan/vessel}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

# The engine with this test's root; a command that hangs fails the test.
vessel() {
  timeout --kill-after=5 "${VESSEL_TIMEOUT:-60}" "$VESSEL" --root "$VESSEL_ROOT_DIR" "$@"
}

image_setup() {
  IMG_TMP=$(mktemp -d /tmp/vessel-img-test.XXXXXX)
  VESSEL_ROOT_DIR="$IMG_TMP/root"
  mkdir -p "$VESSEL_ROOT_DIR"
  export VESSEL_ROOT_DIR IMG_TMP
  # ASan: leaks are bugs, but the message should not drown the output.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
}

image_teardown() {
  [ -n "${IMG_TMP:-}" ] || return 0
  # Never rm -rf through a mount a failed test left behind.
  local m
  for m in $(awk -v p="$IMG_TMP/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$IMG_TMP"
}

# Populate $1 with a busybox rootfs: static busybox, applet symlinks,
# /etc/passwd and /etc/group.
make_busybox_rootfs() {
  local root=$1 a
  mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,root}
  chmod 1777 "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  for a in $("$BUSYBOX" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
}

# A plain tar of a busybox rootfs in $1 (entries "./bin/busybox" ...).
make_busybox_tar() {
  local file=$1 dir
  dir=$(mktemp -d "${IMG_TMP:-/tmp}/rootfs.XXXXXX")
  make_busybox_rootfs "$dir"
  tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$file" .
  rm -rf "$dir"
}

# An OCI image layout in $1 with one image tagged $2 (default "latest"),
# made with umoci (one layer: the busybox rootfs; Cmd ["sh"]).
make_busybox_oci() {
  local dir=$1 tag=${2:-latest} bundle
  bundle=$(mktemp -d "${IMG_TMP:-/tmp}/bundle.XXXXXX")
  [ -d "$dir" ] || umoci init --layout "$dir"
  umoci new --image "$dir:$tag"
  rmdir "$bundle"
  umoci unpack --image "$dir:$tag" "$bundle" >/dev/null
  make_busybox_rootfs "$bundle/rootfs"
  umoci repack --image "$dir:$tag" "$bundle" >/dev/null
  umoci config --image "$dir:$tag" --config.cmd sh --os linux \
    --architecture "$(go_arch)" >/dev/null
  rm -rf "$bundle"
  umoci gc --layout "$dir"
}

# The host's architecture as OCI names it.
go_arch() {
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    armv7l | armv6l) echo arm ;;
    i?86) echo 386 ;;
    *) uname -m ;;
  esac
}

# Names of leftover temporaries in the store: ingest files and half-made
# snapshots.  Empty when clean.
store_temps() {
  ls -A "$VESSEL_ROOT_DIR/images/ingest" 2>/dev/null || true
  ls -A "$VESSEL_ROOT_DIR/snapshots" 2>/dev/null | grep '^\.tmp-' || true
}

# podman with a private store under $IMG_TMP (no daemon, no network, no
# systemd): `podman_t load -i X`, `podman_t run ...`.
podman_t() {
  timeout --kill-after=5 "${VESSEL_TIMEOUT:-120}" podman \
    --root "$IMG_TMP/proot" --runroot "$IMG_TMP/prun" --storage-driver vfs \
    --runtime runc --cgroup-manager cgroupfs --events-backend file "$@"
}

# Remove podman's private store (call from teardown before image_teardown).
podman_cleanup() {
  [ -d "${IMG_TMP:-}/proot" ] || return 0
  podman --root "$IMG_TMP/proot" --runroot "$IMG_TMP/prun" --storage-driver vfs \
    --runtime runc --cgroup-manager cgroupfs --events-backend file \
    system reset -f >/dev/null 2>&1 || true
}

# `podman run` that works in a restricted sandbox: no network, rlimits
# within what the caller may set.
podman_run() {
  podman_t run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none "$@"
}

# ---- engine tests (containers) ----

# A root with a busybox image imported from $FIXTURE_TAR (made in
# setup_file with make_busybox_tar), its own runtime state, and this
# build's runtime and monitor.
engine_setup() {
  image_setup
  export VESSEL_RUNROOT="$IMG_TMP/run"
  export VESSEL_RUNTIME="${VESSEL_RUNTIME:-$BATS_TEST_DIRNAME/../../build/asan/vessel-runtime}"
  export VESSEL_MONITOR="${VESSEL_MONITOR:-$BATS_TEST_DIRNAME/../../build/asan/vessel-monitor}"
  vessel import -c 'CMD ["sh"]' "$FIXTURE_TAR" busybox >/dev/null
}

engine_teardown() {
  local id
  for id in $(vessel ps -aq 2>/dev/null); do vessel rm -f "$id" >/dev/null 2>&1 || true; done
  pkill -9 -f "vessel-monitor.*$IMG_TMP" 2>/dev/null || true
  image_teardown
}

# Nothing of this test's containers is left on the host: no monitor, no
# mount, no runtime state, no cgroup.  (Only this root's containers are
# looked at, so tests running beside it cannot disturb the check; their ids
# are those of the logs and folders this root holds.)
assert_clean() {
  local i f id
  for i in $(seq 1 100); do
    pgrep -f "vessel-monitor.*$IMG_TMP" >/dev/null || break
    sleep 0.05
  done
  ! pgrep -af "vessel-monitor.*$IMG_TMP"
  ! grep -q "$IMG_TMP" /proc/self/mountinfo
  # (the runtime's own dot files, such as its seccomp cache, may stay)
  [ -z "$(ls "$VESSEL_RUNROOT/runtime" 2>/dev/null)" ]
  for f in "$VESSEL_ROOT_DIR"/logs/*.log "$VESSEL_ROOT_DIR"/containers/*; do
    [ -e "$f" ] || continue
    id=$(basename "$f" .log)
    [ -z "$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d \( -name "vessel-$id*" -o -path "*/vessel/$id*" \) 2>/dev/null)" ]
  done
  # with no container left on the host (none has a monitor), the engine's
  # cgroup parent is gone too
  if ! pgrep -f vessel-monitor >/dev/null; then
    [ -z "$(find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d -name vessel 2>/dev/null)" ]
  fi
}
