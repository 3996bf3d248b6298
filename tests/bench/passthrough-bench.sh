#!/usr/bin/env bash
# The HTTP pass-through measured (docs/performance.md, "HTTP pass-through"):
#  1. requests/s and latency of GET requests through gangway's pass-through
#     next to the same backend called directly, by the same client (wrk,
#     kept-alive connections), in pairs run alternately;
#  2. what a pass-through load costs the sockets: gangway-load's scenario B
#     (1,000 sockets in one room, 100 events/s) alone and while wrk sends
#     requests through the same gangway port, alternately.
# The machine is shared: read the ratios within a pair, not the absolute figures.
#
#   BUILD=build-bench ROUNDS=3 tests/bench/passthrough-bench.sh
# Needs a Release build of gangway and gangway-load in $BUILD, nats-server and wrk
# (deploy/install-deps.sh bench). Everything it starts is stopped by PID.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$root/build-bench}"
ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"  # each wrk run
CONNECTIONS="${CONNECTIONS:-16}"          # wrk's kept-alive connections
B_SECONDS="${B_SECONDS:-8}"
THREADS="${THREADS:-2}"
gangway="$BUILD/gangway"
load="$BUILD/tests/bench/gangway-load"
for b in "$gangway" "$load"; do [[ -x $b ]] || { echo "missing $b (build it first)" >&2; exit 1; }; done
for t in nats-server wrk; do command -v "$t" >/dev/null || { echo "$t is not installed (deploy/install-deps.sh bench)" >&2; exit 1; }; done

work="$(mktemp -d /tmp/gangway-ptbench.XXXXXX)"
# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"  # pids, stop_stack, free_port, wait_port
trap 'stop_stack; rm -rf "$work"' EXIT
secret="bench-secret-$(date +%s)-0123456789abcdef"

start_stack() {  # sets app_port, backend_port, nats_port
  nats_port=$(free_port); backend_port=$(free_port); app_port=$(free_port)
  rm -rf "$work/js"
  nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/js" >"$work/nats.log" 2>&1 & pids+=($!)
  "$load" --allow-backend "$backend_port" --serve-only 2>"$work/backend.log" & pids+=($!)
  wait_port "$nats_port" 10 && wait_port "$backend_port" 10 || return 1
  cat >"$work/gangway.json" <<JSON
{
  "gateway_id": "gw-ptbench", "threads": $THREADS,
  "nats": { "url": "nats://127.0.0.1:$nats_port" },
  "apps": [{
    "name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:$app_port", "routes": ["/api/v1/ws"],
    "jwt": { "keys": [{ "alg": "HS256", "secret_env": "BENCH_JWT_SECRET" }], "issuer": "bench", "audience": "gangway" },
    "backend": { "url": "http://127.0.0.1:$backend_port", "threads": 4 },
    "passthrough": { "enabled": true, "prefixes": ["/api/v1/"] },
    "callouts": { "conversation_participant": { "method": "GET",
      "path": "/internal/tribe/conversations/{conversation_id}/participants/{user_id}", "timeout_ms": 5000 } },
    "limits": { "idle_timeout_s": 120, "handshake_timeout_s": 30, "max_queued_bytes": 67108864 }
  }]
}
JSON
  (ulimit -n "$(ulimit -Hn)"; BENCH_JWT_SECRET="$secret" exec "$gangway" --config "$work/gangway.json") \
    >"$work/gangway.log" 2>&1 & pids+=($!)
  gangway_pid=${pids[-1]}
  wait_port "$app_port" 20
}

# wrk's summary as "requests/s p50_ms p99_ms".
wrk_run() {  # url seconds
  wrk -t 2 -c "$CONNECTIONS" -d "${2}s" --latency "$1" >"$work/wrk.txt" 2>&1 || true
  python3 - "$work/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(label):
    m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", t, re.M)
    if not m: return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"{float(rps.group(1)) if rps else float('nan'):.0f} {ms(50):.3f} {ms(99):.3f} {errors.group(1) if errors else 0}")
PY
}

fanout_run() {  # prints "p50_ms p99_ms delivered/expected"
  "$load" --dialect tribe --port "$app_port" --nats "nats://127.0.0.1:$nats_port" --secret "$secret" \
    --issuer bench --audience gangway --gateway-pid "$gangway_pid" --quiet \
    -n 1000 --rooms 1 --rate 100 --duration "$B_SECONDS" --procs 2 >"$work/out.txt" 2>"$work/err.txt" || true
  python3 - "$work/out.txt" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
if not lines: print("nan nan 0/0"); sys.exit()
j = json.loads(lines[-1]); l = j["latency_ms"]
print(f"{l['p50']:.2f} {l['p99']:.2f} {j['received']}/{j['expected']}")
PY
}

echo "# rounds=$ROUNDS seconds=$SECONDS_PER_RUN connections=$CONNECTIONS threads=$THREADS $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# part 1: wrk GET, direct vs through gangway (requests/s p50_ms p99_ms non2xx)"
start_stack
for ((r = 1; r <= ROUNDS; r++)); do
  echo "direct  round $r: $(wrk_run "http://127.0.0.1:$backend_port/api/v1/ping" "$SECONDS_PER_RUN")"
  echo "gateway round $r: $(wrk_run "http://127.0.0.1:$app_port/api/v1/ping" "$SECONDS_PER_RUN")"
done
stop_stack

echo "# part 2: scenario B (1,000 sockets, one room, 100 events/s), alone vs with wrk through the pass-through (p50_ms p99_ms delivered)"
for ((r = 1; r <= ROUNDS; r++)); do
  start_stack
  echo "B alone          round $r: $(fanout_run)"
  stop_stack
  start_stack
  wrk -t 1 -c "$CONNECTIONS" -d "$((B_SECONDS + 15))s" "http://127.0.0.1:$app_port/api/v1/ping" >"$work/wrk-bg.txt" 2>&1 &
  wrk_pid=$!
  echo "B + pass-through round $r: $(fanout_run) ($(grep -o 'Requests/sec: *[0-9.]*' "$work/wrk-bg.txt" 2>/dev/null || echo 'wrk still running'))"
  wait "$wrk_pid" || true
  echo "                 wrk during it: $(grep -o 'Requests/sec: *[0-9.]*' "$work/wrk-bg.txt" || echo '?')"
  stop_stack
done
