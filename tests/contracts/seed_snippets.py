"""The JSON frames a seed document shows, as the seed prints them.

A seed is the dialect's contract with existing clients, so its examples are
read straight from its text: every ```json block (split into its top-level
values; `//` comment lines dropped) and every inline `{...}` code span.
Placeholders the seeds write instead of values are made JSON, the same way
every time: <id> -> "<id>", true|false -> true, a trailing `, ...` -> nothing.
"""
import json
import re

DIALECT_SEEDS = {
    "circles": "000_1c4dc2f7244a613c.txt",
    "pythia": "001_da5a5344e5dd98c9.txt",
    "tribe": "002_d75de0077d357f46.txt",
    "social": "003_3be7329d553bf913.txt",
    "winkr": "004_0dcf4d3e892ab89e.txt",
}

_FENCE = re.compile(r"^[ \t]*```json[ \t]*\n(.*?)^[ \t]*```", re.S | re.M)
_INLINE = re.compile(r"`(\{[^`]*\"[^`]*\})`")
_COMMENT = re.compile(r"^[ \t]*//.*$", re.M)


def _top_level_values(text):
    """Splits `text` into its top-level {...} / [...] values by bracket depth."""
    out, depth, start, in_str, esc = [], 0, None, False, False
    for i, c in enumerate(text):
        if in_str:
            esc = (c == "\\") and not esc
            if c == '"' and not esc:
                in_str = False
            continue
        if c == '"':
            in_str = True
        elif c in "{[":
            if depth == 0:
                start = i
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                out.append(text[start:i + 1])
    return out


def normalise(snippet):
    s = re.sub(r"<([^<>\"]+)>", lambda m: json.dumps("<" + m.group(1) + ">"), snippet)
    s = s.replace("true|false", "true")
    s = re.sub(r",\s*\.\.\.(?=\s*[}\]])", "", s)
    return s


def snippets(seed_text):
    """Every example in the seed: (raw text, parsed JSON or None if it is not JSON)."""
    raw = []
    for block in _FENCE.findall(seed_text):
        raw.extend(_top_level_values(_COMMENT.sub("", block)))
    raw.extend(_INLINE.findall(seed_text))
    out = []
    for text in raw:
        try:
            out.append((text, json.loads(normalise(text))))
        except json.JSONDecodeError:
            out.append((text, None))
    return out


if __name__ == "__main__":
    import sys
    for text, value in snippets(open(sys.argv[1], encoding="utf-8").read()):
        print("OK " if value is not None else "BAD", json.dumps(value, ensure_ascii=False) if value is not None else text)
