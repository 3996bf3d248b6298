"""Writes the fuzz targets' inputs: make_corpus.py <source dir> <output dir>.

For each target (tests/fuzz/CMakeLists.txt) it writes
  <out>/<target>/          the seed corpus the fuzzer starts from (inputs <= 64 KiB);
  <out>/<target>.replay/   inputs too large to mutate, run once each (nesting
                           of 20,000 and 1,000,000 levels: issue 22's crash);
  <out>/<target>.dict      a libFuzzer dictionary: the string literals of the
                           code the target reaches (field names, event types).
Seeds come from the repository, so they follow it: every JSON example of the
seed documents (contracts/seeds, read as tests/contracts/seed_snippets.py
reads them) and of the AsyncAPI documents (contracts/*/asyncapi.json), the
demo config, plus the edge cases below. Nothing here is secret: the key set
lists only public keys of throwaway key pairs.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "contracts"))
from seed_snippets import DIALECT_SEEDS, snippets  # noqa: E402

DEPTH = 128  # gateway/core/json_parse.hpp's kDefaultMaxJsonDepth


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def nested_arrays(levels, inner=""):
    return "[" * levels + inner + "]" * levels


def nested_objects(levels):
    return '{"a":' * (levels - 1) + "{}" + "}" * (levels - 1)


def edge_json():
    """Texts at the edges of any JSON parser: syntax, numbers, strings, depth, size."""
    texts = ["", " ", "null", "{}", "[]", "0", '"x"', "{", "}", "[1,]", '{"a":1,}', '{"a" 1}', "{}{}",
             "\ufeff{}", '{"a":"\\ud800"}', '{"a":"\\udc00\\ud800"}', '{"a":"\\u0000"}', '{"a":"\\uD83D\\uDE00"}',
             '{"a":1e400}', '{"a":-1e400}', '{"a":-0}', '{"a":-0.0}', '{"a":18446744073709551615}',
             '{"a":18446744073709551616}', '{"a":-9223372036854775808}', '{"a":-9223372036854775809}',
             '{"a":9007199254740993}', '{"a":1.5e-320}', '{"a":01}', '{"a":.5}', '{"a":NaN}',
             '{"a":1,"a":2}', '{"a":tru}', '{"a":"\\x"}', '{"a":"tab\tin"}']
    for levels in (DEPTH - 2, DEPTH - 1, DEPTH, DEPTH + 1):
        texts += [nested_arrays(levels), nested_arrays(levels, "1"), nested_objects(levels),
                  '{"a":' + nested_arrays(levels - 1) + "}"]
    texts += ['{"a":"' + "x" * (16 * 1024 + 1) + '"}', "[" + ",".join(["1"] * 20000) + "]"]
    return [t.encode("utf-8") for t in texts] + [b'{"a":"\xff"}', b'{"a":"\xc3"}', b'{"a":"\xed\xa0\x80"}']


def huge_json():
    """The nesting that overflowed a loop's stack (issue 22), and far past it."""
    return [nested_arrays(20000).encode(), nested_objects(20000).encode(), nested_arrays(1000000).encode()]


def seed_frames(src, dialect):
    """Every JSON example of the dialect's seed and contract, compact and as the seed prints it."""
    with open(os.path.join(src, "contracts", "seeds", DIALECT_SEEDS[dialect]), encoding="utf-8") as f:
        found = snippets(f.read())
    out = []
    for text, value in found:
        out.append(text)
        if value is not None:
            out.append(dumps(value))
    return out + [dumps(v) for v in contract_examples(src, dialect)]


def contract_examples(src, name):
    with open(os.path.join(src, "contracts", name, "asyncapi.json"), encoding="utf-8") as f:
        doc = json.load(f)
    return [x["payload"] for m in doc["components"]["messages"].values() for x in m.get("examples", [])]


