"""The phased drain under load (issue 26): N idle tribe sockets on a gateway
with the default drain (grace 25 s, refuse after 5 s, flush 5 s), SIGTERM,
then when /readyz turned 503, each socket's close code and the closes per
second as the clients saw them, and when the gateway exited with what status.
Raw sockets and a minimal frame reader (no client library needed).

usage: drain_spread.py N GANGWAY_BIN [WORK_DIR]   (nats-server on PATH)
Prints one JSON line. docs/performance.md, "The drain under 2,000 sockets".
"""
import base64, hashlib, hmac, json, os, selectors, signal, socket, subprocess, sys, time, urllib.request
N = int(sys.argv[1]); GANGWAY = sys.argv[2]; D = sys.argv[3] if len(sys.argv) > 3 else "/tmp/gangway-drain-spread"
os.makedirs(D, exist_ok=True)
SECRET = "bench-secret-0123456789abcdef"
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=")
def token(sub):
    h = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    p = b64(json.dumps({"sub": sub, "iss": "i", "aud": "a", "exp": int(time.time()) + 3600}).encode())
    return (h + b"." + p + b"." + b64(hmac.new(SECRET.encode(), h + b"." + p, hashlib.sha256).digest())).decode()
nats_port, app_port, admin_port = free_port(), free_port(), free_port()
nats = subprocess.Popen(["nats-server", "-a", "127.0.0.1", "-p", str(nats_port), "-js", "-sd", D + "/js"], stdout=open(D + "/nats.log", "w"), stderr=subprocess.STDOUT)
gw = None
try:
  time.sleep(1)
  config =   {"gateway_id": "gw-bench", "threads": 2, "nats": {"url": f"nats://127.0.0.1:{nats_port}"},
            "admin": {"listen": f"127.0.0.1:{admin_port}"},
            "apps": [{"name": "tribe", "dialect": "tribe", "listen": f"127.0.0.1:{app_port}", "routes": ["/api/v1/ws"],
                      "jwt": {"keys": [{"alg": "HS256", "secret": SECRET}], "issuer": "i", "audience": "a"},
                      "backend": {"url": f"http://127.0.0.1:{free_port()}"},
                      "callouts": {"conversation_participant": {"path": "/x/{conversation_id}/{user_id}"}}}]}
  json.dump(config, open(D + "/gangway.json", "w"))
  gw = subprocess.Popen([GANGWAY, "--config", D + "/gangway.json"], stdout=open(D + "/gangway.log", "w"), stderr=subprocess.STDOUT)
  for _ in range(100):
      try: socket.create_connection(("127.0.0.1", app_port)).close(); break
      except OSError: time.sleep(0.1)
  sel = selectors.DefaultSelector(); state = {}
  for i in range(N):
      s = socket.create_connection(("127.0.0.1", app_port))
      key = base64.b64encode(os.urandom(16)).decode()
      s.sendall((f"GET /api/v1/ws?token={token('u-%d' % i)} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
      s.setblocking(False); sel.register(s, selectors.EVENT_READ); state[s] = {"buf": b"", "up": False, "closed": None, "code": None}
  def pump(timeout):
      for k, _ in sel.select(timeout):
          s = k.fileobj; st = state[s]
          try: data = s.recv(65536)
          except BlockingIOError: continue
          if not data:
              if st["closed"] is None: st["closed"] = time.monotonic(); st["code"] = "eof"
              sel.unregister(s); s.close(); continue
          st["buf"] += data
          if not st["up"]:
              if b"\r\n\r\n" not in st["buf"]: continue
              head, st["buf"] = st["buf"].split(b"\r\n\r\n", 1); st["up"] = head.startswith(b"HTTP/1.1 101")
              if not st["up"]: st["closed"] = time.monotonic(); st["code"] = "refused"; sel.unregister(s); s.close(); continue
          b = st["buf"]
          while len(b) >= 2:
              op, ln, off = b[0] & 0x0f, b[1] & 0x7f, 2
              if ln == 126: ln = int.from_bytes(b[2:4], "big"); off = 4
              if len(b) < off + ln: break
              if op == 8:
                  st["closed"] = time.monotonic(); st["code"] = int.from_bytes(b[off:off+2], "big")
                  s.send(bytes([0x88, 0x82, 0, 0, 0, 0]) + b[off:off+2]); sel.unregister(s); s.close(); b = b""; break
              b = b[off + ln:]
          st["buf"] = b
  t = time.monotonic()
  while sum(1 for st in state.values() if st["up"]) < N and time.monotonic() - t < 120: pump(0.1)
  up = sum(1 for st in state.values() if st["up"])
  rss = [l for l in open(f"/proc/{gw.pid}/status") if l.startswith("VmRSS")][0].split()[1]
  print(f"{up} sockets open, gateway RSS {rss} kB", flush=True)
  t0 = time.monotonic(); gw.send_signal(signal.SIGTERM)
  ready = None
  while time.monotonic() - t0 < 40 and (gw.poll() is None or any(st["closed"] is None for st in state.values())):
      if ready is None:
          try: urllib.request.urlopen(f"http://127.0.0.1:{admin_port}/readyz", timeout=1)
          except urllib.error.HTTPError as e: ready = time.monotonic() - t0 if e.code == 503 else None
          except Exception: pass
      pump(0.05)
      if gw.poll() is not None and not sel.get_map(): break
  exit_t = time.monotonic() - t0
  codes = {}
  per = {}
  for st in state.values():
      codes[st["code"]] = codes.get(st["code"], 0) + 1
      if st["closed"] is not None: per[int(st["closed"] - t0)] = per.get(int(st["closed"] - t0), 0) + 1
  print(json.dumps({"sockets": N, "readyz_503_after_s": ready, "close_codes": {str(k): v for k, v in codes.items()},
                    "closes_per_second": dict(sorted(per.items())), "gateway_exit": gw.wait(10), "exit_after_s": round(exit_t, 2)}))
finally:
  if gw is not None and gw.poll() is None:
    gw.kill(); gw.wait()
  nats.terminate(); nats.wait()
