#!/usr/bin/env bats
# A real distribution image: Debian bookworm minbase made by debootstrap
# (about 200 MB, 6,800 files; built once and cached by
# scripts/debootstrap-rootfs).  vessel imports it, pushes it to a local
# docker-registry, pulls it back into a fresh store, and the unpacked layer
# matches the original tarball file for file; podman pulls the same push
# and runs it.

load image-helpers
load registry

setup_file() {
  export DEB_TAR
  DEB_TAR=$("$BATS_TEST_DIRNAME/../../scripts/debootstrap-rootfs")
}

setup() {
  image_setup
  TEST_TMP=$IMG_TMP
  registry_start
}

teardown() {
  registry_stop
  podman_cleanup
  image_teardown
}

@test "debootstrap image: import, push, pull into a fresh store; every file, mode, owner and mtime kept" {
  VESSEL_TIMEOUT=600
  run vessel import -m debootstrap "$DEB_TAR" deb:1
  echo "$output"
  [ "$status" -eq 0 ]
  vessel tag deb:1 "$REGISTRY/big/deb:1"
  run vessel push -q "$REGISTRY/big/deb:1"
  echo "$output"
  [ "$status" -eq 0 ]
  # a fresh store pulls it back
  VESSEL_ROOT_DIR="$IMG_TMP/root2"
  run vessel pull -q "$REGISTRY/big/deb:1"
  echo "$output"
  [ "$status" -eq 0 ]
  lower=$(vessel image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REGISTRY/big/deb:1")
  [ -f "$lower/etc/debian_version" ]
  # tar --compare: contents, modes, owners, mtimes, link targets
  run tar -C "$lower" --numeric-owner -df "$DEB_TAR"
  echo "$output" | head -20
  [ "$status" -eq 0 ]
  # podman pulls what vessel pushed and runs it
  run podman_t pull -q --tls-verify=false "$REGISTRY/big/deb:1"
  [ "$status" -eq 0 ]
  run podman_t run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    "$REGISTRY/big/deb:1" cat /etc/debian_version
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == 12* ]]
}
