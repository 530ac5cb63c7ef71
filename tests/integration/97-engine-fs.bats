#!/usr/bin/env bats
# A container's file system from the outside: diff, commit, cp, export,
# rename, container prune, volumes, info and system prune.  Every test
# checks that nothing is left: no mounts, monitors, runtime state or cgroups.

load image-helpers
bats_require_minimum_version 1.5.0

setup_file() {
  export FIXTURE_TAR
  FIXTURE_TAR=$(mktemp /tmp/vessel-enginefs-bb.XXXXXX.tar)
  IMG_TMP=/tmp make_busybox_tar "$FIXTURE_TAR"
}

teardown_file() {
  rm -f "$FIXTURE_TAR"
}

setup() { engine_setup; }
teardown() { engine_teardown; }

# A container that added, changed and deleted files, then exited.
make_changes() {
  vessel run --name "$1" busybox sh -c \
    'echo new >/new; echo changed >/etc/passwd; rm /etc/group; mkdir -p /a/b; echo z >/a/b/z; rm -rf /root; mkdir /root; echo r >/root/r'
}

@test "diff: A, C and D in docker's order; the runtime's mount points are no changes" {
  make_changes c1
  run vessel diff c1
  [ "$status" -eq 0 ]
  [ "$output" = "A /a
A /a/b
A /a/b/z
C /etc
D /etc/group
C /etc/passwd
A /new
D /root
A /root/r" ]
  # a fresh container has no changes, running or not
  vessel create --name c0 busybox >/dev/null
  run vessel diff c0
  [ "$status" -eq 0 ]
  [ -z "$output" ]
  vessel run -d --name c3 busybox sh -c 'touch /tmp/t; sleep 30' >/dev/null
  for i in $(seq 1 50); do vessel diff c3 | grep -q /tmp/t && break; sleep 0.1; done
  run vessel diff c3
  [ "$output" = "C /tmp
A /tmp/t" ]
  vessel rm -f c0 c1 c3 >/dev/null
  assert_clean
}

@test "commit: the new image has the changes, deletions hide files, -c and -m apply" {
  make_changes c1
  run vessel commit -m "my message" -a "me <me@x>" -c 'CMD ["cat","/new"]' -c 'ENV A=b' c1 mine:v1
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
  id=$output
  run vessel run --rm mine:v1
  [ "$status" -eq 0 ]
  [ "$output" = new ]
  run vessel run --rm mine:v1 sh -c 'cat /etc/passwd; echo $A; ls /root; test -e /etc/group || echo nogroup; cat /a/b/z'
  [ "$output" = "changed
b
r
nogroup
z" ]
  run vessel images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
  [[ "$output" == *"mine:v1 ${id:7:12}"* ]]
  run vessel history --format '{{.Comment}}' mine:v1
  [ "${lines[0]}" = "my message" ]
  run vessel image inspect --format '{{.Author}} {{json .RootFS.Layers}}' mine:v1
  [[ "$output" =~ ^"me <me@x> [\"sha256:"[0-9a-f]{64}'","sha256:'[0-9a-f]{64}'"]'$ ]]
  # the mount points the runtime made are not in the layer
  run vessel run --rm mine:v1 sh -c 'cat /etc/hostname'
  [ -n "$output" ]
  # an untagged commit, and a commit of a commit
  vessel run --name c2 mine:v1 sh -c 'rm /new' >/dev/null
  run vessel commit c2
  [ "$status" -eq 0 ]
  run vessel run --rm "${output#sha256:}" sh -c 'test -e /new || echo gone'
  [ "$output" = gone ]
  vessel rm c1 c2 >/dev/null
  assert_clean
}

@test "commit: a running container; the run's command and env become the image's" {
  vessel run -d --name r1 -e K=v busybox sh -c 'echo hi >/hi; sleep 30' >/dev/null
  for i in $(seq 1 50); do vessel diff r1 | grep -q /hi && break; sleep 0.1; done
  run vessel commit r1 snap
  [ "$status" -eq 0 ]
  run vessel image inspect --format '{{json .Config.Cmd}} {{json .Config.Env}}' snap
  [ "$output" = '["sh","-c","echo hi >/hi; sleep 30"] ["K=v"]' ]
  run vessel run --rm snap cat /hi
  [ "$output" = hi ]
  vessel rm -f r1 >/dev/null
  assert_clean
}

@test "commit: bad input" {
  run vessel commit nosuch
  [ "$status" -eq 125 ]
  [ "$output" = "Error: No such container: nosuch" ]
  vessel create --name c1 busybox >/dev/null
  run vessel commit -c 'BOGUS x' c1
  [ "$status" -eq 125 ]
  [[ "$output" == "Error: commit: --change \`BOGUS x\`: unknown instruction BOGUS"* ]]
  run vessel commit c1 'Bad:Name'
  [ "$status" -eq 125 ]
  [[ "$output" == *Bad* ]]
  run vessel commit --bogus c1
  [ "$status" -eq 125 ]
  [[ "$output" == *"unknown flag"* ]]
  run vessel commit
  [ "$status" -eq 125 ]
  vessel rm c1 >/dev/null
  [ -z "$(store_temps)" ]
  assert_clean
}

@test "cp: out of and into a stopped container, files and folders" {
  make_changes c1
  cd "$IMG_TMP"
  vessel cp c1:/etc/passwd out
  [ "$(cat out)" = changed ]
  mkdir dir
  vessel cp c1:/a dir
  [ "$(cat dir/a/b/z)" = z ]
  vessel cp c1:/a/. contents
  [ "$(cat contents/b/z)" = z ]
  vessel cp c1:/a newdir
  [ "$(cat newdir/b/z)" = z ]
  vessel cp c1:/a/b/z - | tar -tf - >list
  [ "$(cat list)" = z ]

  echo host >hf
  mkdir -p hd/sub && echo deep >hd/sub/d
  vessel cp hf c1:/tmp/
  vessel cp hf c1:/tmp/renamed
  vessel cp hd c1:/tmp
  tar -cf - hf | vessel cp - c1:/root
  run vessel diff c1
  [[ "$output" == *"A /tmp/hf"* && "$output" == *"A /tmp/renamed"* && "$output" == *"A /tmp/hd/sub/d"* ]]
  [[ "$output" == *"A /root/hf"* ]]
  # the stopped container's overlay was never mounted on the host
  ! grep -q "$IMG_TMP" /proc/self/mountinfo
  vessel commit c1 withcp >/dev/null
  run vessel run --rm withcp cat /tmp/hf /tmp/renamed /tmp/hd/sub/d /root/hf
  [ "$output" = "host
host
deep
host" ]
  vessel rm -f c1 >/dev/null
  assert_clean
}

@test "cp: a running container sees what is copied in; copies out what it wrote" {
  vessel run -d --name r1 busybox sh -c 'echo mine >/m; while [ ! -e /tmp/go ]; do sleep 0.1; done; cat /tmp/go; sleep 30' >/dev/null
  for i in $(seq 1 50); do vessel diff r1 | grep -q "A /m" && break; sleep 0.1; done
  cd "$IMG_TMP"
  vessel cp r1:/m m
  [ "$(cat m)" = mine ]
  echo go >go
  vessel cp go r1:/tmp/go
  for i in $(seq 1 50); do vessel logs r1 | grep -q go && break; sleep 0.1; done
  run vessel logs r1
  [ "$output" = go ]
  vessel rm -f r1 >/dev/null
  assert_clean
}

@test "cp: symlinks in the container never reach host files" {
  mkdir -p "$IMG_TMP/hostdir"
  echo host-secret >"$IMG_TMP/secret"
  vessel run --name s1 busybox sh -c "echo ctr-secret >/etc/shadow; ln -s /etc/shadow /x;
    ln -s $IMG_TMP/secret /abs; ln -s ../../../../../../..$IMG_TMP/secret /rel;
    ln -s $IMG_TMP/hostdir /adir; ln -s ../../../../../..$IMG_TMP/hostdir /rdir; ln -s /etc /etclink" >/dev/null
  cd "$IMG_TMP"
  # followed (-L): the container's own /etc/shadow
  vessel cp -L s1:/x x
  [ "$(cat x)" = ctr-secret ]
  [ "$(cat /etc/shadow)" != ctr-secret ]
  # not followed: the link itself, as docker
  vessel cp s1:/x xl
  [ -L xl ] && [ "$(readlink xl)" = /etc/shadow ]
  # links to the host's path resolve inside the container, where there is nothing
  run vessel cp -L s1:/abs a
  [ "$status" -eq 125 ]
  [ ! -e a ]
  run vessel cp -L s1:/rel r
  [ "$status" -eq 125 ]
  [ ! -e r ]
  # writes through links stay inside
  echo pw >pw
  run vessel cp pw s1:/adir/
  [ "$status" -eq 125 ]
  run vessel cp pw s1:/rdir/pw
  [ "$status" -eq 125 ]
  run vessel cp pw s1:/adir
  [ -z "$(ls -A "$IMG_TMP/hostdir")" ]
  [ "$(cat "$IMG_TMP/secret")" = host-secret ]
  vessel cp pw s1:/etclink/
  vessel cp s1:/etc/pw pw2
  [ "$(cat pw2)" = pw ]
  # a tar from stdin with hostile names stays inside too
  mkdir -p evil && echo bad >evil/f
  tar -cf evil.tar -C evil --transform 's,^f$,../../../../../..'"$IMG_TMP"'/hostdir/f,' f
  run vessel cp - s1:/tmp <evil.tar
  [ ! -e "$IMG_TMP/hostdir/f" ]
  vessel rm s1 >/dev/null
  assert_clean
}

@test "cp: bad input" {
  vessel create --name c1 busybox >/dev/null
  cd "$IMG_TMP"
  run vessel cp nosuch:/etc/passwd x
  [ "$status" -eq 125 ]
  [ "$output" = "Error: No such container: nosuch" ]
  run vessel cp c1:/nonexistent x
  [ "$status" -eq 125 ]
  [[ "$output" == *"/nonexistent"*c1* ]]
  run vessel cp c1:/etc/passwd /nonexistent/dir/x
  [ "$status" -eq 125 ]
  [[ "$output" == *"/nonexistent/dir"* ]]
  run vessel cp nofile c1:/tmp
  [ "$status" -eq 125 ]
  [[ "$output" == *nofile* ]]
  run vessel cp c1:/etc c1:/tmp
  [ "$status" -eq 125 ]
  [ "$output" = "Error: cp: copying between containers is not supported" ]
  run vessel cp a b
  [ "$status" -eq 125 ]
  run vessel cp -Z c1:/etc x
  [ "$status" -eq 125 ]
  [[ "$output" == *"unknown flag"* ]]
  echo x >f
  run vessel cp f c1:/etc/passwd/
  [ "$status" -eq 125 ]
  vessel rm c1 >/dev/null
  assert_clean
}

@test "export: the merged file system as a tar, to stdout or -o" {
  make_changes c1
  vessel export c1 >"$IMG_TMP/c1.tar"
  tar -tf "$IMG_TMP/c1.tar" >"$IMG_TMP/list"
  grep -qx new "$IMG_TMP/list"
  grep -qx bin/busybox "$IMG_TMP/list"
  grep -qx a/b/z "$IMG_TMP/list"
  ! grep -qx etc/group "$IMG_TMP/list"
  [ "$(tar -xOf "$IMG_TMP/c1.tar" etc/passwd)" = changed ]
  vessel export -o "$IMG_TMP/o.tar" c1
  cmp "$IMG_TMP/c1.tar" "$IMG_TMP/o.tar"
  # the image of an export
  vessel import "$IMG_TMP/o.tar" flat >/dev/null
  run vessel run --rm flat cat /new
  [ "$output" = new ]
  run vessel export nosuch
  [ "$status" -eq 125 ]
  [ "$output" = "Error: No such container: nosuch" ]
  run vessel export --bogus c1
  [ "$status" -eq 125 ]
  run vessel export -o /nonexistent/x.tar c1
  [ "$status" -eq 125 ]
  [[ "$output" == *"/nonexistent/x.tar"* ]]
  vessel rm c1 >/dev/null
  assert_clean
}

@test "rename: docker's rules and conflict" {
  vessel create --name old busybox >/dev/null
  vessel create --name other busybox >/dev/null
  vessel rename old new
  run vessel ps -a --format '{{.Names}}'
  [[ "$output" == *new* && "$output" != *old* ]]
  run vessel rename new other
  [ "$status" -eq 125 ]
  [[ "$output" == "Error: Error when allocating new name: Conflict. The container name \"/other\" is already in use by container \""* ]]
  run vessel rename new 'bad name'
  [ "$status" -eq 125 ]
  [ "$output" = "Error: Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" ]
  run vessel rename nosuch x
  [ "$status" -eq 125 ]
  [ "$output" = "Error: No such container: nosuch" ]
  run vessel rename new
  [ "$status" -eq 125 ]
  vessel rm new other >/dev/null
  assert_clean
}

@test "container prune: removes the stopped ones only" {
  vessel run --name done1 busybox true 2>/dev/null || vessel run --name done1 busybox sh -c true
  vessel create --name fresh busybox >/dev/null
  vessel run -d --name up busybox sleep 30 >/dev/null
  run vessel container prune -f
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [ "${#lines[@]}" -eq 4 ]
  [[ "${lines[3]}" == "Total reclaimed space: "* ]]
  run vessel ps -a --format '{{.Names}}'
  [ "$output" = up ]
  run vessel container prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
  # without -f it asks
  run vessel container prune </dev/null
  [ "$status" -eq 0 ]
  run vessel container prune --bogus
  [ "$status" -eq 125 ]
  vessel rm -f up >/dev/null
  assert_clean
}

@test "ps -s: what the container wrote, and the virtual size with its image" {
  vessel run --name s busybox sh -c 'head -c 5000 /dev/zero >/big; rm /etc/hostname 2>/dev/null; true'
  run vessel ps -a -s --format '{{.Names}} {{.Size}}'
  [ "$status" -eq 0 ]
  [[ "$output" == "s 5kB (virtual "*"MB)" ]]
  # the table gets docker's SIZE column; without -s there is none
  run vessel ps -a -s
  [[ "${lines[0]}" == *"NAMES"*"SIZE" ]]
  [[ "${lines[1]}" == *"5kB (virtual "* ]]
  run vessel ps -a
  [[ "${lines[0]}" != *SIZE* ]]
  vessel rm s >/dev/null
  assert_clean
}

@test "volume: create, ls, inspect, rm (refused while used), prune, rm -v" {
  run vessel volume create myvol
  [ "$output" = myvol ]
  run vessel volume create
  [[ "$output" =~ ^[0-9a-f]{64}$ ]]
  gen=$output
  run vessel volume ls
  [ "${lines[0]}" = "DRIVER    VOLUME NAME" ]
  [[ "$output" == *"local     myvol"* ]]
  run vessel volume inspect --format '{{.Name}} {{.Driver}} {{.Mountpoint}} {{.Scope}}' myvol
  [ "$output" = "myvol local $VESSEL_ROOT_DIR/volumes/myvol/_data local" ]
  run vessel volume inspect myvol
  [[ "$output" == *'"CreatedAt": "'* && "$output" == *'"Labels": {}'* ]]
  vessel volume create --label a=b labeled >/dev/null
  run vessel volume inspect --format '{{json .Labels}}' labeled
  [ "$output" = '{"a":"b"}' ]

  vessel run -d --name user -v myvol:/data -v /anon busybox sh -c 'echo in >/data/f; sleep 30' >/dev/null
  run vessel volume rm myvol
  [ "$status" -eq 125 ]
  [[ "$output" == "Error: remove myvol: volume is in use - ["* ]]
  anon=$(vessel volume ls -q | grep -E '^[0-9a-f]{32}$')
  [ -n "$anon" ]
  # prune keeps used ones; -a also takes unused named ones
  run vessel volume prune -f
  [ "$output" = "Total reclaimed space: 0B" ]
  run vessel volume prune -af
  [[ "$output" == *"$gen"* && "$output" == *labeled* && "$output" != *myvol* ]]
  [ "$(cat "$VESSEL_ROOT_DIR/volumes/myvol/_data/f")" = in ]
  # rm -v takes the anonymous volume, not the named one
  vessel rm -f -v user >/dev/null
  run vessel volume ls -q
  [ "$output" = myvol ]
  vessel volume rm myvol
  [ -z "$(vessel volume ls -q)" ]
  run vessel volume rm -f nosuch
  [ "$status" -eq 0 ]
  assert_clean
}

@test "volume: bad input" {
  run vessel volume rm nosuch
  [ "$status" -eq 125 ]
  [ "$output" = "Error: get nosuch: no such volume" ]
  run --separate-stderr vessel volume inspect nosuch
  [ "$status" -eq 125 ]
  [ "$output" = "[]" ]
  [ "$stderr" = "Error: get nosuch: no such volume" ]
  run vessel volume create ../evil
  [ "$status" -eq 125 ]
  [[ "$output" == *'"../evil" includes invalid characters for a local volume name'* ]]
  [ ! -e "$VESSEL_ROOT_DIR/evil" ]
  run vessel run --rm -v ../../evil:/p busybox true
  [ "$status" -eq 125 ]
  [[ "$output" == *'"../../evil" includes invalid characters for a local volume name'* ]]
  [ ! -e "$IMG_TMP/evil" ] && [ ! -e "$VESSEL_ROOT_DIR/evil" ]
  run vessel volume create -d nfs x
  [ "$status" -eq 125 ]
  run vessel volume ls --bogus
  [ "$status" -eq 125 ]
  run vessel volume bogus
  [ "$status" -eq 125 ]
  run vessel volume
  [ "$status" -eq 125 ]
}

@test "info and system prune" {
  vessel run --name gone busybox sh -c true
  vessel run -d --name up busybox sleep 30 >/dev/null
  vessel volume create v1 >/dev/null
  vessel run --rm -v /anon busybox true 2>/dev/null || true
  run vessel info
  [ "$status" -eq 0 ]
  [[ "$output" == *" Containers: 2"* && "$output" == *"  Running: 1"* && "$output" == *"  Stopped: 1"* ]]
  [[ "$output" == *" Images: 1"* && "$output" == *" Storage Driver: overlay"* ]]
  [[ "$output" == *" Docker Root Dir: $VESSEL_ROOT_DIR"* && "$output" == *" Cgroup Driver: cgroupfs"* ]]
  run vessel info --format '{{.Containers}} {{.ContainersRunning}} {{.Driver}}'
  [ "$output" = "2 1 overlay" ]
  run vessel info --bogus
  [ "$status" -eq 125 ]

  vessel commit gone dangling-soon >/dev/null
  vessel tag dangling-soon other >/dev/null
  vessel rmi dangling-soon other >/dev/null 2>&1 || true
  run vessel system prune -f --volumes
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "Deleted Containers:" ]
  [[ "$output" == *"Total reclaimed space:"* ]]
  run vessel ps -a --format '{{.Names}}'
  [ "$output" = up ]
  # named volumes stay; the logs of removed containers are gone
  [ "$(vessel volume ls -q)" = v1 ]
  run vessel logs gone
  [ "$status" -eq 125 ]
  # -a: images no container uses go too; busybox is used by "up"
  vessel commit up extra >/dev/null
  run vessel system prune -af
  [[ "$output" == *"untagged: extra:latest"* ]]
  run vessel images --format '{{.Repository}}'
  [ "$output" = busybox ]
  run vessel system prune --bogus
  [ "$status" -eq 125 ]
  vessel rm -f up >/dev/null
  assert_clean
}

@test "volume: a named volume is never taken as anonymous, whatever its name looks like" {
  name=0123456789abcdef0123456789abcdef
  vessel volume create "$name" >/dev/null
  vessel run --rm -v "$name:/data" busybox sh -c 'echo kept >/data/f'
  run vessel volume ls -q
  [[ "$output" == *"$name"* ]]
  run vessel volume prune -f
  run vessel run --rm -v "$name:/data" busybox cat /data/f
  [ "$output" = kept ]
  # an anonymous one goes with its --rm container
  vessel run --rm -v /anon busybox true
  [ "$(vessel volume ls -q)" = "$name" ]
  vessel volume rm "$name" >/dev/null
  assert_clean
}

@test "init layer: the mount points an image lacks are shared by its containers, never copied up, and go with the image" {
  vessel run -d --name i1 busybox sleep 100 >/dev/null
  vessel run -d --name i2 busybox sleep 100 >/dev/null
  id1=$(vessel inspect --format '{{.Id}}' i1)
  [ "$(vessel exec i1 cat /etc/hostname)" = "$(cat "$VESSEL_ROOT_DIR/containers/$id1/hostname")" ]
  run vessel exec i1 grep -c localhost /etc/hosts
  [ "$output" -ge 1 ]
  init=$(ls -d "$VESSEL_ROOT_DIR"/snapshots/*-init)
  [ "$(echo "$init" | wc -l)" -eq 1 ]
  # only what busybox lacks, empty: the container's own files are bound on them
  [ -f "$init/etc/hosts" ] && [ ! -s "$init/etc/hosts" ]
  [ -f "$init/etc/hostname" ]
  [ -f "$init/etc/resolv.conf" ]
  [ ! -e "$init/proc" ]
  [ ! -e "$init/etc/passwd" ]
  for c in i1 i2; do
    id=$(vessel inspect --format '{{.Id}}' "$c")
    [ ! -e "$VESSEL_ROOT_DIR/containers/$id/upper/etc" ]
  done
  run vessel diff i1
  [ -z "$output" ]
  vessel rm -f i1 i2 >/dev/null
  # it goes with the image's last layer
  vessel rmi busybox >/dev/null
  [ -z "$(ls -d "$VESSEL_ROOT_DIR"/snapshots/*-init 2>/dev/null)" ]
  assert_clean
}

@test "init layer: what a lower layer has counts unless a layer above deletes it (whiteouts)" {
  command -v umoci >/dev/null || skip "umoci missing (scripts/install-deps)"
  local oci=$IMG_TMP/wh bundle=$IMG_TMP/whb
  make_busybox_oci "$oci" v1
  # v2: a layer adds /etc/hosts; v3: a layer above deletes it again
  umoci unpack --image "$oci:v1" "$bundle" >/dev/null
  echo '10.9.9.9 fromimage' >"$bundle/rootfs/etc/hosts"
  umoci repack --image "$oci:v2" "$bundle" >/dev/null
  rm -rf "$bundle"
  umoci unpack --image "$oci:v2" "$bundle" >/dev/null
  rm "$bundle/rootfs/etc/hosts"
  umoci repack --image "$oci:v3" "$bundle" >/dev/null
  rm -rf "$bundle"
  vessel load -i "$oci" >/dev/null
  for t in v2 v3; do
    d=$(jq -r --arg t "$t" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$oci/index.json")
    cfg=$(jq -r .config.digest "$oci/blobs/sha256/${d#sha256:}")
    vessel run --rm "$cfg" true
  done
  n=0
  for init in "$VESSEL_ROOT_DIR"/snapshots/*-init; do
    [ -e "$init/etc/hostname" ] || continue
    n=$((n + 1))
    # v2 shows the image's /etc/hosts: no mount point made for it; v3 needs one
    top=${init%-init}
    if [ -f "$top/etc/hosts" ]; then [ ! -e "$init/etc/hosts" ]; else [ -f "$init/etc/hosts" ]; fi
  done
  [ "$n" -eq 2 ]
  assert_clean
}
