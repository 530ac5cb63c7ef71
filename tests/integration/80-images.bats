#!/usr/bin/env bats
# Image store and registry client against real peers: Debian's
# docker-registry on 127.0.0.1, skopeo, umoci and podman.

load image-helpers
bats_require_minimum_version 1.5.0
load registry

setup_file() {
  # One busybox OCI layout (made by umoci) shared by the tests of this file.
  export FIXTURE_DIR
  FIXTURE_DIR=$(mktemp -d /tmp/vessel-img-fixture.XXXXXX)
  IMG_TMP=$FIXTURE_DIR make_busybox_oci "$FIXTURE_DIR/layout" latest
}

teardown_file() {
  rm -rf "$FIXTURE_DIR"
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

# skopeo puts the umoci-made image into the test's registry as $1.
seed() {
  skopeo copy -q --dest-tls-verify=false "oci:$FIXTURE_DIR/layout:latest" "docker://$REGISTRY/$1"
}

# The config digest skopeo sees for $1 (= docker's image id).
config_digest() {
  skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/$1" | jq -r .config.digest
}

@test "pull: an image pushed by skopeo is pulled, listed, and its snapshot holds the files" {
  seed test/busybox:1
  run vessel pull "$REGISTRY/test/busybox:1"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Downloaded newer image for $REGISTRY/test/busybox:1"* ]]
  [ "${lines[-1]}" = "$REGISTRY/test/busybox:1" ]
  id=$(config_digest test/busybox:1)
  run vessel image inspect --format '{{.Id}} {{.Os}} {{json .RepoTags}}' "$REGISTRY/test/busybox:1"
  [ "$status" -eq 0 ]
  [ "$output" = "$id linux [\"$REGISTRY/test/busybox:1\"]" ]
  run vessel images
  echo "$output"
  [[ "${lines[0]}" == "REPOSITORY"*"TAG"*"IMAGE ID"*"CREATED"*"SIZE" ]]
  [[ "${lines[1]}" == "$REGISTRY/test/busybox"*"1"*"${id:7:12}"* ]]
  # the snapshot is the unpacked layer
  lower=$(vessel image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REGISTRY/test/busybox:1")
  [ -x "$lower/bin/busybox" ]
  [ -L "$lower/bin/sh" ]
  cmp "$lower/bin/busybox" /bin/busybox
  [ -z "$(store_temps)" ]
}

@test "pull: the pulled image runs (its snapshot as a read-only rootfs under vessel-runtime)" {
  seed test/busybox:1
  vessel pull -q "$REGISTRY/test/busybox:1"
  lower=$(vessel image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$REGISTRY/test/busybox:1")
  rt=${VESSEL_RUNTIME:-$BATS_TEST_DIRNAME/../../build/asan/vessel-runtime}
  mkdir -p "$IMG_TMP/bundle"
  "$rt" spec --bundle "$IMG_TMP/bundle"
  jq --arg r "$lower" '.root = {path: $r, readonly: true} | .process.terminal = false
    | .process.args = ["busybox", "echo", "ran-from-image"]' "$IMG_TMP/bundle/config.json" >"$IMG_TMP/c.json"
  mv "$IMG_TMP/c.json" "$IMG_TMP/bundle/config.json"
  run timeout 30 "$rt" --root "$IMG_TMP/rtstate" run --bundle "$IMG_TMP/bundle" fromimage
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = ran-from-image ]
}

@test "pull: a second pull downloads nothing and says the image is up to date" {
  seed test/busybox:1
  vessel pull -q "$REGISTRY/test/busybox:1"
  run vessel pull "$REGISTRY/test/busybox:1"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Image is up to date"* ]]
  [[ "$output" != *"Download complete"* ]]
}

@test "pull by digest, images --digests, -q, --format, tag, history" {
  seed test/busybox:1
  digest=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/test/busybox:1" | jq -r .Digest)
  run vessel pull "$REGISTRY/test/busybox@$digest"
  echo "$output"
  [ "$status" -eq 0 ]
  run vessel images --digests
  echo "$output"
  [[ "$output" == *"$digest"* ]]
  run vessel tag "$REGISTRY/test/busybox@$digest" mybox:v2
  [ "$status" -eq 0 ]
  run vessel images --format '{{.Repository}}:{{.Tag}}'
  echo "$output"
  [[ "$output" == *"mybox:v2"* ]]
  run vessel images -q
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
  run vessel history mybox:v2
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "IMAGE"*"CREATED"*"CREATED BY"*"SIZE"* ]]
  run vessel image inspect --format '{{join .RootFS.Layers ","}}' mybox:v2
  [[ "$output" == sha256:* ]]
  run vessel image inspect --format '{{join .RepoTags ", "}}' mybox:v2
  [ "$output" = "mybox:v2" ]
  # a repository argument matches whole repositories, not prefixes
  run vessel images --format '{{.Repository}}:{{.Tag}}' mybox
  [ "$output" = "mybox:v2" ]
  run vessel images --format '{{.Repository}}' myb
  [ -z "$output" ]
  run vessel images --format '{{.Nope}}'
  [ "$status" -eq 125 ]
  [[ "$output" == *".Nope"* ]]
}

