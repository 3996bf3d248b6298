#!/usr/bin/env bash
# gangway-load through every dialect: one gangway serving the five seed apps
# (tribe, circles, pythia, social, winkr, each on its own port), one nats-server
# with JetStream, the allow-all backend; for each dialect N sockets in R rooms
# set up the dialect's way and P events published as fast as accepted. Prints a
# Markdown table; exits 1 if a socket failed to set up or an event went missing.
#
#   tests/bench/dialects.sh                 # 1,000 sockets, 10 rooms, 10,000 events each
#   N=200 COUNT=200 tests/bench/dialects.sh # the smoke test ctest runs
#   BUILD=build tests/bench/dialects.sh     # binaries of another build (default build-bench)
#
# Side-by-side figures against nats-server are run-bench.sh's (tribe); this
# one shows that the load tool speaks every dialect and what each costs.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$root/build-bench}"
N="${N:-1000}"
ROOMS="${ROOMS:-10}"
COUNT="${COUNT:-10000}"
PAYLOAD_BYTES="${PAYLOAD_BYTES:-200}"
DIALECTS="${DIALECTS:-tribe circles pythia social winkr}"
gangway="$BUILD/gangway"
load="$BUILD/tests/bench/gangway-load"
for b in "$gangway" "$load"; do [[ -x $b ]] || { echo "missing $b (build it first)" >&2; exit 1; }; done
command -v nats-server >/dev/null || { echo "nats-server is not installed" >&2; exit 1; }

work="$(mktemp -d /tmp/gangway-dialects.XXXXXX)"
# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"
trap 'stop_stack; rm -rf "$work"' EXIT
secret="bench-secret-$(date +%s)-0123456789abcdef"

declare -A port
start_stack() {
  local nats_port backend_port admin_port d
  nats_port=$(free_port); backend_port=$(free_port); admin_port=$(free_port)
  for d in tribe circles pythia social winkr; do port[$d]=$(free_port); done
  nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/js" >"$work/nats.log" 2>&1 & pids+=($!)
  "$load" --allow-backend "$backend_port" --serve-only 2>"$work/backend.log" & pids+=($!)
  wait_port "$nats_port" 10 || return 1; wait_port "$backend_port" 10 || return 1
  local jwt='"jwt": { "keys": [{ "alg": "HS256", "secret_env": "BENCH_JWT_SECRET" }], "issuer": "bench", "audience": "gangway" }'
  local common="\"backend\": { \"url\": \"http://127.0.0.1:$backend_port\", \"threads\": 4 },
    \"limits\": { \"idle_timeout_s\": 120, \"handshake_timeout_s\": 30, \"max_queued_bytes\": 67108864 }"
  local get='"method": "GET", "timeout_ms": 5000'
  # The apps as deploy/gangway.demo.json has them, against the allow-all backend.
  cat >"$work/gangway.json" <<JSON
{
  "gateway_id": "gw-dialects", "threads": 2,
  "nats": { "url": "nats://127.0.0.1:$nats_port" },
  "admin": { "listen": "127.0.0.1:$admin_port" },
  "apps": [{
    "name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:${port[tribe]}", "routes": ["/api/v1/ws"], $jwt, $common,
    "callouts": { "conversation_participant": { $get,
      "path": "/internal/tribe/conversations/{conversation_id}/participants/{user_id}" } }
  }, {
    "name": "circles", "dialect": "circles", "listen": "127.0.0.1:${port[circles]}", $jwt, $common,
    "routes": ["/ws/dms/{thread_id}", "/ws/user/{user_id}", "/ws/places/{place_id}/chat"],
    "options": { "window_hours": 12 },
    "callouts": {
      "dm_access": { $get, "path": "/internal/circles/dms/{thread_id}/access/{user_id}" },
      "place_checkin": { $get, "path": "/internal/circles/places/{place_id}/checkins/{user_id}?window_hours={window_hours}" }
    }
  }, {
    "name": "pythia", "dialect": "pythia", "listen": "127.0.0.1:${port[pythia]}", "routes": ["/ws"], $jwt, $common,
    "callouts": {
      "user_channels": { $get, "path": "/internal/pythia/users/{user_id}/channels" },
      "channel_access": { $get, "path": "/internal/pythia/channels/{channel_id}/access/{user_id}", "cache_ttl_ms": 5000 }
    }
  }, {
    "name": "social", "dialect": "social", "listen": "127.0.0.1:${port[social]}", "routes": ["/ws"], $common,
    "allowed_origins": ["http://127.0.0.1:${port[social]}"],
    "session": { "cookie": "session_id", "callout": "session", "user_pointer": "/user_id", "name_pointer": "/username" },
    "admin_pointer": "/is_admin",
    "callouts": {
      "session": { $get, "path": "/internal/social/session", "forward": ["cookie"] },
      "user_groups": { $get, "path": "/internal/social/users/{user_id}/groups" },
      "group_member": { $get, "path": "/internal/social/groups/{group_id}/members/{user_id}", "cache_ttl_ms": 5000 }
    }
  }, {
    "name": "winkr", "dialect": "winkr", "listen": "127.0.0.1:${port[winkr]}", "routes": ["/ws"], $jwt, $common,
    "callouts": { "conversation_access": { $get,
      "path": "/internal/winkr/conversations/{conversation_id}/access/{user_id}", "cache_ttl_ms": 10000 } }
  }]
}
JSON
  (ulimit -n "$(ulimit -Hn)"; BENCH_JWT_SECRET="$secret" exec "$gangway" --config "$work/gangway.json") \
    >"$work/gangway.log" 2>&1 & pids+=($!)
  gangway_pid=${pids[-1]}
  nats_url="nats://127.0.0.1:$nats_port"
  for d in tribe circles pythia social winkr; do wait_port "${port[$d]}" 20 || return 1; done
}

