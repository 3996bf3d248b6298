"""Reads the AsyncAPI documents in contracts/ into what the checks need.

The documents are the single source: which messages a dialect's client sends
(operations with action `receive`) and the gateway sends (`send`), which NATS
subjects carry which messages, and the JSON Schema file of every payload.
"""
import json
import os
import re

import jsonschema

DIALECTS = ("circles", "pythia", "tribe", "social", "winkr")


class Message:
    def __init__(self, key, doc_dir, spec):
        self.key = key
        self.name = spec.get("name", key)
        self.payload_file = os.path.normpath(os.path.join(doc_dir, spec["payload"]["schema"]["$ref"]))
        self.payload = _load(self.payload_file)
        headers = spec.get("headers")
        self.headers_file = os.path.normpath(os.path.join(doc_dir, headers["schema"]["$ref"])) if headers else None
        self.headers = _load(self.headers_file) if headers else None
        self.examples = spec.get("examples", [])
        self._payload = jsonschema.Draft7Validator(self.payload)
        self._headers = jsonschema.Draft7Validator(self.headers) if self.headers is not None else None

    def errors(self, payload, headers=None):
        """The validator's errors for this message as (schema file, error); empty: it matches."""
        errs = [(self.payload_file, e) for e in self._payload.iter_errors(payload)]
        if self._headers is not None:
            errs += [(self.headers_file, e) for e in self._headers.iter_errors(headers or {})]
        return errs


def _load(path):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


class Contract:
    def __init__(self, contracts_dir, name):
        self.name = name
        self.dir = os.path.join(contracts_dir, name)
        self.path = os.path.join(self.dir, "asyncapi.json")
        with open(self.path, encoding="utf-8") as f:
            self.doc = json.load(f)
        comps = self.doc["components"]["messages"]
        self.messages = {k: Message(k, self.dir, v) for k, v in comps.items()}

    def _ref(self, ref):
        node = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    def _message_of(self, ref):
        target = self._ref(ref)
        return self.messages[target["$ref"].rsplit("/", 1)[1]] if "$ref" in target else None

    def by_action(self, action):
        """Messages of every operation with this action (`send`: the gateway's; `receive`: the client's)."""
        out = {}
        for op in self.doc["operations"].values():
            if op["action"] == action:
                for m in op["messages"]:
                    msg = self._message_of(m["$ref"])
                    out[msg.key] = msg
        return list(out.values())

    def channels_for(self, subject):
        """Messages of every channel whose address matches the subject ({param} = one token)."""
        out = []
        for ch in self.doc["channels"].values():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^.]+", re.escape(ch["address"])) + "$"
            if re.match(pattern, subject):
                out += [self.messages[m["$ref"].rsplit("/", 1)[1]] for m in ch["messages"].values()]
        return out


def load_all(contracts_dir):
    return {n: Contract(contracts_dir, n) for n in DIALECTS + ("nats",)}
