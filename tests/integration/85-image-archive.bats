#!/usr/bin/env bats
# Image archives: vessel import / save / load, checked against podman,
# skopeo and umoci, and against hostile or broken input.
load image-helpers

setup() { image_setup; }
teardown() {
  podman_cleanup
  image_teardown
}

# Import the busybox rootfs as $1 (default bb:1); prints the id.
import_busybox() {
  [ -f "$IMG_TMP/bb.tar" ] || make_busybox_tar "$IMG_TMP/bb.tar"
  vessel import -c 'CMD ["sh"]' "$IMG_TMP/bb.tar" "${1:-bb:1}"
}

# The config digest a docker-archive's manifest.json names for image $2.
archive_config() {
  tar -xOf "$1" manifest.json | jq -r ".[${2:-0}].Config" | sed 's/^blobs\/sha256\///; s/\.json$//'
}

# After `run`: the command failed as the engine should (exit 125), with one
# "Error: ..." line containing $1, and left the store as it was ($BEFORE).
assert_clean_failure() {
  echo "status=$status output=$output"
  [ "$status" -eq 125 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "${lines[0]}" == "Error: "* ]]
  [[ "${lines[0]}" == *"$1"* ]]
  [ "$(vessel images -q --no-trunc)" = "$BEFORE" ]
  [ -z "$(store_temps)" ]
  ! ls "$VESSEL_ROOT_DIR/snapshots" | grep -q '^\.tmp-'
}

@test "import: a rootfs tarball becomes an image that images lists" {
  run import_busybox bb:1
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  id=$output
  run vessel images
  [ "$status" -eq 0 ]
  [[ "$output" == *"bb "*" 1 "*"${id:7:12}"* ]]
  # gzip from stdin, no name: untagged, same layer
  gzip -c "$IMG_TMP/bb.tar" >"$IMG_TMP/bb.tar.gz"
  run vessel import -m "from stdin" - <"$IMG_TMP/bb.tar.gz"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  [ "$(vessel images -q | wc -l)" -eq 2 ]
  [ -z "$(store_temps)" ]
}

@test "import: --change and --message end up in the config" {
  make_busybox_tar "$IMG_TMP/bb.tar"
  run vessel import -c 'ENTRYPOINT ["/bin/busybox"]' -c 'CMD echo hi' -c 'ENV A=1 B="two words"' \
    -c 'ENV C 3' -c 'WORKDIR /tmp' -c 'USER 1000:1000' -c 'LABEL x=y' -c 'EXPOSE 80 53/udp' \
    -m "my message" "$IMG_TMP/bb.tar" ch:1
  [ "$status" -eq 0 ]
  vessel save -o "$IMG_TMP/ch.tar" ch:1
  cfg=$(tar -xOf "$IMG_TMP/ch.tar" "$(archive_config "$IMG_TMP/ch.tar").json")
  echo "$cfg"
  [ "$(jq -c .config.Entrypoint <<<"$cfg")" = '["/bin/busybox"]' ]
  [ "$(jq -c .config.Cmd <<<"$cfg")" = '["/bin/sh","-c","echo hi"]' ]
  [ "$(jq -c .config.Env <<<"$cfg")" = '["A=1","B=two words","C=3"]' ]
  [ "$(jq -r .config.WorkingDir <<<"$cfg")" = /tmp ]
  [ "$(jq -r .config.User <<<"$cfg")" = 1000:1000 ]
  [ "$(jq -r .config.Labels.x <<<"$cfg")" = y ]
  [ "$(jq -c '.config.ExposedPorts | keys' <<<"$cfg")" = '["53/udp","80/tcp"]' ]
  [ "$(jq -r '.history[0].comment' <<<"$cfg")" = "my message" ]
  [ "$(jq -r '.history[0].created_by' <<<"$cfg")" = "vessel import" ]
  [ "$(jq -r .os <<<"$cfg")" = linux ]
  [ "$(jq -r .architecture <<<"$cfg")" = "$(go_arch)" ]

  BEFORE=$(vessel images -q --no-trunc)
  run vessel import -c 'FROB x' "$IMG_TMP/bb.tar"
  assert_clean_failure "FROB"
}

@test "save docker-archive: podman loads it and runs busybox from it" {
  import_busybox bb:1
  run vessel save -o "$IMG_TMP/bb-docker.tar" bb:1
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  tar -tf "$IMG_TMP/bb-docker.tar" | grep -qx manifest.json
  tar -tf "$IMG_TMP/bb-docker.tar" | grep -qx repositories
  run podman_t load -i "$IMG_TMP/bb-docker.tar"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Loaded image"*"bb:1"* ]]
  run podman_run localhost/bb:1 busybox echo hi
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = hi ]
}