for attempt in 1 2 3; do  # a free port may be taken by someone else meanwhile
  start_stack && break
  stop_stack
  [[ $attempt == 3 ]] && { echo "the stack did not start; logs:" >&2; tail -5 "$work"/*.log >&2; exit 1; }
done

failed=0
echo "| dialect | set up | upgrades/s | delivered | deliveries/s | p50 ms | p99 ms | event bytes |"
echo "|---|---|---|---|---|---|---|---|"
for d in $DIALECTS; do
  path=/ws
  [[ $d == tribe ]] && path=/api/v1/ws
  rc=0
  "$load" --dialect "$d" --app "$d" --port "${port[$d]}" --path "$path" --nats "$nats_url" --secret "$secret" \
    --issuer bench --audience gangway --gateway-pid "$gangway_pid" -n "$N" --rooms "$ROOMS" --rate 0 \
    --count "$COUNT" --payload-bytes "$PAYLOAD_BYTES" --drain-ms 2000 --quiet >"$work/$d.json" 2>"$work/$d.err" || rc=$?
  python3 - "$d" "$rc" "$work/$d.json" <<'PY' || failed=1
import json, sys
dialect, rc, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = [l for l in open(path) if l.startswith("{")]
if not lines:
    print(f"| {dialect} | no result (exit {rc}) | | | | | | |")
    sys.exit(1)
j = json.loads(lines[-1])
l = j["latency_ms"]
print(f"| {dialect} | {j['subscribed']}/{j['sockets']} | {j['upgrades_per_s']:,.0f} | {j['received']:,}/{j['expected']:,}"
      f" | {j['deliveries_per_s']:,.0f} | {l['p50']:.2f} | {l['p99']:.2f} | {j['payload_bytes']} |")
errors = j.get("errors") or {}
if errors:
    print(f"  {dialect}: {errors}", file=sys.stderr)
sys.exit(0 if rc == 0 and j["subscribed"] == j["sockets"] and j["missing"] == 0 and not errors else 1)
PY
  [[ $rc == 0 ]] || tail -3 "$work/$d.err" >&2
done
kill -0 "$gangway_pid" 2>/dev/null || { echo "gangway exited; its log:" >&2; tail -20 "$work/gangway.log" >&2; failed=1; }
exit "$failed"
