#!/usr/bin/env bash
# make bench (engine) — `vessel run --rm busybox /bin/true` against
# `podman run --rm` on the same image, then N idle containers (busybox
# sleep, detached) started one after the other: the rate, and the host
# memory they add (monitors + runtime leftovers + kernel objects, from
# /proc/meminfo before and after), against podman + conmon for fewer.
# Not a test: nothing asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_IDLE:-1000}
NP=${BENCH_IDLE_PODMAN:-100}
RUNS=${BENCH_RUNS:-30}
for t in hyperfine podman; do command -v $t >/dev/null || { echo "bench: $t missing (scripts/install-deps)"; exit 1; }; done

work=$(mktemp -d /var/tmp/vessel-bench-engine.XXXXXX)
export VESSEL_RUNTIME="$PWD/build/vessel-runtime" VESSEL_MONITOR="$PWD/build/vessel-monitor" VESSEL_RUNROOT="$work/run"
V="$PWD/build/vessel --root $work/root"
P="podman --root $work/proot --runroot $work/prun --storage-driver overlay --runtime runc --cgroup-manager cgroupfs --events-backend file"
cleanup() {
  $V ps -aq 2>/dev/null | xargs -r $V rm -f >/dev/null 2>&1 || true
  $P rm -af >/dev/null 2>&1 || true
  $P system reset -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# one busybox image for both
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp}
cp /bin/busybox "$rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"; done
tar -C "$rootfs" -cf "$work/bb.tar" .
$V import -c 'CMD ["sh"]' "$work/bb.tar" busybox >/dev/null

median() { jq -r ".results[$1].median * 1000" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

used() { awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {print t - a}' /proc/meminfo; }

idle() { # label count command...
  local label=$1 n=$2 before after t0 t1 i
  shift 2
  sync
  echo 3 >/proc/sys/vm/drop_caches
  before=$(used)
  t0=$(date +%s.%N)
  for i in $(seq 1 "$n"); do "$@" >/dev/null; done
  t1=$(date +%s.%N)
  sleep 2
  after=$(used)
  awk -v l="$label" -v n="$n" -v t0="$t0" -v t1="$t1" -v b="$before" -v a="$after" 'BEGIN {
    printf "  %-7s %4d containers in %.1f s: %.0f per second, %.0f KiB added per container\n", l, n, t1 - t0, n / (t1 - t0), (a - b) / n }'
}

# Each tool on a quiet machine: on this host's ext4 (no journal) a new
# inode skips every inode its block group freed in the last minutes, and
# podman's runs create and delete thousands of files; so vessel's two
# measures come first, podman's (its image loaded only then) after.
echo "== run --rm busybox /bin/true (hyperfine, $RUNS runs, medians) =="
hyperfine -N -w 3 -r "$RUNS" --export-json "$work/run-vessel.json" -n vessel "$V run --rm busybox /bin/true" >/dev/null

echo "== idle containers (busybox sleep, detached), started one after the other =="
idle vessel "$N" $V run -d busybox sleep 100000
t0=$(date +%s.%N)
$V ps -aq | xargs -r $V rm -f >/dev/null
t1=$(date +%s.%N)
awk -v n="$N" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "  vessel  removed %d in %.1f s\n", n, t1 - t0 }'
left=$(pgrep -c -f "vessel-monitor.*$work" || true)
echo "  vessel  monitors left after rm: $left; mounts left: $(grep -c "$work" /proc/self/mountinfo || true)"

$V save -o "$work/bb-docker.tar" busybox
$P load -q -i "$work/bb-docker.tar" >/dev/null
idle podman "$NP" $P run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 localhost/busybox:latest sleep 100000
$P rm -af -t 0 >/dev/null 2>&1 || true

echo "== run --rm busybox /bin/true: podman (hyperfine, $RUNS runs, medians) =="
hyperfine -N -w 3 -r "$RUNS" --export-json "$work/run-podman.json" \
  -n podman "$P run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 localhost/busybox:latest /bin/true" \
  >/dev/null
v=$(median 0 "$work/run-vessel.json"); p=$(median 0 "$work/run-podman.json")
printf '  vessel %.1f ms   podman %.1f ms   ratio %s x podman (target <= 0.1)\n' "$v" "$p" "$(ratio "$v" "$p")"