@test "rmi: a second name is untagged only; the last name removes image, blobs and snapshots" {
  seed test/busybox:1
  vessel pull -q "$REGISTRY/test/busybox:1"
  vessel tag "$REGISTRY/test/busybox:1" other:1
  run vessel rmi other:1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "Untagged: other:1" ]
  # by id with two names: refused without -f
  vessel tag "$REGISTRY/test/busybox:1" other:2
  id=$(vessel images -q | head -1)
  run vessel rmi "$id"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"must be forced"* ]]
  run vessel rmi -f "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Deleted: sha256:"* ]]
  [ -z "$(vessel images -q)" ]
  [ -z "$(ls -A "$VESSEL_ROOT_DIR/images/blobs/sha256")" ]
  [ -z "$(ls -A "$VESSEL_ROOT_DIR/snapshots")" ]
  run vessel rmi nothere:1
  [ "$status" -eq 125 ]
  [[ "$output" == "Error: no such image: nothere:1" ]]
}

@test "push: vessel's push is read by skopeo and pulled and run by podman" {
  seed test/busybox:1
  vessel pull -q "$REGISTRY/test/busybox:1"
  vessel tag "$REGISTRY/test/busybox:1" "$REGISTRY/pushed/box:2"
  run vessel push "$REGISTRY/pushed/box:2"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"digest: sha256:"* ]]
  [ "$(config_digest pushed/box:2)" = "$(config_digest test/busybox:1)" ]
  run podman_t pull -q --tls-verify=false "$REGISTRY/pushed/box:2"
  echo "$output"
  [ "$status" -eq 0 ]
  run podman_t run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$REGISTRY/pushed/box:2" busybox echo hello-from-vessel
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *hello-from-vessel* ]]
}

@test "push: a repeated push finds every layer already there" {
  seed test/busybox:1
  vessel pull -q "$REGISTRY/test/busybox:1"
  vessel push -q "$REGISTRY/test/busybox:1" "$REGISTRY/again/box:1"
  run vessel push "$REGISTRY/test/busybox:1" "$REGISTRY/again/box:1"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"already exists"* ]]
}

@test "pull: an index picks the platform; --platform with none matching lists those there" {
  seed multi/box:1
  # an OCI index with two platform entries for the same manifest
  skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/multi/box:1" >"$IMG_TMP/m.json"
  mdigest="sha256:$(sha256sum "$IMG_TMP/m.json" | cut -d' ' -f1)"
  size=$(stat -c %s "$IMG_TMP/m.json")
  mt=$(jq -r '.mediaType // "application/vnd.oci.image.manifest.v1+json"' "$IMG_TMP/m.json")
  index=$(jq -cn --arg d "$mdigest" --argjson s "$size" --arg mt "$mt" --arg a "$(go_arch)" \
    '{schemaVersion:2, mediaType:"application/vnd.oci.image.index.v1+json", manifests:[
      {mediaType:$mt, digest:$d, size:$s, platform:{os:"linux", architecture:"riscv64"}},
      {mediaType:$mt, digest:$d, size:$s, platform:{os:"linux", architecture:$a}}]}')
  curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" --data-binary "$index" \
    "http://$REGISTRY/v2/multi/box/manifests/idx"
  run vessel pull "$REGISTRY/multi/box:idx"
  echo "$output"
  [ "$status" -eq 0 ]
  run vessel pull --platform linux/riscv64 "$REGISTRY/multi/box:idx"
  [ "$status" -eq 0 ]
  run vessel pull --platform linux/s390x "$REGISTRY/multi/box:idx"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"linux/s390x"* ]]
  [[ "$output" == *"linux/riscv64"* ]]
}

