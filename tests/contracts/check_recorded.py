"""Validates every recorded frame and NATS message against contracts/.

The test binaries append what they see to $GANGWAY_CONTRACT_LOG/<pid>.jsonl
(tests/support/contract_log.hpp): frames the adapters emit in the unit tests,
frames clients receive and send in the integration tests, and every message on
gw.in.> / gw.out.> in the integration tests. Each is validated with
python3-jsonschema against the messages the AsyncAPI documents allow there:
  a frame a client received  -> the dialect's `send` operations' messages
  a NATS message             -> the messages of every channel whose address matches the subject
A server frame or NATS message that matches none fails the check, with the
frame, the test that produced it and the schema's complaint. Frames that test
clients *send* are often deliberately broken (error tests), so they are only
counted and listed, never failed; so are the few NATS messages that tests
publish themselves, listed exactly in test_traffic.json. Nothing recorded at
all fails too.

Usage: check_recorded.py --clear LOG_DIR | check_recorded.py CONTRACTS_DIR LOG_DIR
"""
import collections
import glob
import json
import os
import shutil
import sys

import contract_index


def discriminator(contract, frame):
    for key in ("type", "event"):
        if isinstance(frame, dict) and isinstance(frame.get(key), str):
            return frame[key]
    return None


def explain(candidates, payload, headers, name):
    """The schema errors of the candidates that carry this frame's name, else why none applies."""
    named = [m for m in candidates if m.name == name] or candidates[:0]
    if not named:
        return f"matches no message (no message named {name!r}; known: {sorted({m.name for m in candidates})})"
    lines = []
    for m in named:
        for schema_file, e in m.errors(payload, headers)[:3]:
            where = "/" + "/".join(map(str, e.absolute_path))
            lines.append(f"{os.path.basename(schema_file)}: {e.message} at {where}")
    return "; ".join(lines)


def records(log_dir):
    for path in sorted(glob.glob(os.path.join(log_dir, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def check(contracts_dir, log_dir):
    contracts = contract_index.load_all(contracts_dir)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_traffic.json")) as f:
        test_traffic = {(t["subject"], t["body"]) for t in json.load(f)}
    failures, seen = [], set()
    counts = collections.Counter()
    client_mismatch, deep_published = [], []
    for r in records(log_dir):
        if r["kind"] == "ws":
            key = ("ws", r["dialect"], r["from"], r["frame"])
        else:
            key = ("nats", r["subject"], json.dumps(r["headers"], sort_keys=True), r["body"])
        if key in seen or (r["kind"] == "nats" and (r["subject"], r["body"]) in test_traffic):
            continue
        seen.add(key)
        where = f"[{r.get('test') or 'no test'}]"
        if r["kind"] == "ws":
            contract = contracts.get(r["dialect"])
            if contract is None:
                failures.append(f"{where} cannot tell the dialect of frame: {r['frame']}")
                continue
            action = "send" if r["from"] == "server" else "receive"
            candidates, headers, label = contract.by_action(action), None, f"{r['dialect']} {r['from']}"
            text = r["frame"]
        else:
            contract = contracts["nats"]
            candidates, headers, label = contract.channels_for(r["subject"]), r["headers"], f"nats {r['subject']}"
            text = r["body"]
            if not candidates:
                failures.append(f"{where} {label}: the subject matches no channel of {contract.path}")
                continue
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as e:
            problem = f"not JSON ({e})"
        except RecursionError:  # a test's deliberately deep nesting: Python's parser recurses
            problem = "nested too deeply to check"
        else:
            matched = [m for m in candidates if not m.errors(payload, headers)]
            if matched:
                counts[(label.split(" ")[0], matched[0].key if r["kind"] == "ws" else matched[0].key)] += 1
                continue
            problem = explain(candidates, payload, headers, discriminator(contract, payload)
                              if r["kind"] == "ws" else candidates[0].name)
        if r["kind"] == "ws" and r["from"] == "client":
            client_mismatch.append(f"{where} {label}: {text[:200]} -- {problem}")
        elif r["kind"] == "nats" and problem == "nested too deeply to check":
            # A test's hostile publish: the gateway drops bodies past max_json_depth.
            deep_published.append(f"{where} {label}: {len(text)} bytes")
        else:
            failures.append(f"{where} {label}: {text}\n    {problem}")

    for (contract, message), n in sorted(counts.items()):
        print(f"ok  {contract:8} {message:34} {n} distinct")
    if client_mismatch:
        print(f"note: {len(client_mismatch)} distinct frames sent by test clients match no client message "
              "(error tests send broken frames on purpose):")
        for line in client_mismatch[:20]:
            print("   ", line)
    if deep_published:
        print(f"note: {len(deep_published)} distinct NATS messages nested too deeply to check (the gateway drops them):")
        for line in deep_published[:20]:
            print("   ", line)
    if not any(k[0] == "ws" and k[2] == "server" for k in seen):
        failures.append(f"nothing recorded in {log_dir}: did the adapters/integration tests run with GANGWAY_CONTRACT_LOG?")
    if any(k[0] == "ws" for k in seen) and not any(k[0] == "nats" for k in seen) and _integration_ran(log_dir):
        failures.append("the integration tests ran but no NATS message was recorded")
    for f in failures:
        print("FAIL", f)
    print(f"{len(seen)} distinct frames and NATS messages checked, {len(failures)} failures")
    return 1 if failures else 0


def _integration_ran(log_dir):
    return any(r.get("source") == "integration_tests" for r in records(log_dir))


def main(argv):
    if argv[1] == "--clear":
        shutil.rmtree(argv[2], ignore_errors=True)
        os.makedirs(argv[2])
        return 0
    return check(argv[1], argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
