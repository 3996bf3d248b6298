#!/usr/bin/python3
"""A line-based WebSocket client for trying Gangway by hand (deploy/run-demo.sh prints one per app).

    deploy/ws-client.py URL [-H 'Name: value']...

Each line typed (or piped) is sent as one text frame; every frame received is
printed on its own line after "< ". End of input closes the socket normally
(--keep-open waits for the server instead). Headers carry what a browser would
(Cookie, Origin) or what `python3 -m websockets` cannot send (Authorization).
Debian's python3-websockets (10.x) or a newer websockets. Exit status: 0 after a
normal close, 1 when the upgrade is refused or the connection fails, 2 for bad
arguments.
"""
import argparse
import asyncio
import inspect
import sys

import websockets
import websockets.exceptions


# A refused upgrade: InvalidStatusCode in websockets 10, InvalidStatus from 11 on.
REFUSED = tuple(getattr(websockets.exceptions, name) for name in ("InvalidStatusCode", "InvalidStatus")
                if hasattr(websockets.exceptions, name))


def header(text):
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise argparse.ArgumentTypeError(f"want 'Name: value', got {text!r}")
    return name.strip(), value.strip()


def connect(url, headers):
    # websockets 10 (Debian bookworm) calls them extra_headers, 14+ additional_headers.
    params = inspect.signature(websockets.connect).parameters
    key = "additional_headers" if "additional_headers" in params else "extra_headers"
    return websockets.connect(url, **{key: headers}, max_size=None, ping_interval=20)


async def pump_stdin(ws, interactive):
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        line = line.rstrip("\r\n")
        if line:
            await ws.send(line)


async def print_frames(ws, interactive):
    async for frame in ws:
        text = frame if isinstance(frame, str) else f"(binary, {len(frame)} bytes) {frame.hex()}"
        if interactive:  # over the prompt, then the prompt again
            print(f"\r< {text}\n> ", end="", flush=True)
        else:
            print(f"< {text}", flush=True)


async def run(args):
    try:
        ws = await connect(args.url, args.header)
    except REFUSED as e:
        status = getattr(e, "status_code", None) or getattr(getattr(e, "response", None), "status_code", "?")
        print(f"refused: HTTP {status}", file=sys.stderr)
        return 1
    except websockets.exceptions.WebSocketException as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"cannot connect: {e}", file=sys.stderr)
        return 1
    interactive = sys.stdin.isatty()
    reader = asyncio.ensure_future(print_frames(ws, interactive))
    writer = asyncio.ensure_future(pump_stdin(ws, interactive))
    done, _ = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
    if writer in done and not args.keep_open:
        await ws.close()
    await asyncio.wait({reader})
    writer.cancel()  # a pending readline keeps its thread; exiting ends it
    print(f"closed: {ws.close_code} {ws.close_reason or ''}".rstrip(), file=sys.stderr, flush=True)
    return 0 if ws.close_code in (1000, 1001) else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="ws://HOST:PORT/PATH?QUERY")
    parser.add_argument("-H", "--header", type=header, action="append", default=[],
                        help="an upgrade request header, 'Name: value' (repeatable)")
    parser.add_argument("--keep-open", action="store_true", help="at end of input, wait for the server to close")
    args = parser.parse_args()
    if not args.url.startswith(("ws://", "wss://")):
        parser.error(f"the URL must start with ws:// or wss://, got {args.url!r}")
    try:
        sys.exit(asyncio.run(run(args)))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
