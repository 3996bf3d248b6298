"""Runs every code block of docs/integrating.md against a real nats-server and
gangway and checks its effect on real WebSocket clients.

Each block follows a `<!-- snippet: NAME -->` line; a block without one, or a
snippet no scenario below runs, fails the check.
Usage: check_integrating_doc.py DOC GANGWAY_BIN NATS_SERVER_BIN
"""
import asyncio
import json
import os
import re
import shutil
import sys
import time

import doc_stack as st

LANGS = {"sh", "python", "go", "json"}


def snippets(doc):
    blocks = re.findall(r"(?:<!-- snippet: ([\w-]+) -->\n)?```(\w*)\n(.*?)^```", doc, re.S | re.M)
    out, untagged = {}, []
    for name, lang, code in blocks:
        if lang in LANGS and not name:
            untagged.append(code[:80])
        elif name:
            out[name] = (lang, code)
    if untagged:
        raise AssertionError(f"code blocks without a `<!-- snippet: NAME -->` line: {untagged}")
    return out


class Run:
    """A snippet running as a child process, its stdout read line by line."""

    def __init__(self, proc):
        self.proc = proc

    @classmethod
    async def start(cls, lang, code, tmp, env):
        path = os.path.join(tmp, {"sh": "snippet.sh", "python": "snippet.py", "go": "snippet.go"}[lang])
        with open(path, "w") as f:
            f.write(code)
        argv = {"sh": ["bash", path], "python": [sys.executable, path], "go": ["go", "run", path]}[lang]
        env = {**os.environ, "GOPROXY": "off", "GOFLAGS": "-mod=mod", **env}
        proc = await asyncio.create_subprocess_exec(*argv, env=env, stdout=asyncio.subprocess.PIPE)
        return cls(proc)

    async def line_with(self, text, timeout):
        deadline = time.monotonic() + timeout
        while True:
            line = await asyncio.wait_for(self.proc.stdout.readline(), max(0.01, deadline - time.monotonic()))
            if not line:
                raise AssertionError(f"snippet exited (code {await self.proc.wait()}) before printing {text!r}")
            if text in line.decode():
                return line.decode()

    async def lines_for(self, seconds):
        out = []
        try:
            while True:
                line = await asyncio.wait_for(self.proc.stdout.readline(), seconds)
                if not line:
                    return out
                out.append(line.decode())
        except asyncio.TimeoutError:
            return out

    async def finish(self, timeout):
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        assert code == 0, f"snippet exited with {code}"

    async def stop(self):
        if self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


def contents(frames):
    return sorted(f["data"]["content"] for f in frames if f.get("event") == "message.new")


