#!/usr/bin/env bash
# make bench — vessel-runtime side by side with runc and crun on one bundle.
#
# The same busybox bundle and config.json serve all three runtimes (ociVersion
# 1.0.2, which crun 1.8 accepts).  crun refuses this machine's hybrid cgroup
# layout, so its comparison runs inside `unshare -m` with the near-empty
# cgroup2 at /sys/fs/cgroup/unified unmounted — and vessel-runtime and runc
# run in that same environment for that table.  Not a test: nothing asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
VR="$PWD/build/vessel-runtime"
RUNS=${BENCH_RUNS:-60}
for t in hyperfine jq runc /usr/bin/time; do command -v $t >/dev/null || { echo "bench: $t missing (scripts/install-deps)"; exit 1; }; done

work=$(mktemp -d /tmp/vessel-bench.XXXXXX)
cleanup() {
  for rt in "$VR:vr" "runc:runc"; do "${rt%%:*}" --root "$work/${rt#*:}" delete -f ex >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
bundle="$work/bundle"
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/true"
ln -s busybox "$bundle/rootfs/bin/sh"
"$VR" spec --bundle "$bundle"
jq '.ociVersion="1.0.2" | .process.terminal=false | .process.args=["/bin/true"]' "$bundle/config.json" >"$work/c" && mv "$work/c" "$bundle/config.json"

median() { jq -r ".results[$1].median * 1000" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

cmd() { # runtime state-root id
  echo "$1 --root $work/$2 run --bundle $bundle $3"
}

echo "== run of /bin/true (hyperfine, $RUNS runs, medians) =="
hyperfine -N -w 5 -r "$RUNS" --export-json "$work/a.json" \
  -n vessel-runtime "$(cmd "$VR" vr a)" -n runc "$(cmd runc runc a)" >/dev/null
v=$(median 0 "$work/a.json"); r=$(median 1 "$work/a.json")
printf '  hybrid host:      vessel-runtime %.2f ms   runc %.2f ms   ratio %s x runc\n' "$v" "$r" "$(ratio "$v" "$r")"

# The three runtimes in the v1 environment crun accepts: label, json name,
# then extra hyperfine options.
three_way() {
  local label=$1 out=$2 v c r
  shift 2
  unshare -m --propagation private bash -c "
    umount /sys/fs/cgroup/unified 2>/dev/null || true
    hyperfine -N -w 5 -r $RUNS $* --export-json '$work/$out.json' \
      -n vessel-runtime '$(cmd "$VR" vr "$out")' -n crun '$(cmd crun crun "$out")' -n runc '$(cmd runc runc "$out")' >/dev/null"
  v=$(median 0 "$work/$out.json"); c=$(median 1 "$work/$out.json"); r=$(median 2 "$work/$out.json")
  printf '  %-17s vessel-runtime %.2f ms   crun %.2f ms   runc %.2f ms   ratio %s x crun, %s x runc\n' \
    "$label" "$v" "$c" "$r" "$(ratio "$v" "$c")" "$(ratio "$v" "$r")"
}
if command -v crun >/dev/null; then
  three_way "v1 (no unified):" b
  # Back to back, runc and crun find the kernel's cgroup threadgroup lock
  # still in its fast mode from their previous run; one container at a time
  # (here 50 ms apart, as a user starts them) each of their cgroup.procs
  # writes waits for an RCU grace period.  vessel-runtime writes no
  # cgroup.procs.
  three_way "one at a time:" c --prepare "'sleep 0.05'"
fi

echo "== exec of /bin/true into a running container (hyperfine, $RUNS runs, medians) =="
mkdir -p "$work/ebundle"
jq --arg root "$bundle/rootfs" '.process.args=["sleep","100000"] | .root.path=$root' "$bundle/config.json" >"$work/ebundle/config.json"
ln -s busybox "$bundle/rootfs/bin/sleep"
start_sleeper() { "$1" --root "$work/$2" run -d --bundle "$work/ebundle" ex </dev/null >/dev/null 2>&1; }
stop_sleeper() { "$1" --root "$work/$2" delete -f ex >/dev/null 2>&1 || true; }
start_sleeper "$VR" vr; start_sleeper runc runc
hyperfine -N -w 5 -r "$RUNS" --export-json "$work/e.json" \
  -n vessel-runtime "$VR --root $work/vr exec ex /bin/true" -n runc "runc --root $work/runc exec ex /bin/true" >/dev/null
stop_sleeper "$VR" vr; stop_sleeper runc runc
v=$(median 0 "$work/e.json"); r=$(median 1 "$work/e.json")
printf '  hybrid host:      vessel-runtime %.2f ms   runc %.2f ms   ratio %s x runc\n' "$v" "$r" "$(ratio "$v" "$r")"
if command -v crun >/dev/null; then
  unshare -m --propagation private bash -c "
    umount /sys/fs/cgroup/unified 2>/dev/null || true
    $(declare -f start_sleeper stop_sleeper); work='$work'
    start_sleeper '$VR' vr2; start_sleeper crun crun2
    hyperfine -N -w 5 -r $RUNS --export-json '$work/f.json' \
      -n vessel-runtime '$VR --root $work/vr2 exec ex /bin/true' -n crun 'crun --root $work/crun2 exec ex /bin/true' >/dev/null
    stop_sleeper '$VR' vr2; stop_sleeper crun crun2"
  v=$(median 0 "$work/f.json"); c=$(median 1 "$work/f.json")
  printf '  v1 (no unified):  vessel-runtime %.2f ms   crun %.2f ms   ratio %s x crun\n' "$v" "$c" "$(ratio "$v" "$c")"
fi

echo "== peak RSS of the runtime process (KiB, run of /bin/true) =="
rss() { # max RSS in KiB of the command (GNU time: the largest of it and its waited children)
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}
vr_rss=$(rss $(cmd "$VR" vr r)); runc_rss=$(rss $(cmd runc runc r))
line="  vessel-runtime $vr_rss   runc $runc_rss"
if command -v crun >/dev/null; then
  crun_rss=$(unshare -m --propagation private bash -c "umount /sys/fs/cgroup/unified 2>/dev/null; $(declare -f rss); rss $(cmd crun crun r)")
  line="$line   crun $crun_rss"
fi
echo "$line"

echo "== binary size (bytes, with the shared libraries each one loads from outside libc) =="
size_of() { # binary + its non-libc shared libraries
  local total; total=$(stat -L -c %s "$1")
  for lib in $(ldd "$1" 2>/dev/null | awk '/=>/ {print $3}' | grep -v -E 'libc\.so|ld-linux|libm\.so|libpthread|libdl\.so'); do
    total=$((total + $(stat -L -c %s "$lib")))
  done
  echo "$(stat -L -c %s "$1") (with libs $total)"
}
echo "  vessel-runtime $(size_of "$VR")"
echo "  runc           $(size_of "$(command -v runc)")"
command -v crun >/dev/null && echo "  crun           $(size_of "$(command -v crun)")"
