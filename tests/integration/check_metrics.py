#!/usr/bin/env python3
"""A running gateway's /metrics, read by the parsers of Prometheus's Python
client (Debian's python3-prometheus-client): the OpenMetrics parser, which
refuses clashing names, bad histograms and a missing `# EOF`, and the
Prometheus text parser. Run by tests/integration/metrics_test.cpp on what it
fetched after some traffic (an upgrade, a callout, an event delivered).

    check_metrics.py PROMETHEUS_TEXT_FILE OPENMETRICS_FILE
"""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

HISTOGRAMS = ["gangway_upgrade_duration_seconds", "gangway_callout_duration_seconds",
              "gangway_publish_to_write_seconds"]
PROCESS = {"process_cpu_seconds": "counter", "process_resident_memory_bytes": "gauge",
           "process_virtual_memory_bytes": "gauge", "process_open_fds": "gauge", "process_max_fds": "gauge",
           "process_start_time_seconds": "gauge"}
NATS = ["gangway_nats_slow_consumer", "gangway_nats_dropped", "gangway_nats_reconnects"]

failures = []


def fail(message):
    failures.append(message)


def families(parse, text, fmt):
    found = {}
    try:
        for f in parse(text):
            if f.name in found:
                fail(f"{fmt}: family {f.name} appears twice")
            if f.type in ("untyped", "unknown"):
                fail(f"{fmt}: samples outside their declared family: {f.name} {f.samples[:1]}")
            if not f.name.startswith(("gangway_", "process_")):
                fail(f"{fmt}: {f.name} is outside the naming scheme (gangway_ or process_; docs/operations.md)")
            found[f.name] = f
    except ValueError as e:
        fail(f"{fmt}: the parser refused /metrics: {e}")
    return found


def check(found, fmt):
    for name in HISTOGRAMS:
        f = found.get(name)
        if not f or f.type != "histogram":
            fail(f"{fmt}: no histogram {name}")
            continue
        counts = [s.value for s in f.samples if s.name == name + "_count"]
        if not counts or max(counts) < 1:
            fail(f"{fmt}: {name} observed nothing: {counts}")
    for name, typ in PROCESS.items():
        f = found.get(name)
        if not f or f.type != typ or not f.samples or f.samples[0].value <= 0:
            fail(f"{fmt}: no {typ} {name} with a positive value")
    for name in NATS:
        f = found.get(name)
        connections = {s.labels.get("connection") for s in f.samples} if f else set()
        if not f or f.type != "counter" or connections != {"main", "no_echo"}:
            fail(f"{fmt}: no counter {name} for both NATS connections ({connections})")
    for name, typ in (("gangway_connections_open", "gauge"), ("gangway_connections", "counter"),
                      ("gangway_nats_connected", "gauge")):
        if name not in found or found[name].type != typ:
            fail(f"{fmt}: no {typ} {name}")


def main():
    prometheus_text = open(sys.argv[1]).read()
    openmetrics_text = open(sys.argv[2]).read()
    om = families(parse_openmetrics, openmetrics_text, "OpenMetrics")
    prom = families(parse_prometheus, prometheus_text, "Prometheus")
    check(om, "OpenMetrics")
    check(prom, "Prometheus")
    build = om.get("gangway_build")
    if not build or build.type != "info" or not build.samples or \
            set(build.samples[0].labels) != {"version", "commit", "build_type", "compiler"}:
        fail(f"OpenMetrics: no info gangway_build with version, commit, build_type, compiler: {build}")
    if "gangway_build_info" not in prom or prom["gangway_build_info"].type != "gauge":
        fail("Prometheus: no gauge gangway_build_info")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(om)} OpenMetrics families, {len(prom)} Prometheus families; {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