@test "podman save (docker-archive) -> vessel load: same image id" {
  import_busybox bb:1
  vessel save -o "$IMG_TMP/in.tar" bb:1
  podman_t load -i "$IMG_TMP/in.tar"
  podman_t save -o "$IMG_TMP/podman.tar" localhost/bb:1
  want=sha256:$(archive_config "$IMG_TMP/podman.tar")
  VESSEL_ROOT_DIR="$IMG_TMP/root2"
  run vessel load -i "$IMG_TMP/podman.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: localhost/bb:1" ]
  [ "$(vessel images -q --no-trunc)" = "$want" ]
  [ -z "$(store_temps)" ]
}

@test "save --format oci: skopeo inspects it, umoci unpacks busybox from it" {
  import_busybox bb:1
  run vessel save --format oci -o "$IMG_TMP/oci" bb:1
  [ "$status" -eq 0 ]
  [ -f "$IMG_TMP/oci/oci-layout" ]
  [ "$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$IMG_TMP/oci/index.json")" = 1 ]
  run skopeo inspect "oci:$IMG_TMP/oci:1"
  [ "$status" -eq 0 ]
  [ "$(jq -r .Os <<<"$output")" = linux ]
  umoci unpack --image "$IMG_TMP/oci:1" "$IMG_TMP/bundle"
  [ -x "$IMG_TMP/bundle/rootfs/bin/busybox" ]
  [ "$(readlink "$IMG_TMP/bundle/rootfs/bin/sh")" = busybox ]
  cmp "$BUSYBOX" "$IMG_TMP/bundle/rootfs/bin/busybox"
  [ "$(jq -c .process.args "$IMG_TMP/bundle/config.json")" = '["sh"]' ]
  # an existing, non-empty folder is refused
  BEFORE=$(vessel images -q --no-trunc)
  run vessel save --format oci-dir -o "$IMG_TMP/oci" bb:1
  assert_clean_failure "$IMG_TMP/oci"
}

@test "save --format oci-archive to stdout: skopeo reads it" {
  import_busybox bb:1
  vessel save --format oci-archive bb:1 >"$IMG_TMP/oa.tar"
  run skopeo inspect "oci-archive:$IMG_TMP/oa.tar:1"
  [ "$status" -eq 0 ]
}

@test "load an OCI layout made by umoci (bare tag: untagged), and from a tar of it" {
  make_busybox_oci "$IMG_TMP/uoci" v1
  run vessel load -i "$IMG_TMP/uoci"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^"Loaded image ID: sha256:"[0-9a-f]{64}$ ]]
  id=${output#Loaded image ID: }
  [ "$(vessel images -q --no-trunc)" = "$id" ]
  # same config as umoci wrote
  mdigest=$(jq -r '.manifests[0].digest' "$IMG_TMP/uoci/index.json")
  [ "sha256:$(jq -r .config.digest "$IMG_TMP/uoci/blobs/sha256/${mdigest#sha256:}" | cut -d: -f2)" = "$id" ]
  # oci-archive on stdin, with a full reference as ref.name
  jq '.manifests[0].annotations["org.opencontainers.image.ref.name"] = "example.com/u/bb:v1"' \
    "$IMG_TMP/uoci/index.json" >"$IMG_TMP/index.json" && mv "$IMG_TMP/index.json" "$IMG_TMP/uoci/index.json"
  tar -C "$IMG_TMP/uoci" -cf "$IMG_TMP/uoci.tar" .
  run vessel load <"$IMG_TMP/uoci.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: example.com/u/bb:v1" ]
  [ -z "$(store_temps)" ]
}

@test "gzip layers (from umoci) saved as docker-archive are decompressed: podman runs them" {
  make_busybox_oci "$IMG_TMP/uoci" v1
  vessel load -i "$IMG_TMP/uoci"
  id=$(vessel images -q --no-trunc)
  vessel tag "$id" gz:1 || skip "vessel tag is not available"
  vessel save -o "$IMG_TMP/gz.tar" gz:1
  layer=$(tar -xOf "$IMG_TMP/gz.tar" manifest.json | jq -r '.[0].Layers[0]')
  diff_id=$(tar -xOf "$IMG_TMP/gz.tar" "$(archive_config "$IMG_TMP/gz.tar").json" | jq -r '.rootfs.diff_ids[0]')
  [ "sha256:$(tar -xOf "$IMG_TMP/gz.tar" "$layer" | sha256sum | cut -d' ' -f1)" = "$diff_id" ]
  podman_t load -i "$IMG_TMP/gz.tar"
  run podman_run localhost/gz:1 busybox echo hi
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = hi ]
}

