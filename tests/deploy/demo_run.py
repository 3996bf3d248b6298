"""deploy/run-demo.sh as the tests run it: on free loopback ports, with the binaries
of this build (GANGWAY_DEMO_SKIP_BUILD=1), its run directory under the build
directory, stopped through its own Ctrl-C path (SIGINT to its PID) and, if that
fails, by its process group (it is started as a group leader)."""
import os
import random
import re
import signal
import socket
import subprocess
import time

PORT_VARS = ["NATS_PORT", "BACKEND_PORT", "ADMIN_PORT", "TRIBE_PORT", "CIRCLES_PORT", "PYTHIA_PORT",
             "SOCIAL_PORT", "WINKR_PORT"]


def free_port(taken=()):
    """A loopback port that was free a moment ago, below the kernel's ephemeral
    range so that no client socket takes it before the server binds it."""
    while True:
        port = random.randint(10000, 32000)
        if port in taken:
            continue
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port


def free_ports():
    ports = {}
    for var in PORT_VARS:
        ports[var] = free_port(set(ports.values()))
    return ports


class DemoRun:
    """One run of deploy/run-demo.sh. `env` adds to (or overrides) the ports and the secret."""

    def __init__(self, repo, build_dir, run_dir, env=None):
        self.run_dir = run_dir
        self.ports = free_ports()
        self.env = {**os.environ, **{k: str(v) for k, v in self.ports.items()},
                    "GANGWAY_BUILD_DIR": build_dir, "GANGWAY_DEMO_DIR": run_dir, "GANGWAY_DEMO_SKIP_BUILD": "1",
                    **(env or {})}
        os.makedirs(run_dir, exist_ok=True)
        self.out_path = os.path.join(run_dir, "run-demo.out")
        self.out = open(self.out_path, "wb")
        self.proc = subprocess.Popen(["bash", os.path.join(repo, "deploy/run-demo.sh")], cwd=repo, env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self):
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def wait_banner(self, timeout=60):
        """The banner's text once every process is up; raises with the output if the script ends first."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.output()
            if re.search(r"^  \$ curl .*/conv-ab/unread", text, re.M):  # the banner's last line
                return text
            if self.proc.poll() is not None:
                raise RuntimeError(f"run-demo.sh exited with {self.proc.returncode} before the banner:\n{text}")
            time.sleep(0.1)
        raise RuntimeError(f"run-demo.sh printed no banner within {timeout} s:\n{self.output()}")

    def page_url(self):
        m = re.search(r"In a browser: (\S+)", self.output())
        if not m:
            raise RuntimeError("the banner names no page URL:\n" + self.output())
        return m.group(1)

    def stop(self, timeout=20):
        """Ctrl-C, as a person stops it; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.out.close()
        return self.proc.returncode


def start_demo(repo, build_dir, run_dir, env=None, attempts=3):
    """A DemoRun whose banner is up. Free ports are only free a moment ago: one
    that another test's process took meanwhile (the script refuses it) means
    another try on other ports."""
    for attempt in range(attempts):
        run = DemoRun(repo, build_dir, run_dir, env)
        try:
            run.wait_banner()
            return run
        except RuntimeError:
            run.stop()
            if "is in use by" not in run.output() or attempt == attempts - 1:
                raise
