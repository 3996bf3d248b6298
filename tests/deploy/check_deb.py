#!/usr/bin/env python3
"""Builds the Debian package (deploy/debian/build-deb.sh) from this build's binary,
installs it into a temporary root (dpkg -x: no root, no maintainer scripts) and
runs what it installed:

- the control file: name, the project's version, Depends from dpkg-shlibdeps, all
  installed here; the conffiles exist; the secrets file is root-only; the binary
  is stripped;
- `systemd-analyze verify` of the installed unit (against the host's systemd
  targets: no running systemd is needed) prints nothing; `systemd-analyze
  security --offline` scores it at most 2.0 ("OK"); the hardening the unit
  promises is there; its stop timeout covers the drain;
- the installed binary answers --version with the package's version and passes
  --check-config on the packaged config.

usage: check_deb.py REPO_ROOT BUILD_DIR OUT_DIR
"""
import glob
import os
import re
import shutil
import stat
import subprocess
import sys

root, build_dir, out_dir = sys.argv[1:4]
failures = []
SHUTDOWN = {"drain": 25, "margin": 5}  # docs/deployment.md, "Stopping": drain + margin = TimeoutStopSec
HARDENING = {  # key: the value it must have (None: present with any value)
    "DynamicUser": "yes", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
    "PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "", "AmbientCapabilities": "",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "RestrictNamespaces": "yes",
    "SystemCallFilter": None, "MemoryDenyWriteExecute": "yes", "LimitNOFILE": None, "UMask": "0077",
}


def fail(what):
    failures.append(what)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


shutil.rmtree(out_dir, ignore_errors=True)
os.makedirs(os.path.join(out_dir, "empty-build"))
r = run(["bash", os.path.join(root, "deploy/debian/build-deb.sh"), os.path.join(out_dir, "empty-build"), out_dir])
if r.returncode == 0 or "no " + os.path.join(out_dir, "empty-build", "gangway") not in r.stderr:
    fail(f"build-deb.sh on a build without the binary: want a failure naming it, got {r.returncode}: {r.stderr}")
r = run(["bash", os.path.join(root, "deploy/debian/build-deb.sh"), build_dir, out_dir])
if r.returncode != 0:
    print(f"FAIL: build-deb.sh: {r.stdout}{r.stderr}")
    sys.exit(1)
deb = r.stdout.strip().splitlines()[-1]
version = re.search(r"project\(gangway VERSION ([0-9.]+)", open(os.path.join(root, "CMakeLists.txt")).read()).group(1)

# The control file.
control = dict(re.findall(r"^([A-Za-z-]+): (.*)$", run(["dpkg-deb", "-f", deb]).stdout, re.M))
if control.get("Package") != "gangway" or control.get("Version") != version:
    fail(f"control: want gangway {version}, got {control.get('Package')} {control.get('Version')}")
depends = [d.strip().split()[0] for d in control.get("Depends", "").split(",") if d.strip()]
for lib in ("libc6", "libssl3", "libnats3.4"):
    if lib not in depends:
        fail(f"control: Depends lacks {lib} (got {depends})")
for pkg in depends:
    if "install ok installed" not in run(["dpkg-query", "-W", "-f=${Status}", pkg]).stdout:
        fail(f"control: Depends names {pkg}, which is not installed here (so the binary could not have linked it)")

# Installed into a temporary root.
inst = os.path.join(out_dir, "root")
r = run(["dpkg-deb", "-x", deb, inst])
if r.returncode != 0:
    fail(f"dpkg-deb -x: {r.stderr}")
conffiles = run(["dpkg-deb", "-I", deb, "conffiles"]).stdout.split()
if sorted(conffiles) != ["/etc/gangway/gangway.env", "/etc/gangway/gangway.json"]:
    fail(f"conffiles: {conffiles}")
for conffile in conffiles:
    if not os.path.isfile(inst + conffile):
        fail(f"conffile {conffile} is not in the package")
