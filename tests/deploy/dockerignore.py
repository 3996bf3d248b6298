"""What `docker build` would send as the build context, by .dockerignore's rules
(moby/patternmatcher): paths relative to the context, `*` and `?` stay within one
path element, `**` spans any number of them, a pattern that matches a directory
excludes everything under it, `!` re-includes, and the last matching pattern wins."""
import os
import re


def _regex(pattern):
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(f"^{out}$")


def read_patterns(path):
    patterns = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        text = os.path.normpath(line[1:] if negate else line).lstrip("/")
        patterns.append((negate, _regex(text)))
    return patterns


def excluded(rel_path, patterns):
    """True if rel_path (or a directory above it) is excluded."""
    parts = rel_path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for negate, regex in patterns:
        if any(regex.match(p) for p in prefixes):
            result = not negate
    return result


def context_files(root, patterns):
    """(files sent, files left out): paths relative to root."""
    sent, left = [], []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            (left if excluded(rel, patterns) else sent).append(rel)
        # Directories wholly excluded (and not re-included below) need not be walked.
        if not any(negate for negate, _ in patterns):
            dirnames[:] = [d for d in dirnames
                           if not excluded(d if rel_dir == "." else f"{rel_dir}/{d}", patterns)]
    return sent, left
