#!/usr/bin/env python3
"""Checks deploy/'s container files against the build, without a Docker engine.

- the Kubernetes sidecar's gangway.json passes `gangway --check-config`;
- deploy/gangway.demo.json passes it with GANGWAY_LISTEN_HOST=0.0.0.0, as in the image;
- the Dockerfile: the runtime stage (the default target) installs exactly the
  packages the gateway loads (ldd + dpkg -S), the demo stage those of both
  binaries; no stage installs a test tool (Go, Node, npm, chromium); USER is
  numeric; a HEALTHCHECK probes the config's admin port; every file copied exists;
- .dockerignore keeps build trees, .git and node_modules out of the context, and
  nothing the build needs;
- compose.yaml and the manifest: tagged images (the project's version), builds from
  existing stages, the JWT secret never on a command line, the Kubernetes security
  context (non-root numeric user, read-only root, no escalation, no capabilities)
  and the stopping times of docs/deployment.md;
- the admin port stays off the public interface: the image does not expose it nor
  open it (GANGWAY_ADMIN_HOST), compose publishes it on the host's loopback only,
  and in Kubernetes no Service exposes it and a NetworkPolicy admits it only from
  a selected source (the kubelet's probes pass regardless).

usage: check_deploy.py REPO_ROOT GANGWAY_BIN DEMO_BACKEND_BIN
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

from dockerignore import context_files, excluded, read_patterns

root, gangway, demo_backend = sys.argv[1:4]
failures = []
TEST_TOOLS = {"golang-go", "nodejs", "npm", "chromium", "libgtest-dev", "libgmock-dev"}
BASE = {"libc6", "libgcc-s1", "libstdc++6"}  # in debian:bookworm-slim already
STOPPING = {"pre_stop_s": 5, "drain_s": 25, "margin_s": 5}  # docs/deployment.md, "Stopping"
version = re.search(r"project\(gangway VERSION ([0-9.]+)", open(os.path.join(root, "CMakeLists.txt")).read()).group(1)


def fail(what):
    failures.append(what)


def check_config(text, env_extra, what):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(text)
    env = dict(os.environ, GANGWAY_JWT_SECRET="check-deploy-secret-0123456789abcdef", **env_extra)
    r = subprocess.run([gangway, "--config", f.name, "--check-config"], env=env, capture_output=True, text=True)
    os.unlink(f.name)
    if r.returncode != 0:
        fail(f"{what}: gangway --check-config failed: {r.stdout}{r.stderr}")


def packages_loaded(binary):
    libs = re.findall(r"=> (/\S+)", subprocess.run(["ldd", binary], capture_output=True, text=True).stdout)
    pkgs = set()
    for lib in libs:
        real = os.path.realpath(lib)
        for candidate in (lib, real, real.replace("/lib/", "/usr/lib/", 1)):
            r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if r.returncode == 0:
                pkgs.add(r.stdout.split(":")[0])
                break
        else:
            fail(f"{binary}: no Debian package owns {lib}")
    return pkgs


def dockerfile_stages(text):
    """{stage name: its instructions}, in order; continuation lines joined."""
    text = re.sub(r"\\\n", " ", text)
    stages = {}
    for m in re.finditer(r"^FROM \S+ AS (\S+)\n(.*?)(?=^FROM |\Z)", text, re.M | re.S):
        stages[m.group(1)] = m.group(2)
    return stages


def apt_installs(stage):
    m = re.search(r"apt-get install -y --no-install-recommends(.*?)&&", stage, re.S)
    return set(m.group(1).split()) if m else set()


# The sidecar's config and the image's config are real config.
docs = [d for d in yaml.safe_load_all(open(os.path.join(root, "deploy/kubernetes/sidecar.yaml"))) if d]
config_maps = [d for d in docs if d.get("kind") == "ConfigMap"]
if not config_maps:
    fail("sidecar.yaml: no ConfigMap")
for cm in config_maps:
    check_config(cm["data"]["gangway.json"], {}, "sidecar.yaml ConfigMap")
demo_config_text = open(os.path.join(root, "deploy/gangway.demo.json")).read()
check_config(demo_config_text, {"GANGWAY_LISTEN_HOST": "0.0.0.0"}, "gangway.demo.json in the image")

# The Dockerfile.
dockerfile = open(os.path.join(root, "deploy/Dockerfile")).read()
stages = dockerfile_stages(dockerfile)
if list(stages)[-1:] != ["runtime"] or "build" not in stages or "demo" not in stages:
    fail(f"Dockerfile: want stages build, demo and runtime last (the default target); got {list(stages)}")
else:
    gateway_needs = packages_loaded(gangway) - BASE
    runtime_installs = apt_installs(stages["runtime"])
    if runtime_installs != gateway_needs | {"ca-certificates"}:
        fail(f"Dockerfile runtime stage: installs {sorted(runtime_installs)}, the gateway loads "
             f"{sorted(gateway_needs)} (+ ca-certificates for https JWKS)")
    demo_needs = gateway_needs | packages_loaded(demo_backend) - BASE | {"nats-server"}
    missing = demo_needs - apt_installs(stages["demo"])
    if missing:
        fail(f"Dockerfile demo stage lacks {sorted(missing)}")
    if "install-deps.sh build" not in stages["build"]:
        fail("Dockerfile build stage: not `install-deps.sh build` (the profile without test tools)")
    for name, stage in stages.items():
        if apt_installs(stage) & TEST_TOOLS:
            fail(f"Dockerfile {name} stage installs test tools {sorted(apt_installs(stage) & TEST_TOOLS)}")
    for name in ("demo", "runtime"):
        users = re.findall(r"^USER (\S+)", stages[name], re.M)
        if not users or not re.fullmatch(r"[1-9][0-9]*(:[0-9]+)?", users[-1]):
            fail(f"Dockerfile {name} stage: USER {users} is not a numeric non-root user")
    health = re.search(r"^HEALTHCHECK .*CMD (\[.*\])$", stages["runtime"], re.M)
    admin_port = json.loads(demo_config_text)["admin"]["listen"].rsplit(":", 1)[1]
    if not health or "/healthz" not in health.group(1):
        fail("Dockerfile runtime stage: no HEALTHCHECK probing /healthz")
    elif f"GANGWAY_ADMIN_PORT={admin_port}" not in stages["runtime"]:
        fail(f"Dockerfile runtime stage: GANGWAY_ADMIN_PORT is not the config's admin port {admin_port}")
install_deps = open(os.path.join(root, "deploy/install-deps.sh")).read()
build_profile = set(re.search(r"^build=\((.*?)^\)", install_deps, re.M | re.S).group(1).split())
if build_profile & TEST_TOOLS:
    fail(f"install-deps.sh build profile installs test tools {sorted(build_profile & TEST_TOOLS)}")
copied = re.findall(r"^COPY (?!--from)(\S+)", dockerfile, re.M)
for src in copied:
    if src != "." and not os.path.exists(os.path.join(root, src)):
        fail(f"Dockerfile copies {src}, which does not exist")

# The build context.
ignore_path = os.path.join(root, ".dockerignore")
if not os.path.exists(ignore_path):
    fail("no .dockerignore: the build trees would enter the context")
else:
    patterns = read_patterns(ignore_path)
    for path in ("build/gangway", "build-asan/CMakeCache.txt", ".git/HEAD", "tests/contracts/node/node_modules/x.js"):
        if not excluded(path, patterns):
            fail(f".dockerignore lets {path} into the context")
    needed = ["CMakeLists.txt", "gateway/main.cpp", "adapters/registry.cpp", "deploy/install-deps.sh",
              "deploy/demo_backend/main.cpp"] + [src for src in copied if src != "."]
    for path in needed:
        if excluded(path, patterns):
            fail(f".dockerignore keeps {path} out, and the image build needs it")
    sent, _ = context_files(root, patterns)
    size = sum(os.path.getsize(os.path.join(root, f)) for f in sent if os.path.isfile(os.path.join(root, f)))
    print(f"build context: {len(sent)} files, {size / 1e6:.1f} MB")
    if size > 50e6:
        fail(f"the build context is {size / 1e6:.0f} MB: something large is not ignored")

# compose.yaml.
compose = yaml.safe_load(open(os.path.join(root, "deploy/compose.yaml")))
for name, service in compose["services"].items():
    image = service.get("image", "")
    if image not in (f"gangway:{version}", f"gangway-demo:{version}"):
        fail(f"compose.yaml: service {name} runs {image!r}, not a gangway image tagged {version}")
    build = service.get("build")
    if build:
        if not os.path.exists(os.path.join(root, "deploy", build["context"], build["dockerfile"])):
            fail(f"compose.yaml: {name} builds from a Dockerfile that does not exist")
        if build.get("target") not in stages:
            fail(f"compose.yaml: {name} builds target {build.get('target')!r}, which is no Dockerfile stage")
    if any("jwt-secret" in str(a) or "GANGWAY_JWT_SECRET" in str(a) for a in service.get("command", [])):
        fail(f"compose.yaml: {name} puts the JWT secret on its command line")

# The Kubernetes manifest.
for dep in (d for d in docs if d.get("kind") == "Deployment"):
    pod = dep["spec"]["template"]["spec"]
    psc = pod.get("securityContext", {})
    if psc.get("runAsNonRoot") is not True or not isinstance(psc.get("runAsUser"), int) or psc["runAsUser"] == 0:
        fail(f"sidecar.yaml: pod securityContext {psc} is not non-root with a numeric user")
    for c in pod["containers"]:
        where = f"sidecar.yaml container {c['name']}"
        image = c["image"]
        if not re.fullmatch(r"[a-z0-9.-]+\.[a-z]+(:\d+)?/[a-z0-9/_-]+:" + re.escape(version), image):
            fail(f"{where}: image {image!r} is not <registry>/<name>:{version}")
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True or sc.get("allowPrivilegeEscalation") is not False \
                or sc.get("capabilities", {}).get("drop") != ["ALL"]:
            fail(f"{where}: securityContext {sc} is not read-only/no escalation/drop ALL")
        argv = " ".join(map(str, c.get("command", []) + c.get("args", [])))
        if "jwt-secret" in argv or "GANGWAY_JWT_SECRET" in argv:
            fail(f"{where}: the JWT secret is on the command line")
        ports = {p["name"] for p in c.get("ports", [])}
        for probe in ("readinessProbe", "livenessProbe"):
            if probe in c and c[probe]["httpGet"]["port"] not in ports:
                fail(f"{where}: {probe} names no container port")
    (gw,) = [c for c in pod["containers"] if c["name"] == "gangway"]
    pre_stop = gw.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command")
    if pre_stop != ["sleep", str(STOPPING["pre_stop_s"])]:
        fail(f"sidecar.yaml: gangway's preStop is {pre_stop}, want sleep {STOPPING['pre_stop_s']}")
    drain_env = {e["name"]: e.get("value") for e in gw.get("env", [])}.get("GANGWAY_DRAIN_GRACE_S")
    if drain_env != str(STOPPING["drain_s"]):
        fail(f"sidecar.yaml: GANGWAY_DRAIN_GRACE_S is {drain_env}, want the drain's {STOPPING['drain_s']}")
    grace = pod.get("terminationGracePeriodSeconds")
    if grace != sum(STOPPING.values()):
        fail(f"sidecar.yaml: terminationGracePeriodSeconds {grace}, want preStop + drain + margin = {sum(STOPPING.values())}")
grace = compose["services"]["gateway"].get("stop_grace_period")
if grace != f"{STOPPING['drain_s'] + STOPPING['margin_s']}s":
    fail(f"compose.yaml: gateway stop_grace_period {grace}, want drain + margin")
doc = open(os.path.join(root, "docs/deployment.md")).read()
for key, value in STOPPING.items():
    if not re.search(rf"\| `{key}` \| {value} s \|", doc):
        fail(f"docs/deployment.md: the Stopping table lacks `{key}` | {value} s")

# The admin port stays off the public interface.
demo = json.loads(demo_config_text)
demo_admin_host, demo_admin_port = demo["admin"]["listen"].rsplit(":", 1)
if demo_admin_host != "127.0.0.1":
    fail(f"gangway.demo.json: the admin port listens on {demo_admin_host}, not loopback")
runtime_stage = stages.get("runtime", "")
exposed = re.findall(r"^EXPOSE (.*)$", runtime_stage, re.M)
if any(demo_admin_port in line.split() for line in exposed):
    fail(f"Dockerfile exposes the admin port {demo_admin_port}")
if re.search(r"^(ENV|ARG)\s.*GANGWAY_ADMIN_HOST", runtime_stage, re.M):
    fail("Dockerfile opens the admin port (GANGWAY_ADMIN_HOST)")
for name, service in compose["services"].items():
    for published in service.get("ports", []):
        parts = str(published).split(":")
        if parts[-1] == demo_admin_port and (len(parts) < 3 or parts[0] != "127.0.0.1"):
            fail(f"compose.yaml: {name} publishes the admin port beyond the host's loopback: {published}")
for cm in config_maps:
    admin_port = int(json.loads(cm["data"]["gangway.json"])["admin"]["listen"].rsplit(":", 1)[1])
    deployments = [d for d in docs if d.get("kind") == "Deployment"]
    admin_names = {p.get("name") for d in deployments for c in d["spec"]["template"]["spec"]["containers"]
                   for p in c.get("ports", []) if p.get("containerPort") == admin_port}
    for svc in (d for d in docs if d.get("kind") == "Service"):
        for p in svc["spec"].get("ports", []):
            if p.get("targetPort") in admin_names | {admin_port} or p.get("port") == admin_port:
                fail(f"sidecar.yaml: Service {svc['metadata']['name']} exposes the admin port")
    policies = [d for d in docs if d.get("kind") == "NetworkPolicy"]
    if not policies:
        fail("sidecar.yaml: no NetworkPolicy keeps the admin port to its scrapers")
    for pol in policies:
        for rule in pol["spec"].get("ingress", []):
            ports = {p.get("port") for p in rule.get("ports", [])}
            if (not ports or admin_port in ports or ports & admin_names) and not rule.get("from"):
                fail(f"sidecar.yaml: NetworkPolicy {pol['metadata']['name']} admits the admin port from anywhere")

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} problem(s)")
sys.exit(1 if failures else 0)