def frame_variants(frame_texts):
    """Each frame with one member at a time (at any level) made long, huge, of
    the wrong type, or nested so that the frame is exactly as deep as the bound
    allows, and one level deeper."""
    def members(value, level, path=()):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield path + (key,), level
                yield from members(inner, level + 1, path + (key,))

    def replaced(value, path, new):
        if not path:
            return new
        out = dict(value)
        out[path[0]] = replaced(value[path[0]], path[1:], new)
        return out

    def replaced_value(value, path):
        return value if not path else replaced_value(value[path[0]], path[1:])

    out = []
    for text in frame_texts:
        try:
            frame = json.loads(text)
        except ValueError:
            continue
        for path, level in members(frame, 1):
            bad = [10 ** 30, -1, 1.5, None, [], {}, "", "a.b*>", True]
            if isinstance(replaced_value(frame, path), str):
                bad.append("\u00e9" * 2500)  # long, and past a byte limit before a character limit
            bad += [json.loads(nested_objects(DEPTH - level)), json.loads(nested_objects(DEPTH - level + 1)),
                    json.loads(nested_arrays(DEPTH - level)), json.loads(nested_arrays(DEPTH - level + 1))]
            out += [dumps(replaced(frame, path, b)) for b in bad]
    return out


def events(src):
    """gw.out bodies: the NATS contract's, and every dialect's frames as forwarded frames and as events."""
    out = [dumps(v) for v in contract_examples(src, "nats")]
    for dialect in DIALECT_SEEDS:
        for value in [v for _, v in seed_snippets_of(src, dialect)] + contract_examples(src, dialect):
            if not isinstance(value, dict):
                continue
            out.append(dumps({"frame": value}))
            name = value.get("type", value.get("event"))
            if isinstance(name, str):
                data = value.get("data", {k: v for k, v in value.items() if k not in ("type", "event")})
                out.append(dumps({"event": name, "data": data, "exclude": {"user": "8", "conn": "c-1"}}))
    out += [dumps({"event": "notification", "data": {"payload": nested_arrays(DEPTH - 3)}}),
            '{"event":"message.new","data":null}', '{"event":5}', '{"frame":[]}', '{"event":"x","exclude":{"user":7}}']
    return out


def seed_snippets_of(src, dialect):
    with open(os.path.join(src, "contracts", "seeds", DIALECT_SEEDS[dialect]), encoding="utf-8") as f:
        return [(t, v) for t, v in snippets(f.read()) if v is not None]


def answers():
    """Backend answers the adapters read: membership, groups, thread access, presence, allow rules."""
    return [dumps(v) for v in (
        {"channels": [{"id": "c-1"}, {"id": "c-2"}]}, {"channel_ids": ["c-1", "c 2", "c-1"]}, ["c-1", 5, None],
        {"group_ids": [1, "2", 2.5, "x.y"]}, [456, 789], {"users": ["8", 6, "u-1"]}, {"online": True},
        {"allowed": True}, {"allowed": "true"}, {"participants": [{"id": 8, "name": "Maya"}, {"id": 6}, 3]},
        {"user_id": 8, "username": "maya", "is_admin": True}, {"users": {"8": True}}, [])]


def targets():
    return ["/api/v1/ws?token=eyJhbGciOiJIUzI1NiJ9.e30.sig", "/ws/dms/2?token=abc", "/ws/user/8?token=a%2Bb+c",
            "/ws/places/p-1/chat?token=x&token=y", "/ws?token=%", "/ws?token=%zz&=v&k", "/ws/dms/2/?a=1&&b",
            "//ws//dms//2", "/ws/dms/" + "a" * 129, "/ws/dms/%2e%2e", "/ws/dms/a.b", "?", "/ws?" + "a=b&" * 500,
            "session_id=abc; theme=dark", 'other=1;session_id="quoted"', "session_id=", " session_id=a;;",
            "gw.out.tribe.conversation.c-1", "gw.out.tribe.all", "gw.out.tribe.user.", "gw.out..x.y",
            "gw.out.app.kind.id.extra", "/ws/{id}", "/ws/{Bad}", "/{a}/{b}", "ws", "/"]


RSA_JWK = {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "e": "AQAB",
           "n": "8QrHJ0B_zRC4cQZl6SOKAPIfSl0Z7ah6wrg8eACjeVmwsha-3IKl7BDVCkJAgpKVIjLJOLvhtzyvwJoCC6UGGJKhUq2H2DZYT6THUEQI"
                "J6L5Jni1ucUTWus3nZMkpy2r7-PqjlWHQWUTwjpTWKKE4qdaOg-l30vKODJ3ftxIUIzEOqrO120-I8z4xag1QhUxPRyQ31OpOj46hr6_"
                "XCp6DgOv-HxLWLwq6DFOGW6AQOX7-22nB-_mevA_R6S_qUICZBpDm0KQlgXr3uaWPrbc3wRwcjLvevppxmNbTOUl5Ty5WQb_qTrY3YyD"
                "lmG-bVm6lmWxPAbvqQHLeUzjbBw33Q"}
