#!/usr/bin/env python3
"""deploy/run-demo.sh as a new user meets it:

- README.md lists every port variable the script reads, with its default;
- bad settings stop it at once with a clear message, before anything starts: a
  port in use (naming the process that holds it), a port that is not a number,
  two variables on one port;
- on free ports it comes up; no process has the JWT secret on its command line;
  every paste command of the banner works (deploy/ws-client.py: the frame is
  answered, the curl's event arrives); the Dockerfile's HEALTHCHECK passes
  against the gateway's admin port and fails against a closed one;
- ws-client.py and the demo backend refuse bad arguments clearly;
- Ctrl-C stops it with status 0 and the logs stay where the banner said.

usage: check_demo_script.py REPO_ROOT BUILD_DIR OUT_DIR
"""
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

from demo_run import PORT_VARS, free_port, start_demo

repo, build_dir, out_dir = sys.argv[1:4]
failures = []
SECRET = "demo-script-secret-" + os.urandom(12).hex()
# What each app's typed frame is answered with (its seed), before the curl is run.
ANSWERS = {"tribe": '"event":"subscribed"', "circles": '"type":"message"', "pythia": '"type":"online_users"',
           "social": '"type":"private"', "winkr": '"event":"conversation:joined"'}


def fail(what):
    failures.append(what)