@test "load follows a nested index to the host's platform" {
  make_busybox_oci "$IMG_TMP/uoci" v1
  desc=$(jq -c --arg a "$(go_arch)" '.manifests[0] | del(.annotations) | .platform = {os: "linux", architecture: $a}' \
    "$IMG_TMP/uoci/index.json")
  other=$(jq -c '.platform = {os: "linux", architecture: "s390x-nope"} | .digest = "sha256:" + ("0" * 64)' <<<"$desc")
  nested=$(jq -nc --argjson d "$desc" --argjson o "$other" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [$o, $d]}')
  printf '%s' "$nested" >"$IMG_TMP/nested"
  nd=$(sha256sum "$IMG_TMP/nested" | cut -d' ' -f1)
  mv "$IMG_TMP/nested" "$IMG_TMP/uoci/blobs/sha256/$nd"
  jq -nc --arg d "sha256:$nd" --argjson s "${#nested}" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d, size: $s,
      annotations: {"org.opencontainers.image.ref.name": "example.com/nested:1"}}]}' >"$IMG_TMP/uoci/index.json"
  run vessel load -i "$IMG_TMP/uoci"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: example.com/nested:1" ]
}

@test "skopeo copy to docker-archive -> vessel load" {
  make_busybox_oci "$IMG_TMP/uoci" v1
  skopeo copy "oci:$IMG_TMP/uoci:v1" "docker-archive:$IMG_TMP/sk.tar:example.com/sk:2" >/dev/null
  run vessel load -i "$IMG_TMP/sk.tar"
  [ "$status" -eq 0 ]
  [ "$output" = "Loaded image: example.com/sk:2" ]
  [ "$(vessel images -q --no-trunc)" = "sha256:$(archive_config "$IMG_TMP/sk.tar")" ]
}

@test "round trip: vessel save -> vessel load into a fresh root, every format" {
  id1=$(import_busybox bb:1)
  import_busybox other/bb:2 >/dev/null
  id=$(vessel images -q --no-trunc | sort)
  vessel save -o "$IMG_TMP/d.tar" bb:1 other/bb:2
  vessel save --format oci-archive -o "$IMG_TMP/o.tar" bb:1 other/bb:2
  vessel save --format oci-dir -o "$IMG_TMP/o.dir" bb:1 other/bb:2
  for input in d.tar o.tar o.dir; do
    VESSEL_ROOT_DIR="$IMG_TMP/root-$input"
    run vessel load -i "$IMG_TMP/$input"
    echo "$input: $output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"Loaded image: bb:1"* ]]
    [[ "$output" == *"Loaded image: other/bb:2"* ]]
    [ "$(vessel images -q --no-trunc | sort)" = "$id" ]
    # and the loaded image saves again to the same manifest.json
    vessel save -o "$IMG_TMP/again.tar" bb:1
    [ "$(archive_config "$IMG_TMP/again.tar")" = "${id1#sha256:}" ]
  done
}

# ---- bad input ----

# A docker-archive of busybox unpacked in $IMG_TMP/da (to break it).
broken_archive_base() {
  import_busybox bb:1 >/dev/null
  vessel save -o "$IMG_TMP/good.tar" bb:1
  mkdir -p "$IMG_TMP/da"
  tar -C "$IMG_TMP/da" -xf "$IMG_TMP/good.tar"
  vessel rmi bb:1 >/dev/null 2>&1 || true
  BEFORE=$(vessel images -q --no-trunc)
}