EC_JWK = {"kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256",
          "x": "OUlfQfwhXkWi5s5Tc6ay8T6dxKAlYM8ycyg0Vh659mk", "y": "q4uKaYKUT36OTIGJcs2W8R4N7MFipkzAiTNgGJbW1Iw"}
EC_PEM = ("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOUlfQfwhXkWi5s5Tc6ay8T6dxKAl\n"
          "YM8ycyg0Vh659mmri4ppgpRPfo5MgYlyzZbxHg3swWKmTMCJM2AYltbUjA==\n-----END PUBLIC KEY-----\n")


def key_sets():
    def with_(base, **changes):
        key = dict(base)
        key.update(changes)
        return key
    keys = [RSA_JWK, EC_JWK, with_(RSA_JWK, use="enc"), with_(EC_JWK, crv="P-384"), with_(EC_JWK, x=EC_JWK["y"]),
            with_(RSA_JWK, n=RSA_JWK["n"][:170]), with_(RSA_JWK, n="AA" + RSA_JWK["n"]), with_(RSA_JWK, e="AQ"),
            with_(RSA_JWK, alg="PS256"), with_(EC_JWK, kid=5), {"kty": "oct", "k": "c2VjcmV0"}, "key"]
    sets = [{"keys": [RSA_JWK, EC_JWK]}, {"keys": keys}, {"keys": []}, {"keys": {}}, []]
    return [dumps(s) for s in sets] + [dumps({"keys": [k]}) for k in keys]


def jwt_inputs():
    """Tokens as sent, and "header\\npayload" pairs the target signs itself (tests/fuzz/jwt.cpp)."""
    headers = [{"alg": "HS256", "typ": "JWT"}, {"alg": "HS256", "kid": "hs"}, {"alg": "ES256"}, {"alg": "ES256", "kid": "es"},
               {"alg": "RS256", "kid": "rs"}, {"alg": "none"}, {"alg": "HS256", "crit": ["b64"]}, {"alg": "HS256", "kid": 5}]
    now = 1700000000
    claims = [{"sub": "u-1", "name": "Ann", "exp": now + 3600, "iat": now, "iss": "gangway-demo", "aud": "gangway"},
              {"sub": "u-1", "exp": now + 3600, "iss": "gangway-demo", "aud": ["x", "gangway"]},
              {"uid": 42, "full_name": "Bo"}, {"sub": 123, "exp": now - 10}, {"sub": 1.5, "exp": now + 0.5},
              {"sub": "u", "nbf": now + 3600, "exp": now + 7200}, {"sub": "u", "exp": "tomorrow"}, ["sub"]]
    out = [dumps(h) + "\n" + dumps(c) for h in headers for c in claims]
    b64 = lambda s: base64.urlsafe_b64encode(s.encode()).rstrip(b"=").decode()  # noqa: E731
    out += [b64(dumps(h)) + "." + b64(dumps(claims[0])) + "." + b64("x" * n) for h in headers[:5] for n in (0, 32, 64, 256)]
    out += ["a.b", "a.b.c.d", "..", "e30.e30.", "e30=.e30.e30", "e30.e30.A", b64(nested_arrays(3000)) + ".e30.e30"]
    return out