env_mode = stat.S_IMODE(os.stat(inst + "/etc/gangway/gangway.env").st_mode)
if env_mode & 0o077:
    fail(f"/etc/gangway/gangway.env is mode {env_mode:o}: the secrets file must be root-only")
binary = inst + "/usr/bin/gangway"
if ".debug_info" in run(["readelf", "-S", binary]).stdout:
    fail("/usr/bin/gangway is not stripped")

# The unit, verified offline: the host's systemd targets stand in for a running system.
unit = inst + "/lib/systemd/system/gangway.service"
for target in glob.glob("/lib/systemd/system/*.target") + glob.glob("/lib/systemd/system/*.slice"):
    dest = inst + "/lib/systemd/system/" + os.path.basename(target)
    if not os.path.exists(dest):
        shutil.copy(target, dest)
# A command the unit runs from another package (ExecReload's /bin/kill) must be
# that of a package it depends on; it is copied from the host for the check.
for line in open(unit):
    m = re.match(r"^Exec[A-Za-z]+=[-@:+!]*(/\S+)", line.strip())
    if not m or os.path.exists(inst + m.group(1)):
        continue
    owner = run(["dpkg-query", "-S", m.group(1)]).stdout.split(":")[0]
    if not owner or owner not in depends:
        fail(f"unit: {line.strip()} runs {m.group(1)}, from {owner or 'no package'}, which Depends lacks")
    elif os.path.isfile(m.group(1)):
        os.makedirs(os.path.dirname(inst + m.group(1)), exist_ok=True)
        shutil.copy(m.group(1), inst + m.group(1))
r = run(["systemd-analyze", "verify", f"--root={inst}", unit])
if r.returncode != 0 or r.stdout.strip() or r.stderr.strip():
    fail(f"systemd-analyze verify: rc={r.returncode} {r.stdout}{r.stderr}")
r = run(["systemd-analyze", "security", "--offline=true", "--threshold=20", f"--root={inst}", unit])
score = re.search(r"Overall exposure level for gangway.service: ([0-9.]+)", r.stdout)
if r.returncode != 0 or not score:
    fail(f"systemd-analyze security: exposure over 2.0 (or no score): {r.stdout[-400:]}{r.stderr}")
else:
    print(f"systemd-analyze security: exposure {score.group(1)}")
settings = {}
for line in open(unit):
    m = re.match(r"^([A-Za-z]+)=(.*)$", line.strip())
    if m:
        settings.setdefault(m.group(1), m.group(2))
for key, want in HARDENING.items():
    if key not in settings or (want is not None and settings[key] != want):
        fail(f"unit: want {key}={want if want is not None else '…'}, got {settings.get(key, '(unset)')}")
stop = re.match(r"^(\d+)s?$", settings.get("TimeoutStopSec", ""))
if not stop or int(stop.group(1)) != SHUTDOWN["drain"] + SHUTDOWN["margin"]:
    fail(f"unit: TimeoutStopSec={settings.get('TimeoutStopSec')}, want drain + margin = "
         f"{SHUTDOWN['drain'] + SHUTDOWN['margin']}s")
for key in ("ExecStart", "ExecStartPre"):
    exe = settings.get(key, "").split()[0] if settings.get(key) else ""
    if not os.path.isfile(inst + exe):
        fail(f"unit: {key} runs {exe!r}, which the package does not install")

# The installed binary runs.
r = run([binary, "--version"])
if r.returncode != 0 or version not in r.stdout:
    fail(f"gangway --version: rc={r.returncode} {r.stdout}{r.stderr} (want {version})")
env = dict(os.environ, GANGWAY_JWT_SECRET="check-deb-secret-0123456789abcdef0123456789")
r = run([binary, "--config", inst + "/etc/gangway/gangway.json", "--check-config"], env=env)
if r.returncode != 0:
    fail(f"gangway --check-config on the packaged config: {r.stdout}{r.stderr}")

print(f"package: {deb}")
for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} problem(s)")
sys.exit(1 if failures else 0)
