#!/usr/bin/env python3
"""fake-registry.py — a tiny OCI distribution server for the unit tests.

Stdlib only.  Listens on 127.0.0.1 only, on two free ports: the registry,
and a "storage" server that blob GETs are redirected to (it refuses any
request that carries an Authorization header).  Prints one line
"REGISTRY_PORT STORAGE_PORT" and then reads commands on stdin, one a line,
answering each with one line on stdout:

  auth none|basic|bearer   how clients must authenticate (default none)
  user NAME PASS           the accepted credentials
  tokenkey token|access_token   the key of the token endpoint's answer
  redirect on|off          blob GETs answer 307 to the storage server
  drop N                   the next N blob GETs send half the body, then close
  fail500 N                the next N requests answer 500
  ignorerange N            the next N ranged blob GETs answer 200 (whole blob)
  put REPO REF MEDIATYPE HEXBODY   store a manifest
  blob REPO HEXBODY        store a blob (answers its digest)
  stats                    a JSON line of counters
  quit

Exits when stdin closes, on "quit", or after 60 s whatever happens.
"""
import base64
import hashlib
import json
import os
import re
import socket
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LIFETIME = 60

lock = threading.Lock()
state = {
    "auth": "none",
    "user": None,
    "password": None,
    "tokenkey": "token",
    "redirect": False,
    "drop": 0,
    "fail500": 0,
    "ignorerange": 0,
}
stats = {
    "requests": 0,
    "token_requests": 0,
    "token_refused": 0,
    "range_requests": 0,
    "drops": 0,
    "storage_gets": 0,
    "storage_auth_leaks": 0,
    "mounts": 0,
    "patches": 0,
    "puts": 0,
    "posts": 0,
    "heads": 0,
    "fail500_sent": 0,
}
manifests = {}  # (repo, ref) -> (media type, bytes)
blobs = {}  # digest -> bytes
repo_blobs = {}  # repo -> set of digests
uploads = {}  # uuid -> bytearray
tokens = {}  # token -> set of (repo, action)
ports = {}


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def link_blob(repo, data):
    d = digest_of(data)
    blobs[d] = bytes(data)
    repo_blobs.setdefault(repo, set()).add(d)
    return d


class Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", headers=None, head=False):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def error(self, code, ecode, message, headers=None):
        body = json.dumps({"errors": [{"code": ecode, "message": message, "detail": None}]})
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        self.send(code, body, h, head=self.command == "HEAD")

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = b""
        while len(data) < n:
            chunk = self.rfile.read(n - len(data))
            if not chunk:
                break
            data += chunk
        return data


class Storage(Quiet):
    def do_GET(self):
        with lock:
            stats["storage_gets"] += 1
            if self.headers.get("Authorization"):
                stats["storage_auth_leaks"] += 1
                leak = True
            else:
                leak = False
        if leak:
            return self.send(403, "credentials sent to the storage host\n")
        m = re.fullmatch(r"/blob/(sha256:[0-9a-f]{64})", urlsplit(self.path).path)
        if not m or m.group(1) not in blobs:
            return self.send(404, "no such blob\n")
        Registry.serve_blob(self, blobs[m.group(1)])


