#!/usr/bin/env python3
"""Checks deploy/'s container files against the build, without a Docker engine.

- the Kubernetes sidecar's gangway.json passes `gangway --check-config`;
- deploy/gangway.demo.json passes it with GANGWAY_LISTEN_HOST=0.0.0.0, as in the image;
- the runtime packages the Dockerfile installs are the ones the binaries load (ldd + dpkg -S);
- compose.yaml and the manifests parse, and every file they copy or mount exists;
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

root, gangway, demo_backend = sys.argv[1:4]
failures = []


def check_config(text, env_extra, what):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(text)
    env = dict(os.environ, GANGWAY_JWT_SECRET="check-deploy-secret-0123456789abcdef", **env_extra)
    r = subprocess.run([gangway, "--config", f.name, "--check-config"], env=env, capture_output=True, text=True)
    os.unlink(f.name)
    if r.returncode != 0:
        failures.append(f"{what}: gangway --check-config failed: {r.stdout}{r.stderr}")


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
            failures.append(f"{binary}: no Debian package owns {lib}")
    return pkgs


# The sidecar's config is real config.
docs = list(yaml.safe_load_all(open(os.path.join(root, "deploy/kubernetes/sidecar.yaml"))))
config_maps = [d for d in docs if d and d.get("kind") == "ConfigMap"]
if not config_maps:
    failures.append("sidecar.yaml: no ConfigMap")
for cm in config_maps:
    check_config(cm["data"]["gangway.json"], {}, "sidecar.yaml ConfigMap")
check_config(open(os.path.join(root, "deploy/gangway.demo.json")).read(), {"GANGWAY_LISTEN_HOST": "0.0.0.0"},
             "gangway.demo.json in the image")

# The runtime stage installs exactly what the binaries need (libc6, libgcc-s1 and libstdc++6 come with the base).
dockerfile = open(os.path.join(root, "deploy/Dockerfile")).read()
runtime = dockerfile.split("FROM debian:bookworm-slim", 1)[1]
installed = set(re.search(r"--no-install-recommends(.*?)&&", runtime, re.S).group(1).replace("\\", " ").split())
needed = (packages_loaded(gangway) | packages_loaded(demo_backend)) - {"libc6", "libgcc-s1", "libstdc++6"}
missing = sorted(needed - installed)
if missing:
    failures.append(f"Dockerfile runtime stage lacks {missing} (the binaries load them)")
for src in re.findall(r"^COPY (?!--from)(\S+)", dockerfile, re.M):
    if src != "." and not os.path.exists(os.path.join(root, src)):
        failures.append(f"Dockerfile copies {src}, which does not exist")

compose = yaml.safe_load(open(os.path.join(root, "deploy/compose.yaml")))
build = compose["services"]["nats"]["build"]
if not os.path.exists(os.path.join(root, "deploy", build["context"], build["dockerfile"])):
    failures.append("compose.yaml builds from a Dockerfile that does not exist")
for name, service in compose["services"].items():
    if service.get("image") != "gangway":
        failures.append(f"compose.yaml: service {name} does not run the gangway image")

# The admin port stays off the public interface.
demo = json.load(open(os.path.join(root, "deploy/gangway.demo.json")))
demo_admin_host, demo_admin_port = demo["admin"]["listen"].rsplit(":", 1)
if demo_admin_host != "127.0.0.1":
    failures.append(f"gangway.demo.json: the admin port listens on {demo_admin_host}, not loopback")
exposed = re.findall(r"^EXPOSE (.*)$", runtime, re.M)
if any(demo_admin_port in line.split() for line in exposed):
    failures.append(f"Dockerfile exposes the admin port {demo_admin_port}")
if re.search(r"^(ENV|ARG)\s.*GANGWAY_ADMIN_HOST", runtime, re.M):
    failures.append("Dockerfile opens the admin port (GANGWAY_ADMIN_HOST)")
for name, service in compose["services"].items():
    for published in service.get("ports", []):
        parts = str(published).split(":")
        if parts[-1] == demo_admin_port and (len(parts) < 3 or parts[0] != "127.0.0.1"):
            failures.append(f"compose.yaml: {name} publishes the admin port beyond the host's loopback: {published}")

for cm in config_maps:
    admin_port = int(json.loads(cm["data"]["gangway.json"])["admin"]["listen"].rsplit(":", 1)[1])
    deployments = [d for d in docs if d and d.get("kind") == "Deployment"]
    admin_names = {p.get("name") for d in deployments for c in d["spec"]["template"]["spec"]["containers"]
                   for p in c.get("ports", []) if p.get("containerPort") == admin_port}
    for svc in (d for d in docs if d and d.get("kind") == "Service"):
        for p in svc["spec"].get("ports", []):
            if p.get("targetPort") in admin_names | {admin_port} or p.get("port") == admin_port:
                failures.append(f"sidecar.yaml: Service {svc['metadata']['name']} exposes the admin port")
    policies = [d for d in docs if d and d.get("kind") == "NetworkPolicy"]
    if not policies:
        failures.append("sidecar.yaml: no NetworkPolicy keeps the admin port to its scrapers")
    for pol in policies:
        for rule in pol["spec"].get("ingress", []):
            ports = {p.get("port") for p in rule.get("ports", [])}
            if (not ports or admin_port in ports or ports & admin_names) and not rule.get("from"):
                failures.append(f"sidecar.yaml: NetworkPolicy {pol['metadata']['name']} admits the admin port from anywhere")

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} problem(s)")
sys.exit(1 if failures else 0)
