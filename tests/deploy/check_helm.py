#!/usr/bin/env python3
"""Renders deploy/helm/gangway (helm_render.go: Go's text/template with Helm's
functions; neither Debian nor npm ships Helm) and checks what it makes, by hand,
against the Kubernetes fields it relies on (no schemas are installed here):

- the chart's appVersion is the project's version (CMakeLists.txt);
- every object parses, has a valid name and labels; selectors match the pod's labels;
- the Deployment's image is tagged, its ports, probes, volumes and Secret refer to
  things that exist, its security context is non-root, read-only, no escalation,
  no capabilities; the grace period covers preStop + drain + margin;
- the ConfigMap's gangway.json passes `gangway --check-config`, and its apps listen
  on the container's ports;
- overrides take effect (tag, replicas, env, the budget off) and a missing
  required value fails with its message.

usage: check_helm.py REPO_ROOT GANGWAY_BIN GO_BIN
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

root, gangway, go = sys.argv[1:4]
chart_dir = os.path.join(root, "deploy/helm/gangway")
renderer = os.path.join(root, "tests/deploy/helm_render.go")
failures = []
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
PORT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")  # IANA_SVC_NAME, and at most 15 characters


def fail(what):
    failures.append(what)


def merge(base, override):
    out = copy.deepcopy(base)
    for k, v in override.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def render(overrides=None):
    """(return code, objects or None, stderr)."""
    chart = yaml.safe_load(open(os.path.join(chart_dir, "Chart.yaml")))
    values = merge(yaml.safe_load(open(os.path.join(chart_dir, "values.yaml"))), overrides or {})
    context = {"Values": values, "Chart": {"Name": chart["name"], "Version": chart["version"],
                                           "AppVersion": chart["appVersion"]},
               "Release": {"Name": "chat", "Namespace": "default", "Service": "Helm"}}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(context, f)
    r = subprocess.run([go, "run", renderer, chart_dir, f.name], capture_output=True, text=True)
    os.unlink(f.name)
    if r.returncode != 0:
        return r.returncode, None, r.stderr
    return 0, [d for d in yaml.safe_load_all(r.stdout) if d], r.stderr


def check_metadata(obj):
    where = f"{obj.get('kind')} {obj.get('metadata', {}).get('name')}"
    for key in ("apiVersion", "kind", "metadata"):
        if key not in obj:
            fail(f"{where}: no {key}")
    name = obj["metadata"].get("name", "")
    if not (DNS_LABEL.match(name) and len(name) <= 63):
        fail(f"{where}: name {name!r} is not a DNS-1123 label")
    for k, v in obj["metadata"].get("labels", {}).items():
        if not isinstance(v, str) or len(v) > 63 or not LABEL_VALUE.match(v):
            fail(f"{where}: label {k}={v!r} is not a valid label value")


def subset(small, big):
    return all(big.get(k) == v for k, v in small.items())


def check_deployment(dep, objs, values):
    spec = dep["spec"]
    pod = spec["template"]
    if not isinstance(spec.get("replicas"), int):
        fail("Deployment: replicas is not an integer")
    if not spec["selector"]["matchLabels"] or not subset(spec["selector"]["matchLabels"], pod["metadata"]["labels"]):
        fail("Deployment: selector does not match the pod's labels")
    pspec = pod["spec"]
    (c,) = pspec["containers"]
    repo, _, tag = c["image"].rpartition(":")
    if not repo or not tag or tag == "latest" or "/" in tag:
        fail(f"Deployment: image {c['image']!r} has no version tag")
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    if len(ports) != len(c["ports"]):
        fail("Deployment: two container ports share a name")
    for name, number in ports.items():
        if not (PORT_NAME.match(name) and len(name) <= 15) or not isinstance(number, int) or not 0 < number < 65536:
            fail(f"Deployment: port {name}={number!r} is not valid")
    for probe in ("readinessProbe", "livenessProbe"):
        if c.get(probe, {}).get("httpGet", {}).get("port") not in ports:
            fail(f"Deployment: {probe} names no container port")
    volumes = {v["name"]: v for v in pspec["volumes"]}
    for m in c["volumeMounts"]:
        if m["name"] not in volumes:
            fail(f"Deployment: volume mount {m['name']} has no volume")
    config_maps = [o["metadata"]["name"] for o in objs if o["kind"] == "ConfigMap"]
    if volumes["config"]["configMap"]["name"] not in config_maps:
        fail("Deployment: the config volume names no ConfigMap of the chart")
    env = {e["name"]: e for e in c["env"]}
    ref = env["GANGWAY_JWT_SECRET"]["valueFrom"]["secretKeyRef"]
    if ref != {"name": values["jwtSecret"]["name"], "key": values["jwtSecret"]["key"]}:
        fail(f"Deployment: GANGWAY_JWT_SECRET comes from {ref}, not values.jwtSecret")
    psc, sc = pspec["securityContext"], c["securityContext"]
    if psc.get("runAsNonRoot") is not True or not isinstance(psc.get("runAsUser"), int) or psc["runAsUser"] == 0:
        fail(f"Deployment: pod securityContext {psc} is not non-root with a numeric user")
    if sc.get("readOnlyRootFilesystem") is not True or sc.get("allowPrivilegeEscalation") is not False \
            or sc.get("capabilities", {}).get("drop") != ["ALL"]:
        fail(f"Deployment: container securityContext {sc} is not read-only/no escalation/drop ALL")
    sleep = c["lifecycle"]["preStop"]["exec"]["command"]
    shutdown = values["shutdown"]
    if sleep != ["sleep", str(shutdown["preStopSleepSeconds"])]:
        fail(f"Deployment: preStop {sleep} is not sleep {shutdown['preStopSleepSeconds']}")
    if env.get("GANGWAY_DRAIN_GRACE_S", {}).get("value") != str(shutdown["drainSeconds"]):
        fail(f"Deployment: GANGWAY_DRAIN_GRACE_S is {env.get('GANGWAY_DRAIN_GRACE_S')}, "
             f"not shutdown.drainSeconds {shutdown['drainSeconds']}: the gateway would not drain in its share")
    grace = pspec["terminationGracePeriodSeconds"]
    if grace != shutdown["preStopSleepSeconds"] + shutdown["drainSeconds"] + shutdown["marginSeconds"]:
        fail(f"Deployment: terminationGracePeriodSeconds {grace} is not preStop + drain + margin")
    return ports, pod["metadata"]["labels"]


def check_config(cm, ports, values):
    text = cm["data"]["gangway.json"]
    config = json.loads(text)
    for app in config["apps"]:
        port = int(app["listen"].rsplit(":", 1)[1])
        if port not in ports.values():
            fail(f"ConfigMap: app {app['name']} listens on {port}, which no container port exposes")
    if int(config["admin"]["listen"].rsplit(":", 1)[1]) != ports.get("admin"):
        fail("ConfigMap: admin.listen is not the container's admin port")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(text)
    env = dict(os.environ, GANGWAY_JWT_SECRET="check-helm-secret-0123456789abcdef0123")
    r = subprocess.run([gangway, "--config", f.name, "--check-config"], env=env, capture_output=True, text=True)
    os.unlink(f.name)
    if r.returncode != 0:
        fail(f"ConfigMap: gangway --check-config: {r.stdout}{r.stderr}")


def check_chart(objs, values):
    for o in objs:
        check_metadata(o)
    kinds = {o["kind"]: o for o in objs}
    for kind in ("ConfigMap", "Deployment", "Service"):
        if kind not in kinds:
            fail(f"no {kind} rendered")
            return
    ports, pod_labels = check_deployment(kinds["Deployment"], objs, values)
    check_config(kinds["ConfigMap"], ports, values)
    svc = kinds["Service"]["spec"]
    if not subset(svc["selector"], pod_labels):
        fail("Service: selector does not match the pod's labels")
    for p in svc["ports"]:
        if p["targetPort"] not in ports:
            fail(f"Service: targetPort {p['targetPort']} is no container port")
    if "PodDisruptionBudget" in kinds and not subset(kinds["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
                                                     pod_labels):
        fail("PodDisruptionBudget: selector does not match the pod's labels")
    return kinds


version = re.search(r"project\(gangway VERSION ([0-9.]+)", open(os.path.join(root, "CMakeLists.txt")).read()).group(1)
chart = yaml.safe_load(open(os.path.join(chart_dir, "Chart.yaml")))
if chart.get("apiVersion") != "v2" or chart.get("name") != "gangway" or str(chart.get("appVersion")) != version:
    fail(f"Chart.yaml: want apiVersion v2, name gangway, appVersion {version}; got {chart}")
defaults = yaml.safe_load(open(os.path.join(chart_dir, "values.yaml")))

rc, objs, err = render()
if rc != 0:
    fail(f"the default values do not render: {err}")
else:
    kinds = check_chart(objs, defaults)
    if kinds and kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"] != \
            f"{defaults['image']['repository']}:{version}":
        fail("the default image tag is not the chart's appVersion")
    if kinds and "PodDisruptionBudget" not in kinds:
        fail("the budget is on by default but was not rendered")

overrides = {"image": {"tag": "1.2.3"}, "replicaCount": 3, "jwtSecret": {"name": "chat-jwt", "key": "hs256"},
             "env": {"GANGWAY_THREADS": 4}, "podDisruptionBudget": {"enabled": False},
             "shutdown": {"drainSeconds": 40}, "service": {"annotations": {"example.com/x": "y"}}}
rc, objs, err = render(overrides)
if rc != 0:
    fail(f"overridden values do not render: {err}")
else:
    values = merge(defaults, overrides)
    kinds = check_chart(objs, values) or {}
    dep = kinds.get("Deployment", {}).get("spec", {})
    c = dep.get("template", {}).get("spec", {}).get("containers", [{}])[0]
    if not c.get("image", "").endswith(":1.2.3") or dep.get("replicas") != 3:
        fail("image.tag / replicaCount overrides did not take effect")
    if {"name": "GANGWAY_THREADS", "value": "4"} not in c.get("env", []):
        fail("env override did not take effect")
    if "PodDisruptionBudget" in kinds:
        fail("podDisruptionBudget.enabled=false still renders a budget")
    if dep.get("template", {}).get("spec", {}).get("terminationGracePeriodSeconds") != 50:
        fail("a longer drain did not lengthen the grace period")
    if kinds.get("Service", {}).get("metadata", {}).get("annotations") != {"example.com/x": "y"}:
        fail("service.annotations override did not take effect")

# TLS files: nothing mounted by default; a Secret named in tls.secretName is
# mounted read-only (whole, so that a renewal reaches the files, group-readable
# only, with the pod's fsGroup), and probeScheme reaches both probes.
def tls_mounts(objs):
    pod = next(o for o in objs if o["kind"] == "Deployment")["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    vol = next((v for v in pod["volumes"] if v["name"] == "tls"), None)
    mount = next((m for m in c["volumeMounts"] if m["name"] == "tls"), None)
    return pod, c, vol, mount


rc, objs, err = render()
if rc == 0 and tls_mounts(objs)[2] is not None:
    fail("a TLS volume is rendered without tls.secretName")
rc, objs, err = render({"tls": {"secretName": "gangway-tls"}, "probeScheme": "HTTPS"})
if rc != 0:
    fail(f"tls.secretName does not render: {err}")
else:
    pod, c, vol, mount = tls_mounts(objs)
    if not vol or vol.get("secret") != {"secretName": "gangway-tls", "defaultMode": 0o440}:
        fail(f"tls.secretName: the tls volume is {vol}, not the Secret gangway-tls, mode 0440")
    if not mount or mount.get("mountPath") != defaults["tls"]["mountPath"] or mount.get("readOnly") is not True \
            or "subPath" in mount:
        fail(f"tls.secretName: the tls mount is {mount}, not read-only at {defaults['tls']['mountPath']}")
    if pod.get("securityContext", {}).get("fsGroup") != pod.get("securityContext", {}).get("runAsGroup"):
        fail("the pod's fsGroup is not its group: the key (0440) would not be readable")
    for probe in ("readinessProbe", "livenessProbe"):
        if c[probe]["httpGet"].get("scheme") != "HTTPS":
            fail(f"probeScheme HTTPS did not reach the {probe}")

rc, _, err = render({"image": {"repository": ""}})
if rc == 0 or "image.repository is required" not in err:
    fail(f"an empty image.repository should fail with its message; got rc={rc}: {err}")

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} problem(s)")
sys.exit(1 if failures else 0)