class Registry(Quiet):
    def authorized(self, repo, action):
        mode = state["auth"]
        h = self.headers.get("Authorization") or ""
        if mode == "none":
            return True
        if mode == "basic":
            if h.startswith("Basic ") and self.basic_ok(h):
                return True
            self.error(401, "UNAUTHORIZED", "authentication required",
                       {"WWW-Authenticate": 'Basic realm="fake registry"'})
            return False
        # bearer
        if h.startswith("Bearer "):
            granted = tokens.get(h[7:], set())
            if repo is None or (repo, action) in granted:
                return True
        scope = ""
        if repo is not None:
            scope = ',scope="repository:%s:%s"' % (repo, "pull,push" if action == "push" else "pull")
        realm = "http://127.0.0.1:%d/token" % ports["registry"]
        self.error(401, "UNAUTHORIZED", "authentication required",
                   {"WWW-Authenticate": 'Bearer realm="%s",service="fake, registry"%s' % (realm, scope)})
        return False

    def basic_ok(self, h):
        try:
            user, _, pw = base64.b64decode(h[6:]).decode().partition(":")
        except Exception:
            return False
        return user == state["user"] and pw == state["password"]

    def token(self):
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        h = self.headers.get("Authorization") or ""
        with lock:
            stats["token_requests"] += 1
        if state["user"] is not None and not (h.startswith("Basic ") and self.basic_ok(h)):
            with lock:
                stats["token_refused"] += 1
            return self.error(401, "UNAUTHORIZED", "bad credentials for the token")
        if q.get("service") != ["fake, registry"]:
            return self.error(400, "BAD_SERVICE", "wrong service %r" % q.get("service"))
        granted = set()
        for s in q.get("scope", []):
            parts = s.split(":")
            if len(parts) == 3 and parts[0] == "repository":
                for a in parts[2].split(","):
                    granted.add((parts[1], a))
        t = uuid.uuid4().hex
        tokens[t] = granted
        self.send(200, json.dumps({state["tokenkey"]: t, "expires_in": 300}),
                  {"Content-Type": "application/json"})

    @staticmethod
    def serve_blob(h, data, head=False):
        rng = h.headers.get("Range")
        start = 0
        if rng:
            with lock:
                stats["range_requests"] += 1
                ignore = state["ignorerange"] > 0
                if ignore:
                    state["ignorerange"] -= 1
            m = re.fullmatch(r"bytes=(\d+)-", rng)
            if m and not ignore:
                start = int(m.group(1))
                if start >= len(data):
                    return h.send(416, "", {"Content-Range": "bytes */%d" % len(data)})
        body = data[start:]
        code = 206 if start else 200
        with lock:
            drop = not head and state["drop"] > 0 and len(body) > 1
            if drop:
                state["drop"] -= 1
                stats["drops"] += 1
        h.send_response(code)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Docker-Content-Digest", digest_of(data))
        h.send_header("Content-Length", str(len(body)))
        if code == 206:
            h.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        h.end_headers()
        if head:
            return
        if drop:
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        h.wfile.write(body)

    def maybe_fail(self):
        with lock:
            stats["requests"] += 1
            if state["fail500"] > 0:
                state["fail500"] -= 1
                stats["fail500_sent"] += 1
                fail = True
            else:
                fail = False
        if fail:
            self.read_body()
            self.error(500, "UNKNOWN", "internal trouble")
        return fail

    def route(self):
        u = urlsplit(self.path)
        if u.path == "/token":
            return self.token()
        if self.maybe_fail():
            return
        if u.path == "/v2/" or u.path == "/v2":
            if self.authorized(None, "pull"):
                self.send(200, "{}", {"Content-Type": "application/json"})
            return
        m = re.fullmatch(r"/v2/(.+)/(manifests|blobs)/(uploads/?)?([^/]*)", u.path)
        if not m:
            return self.error(404, "NOT_FOUND", "no route")
        repo, kind, upl, ref = m.group(1), m.group(2), m.group(3), m.group(4)
        q = parse_qs(u.query)
        write = self.command in ("PUT", "POST", "PATCH")
        if not self.authorized(repo, "push" if write else "pull"):
            self.read_body() if write else None
            return
        if kind == "manifests":
            return self.manifest(repo, ref)
        if upl is None:
            return self.blob(repo, ref)
        return self.upload(repo, ref, q)

    def manifest(self, repo, ref):
        if self.command in ("GET", "HEAD"):
            e = manifests.get((repo, ref))
            if e is None:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            return self.send(200, e[1], {"Content-Type": e[0], "Docker-Content-Digest": digest_of(e[1])},
                             head=self.command == "HEAD")
        if self.command == "PUT":
            data = self.read_body()
            ct = self.headers.get("Content-Type", "")
            d = digest_of(data)
            manifests[(repo, ref)] = (ct, data)
            manifests[(repo, d)] = (ct, data)
            return self.send(201, "", {"Location": "/v2/%s/manifests/%s" % (repo, d), "Docker-Content-Digest": d})
        self.error(405, "UNSUPPORTED", "method")

    def blob(self, repo, digest):
        if digest not in repo_blobs.get(repo, set()):
            return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        if self.command == "HEAD":
            with lock:
                stats["heads"] += 1
            return self.serve_blob(self, blobs[digest], head=True)
        if state["redirect"]:
            return self.send(307, "", {"Location": "http://127.0.0.1:%d/blob/%s" % (ports["storage"], digest)})
        self.serve_blob(self, blobs[digest])

    def upload(self, repo, uid, q):
        if self.command == "POST":
            with lock:
                stats["posts"] += 1
            self.read_body()
            mnt, frm = q.get("mount", [None])[0], q.get("from", [None])[0]
            if mnt and frm and mnt in repo_blobs.get(frm, set()) and ("Authorization" not in self.headers or state["auth"] != "bearer" or (frm, "pull") in tokens.get(self.headers["Authorization"][7:], set())):
                repo_blobs.setdefault(repo, set()).add(mnt)
                with lock:
                    stats["mounts"] += 1
                return self.send(201, "", {"Location": "/v2/%s/blobs/%s" % (repo, mnt), "Docker-Content-Digest": mnt})
            uid = uuid.uuid4().hex
            uploads[uid] = bytearray()
            # relative, with a query string already there
            return self.send(202, "", {"Location": "/v2/%s/blobs/uploads/%s?_state=s0" % (repo, uid),
                                       "Range": "0-0", "Docker-Upload-UUID": uid})
        buf = uploads.get(uid)
        if buf is None:
            self.read_body()
            return self.error(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown")
        if q.get("_state") is None:
            self.read_body()
            return self.error(400, "BLOB_UPLOAD_INVALID", "lost the _state query")
        data = self.read_body()
        if self.command == "PATCH":
            with lock:
                stats["patches"] += 1
            cr = self.headers.get("Content-Range")
            if cr is not None:
                m = re.fullmatch(r"(\d+)-(\d+)", cr)
                if not m or int(m.group(1)) != len(buf) or int(m.group(2)) != len(buf) + len(data) - 1:
                    return self.error(416, "BLOB_UPLOAD_INVALID", "bad Content-Range %s at %d" % (cr, len(buf)))
            buf += data
            # absolute this time
            return self.send(202, "", {"Location": "http://127.0.0.1:%d/v2/%s/blobs/uploads/%s?_state=s%d"
                                       % (ports["registry"], repo, uid, len(buf)),
                                       "Range": "0-%d" % (len(buf) - 1)})
        if self.command == "PUT":
            with lock:
                stats["puts"] += 1
            buf += data
            want = q.get("digest", [None])[0]
            if want != digest_of(buf):
                return self.error(400, "DIGEST_INVALID", "provided digest did not match uploaded content")
            del uploads[uid]
            link_blob(repo, buf)
            return self.send(201, "", {"Location": "/v2/%s/blobs/%s" % (repo, want), "Docker-Content-Digest": want})
        self.error(405, "UNSUPPORTED", "method")

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = route


def command(line):
    w = line.split()
    if not w:
        return "ok"
    c = w[0]
    with lock:
        if c == "auth":
            state["auth"] = w[1]
        elif c == "user":
            state["user"], state["password"] = w[1], w[2]
        elif c == "tokenkey":
            state["tokenkey"] = w[1]
        elif c == "redirect":
            state["redirect"] = w[1] == "on"
        elif c in ("drop", "fail500", "ignorerange"):
            state[c] = int(w[1])
        elif c == "put":
            manifests[(w[1], w[2])] = (w[3], bytes.fromhex(w[4]))
            return digest_of(bytes.fromhex(w[4]))
        elif c == "blob":
            return link_blob(w[1], bytes.fromhex(w[2]))
        elif c == "stats":
            return json.dumps(stats)
        elif c == "quit":
            return None
        else:
            return "error: unknown command " + c
    return "ok"


def main():
    reg = ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    sto = ThreadingHTTPServer(("127.0.0.1", 0), Storage)
    reg.daemon_threads = sto.daemon_threads = True
    ports["registry"] = reg.server_address[1]
    ports["storage"] = sto.server_address[1]
    for s in (reg, sto):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    timer = threading.Timer(LIFETIME, lambda: os._exit(2))
    timer.daemon = True
    timer.start()
    print(ports["registry"], ports["storage"], flush=True)
    for line in sys.stdin:
        out = command(line)
        if out is None:
            break
        print(out, flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