async def tribe_scenario(snips, bins, tmp):
    nats = st.Nats(bins["nats"], tmp)
    backend = st.Backend(lambda method, path, headers, body: (200, {}))
    app = {"name": "tribe", "dialect": "tribe", "listen": f"127.0.0.1:{st.free_port()}", "routes": ["/api/v1/ws"],
           "jwt": {"keys": [{"alg": "HS256", "secret": st.SECRET}], "issuer": "gangway-doc", "audience": "gangway"},
           "backend": {"url": backend.url, "threads": 2},
           "callouts": {"conversation_participant": {
               "path": "/internal/tribe/conversations/{conversation_id}/participants/{user_id}", "timeout_ms": 2000}}}
    gw = st.Gateway(bins["gangway"], tmp, st.gateway_config(nats.url, app))
    watcher = st.ConnWatcher(nats.url, "tribe")
    try:
        clients = {}
        for user in ("u-alice", "u-bob"):
            c = await st.Client.open(gw.port, "/api/v1/ws?token=" + st.token(user), "tribe", "integrating_doc.publish")
            assert (await c.next())["event"] == "connected"
            await c.send({"event": "subscribe", "channel": "conversation", "conversation_id": "c-general"})
            await c.until(lambda f: f.get("event") == "subscribed")
            clients[user] = c
        env = {"NATS_URL": nats.url, "CONN": watcher.conn_of("u-bob")}
        for name in ("publish-sh", "publish-python", "publish-go"):
            run = await Run.start(*snips[name], tmp, env)
            await run.finish(120)
            alice, bob = await clients["u-alice"].drain(), await clients["u-bob"].drain()
            assert contents(alice) == ["to alice", "to everyone", "to the room"], f"{name}: alice got {alice}"
            assert contents(bob) == ["to everyone", "to one socket"], f"{name}: bob got {bob}"
            room = next(f for f in alice if f["data"]["content"] == "to the room")
            assert room["conversation_id"] == "c-general", room
            print(f"ok  {name}: room (without the sender), user, conn and all reached exactly their sockets")
        for name in ("subscribe-python", "subscribe-sh"):
            run = await Run.start(*snips[name], tmp, env)
            try:
                await run.line_with("listening on gw.in.tribe.>", 10)
                await clients["u-alice"].send({"event": "typing", "conversation_id": "c-general", "is_typing": True})
                line = await run.line_with("gw.in.tribe.typing.conversation.c-general", 5) if name.endswith("sh") \
                    else await run.line_with('"kind": "typing"', 5)
                if name.endswith("python"):
                    got = json.loads(line)
                    assert got["subject"] == "gw.in.tribe.typing.conversation.c-general" and got["msg_id"], got
                    assert got["user"] == "u-alice" and got["data"]["is_typing"] is True, got
                else:
                    assert json.loads(line.split(" ", 1)[1])["user"]["id"] == "u-alice", line
                print(f"ok  {name}: saw alice's typing on gw.in")
            finally:
                await run.stop()
        for c in clients.values():
            await c.close()
    finally:
        watcher.stop()
        gw.stop()
        backend.stop()
        nats.stop()


def winkr_app(backend_url, extra):
    stub = {"method": "POST", "path": "/store", "timeout_ms": 2000}
    app = {"name": "winkr", "dialect": "winkr", "listen": f"127.0.0.1:{st.free_port()}", "routes": ["/ws"],
           "jwt": {"keys": [{"alg": "HS256", "secret": st.SECRET}]},
           "backend": {"url": backend_url, "threads": 2},
           "callouts": {"conversation_access": {"path": "/access/{conversation_id}", "timeout_ms": 2000},
                        "store_message": stub, "store_read": stub, "store_delete": stub},
           "limits": {"max_connections_per_user": 100, "connections_per_minute": 1000}}
    app.update(extra)
    return app


async def winkr_client(port, user, test):
    c = await st.Client.open(port, "/ws", "winkr", test, {"Authorization": "Bearer " + st.token(user)})
    assert (await c.next())["event"] == "connection:established"
    return c


async def jetstream_scenario(snips, bins, tmp):
    nats = st.Nats(bins["nats"], tmp)
    backend = st.Backend(lambda method, path, headers, body: (200, {}))
    persist = json.loads(snips["persist-jetstream"][1])
    gw = st.Gateway(bins["gangway"], tmp, st.gateway_config(nats.url, winkr_app(backend.url, persist)))
    env = {"NATS_URL": nats.url}
    run = await Run.start(*snips["jetstream-python"], tmp, env)
    try:
        await run.line_with("ready", 10)
        alice = await winkr_client(gw.port, "u-alice", "integrating_doc.jetstream")
        await alice.send({"event": "conversation:join", "data": {"conversation_id": "conv-1"}})
        await alice.until(lambda f: f["event"] == "conversation:joined")

        async def send(text):
            await alice.send({"event": "message:send", "data": {"conversation_id": "conv-1", "content": text, "type": "text"}})
            await alice.until(lambda f: f["event"] == "message:new")

        await send("first")
        assert json.loads(await run.line_with('"first"', 10))["data"]["content"] == "first"
        await run.stop()
        await send("second")  # stored while the consumer is down
        run = await Run.start(*snips["jetstream-python"], tmp, env)
        await run.line_with("ready", 10)
        later = await run.lines_for(6)
        assert any('"second"' in l for l in later) and not any('"first"' in l for l in later), later
        print("ok  persist-jetstream + jetstream-python: stored messages consumed durably, each acked once")
        await alice.close()
    finally:
        await run.stop()
        gw.stop()
        backend.stop()
        nats.stop()