@test "login: a wrong password is refused; login, push, pull, logout with htpasswd" {
  registry_stop
  registry_start --htpasswd alice s3cret
  export REGISTRY_AUTH_FILE="$IMG_TMP/auth.json"
  skopeo copy -q --dest-tls-verify=false --dest-creds alice:s3cret \
    "oci:$FIXTURE_DIR/layout:latest" "docker://$REGISTRY/priv/box:1"
  run vessel pull "$REGISTRY/priv/box:1"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"unauthorized"* ]]
  run vessel login -u alice -p wrong "$REGISTRY"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"unauthorized"* ]]
  [ ! -e "$REGISTRY_AUTH_FILE" ]
  run vessel login -u alice --password-stdin "$REGISTRY" <<<"s3cret"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "Login Succeeded!" ]
  [ "$(stat -c %a "$REGISTRY_AUTH_FILE")" = 600 ]
  run vessel pull "$REGISTRY/priv/box:1"
  [ "$status" -eq 0 ]
  run vessel push "$REGISTRY/priv/box:1" "$REGISTRY/priv/copy:1"
  echo "$output"
  [ "$status" -eq 0 ]
  run vessel logout "$REGISTRY"
  [ "$status" -eq 0 ]
  run vessel logout "$REGISTRY"
  [ "$status" -eq 125 ]
  [[ "$output" == *"not logged in"* ]]
}

@test "bad input: references, flags and missing images fail with one line and exit 125" {
  run vessel pull 'Bad/Name'
  [ "$status" -eq 125 ]
  [[ "$output" == *'invalid reference'* ]]
  [ "${#lines[@]}" -eq 1 ]
  run vessel pull --bogus x
  [ "$status" -eq 125 ]
  [[ "$output" == *"unknown flag"* ]]
  run vessel pull -q "$REGISTRY/does/not:exist"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"does/not"* ]]
  [ "${#lines[@]}" -eq 1 ]
  run vessel pull --tls-verify=maybe x
  [ "$status" -eq 125 ]
  run vessel image inspect nothere
  [ "$status" -eq 125 ]
  [[ "$output" == *"no such image: nothere"* ]]
  run vessel tag nothere x:1
  [ "$status" -eq 125 ]
  run vessel push nothere "$REGISTRY/x:1"
  [ "$status" -eq 125 ]
  # nobody listens there
  run vessel pull 127.0.0.1:1/x:1
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"127.0.0.1:1"* ]]
  [ -z "$(vessel images -q)" ]
  [ -z "$(store_temps)" ]
}

# The registry's own file for a blob (filesystem storage driver).
registry_blob() {
  echo "$REGISTRY_DIR/docker/registry/v2/blobs/sha256/${1:7:2}/${1:7}/data"
}

@test "faults: a layer whose bytes do not match its digest is refused; after repair the pull succeeds" {
  seed test/busybox:1
  layer=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/test/busybox:1" | jq -r '.layers[0].digest')
  blob=$(registry_blob "$layer")
  cp "$blob" "$IMG_TMP/good"
  printf 'garbage' | dd of="$blob" bs=1 seek=100 conv=notrunc 2>/dev/null
  run vessel pull "$REGISTRY/test/busybox:1"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"digest mismatch"* ]]
  [ -z "$(vessel images -q)" ]
  [ -z "$(store_temps)" ]
  [ ! -e "$VESSEL_ROOT_DIR/images/blobs/sha256/${layer:7}" ]
  cp "$IMG_TMP/good" "$blob"
  run vessel pull "$REGISTRY/test/busybox:1"
  [ "$status" -eq 0 ]
}

@test "faults: a truncated gzip layer fails the unpack; nothing half-made is visible" {
  # a layer whose digest is right but whose gzip stream ends early
  make_busybox_tar "$IMG_TMP/full.tar"
  gzip -c "$IMG_TMP/full.tar" | head -c 200000 >"$IMG_TMP/cut.tar.gz"
  ldigest="sha256:$(sha256sum "$IMG_TMP/cut.tar.gz" | cut -d' ' -f1)"
  diffid="sha256:$(sha256sum "$IMG_TMP/full.tar" | cut -d' ' -f1)"
  lsize=$(stat -c %s "$IMG_TMP/cut.tar.gz")
  cfg=$(jq -cn --arg d "$diffid" --arg a "$(go_arch)" '{architecture:$a, os:"linux", rootfs:{type:"layers", diff_ids:[$d]}, config:{}}')
  cdigest="sha256:$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)"
  registry_put_blob cut/box "$IMG_TMP/cut.tar.gz" "$ldigest"
  printf '%s' "$cfg" >"$IMG_TMP/cfg.json"
  registry_put_blob cut/box "$IMG_TMP/cfg.json" "$cdigest"
  man=$(jq -cn --arg c "$cdigest" --argjson cs "${#cfg}" --arg l "$ldigest" --argjson ls "$lsize" \
    '{schemaVersion:2, mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json", digest:$c, size:$cs},
      layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar+gzip", digest:$l, size:$ls}]}')
  curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" --data-binary "$man" \
    "http://$REGISTRY/v2/cut/box/manifests/1"
  run vessel pull -q "$REGISTRY/cut/box:1"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"$ldigest"* ]]
  [ "${#lines[@]}" -eq 1 ]
  [ -z "$(vessel images -q)" ]
  [ -z "$(store_temps)" ]
  [ -z "$(ls -A "$VESSEL_ROOT_DIR/snapshots")" ]
}

