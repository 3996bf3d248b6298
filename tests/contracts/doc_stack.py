"""The real processes the docs/integrating.md check runs against, and the
pieces it talks to them with: nats-server, gangway, a stub REST backend,
HS256 tokens and WebSocket clients (python3-websockets)."""
import asyncio
import base64
import hashlib
import hmac
import http.server
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import websockets

SECRET = "integrating-doc-secret-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def token(sub, **claims):
    def b64(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")
    body = {"sub": sub, "name": sub, "username": sub, "iss": "gangway-doc", "aud": "gangway",
            "exp": int(time.time()) + 600, **claims}
    head = b64({"alg": "HS256", "typ": "JWT"}) + b"." + b64(body)
    sig = base64.urlsafe_b64encode(hmac.new(SECRET.encode(), head, hashlib.sha256).digest()).rstrip(b"=")
    return (head + b"." + sig).decode()


class Process:
    """A child process stopped by its PID."""

    def __init__(self, argv, log_path, env=None):
        self.log_path = log_path
        self.proc = subprocess.Popen(argv, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})})

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Nats(Process):
    def __init__(self, nats_bin, tmp):
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        super().__init__([nats_bin, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", tmp + "/js"],
                         tmp + "/nats.log")
        if not wait_port(self.port):
            raise RuntimeError("nats-server did not start:\n" + self.log())


def gateway_config(nats_url, app):
    # No load balancer to wait for: stop() drains at once and within 4 s.
    return {"gateway_id": "gw-doc", "threads": 1, "nats": {"url": nats_url},
            "admin": {"listen": f"127.0.0.1:{free_port()}"}, "apps": [app],
            "drain": {"grace_s": 4, "refuse_after_s": 0, "flush_s": 2}}


class Gateway(Process):
    def __init__(self, gangway_bin, tmp, config, env=None):
        self.config_path = tmp + "/gangway.json"
        with open(self.config_path, "w") as f:
            json.dump(config, f, indent=2)
        self.port = int(config["apps"][0]["listen"].rsplit(":", 1)[1])
        super().__init__([gangway_bin, "--config", self.config_path], tmp + "/gangway.log", env)
        if not wait_port(self.port):
            raise RuntimeError("gangway did not start:\n" + self.log())


class Backend:
    """A stub REST service: handler(method, path, headers, body) -> (status, json)."""

    def __init__(self, handler):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self):
                size = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(size)) if size else None
                outer.requests.append((self.command, self.path, dict(self.headers), body))
                status, answer = handler(self.command, self.path, self.headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Client:
    """A WebSocket client; every frame is also appended to the contract log."""

    def __init__(self, ws, dialect, test):
        self.ws, self.dialect, self.test = ws, dialect, test

    @classmethod
    async def open(cls, port, path, dialect, test, headers=None):
        ws = await websockets.connect(f"ws://127.0.0.1:{port}{path}", extra_headers=headers or {})
        return cls(ws, dialect, test)

    def _record(self, source, frame):
        log_dir = os.environ.get("GANGWAY_CONTRACT_LOG")
        if log_dir:
            with open(os.path.join(log_dir, f"doc-{os.getpid()}.jsonl"), "a") as f:
                f.write(json.dumps({"kind": "ws", "dialect": self.dialect, "from": source, "frame": frame,
                                    "test": self.test, "source": "integrating_doc"}) + "\n")

    async def send(self, frame):
        text = json.dumps(frame)
        self._record("client", text)
        await self.ws.send(text)

    async def next(self, timeout=5.0):
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        self._record("server", text)
        return json.loads(text)

    async def until(self, pred, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.next(max(0.01, deadline - time.monotonic()))
            if pred(frame):
                return frame

    async def drain(self, quiet=1.0):
        out = []
        try:
            while True:
                out.append(await self.next(quiet))
        except asyncio.TimeoutError:
            return out

    async def close(self):
        await self.ws.close()


class ConnWatcher(threading.Thread):
    """Learns each user's conn id from gw.in.<app>.connect."""

    def __init__(self, nats_url, app):
        super().__init__(daemon=True)
        host, port = nats_url[len("nats://"):].rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)))
        self.f = self.sock.makefile("rwb")
        self.f.readline()
        self.f.write(f"CONNECT {{\"verbose\":false}}\r\nSUB gw.in.{app}.connect 1\r\nPING\r\n".encode())
        self.f.flush()
        while not self.f.readline().startswith(b"PONG"):
            pass
        self.conns = {}
        self.start()

    def run(self):
        while True:
            line = self.f.readline()
            if not line:
                return
            if line.startswith(b"PING"):
                self.f.write(b"PONG\r\n")
                self.f.flush()
            elif line.startswith(b"MSG"):
                size = int(line.split()[-1])
                body = json.loads(self.f.read(size + 2)[:size])
                self.conns.setdefault(body["user"]["id"], []).append(body["conn"])

    def conn_of(self, user, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.conns.get(user):
                return self.conns[user][-1]
            time.sleep(0.02)
        raise AssertionError(f"no gw.in connect message for {user}")

    def stop(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def tmpdir():
    return tempfile.mkdtemp(prefix="gangway-doc-")
