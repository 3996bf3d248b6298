#!/usr/bin/env python3
"""Every #include between the gateway's folders follows the layers that
CMakeLists.txt declares: a folder's library may include only from itself and
from the libraries its DEPS reach. A back edge (net including app, say) fails
here, so the layering is kept by the build, not by review.

Usage: check_layers.py <source dir>
"""
import os
import re
import sys

LIBRARY = re.compile(r"gangway_library\((\w+)\s+DIRS\s+([^)]*?)(?:\s+DEPS\s+([^)]*))?\)", re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def libraries(cmake_text):
    libs = {}
    for name, dirs, deps in LIBRARY.findall(cmake_text):
        libs[name] = {
            "dirs": dirs.split(),
            "deps": [d for d in (deps or "").split() if d.startswith("gangway_")],
        }
    return libs


def reach(libs, name, seen=None):
    seen = set() if seen is None else seen
    for dep in libs[name]["deps"]:
        if dep not in seen:
            seen.add(dep)
            reach(libs, dep, seen)
    return seen


def owner(libs, path):
    """The library whose folder holds `path` (relative to the source dir), or None."""
    best = None
    for name, lib in libs.items():
        for d in lib["dirs"]:
            if path == d or path.startswith(d + "/"):
                if best is None or len(d) > len(best[1]):
                    best = (name, d)
    return best[0] if best else None


def check(src):
    with open(os.path.join(src, "CMakeLists.txt")) as f:
        libs = libraries(f.read())
    if not libs:
        print("FAIL: no gangway_library() lines found in CMakeLists.txt")
        return 1
    problems, files = [], 0
    for name, lib in libs.items():
        allowed = reach(libs, name) | {name}
        for d in lib["dirs"]:
            for root, _, names in os.walk(os.path.join(src, d)):
                for n in names:
                    if not n.endswith((".hpp", ".cpp")):
                        continue
                    path = os.path.relpath(os.path.join(root, n), src)
                    if owner(libs, path) != name:
                        continue  # a nested folder of another library
                    files += 1
                    with open(os.path.join(src, path)) as f:
                        for included in INCLUDE.findall(f.read()):
                            target = owner(libs, included)
                            if target and target not in allowed:
                                problems.append(f"{path} ({name}) includes {included} ({target}), "
                                                f"which {name}'s DEPS do not reach")
    for p in problems:
        print("FAIL", p)
    print(f"{files} files of {len(libs)} libraries checked, {len(problems)} back edges")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(check(sys.argv[1]))