@test "faults: a registry that dies mid-pull; the next pull resumes and image check finds no orphans" {
  seed test/busybox:1
  registry_stop
  run vessel pull "$REGISTRY/test/busybox:1"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"$REGISTRY"* ]]
  registry_start_again
  run vessel pull "$REGISTRY/test/busybox:1"
  [ "$status" -eq 0 ]
  run vessel image check
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "removed 0 orphan blobs, 0 orphan snapshots"* ]]
}

@test "faults: kill -9 of vessel during pull or rmi leaves a store the next command repairs" {
  seed test/busybox:1
  for delay in 0.05 0.1 0.2 0.4; do
    vessel pull -q "$REGISTRY/test/busybox:1" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    pkill -9 -f "vessel --root $VESSEL_ROOT_DIR" || true
    wait "$pid" || true
    run vessel pull -q "$REGISTRY/test/busybox:1"
    echo "$output"
    [ "$status" -eq 0 ]
    vessel rmi -f "$REGISTRY/test/busybox:1" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    pkill -9 -f "vessel --root $VESSEL_ROOT_DIR" || true
    wait "$pid" || true
    run vessel image check
    [ "$status" -eq 0 ]
  done
  run vessel images -q
  [ "$status" -eq 0 ]
  # whatever survived is whole: every image listed has its blobs and snapshots
  for id in $(vessel images -q --no-trunc); do
    lower=$(vessel image inspect --format '{{.GraphDriver.Data.LowerDir}}' "$id")
    [ -x "$lower/bin/busybox" ]
  done
  vessel image check
  [ -z "$(store_temps)" ]
}

@test "faults: a full disk fails the pull cleanly and the next pull with room succeeds" {
  mkdir -p "$IMG_TMP/small"
  mount -t tmpfs -o size=1m tmpfs "$IMG_TMP/small"
  seed test/busybox:1
  run timeout 60 "$VESSEL" --root "$IMG_TMP/small/root" pull "$REGISTRY/test/busybox:1"
  echo "$output"
  [ "$status" -eq 125 ]
  [[ "$output" == *"No space left on device"* ]]
  # what is there is whole (kept for the next pull); no snapshot, no image
  for b in "$IMG_TMP"/small/root/images/blobs/sha256/*; do
    [ -e "$b" ] || continue
    [ "$(sha256sum "$b" | cut -d' ' -f1)" = "${b##*/}" ]
  done
  [ -z "$(ls -A "$IMG_TMP/small/root/snapshots")" ]
  [ -z "$(timeout 60 "$VESSEL" --root "$IMG_TMP/small/root" images -q)" ]
  mount -o remount,size=64m "$IMG_TMP/small"
  run timeout 60 "$VESSEL" --root "$IMG_TMP/small/root" pull "$REGISTRY/test/busybox:1"
  echo "$output"
  [ "$status" -eq 0 ]
  umount "$IMG_TMP/small"
}

@test "system df and image prune" {
  seed test/busybox:1
  vessel pull -q "$REGISTRY/test/busybox:1"
  run vessel system df
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "${lines[1]}" == Images*1*0* ]]
  run vessel image prune -f
  [ "$status" -eq 0 ]
  [ -n "$(vessel images -q)" ]
  run vessel image prune -a -f
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"deleted: sha256:"* ]]
  [ -z "$(vessel images -q)" ]
}

@test "run pulls an image that is missing, then runs it" {
  seed test/busybox:1
  export VESSEL_RUNROOT="$IMG_TMP/run"
  export VESSEL_RUNTIME="${VESSEL_RUNTIME:-$BATS_TEST_DIRNAME/../../build/asan/vessel-runtime}"
  export VESSEL_MONITOR="${VESSEL_MONITOR:-$BATS_TEST_DIRNAME/../../build/asan/vessel-monitor}"
  run --separate-stderr vessel run --rm "$REGISTRY/test/busybox:1" busybox echo pulled-and-ran
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$output" = pulled-and-ran ]
  [[ "$stderr" == *"Unable to find image '$REGISTRY/test/busybox:1' locally"* ]]
  [ -n "$(vessel images -q)" ]
  [ -z "$(vessel ps -aq)" ]
}
