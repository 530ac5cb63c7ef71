#!/usr/bin/env bash
# make bench (images) — pull and unpack the debootstrap image from a local
# registry into an empty store: vessel against `podman pull` and against
# `skopeo copy` to an OCI dir + `umoci unpack`.  Then a second pull of the
# same image (everything present), and the stores' disk use.
#
# The image is Debian bookworm minbase made by debootstrap
# (scripts/debootstrap-rootfs), one gzip layer, served by Debian's
# docker-registry on 127.0.0.1.  Not a test: nothing asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
V="$PWD/build/vessel"
RUNS=${BENCH_PULL_RUNS:-5}
for t in hyperfine jq podman skopeo umoci docker-registry; do
  command -v $t >/dev/null || { echo "bench: $t missing (scripts/install-deps)"; exit 1; }
done

work=$(mktemp -d /var/tmp/vessel-bench-img.XXXXXX)
TEST_TMP=$work
# shellcheck source=../tests/integration/registry.bash
. tests/integration/registry.bash
P() { podman --root "$work/proot" --runroot "$work/prun" --storage-driver overlay \
  --runtime runc --cgroup-manager cgroupfs --events-backend file "$@"; }
cleanup() {
  registry_stop
  P system reset -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
registry_start >/dev/null

rootfs_tar=$(scripts/debootstrap-rootfs)
echo "== image: debootstrap bookworm minbase ($(du -h "$rootfs_tar" | cut -f1) of files, $(tar -tf "$rootfs_tar" | wc -l) entries) =="
"$V" --root "$work/seed" import "$rootfs_tar" deb:1 >/dev/null
"$V" --root "$work/seed" save --format oci -o "$work/seed-oci" deb:1
skopeo copy -q --dest-tls-verify=false --dest-compress --dest-compress-format gzip \
  "oci:$work/seed-oci:1" "docker://$REGISTRY/bench/deb:1"
rm -rf "$work/seed" "$work/seed-oci"
IMG="$REGISTRY/bench/deb:1"
echo "   served gzip-compressed from docker-registry at $REGISTRY"

median() { jq -r ".results[$1].median * 1000" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== pull + unpack into an empty store (hyperfine, $RUNS runs, medians) =="
hyperfine -w 1 -r "$RUNS" --export-json "$work/pull.json" \
  -n vessel --prepare "rm -rf $work/vroot; sync; echo 3 >/proc/sys/vm/drop_caches" \
  "$V --root $work/vroot pull -q $IMG" \
  -n podman --prepare "podman --root $work/proot --runroot $work/prun --storage-driver overlay system reset -f >/dev/null 2>&1; sync; echo 3 >/proc/sys/vm/drop_caches" \
  "podman --root $work/proot --runroot $work/prun --storage-driver overlay --events-backend file pull -q --tls-verify=false $IMG" \
  -n skopeo+umoci --prepare "rm -rf $work/oci $work/bundle; sync; echo 3 >/proc/sys/vm/drop_caches" \
  "skopeo copy -q --src-tls-verify=false docker://$IMG oci:$work/oci:1 && umoci unpack --image $work/oci:1 $work/bundle" \
  >/dev/null
v=$(median 0 "$work/pull.json"); p=$(median 1 "$work/pull.json"); s=$(median 2 "$work/pull.json")
printf '  vessel %.0f ms   podman %.0f ms   skopeo+umoci %.0f ms   ratio %s x podman, %s x skopeo+umoci\n' \
  "$v" "$p" "$s" "$(ratio "$v" "$p")" "$(ratio "$v" "$s")"

echo "== second pull, everything present (hyperfine, medians) =="
hyperfine -N -w 2 -r 20 --export-json "$work/again.json" \
  -n vessel "$V --root $work/vroot pull -q $IMG" \
  -n podman "podman --root $work/proot --runroot $work/prun --storage-driver overlay --events-backend file pull -q --tls-verify=false $IMG" \
  >/dev/null
v=$(median 0 "$work/again.json"); p=$(median 1 "$work/again.json")
printf '  vessel %.1f ms   podman %.1f ms   ratio %s x podman (target: vessel <= 50 ms)\n' "$v" "$p" "$(ratio "$v" "$p")"

echo "== disk use after one pull (du) =="
vd=$(du -sb "$work/vroot" | cut -f1); pd=$(du -sb "$work/proot" | cut -f1)
printf '  vessel %s MB (blobs %s MB + snapshots %s MB)   podman %s MB   ratio %s x podman\n' \
  "$((vd / 1000000))" "$(($(du -sb "$work/vroot/images" | cut -f1) / 1000000))" \
  "$(($(du -sb "$work/vroot/snapshots" | cut -f1) / 1000000))" "$((pd / 1000000))" "$(ratio "$vd" "$pd")"
