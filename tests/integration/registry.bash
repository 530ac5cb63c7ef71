# registry.bash — a real OCI registry (Debian's docker-registry, i.e.
# distribution 2.x) for bats tests, on 127.0.0.1 only.
#
#   load registry
#   setup()    { common_setup; registry_start; }         # or --htpasswd USER PASS
#   teardown() { registry_stop; common_teardown; }
#
# registry_start exports REGISTRY=127.0.0.1:PORT (plain http: clients need
# tls_verify off / --tls-verify=false) and REGISTRY_PID; storage and the log
# live in $TEST_TMP/registry (or the directory given with --dir).
# registry_stop kills it and waits: no process outlives the test;
# registry_start_again brings the same one back (same port and storage).
# REGISTRY_DIR is its storage root (filesystem driver layout).

REGISTRY_BIN="${REGISTRY_BIN:-/usr/bin/docker-registry}"

# A port nobody listens on right now (the registry may still lose a race for
# it: registry_start then tries another).
registry_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

registry_start() {
  local dir="${TEST_TMP:?TEST_TMP is not set}/registry" user="" pass="" port try code
  while [ $# -gt 0 ]; do
    case "$1" in
      --htpasswd) user=$2 pass=$3; shift 3 ;;
      --dir) dir=$2; shift 2 ;;
      *) echo "registry_start: unknown option $1" >&2; return 2 ;;
    esac
  done
  [ -x "$REGISTRY_BIN" ] || { echo "registry_start: $REGISTRY_BIN not installed" >&2; return 1; }
  mkdir -p "$dir/storage"
  export REGISTRY_DIR="$dir/storage" REGISTRY_CONF="$dir/config.yml"
  if [ -n "$user" ]; then
    htpasswd -Bbn "$user" "$pass" >"$dir/htpasswd" || return 1
  fi

  for try in 1 2 3 4 5; do
    port=$(registry_free_port) || return 1
    {
      echo "version: 0.1"
      echo "log:"
      echo "  level: warn"
      echo "  accesslog:"
      echo "    disabled: true"
      echo "storage:"
      echo "  filesystem:"
      echo "    rootdirectory: $dir/storage"
      echo "  delete:"
      echo "    enabled: true"
      echo "http:"
      echo "  addr: 127.0.0.1:$port"
      if [ -n "$user" ]; then
        echo "auth:"
        echo "  htpasswd:"
        echo "    realm: vessel-test"
        echo "    path: $dir/htpasswd"
      fi
    } >"$dir/config.yml"
    # No inherited fds (bats waits for fd 3 to close), its own log.
    "$REGISTRY_BIN" serve "$dir/config.yml" </dev/null >"$dir/registry.log" 2>&1 3>&- &
    REGISTRY_PID=$!
    export REGISTRY_PID

    local i
    for i in $(seq 1 100); do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/v2/" 2>/dev/null) || code=000
      if [ "$code" = 200 ] || [ "$code" = 401 ]; then
        export REGISTRY="127.0.0.1:$port"
        return 0
      fi
      kill -0 "$REGISTRY_PID" 2>/dev/null || break # it died: port taken?
      sleep 0.1
    done
    registry_stop
  done
  echo "registry_start: docker-registry did not come up; log:" >&2
  cat "$dir/registry.log" >&2
  return 1
}

registry_stop() {
  local pid=${REGISTRY_PID:-} i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1 || true
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset REGISTRY_PID
  return 0
}

registry_start_again() {
  local dir=${REGISTRY_CONF%/*} i code
  "$REGISTRY_BIN" serve "$REGISTRY_CONF" </dev/null >>"$dir/registry.log" 2>&1 3>&- &
  REGISTRY_PID=$!
  export REGISTRY_PID
  for i in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$REGISTRY/v2/" 2>/dev/null) || code=000
    [ "$code" = 200 ] || [ "$code" = 401 ] && return 0
    sleep 0.1
  done
  echo "registry_start_again: docker-registry did not come back" >&2
  return 1
}

# Upload file $2 as a blob of repository $1 with digest $3 (monolithic).
registry_put_blob() {
  local loc
  loc=$(curl -sf -X POST -D - -o /dev/null "http://$REGISTRY/v2/$1/blobs/uploads/" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  case "$loc" in http*) ;; *) loc="http://$REGISTRY$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$3" ;; *) loc="$loc?digest=$3" ;; esac
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$2" "$loc" >/dev/null
}