@test "load refuses an archive entry outside the archive (../)" {
  broken_archive_base
  python3 - "$IMG_TMP/evil.tar" "$IMG_TMP/da" <<'EOF'
import sys, tarfile, io, os
out, src = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w") as t:
    for name in sorted(os.listdir(src)):
        t.add(os.path.join(src, name), arcname=name)
    data = b"pwned\n"
    info = tarfile.TarInfo("../evil")
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
EOF
  run vessel load -i "$IMG_TMP/evil.tar"
  assert_clean_failure '`../evil`'
  [ ! -e "$VESSEL_ROOT_DIR/evil" ]
  [ ! -e "$VESSEL_ROOT_DIR/snapshots/evil" ]
  # and an absolute one
  python3 - "$IMG_TMP/abs.tar" <<'EOF'
import sys, tarfile, io
with tarfile.open(sys.argv[1], "w") as t:
    info = tarfile.TarInfo("/tmp/vessel-abs-evil")
    info.size = 1
    t.addfile(info, io.BytesIO(b"x"))
EOF
  run vessel load -i "$IMG_TMP/abs.tar"
  assert_clean_failure '`/tmp/vessel-abs-evil`'
  [ ! -e /tmp/vessel-abs-evil ]
}

@test "load refuses a manifest.json naming a missing layer" {
  broken_archive_base
  rm -rf "$IMG_TMP"/da/*/layer.tar
  tar -C "$IMG_TMP/da" -cf "$IMG_TMP/missing.tar" .
  run vessel load -i "$IMG_TMP/missing.tar"
  assert_clean_failure "layer.tar"
  [[ "$output" == *"missing"* ]]
}

@test "load refuses a malformed manifest.json" {
  broken_archive_base
  echo '[{"Config": ' >"$IMG_TMP/da/manifest.json"
  tar -C "$IMG_TMP/da" -cf "$IMG_TMP/bad.tar" .
  run vessel load -i "$IMG_TMP/bad.tar"
  assert_clean_failure "manifest.json"
  # well-formed JSON, wrong shape
  echo '[{"Config": 3, "Layers": []}]' >"$IMG_TMP/da/manifest.json"
  tar -C "$IMG_TMP/da" -cf "$IMG_TMP/bad.tar" .
  run vessel load -i "$IMG_TMP/bad.tar"
  assert_clean_failure "Config"
}

@test "load refuses a layer whose content does not match the config" {
  broken_archive_base
  layer=$(ls "$IMG_TMP"/da/*/layer.tar)
  tar -C "$IMG_TMP" -cf "$layer" bb.tar
  tar -C "$IMG_TMP/da" -cf "$IMG_TMP/wrong.tar" .
  run vessel load -i "$IMG_TMP/wrong.tar"
  assert_clean_failure "Layers[0]"
}

@test "load refuses an OCI layout blob with a wrong digest" {
  make_busybox_oci "$IMG_TMP/uoci" v1
  BEFORE=$(vessel images -q --no-trunc)
  mdigest=$(jq -r '.manifests[0].digest' "$IMG_TMP/uoci/index.json")
  ldigest=$(jq -r '.layers[0].digest' "$IMG_TMP/uoci/blobs/sha256/${mdigest#sha256:}")
  blob="$IMG_TMP/uoci/blobs/sha256/${ldigest#sha256:}"
  # same size, different bytes
  printf 'XXXX' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
  run vessel load -i "$IMG_TMP/uoci"
  assert_clean_failure "${ldigest#sha256:}"
  [[ "$output" == *"digest"* ]]
  # a broken manifest blob too
  echo '{}' >"$IMG_TMP/uoci/blobs/sha256/${mdigest#sha256:}"
  run vessel load -i "$IMG_TMP/uoci"
  assert_clean_failure "${mdigest#sha256:}"
}

@test "load, save and import fail cleanly on missing input, bad flags, unknown images" {
  import_busybox bb:1 >/dev/null
  BEFORE=$(vessel images -q --no-trunc)
  run vessel load -i "$IMG_TMP/does-not-exist.tar"
  assert_clean_failure "does-not-exist.tar"
  run vessel import "$IMG_TMP/does-not-exist.tar"
  assert_clean_failure "does-not-exist.tar"
  echo "not a tar" >"$IMG_TMP/text"
  run vessel load -i "$IMG_TMP/text"
  assert_clean_failure "$IMG_TMP/text"
  run vessel import "$IMG_TMP/text"
  assert_clean_failure "import"
  mkdir "$IMG_TMP/emptydir"
  run vessel load -i "$IMG_TMP/emptydir"
  assert_clean_failure "emptydir"
  run vessel save --format zip -o "$IMG_TMP/x.zip" bb:1
  assert_clean_failure "zip"
  [ ! -e "$IMG_TMP/x.zip" ]
  run vessel save -o "$IMG_TMP/x.tar" nosuchimage:1
  assert_clean_failure "nosuchimage"
  [ -z "$(ls "$IMG_TMP" | grep x.tar)" ]
  run vessel save --format oci-dir bb:1
  assert_clean_failure "-o"
}