def configs(src):
    with open(os.path.join(src, "deploy", "gangway.demo.json"), encoding="utf-8") as f:
        demo = json.load(f)
    out = [dumps(demo)] + [dumps({"gateway_id": "gw-1", "apps": [app]}) for app in demo["apps"]]
    app = {"name": "w", "dialect": "winkr", "listen": "127.0.0.1:0", "routes": ["/ws"],
           "jwt": {"keys": [{"alg": "ES256", "kid": "ec-1", "public_key": EC_PEM}, {"alg": "HS256", "secret": "s"}],
                   "jwks_url": "https://idp.example/jwks", "leeway_s": 5, "require_exp": False, "user_claim": "uid"},
           "token_sources": ["bearer", "query:access_token"], "permessage_deflate": {"min_bytes": 1, "level": 9},
           "persist": {"message": {"via": "request", "subject": "store.msg", "timeout_ms": 100}},
           "limits": {"rates": {"message": [[1, 1]]}, "max_frame_bytes": 1}}
    variants = [{"apps": [app]}, {"max_json_depth": 1, "apps": [app]}, {"max_json_depth": 1001, "apps": [app]},
                {"nats": {"enabled": False, "wildcard_rooms": []}, "admin": {"listen": "0.0.0.0:99999"}, "apps": [app]},
                {"apps": [app, app]}, {"apps": []}, {"threads": -1, "apps": [app]},
                {"apps": [dict(app, jwt={"keys": [{"alg": "RS256", "public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}]})]}]
    return out + [dumps(v) for v in variants]


def literals(src, dirs):
    """The short string literals of the sources in `dirs`, as a libFuzzer dictionary."""
    found = set()
    for d in dirs:
        for root, _, files in os.walk(os.path.join(src, d)):
            for name in files:
                if name.endswith(".cpp") or name.endswith(".hpp"):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        code = re.sub(r"^#include .*$", "", f.read(), flags=re.M)
                    found.update(re.findall(r'"([A-Za-z0-9_:.\-/{}]{2,40})"', code))
    entries = set()
    for word in found:
        entries.add('"%s"' % word)
        entries.add('"\\"%s\\""' % word)  # as a JSON string: a key or a type
    return "\n".join(sorted(entries)) + "\n"


def write(out, target, inputs, replay=(), dict_text=""):
    directory = os.path.join(out, target)
    for d in (directory, directory + ".replay"):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    for d, items in ((directory, inputs), (directory + ".replay", replay)):
        for item in items:
            data = item if isinstance(item, bytes) else item.encode("utf-8")
            if d == directory and len(data) > 65536:
                continue
            with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
    with open(directory + ".dict", "w", encoding="utf-8") as f:
        f.write(dict_text)


def main(src, out):
    dialects = sorted(d for d in os.listdir(os.path.join(src, "adapters"))
                      if os.path.isdir(os.path.join(src, "adapters", d)) and d != "common")
    edge, huge = edge_json(), huge_json()
    every_frame = []
    for dialect in dialects:
        frames = seed_frames(src, dialect)
        every_frame += frames
        deep_fields = ['{"type":"message","text":%s}' % nested_arrays(20000), '{"event":"message:send","data":%s}' % nested_objects(20000)]
        write(out, "fuzz_decode_" + dialect, frames + frame_variants(frames) + edge, huge + [t.encode() for t in deep_fields],
              literals(src, ["adapters/" + dialect, "adapters/common"]))
    item_1 = '{"event":"notification","data":{"payload":%s}}' % nested_arrays(20000)
    write(out, "fuzz_event", events(src) + edge, huge + [item_1.encode(), ('{"frame":%s}' % nested_objects(20000)).encode()],
          literals(src, ["adapters"]))
    write(out, "fuzz_json", every_frame + events(src) + edge, huge,
          '"true"\n"false"\n"null"\n"\\\\u"\n"\\\\ud800"\n"e+"\n"-0"\n"1e400"\n"\\xef\\xbb\\xbf"\n')
    write(out, "fuzz_routing", targets(), ["/" * 100000, "%41" * 30000, "a=b;" * 50000],
          '"token"\n"session_id"\n"/ws"\n"/api/v1/ws"\n"/ws/dms/"\n"/chat"\n"gw.out."\n"%2F"\n"%00"\n"{"\n"}"\n')
    write(out, "fuzz_answers", answers() + every_frame + edge, huge, literals(src, ["adapters"]))
    write(out, "fuzz_jwt", jwt_inputs(), [nested_arrays(20000) + "\n" + nested_arrays(20000)], literals(src, ["gateway/auth"]))
    write(out, "fuzz_jwks", key_sets() + edge, huge, literals(src, ["gateway/auth"]))
    write(out, "fuzz_config", configs(src) + edge, huge, literals(src, ["gateway/config"]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
