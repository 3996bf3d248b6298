"""Fails when a schema in contracts/ changed incompatibly without a major bump.

contracts/VERSION is the contract's semver; contracts/released/<version>/
holds the schemas as they were released. Against the newest release not newer
than VERSION:
  * same major: every released schema must still exist and be compatible --
    no property removed or renamed, no type/const changed, no enum value
    removed, no newly required property, no newly closed object;
  * any change at all needs VERSION above that release (bump minor or patch);
  * every AsyncAPI document's info.version must be VERSION.
To release: copy contracts/*/schemas into contracts/released/<VERSION>/.
Usage: check_compat.py CONTRACTS_DIR
"""
import glob
import json
import os
import sys


def semver(text):
    parts = text.strip().split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a semver: {text!r}")
    return tuple(int(p) for p in parts)


def types(node):
    t = node.get("type")
    return set(t) if isinstance(t, list) else {t} if t else set()


def breaks(old, new, at):
    """Incompatibilities between two schema nodes (old released, new current)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [] if old == new else [f"{at}: changed from {json.dumps(old)} to {json.dumps(new)}"]
    out = []
    if types(old) != types(new):
        out.append(f"{at}: type {sorted(types(old))} became {sorted(types(new))}")
    if old.get("const") != new.get("const"):
        out.append(f"{at}: const {old.get('const')!r} became {new.get('const')!r}")
    if "enum" in old:
        gone = set(map(json.dumps, old["enum"])) - set(map(json.dumps, new.get("enum", old["enum"])))
        if gone or "enum" not in new and "const" in new:
            out.append(f"{at}: enum values removed: {sorted(gone)}")
    if "pattern" in new and old.get("pattern") != new["pattern"]:
        out.append(f"{at}: pattern {old.get('pattern')!r} became {new['pattern']!r}")
    newly = set(new.get("required", [])) - set(old.get("required", []))
    if newly:
        out.append(f"{at}: newly required {sorted(newly)}")
    if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
        out.append(f"{at}: no longer accepts additional properties")
    for name, sub in old.get("properties", {}).items():
        if name not in new.get("properties", {}):
            out.append(f"{at}/{name}: removed")
        else:
            out += breaks(sub, new["properties"][name], f"{at}/{name}")
    if "items" in old:
        out += breaks(old["items"], new.get("items", {}), f"{at}/items")
    for key in ("anyOf", "oneOf"):
        olds, news = old.get(key, []), new.get(key, [])
        if len(news) < len(olds):
            out.append(f"{at}: {key} lost alternatives")
        for i, (o, n) in enumerate(zip(olds, news)):
            out += breaks(o, n, f"{at}/{key}/{i}")
    return out


def schema_files(root):
    return {os.path.relpath(p, root): p for p in glob.glob(os.path.join(root, "*", "schemas", "*.json"))}


def check(contracts_dir):
    failures = []
    version = semver(open(os.path.join(contracts_dir, "VERSION")).read())
    for doc in glob.glob(os.path.join(contracts_dir, "*", "asyncapi.json")):
        v = json.load(open(doc))["info"]["version"]
        if semver(v) != version:
            failures.append(f"{doc}: info.version {v} is not contracts/VERSION")
    released = {semver(os.path.basename(d)): d for d in glob.glob(os.path.join(contracts_dir, "released", "*"))}
    base = max((v for v in released if v <= version), default=None)
    if base is None:
        failures.append(f"no release at or below {version} in {contracts_dir}/released")
    else:
        old, new = schema_files(released[base]), schema_files(contracts_dir)
        changed = sorted(f for f in set(old) | set(new)
                         if f not in old or f not in new or json.load(open(old[f])) != json.load(open(new[f])))
        if changed and version == base:
            failures.append(f"schemas differ from release {'.'.join(map(str, base))} but contracts/VERSION was not "
                            f"bumped: {changed}")
        if version[0] == base[0]:
            for f, path in sorted(old.items()):
                if f not in new:
                    failures.append(f"{f}: removed (a breaking change: bump the major version)")
                    continue
                for b in breaks(json.load(open(path)), json.load(open(new[f])), f):
                    failures.append(f"{b} (a breaking change: bump the major version)")
        print(f"contracts {'.'.join(map(str, version))} against release {'.'.join(map(str, base))}: "
              f"{len(old)} released schemas, {len(changed)} changed")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1]))