async def callouts_scenario(snips, bins, tmp):
    alice_token = st.token("u-alice")

    def rest(method, path, headers, body):
        if method == "GET" and path.startswith("/api/conversations/"):
            ok = path == "/api/conversations/conv-1" and headers.get("Authorization") == "Bearer " + alice_token
            return (200, {"id": "conv-1"}) if ok else (404, {"detail": "Not found"})
        if method == "POST" and path == "/api/conversations/conv-1/messages":
            if headers.get("Authorization") != "Bearer " + alice_token:
                return 401, {"detail": "Not authenticated"}
            return 201, {"message": {"id": "msg-1", "conversation_id": "conv-1", "sender_id": "u-alice",
                                     "content": body["content"], "type": body["type"],
                                     "created_at": "2026-11-22T10:00:00Z", "is_read": False,
                                     "metadata": body["metadata"]},
                         "sender": {"id": "u-alice", "username": "alice", "avatar_url": None}}
        return 404, {}

    nats = st.Nats(bins["nats"], tmp)
    backend = st.Backend(rest)
    app = json.loads(snips["callouts-json"][1])
    app["listen"] = f"127.0.0.1:{st.free_port()}"
    app["backend"]["url"] = backend.url
    env = {"WINKR_JWT_SECRET": st.SECRET}
    config = st.gateway_config(nats.url, app)
    with open(tmp + "/check.json", "w") as f:
        json.dump(config, f)
    check = await asyncio.create_subprocess_exec(bins["gangway"], "--config", tmp + "/check.json", "--check-config",
                                                 env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE,
                                                 stderr=asyncio.subprocess.STDOUT)
    out = (await check.communicate())[0].decode()
    assert check.returncode == 0, f"gangway --check-config refused the snippet:\n{out}"
    gw = st.Gateway(bins["gangway"], tmp, config, env)
    try:
        alice = await st.Client.open(gw.port, "/ws", "winkr", "integrating_doc.callouts",
                                     {"Authorization": "Bearer " + alice_token})
        assert (await alice.next())["event"] == "connection:established"
        await alice.send({"event": "conversation:join", "data": {"conversation_id": "conv-1"}})
        await alice.until(lambda f: f["event"] == "conversation:joined")
        await alice.send({"event": "conversation:join", "data": {"conversation_id": "conv-2"}})
        refused = await alice.until(lambda f: f["event"] == "error")
        assert refused["data"]["code"] == "NOT_FOUND", refused  # the endpoint answers 404
        await alice.send({"event": "message:send", "data": {"conversation_id": "conv-1", "content": "hello", "type": "text"}})
        new = await alice.until(lambda f: f["event"] == "message:new")
        assert new["data"]["message"]["id"] == "msg-1" and new["data"]["message"]["content"] == "hello", new
        posts = [r for r in backend.requests if r[0] == "POST"]
        assert [(r[1], r[3]) for r in posts] == [("/api/conversations/conv-1/messages",
                                                  {"content": "hello", "type": "text", "metadata": {}})], posts
        print("ok  callouts-json: check-config passes; the REST check allows/denies with the user's token; "
              "the store posts the endpoint's own body with it, and its answer is what clients get")
        await alice.close()
    finally:
        gw.stop()
        backend.stop()
        nats.stop()


SCENARIOS = {
    tribe_scenario: ["publish-sh", "publish-python", "publish-go", "subscribe-python", "subscribe-sh"],
    jetstream_scenario: ["persist-jetstream", "jetstream-python"],
    callouts_scenario: ["callouts-json"],
}


async def main(doc_path, gangway_bin, nats_bin):
    with open(doc_path, encoding="utf-8") as f:
        snips = snippets(f.read())
    covered = {n for names in SCENARIOS.values() for n in names}
    if set(snips) != covered:
        raise AssertionError(f"snippets not run: {sorted(set(snips) - covered)}; "
                             f"missing from the doc: {sorted(covered - set(snips))}")
    bins = {"gangway": gangway_bin, "nats": nats_bin}
    for scenario in SCENARIOS:
        tmp = st.tmpdir()
        try:
            await scenario(snips, bins, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(snips)} snippets of {doc_path} run")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