def run_script(env, timeout=30):
    env = {**os.environ, "GANGWAY_BUILD_DIR": build_dir, "GANGWAY_DEMO_SKIP_BUILD": "1",
           "GANGWAY_DEMO_DIR": os.path.join(out_dir, "refused"), **env}
    started = time.time()
    r = subprocess.run(["bash", "deploy/run-demo.sh"], cwd=repo, env=env, capture_output=True, text=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout + r.stderr, time.time() - started


def check_readme():
    script = open(os.path.join(repo, "deploy/run-demo.sh")).read()
    readme = open(os.path.join(repo, "README.md")).read()
    defaults = dict(re.findall(r"^([A-Z_]+_PORT)=\$\{\1:-(\d+)\}", script, re.M))
    if sorted(defaults) != sorted(PORT_VARS):
        fail(f"run-demo.sh reads {sorted(defaults)}, the tests know {sorted(PORT_VARS)}")
    for var, default in defaults.items():
        if not re.search(rf"\| `{var}` \| {default} \|", readme):
            fail(f"README.md does not list `{var}` with its default {default}")


def check_refusals():
    holder = subprocess.Popen([sys.executable, "-c", "import socket,sys,time; s=socket.socket(); "
                               "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); time.sleep(120)",
                               str(port := free_port())])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        ports = {var: str(free_port({port})) for var in PORT_VARS}
        rc, out, took = run_script({**ports, "PYTHIA_PORT": str(port)})
        want = f"port {port} (PYTHIA_PORT) is in use by python3 (pid {holder.pid})"
        if rc == 0 or want not in out:
            fail(f"a taken port: want exit != 0 and {want!r}, got {rc}:\n{out}")
        if os.path.exists(os.path.join(out_dir, "refused")):
            fail("a taken port: the script started something (its run directory exists)")
        print(f"taken port refused in {took:.1f} s: {out.strip().splitlines()[0]}")
    finally:
        holder.kill()
        holder.wait()
    rc, out, _ = run_script({"NATS_PORT": "42x"})
    if rc == 0 or "NATS_PORT=42x is not a port" not in out:
        fail(f"NATS_PORT=42x: want a clear refusal, got {rc}: {out}")
    same = str(free_port())
    rc, out, _ = run_script({"TRIBE_PORT": same, "WINKR_PORT": same})
    if rc == 0 or f"WINKR_PORT={same}: that port is already given to another variable" not in out:
        fail(f"two variables on one port: want a clear refusal, got {rc}: {out}")


def processes_showing(secret):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if secret in cmdline:
            found.append(f"{pid}: {cmdline[:120]}")
    return found


def banner_blocks(banner):
    """[(app, event, socket command, frame, curl)] from the banner's by-hand part."""
    blocks = re.findall(r'^(\w+): .*"([^"]+)"\n  \$ (.*)\n  > (.*)\n  \$ (curl .*)$', banner, re.M)
    return blocks


def lines_of(proc):
    q = queue.Queue()

    def pump():
        for line in proc.stdout:
            q.put(line)
    threading.Thread(target=pump, daemon=True).start()
    return q


def wait_line(q, needle, seen, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            line = q.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        seen.append(line)
        if needle in line:
            return True
    return False


def check_paste_commands(banner):
    blocks = banner_blocks(banner)
    if [b[0] for b in blocks] != list(ANSWERS):
        fail(f"the banner's by-hand blocks are {[b[0] for b in blocks]}, want {list(ANSWERS)}")
    for app, event, command, frame, curl in blocks:
        if not command.startswith("deploy/ws-client.py "):
            fail(f"{app}: the socket command does not use deploy/ws-client.py: {command}")
        proc = subprocess.Popen(command, shell=True, cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        seen = []
        try:
            q = lines_of(proc)
            proc.stdin.write(frame + "\n")
            proc.stdin.flush()
            if not wait_line(q, ANSWERS[app], seen):
                fail(f"{app}: the frame {frame} got no {ANSWERS[app]}: {seen}")
                continue
            r = subprocess.run(curl, shell=True, cwd=repo, capture_output=True, text=True, timeout=10)
            if r.returncode != 0:
                fail(f"{app}: the curl failed: {r.stdout}{r.stderr}")
            if not wait_line(q, f'"{event}"', seen):
                fail(f"{app}: no {event} after the curl: {seen}")
        finally:
            proc.kill()
            proc.wait()
    print(f"paste commands: {len(blocks)} apps tried")


def check_healthcheck(admin_port):
    dockerfile = re.sub(r"\\\n", " ", open(os.path.join(repo, "deploy/Dockerfile")).read())
    argv = json.loads(re.search(r"^HEALTHCHECK .*CMD (\[.*\])$", dockerfile, re.M).group(1))
    for port, want_ok in ((admin_port, True), (free_port(), False)):
        r = subprocess.run(argv, env={**os.environ, "GANGWAY_ADMIN_PORT": str(port)}, capture_output=True, timeout=10)
        if (r.returncode == 0) != want_ok:
            fail(f"the Dockerfile's HEALTHCHECK on port {port}: status {r.returncode}, want {'0' if want_ok else 'non-zero'}")


def check_bad_arguments(tribe_port):
    client = os.path.join(repo, "deploy/ws-client.py")
    r = subprocess.run([client, "http://127.0.0.1:1/"], capture_output=True, text=True)
    if r.returncode != 2 or "must start with ws://" not in r.stderr:
        fail(f"ws-client.py with an http URL: want status 2 and a message, got {r.returncode}: {r.stderr}")
    r = subprocess.run([client, "ws://127.0.0.1:1/", "-H", "no colon"], capture_output=True, text=True)
    if r.returncode != 2 or "want 'Name: value'" not in r.stderr:
        fail(f"ws-client.py with a bad header: want status 2 and a message, got {r.returncode}: {r.stderr}")
    r = subprocess.run([client, f"ws://127.0.0.1:{tribe_port}/api/v1/ws"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=10)
    if r.returncode != 1 or "refused: HTTP 401" not in r.stderr:
        fail(f"ws-client.py without a token: want status 1 and 'refused: HTTP 401', got {r.returncode}: {r.stderr}")
    backend = os.path.join(build_dir, "deploy/demo_backend/gangway-demo-backend")
    env = {k: v for k, v in os.environ.items() if k != "GANGWAY_JWT_SECRET"}
    r = subprocess.run([backend, "--listen", "127.0.0.1:0"], env=env, capture_output=True, text=True, timeout=10)
    if r.returncode != 2 or "set GANGWAY_JWT_SECRET" not in r.stderr:
        fail(f"the demo backend without a secret: want status 2 naming GANGWAY_JWT_SECRET, got {r.returncode}: {r.stderr}")
    r = subprocess.run([backend, "--listen", "127.0.0.1:0", "--demo-page", "/nonexistent"], capture_output=True,
                       text=True, timeout=10, env={**env, "GANGWAY_JWT_SECRET": SECRET})
    if r.returncode != 1 or "--demo-page /nonexistent is not a directory" not in r.stderr:
        fail(f"the demo backend with a missing page: want status 1 and a message, got {r.returncode}: {r.stderr}")


shutil.rmtree(out_dir, ignore_errors=True)
os.makedirs(out_dir)
check_readme()
check_refusals()
run = start_demo(repo, build_dir, os.path.join(out_dir, "run"), {"GANGWAY_JWT_SECRET": SECRET})
try:
    banner = run.output()
    for p in processes_showing(SECRET):
        fail(f"the JWT secret is on a command line: {p}")
    check_paste_commands(banner)
    check_healthcheck(run.ports["ADMIN_PORT"])
    check_bad_arguments(run.ports["TRIBE_PORT"])
finally:
    status = run.stop()
out = run.output()
if status != 0:
    fail(f"Ctrl-C: run-demo.sh exited {status}")
if f"logs kept in {run.run_dir}" not in out or f"Logs: {run.run_dir}" not in out:
    fail(f"the banner or the exit does not name the run directory {run.run_dir}:\n{out[-600:]}")
for log in ("nats.log", "backend.log", "gangway.log", "gangway.json"):
    path = os.path.join(run.run_dir, log)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        fail(f"{log} is missing or empty after the demo stopped")
for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} problem(s)")
sys.exit(1 if failures else 0)
