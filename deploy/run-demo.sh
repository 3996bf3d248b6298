#!/usr/bin/env bash
# The main job on one machine: nats-server (JetStream) + the demo backend + Gangway,
# all on loopback. Installs and builds what is missing, checks every port first,
# prints how to connect (a browser page and a paste-ready client per app), and stops
# everything it started on Ctrl-C. The logs stay in the run directory it prints.
#
# Every port can be moved with its variable (README.md lists them), e.g.
#   BACKEND_PORT=9001 TRIBE_PORT=9000 ./deploy/run-demo.sh
# GANGWAY_JWT_SECRET (else a random one) reaches the processes through the
# environment only. GANGWAY_BUILD_DIR (build), GANGWAY_DEMO_DIR (the run
# directory) and GANGWAY_DEMO_SKIP_BUILD=1 (use the binaries as they are) are for
# the tests that run this script.
set -euo pipefail
cd "$(dirname "$0")/.."

NATS_PORT=${NATS_PORT:-4222}        # nats-server, client connections
BACKEND_PORT=${BACKEND_PORT:-8001}  # demo backend: REST API and the demo page
ADMIN_PORT=${ADMIN_PORT:-9100}      # gateway /metrics, /healthz, /readyz
TRIBE_PORT=${TRIBE_PORT:-8000}      # gateway app "tribe"
CIRCLES_PORT=${CIRCLES_PORT:-8010}  # gateway app "circles"
PYTHIA_PORT=${PYTHIA_PORT:-8020}    # gateway app "pythia"
SOCIAL_PORT=${SOCIAL_PORT:-8030}    # gateway app "social"
WINKR_PORT=${WINKR_PORT:-8040}      # gateway app "winkr"
port_vars=(NATS_PORT BACKEND_PORT ADMIN_PORT TRIBE_PORT CIRCLES_PORT PYTHIA_PORT SOCIAL_PORT WINKR_PORT)
export "${port_vars[@]}"
build_dir=${GANGWAY_BUILD_DIR:-build}
py=/usr/bin/python3  # Debian's, which has python3-websockets

fail() { echo "run-demo: $*" >&2; exit 1; }

check_port_values() {
  local seen=" " var port
  for var in "${port_vars[@]}"; do
    port=${!var}
    [[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || fail "$var=$port is not a port (1-65535)"
    [[ $seen == *" $port "* ]] && fail "$var=$port: that port is already given to another variable"
    seen+="$port "
  done
}

# What listens on a port, from ss (the process is shown for our own user's
# processes, or for all when root).
port_holder() {
  local line
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1)
  [ -n "$line" ] || { echo "something that ss does not show"; return; }
  local addr procs
  addr=$(awk '{print $4}' <<<"$line")
  procs=$(grep -o '"[^"]*",pid=[0-9]*' <<<"$line" | sed 's/"\(.*\)",pid=\(.*\)/\1 (pid \2)/' | paste -sd, - || true)
  echo "${procs:-a process of another user (sudo ss -ltnp 'sport = :$1' names it)}, listening on $addr"
}

# Every port is tried before anything starts: a port in use stops the demo at once, naming its holder.
check_ports_free() {
  local var port taken=""
  for var in "${port_vars[@]}"; do
    port=${!var}
    if ! "$py" -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; then
      echo "run-demo: port $port ($var) is in use by $(port_holder "$port")" >&2
      taken=${taken:-$var}
    fi
  done
  [ -z "$taken" ] || fail "stop what holds it, or move the demo: e.g. $taken=<free port> ./deploy/run-demo.sh (README.md lists the variables)"
}

check_port_values
if [ "${GANGWAY_DEMO_SKIP_BUILD:-}" != 1 ]; then
  bash deploy/install-deps.sh demo
  check_ports_free  # before the build, which can take minutes on a fresh machine
  # A fresh build tree without the tests, whose tools the demo does not install;
  # one the tests configured keeps them (run-tests.sh turns them on in any case).
  [ -f "$build_dir/CMakeCache.txt" ] || no_tests=-DGANGWAY_TESTS=OFF
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Check ${no_tests:-} >/dev/null
  cmake --build "$build_dir" -j2 --target gangway gangway-demo-backend
fi
check_ports_free

run_dir=${GANGWAY_DEMO_DIR:-$build_dir/demo-runs/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
pids=() names=() logs=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "run-demo: stopped; logs kept in $run_dir" >&2
}
trap cleanup EXIT
trap 'exit 0' INT TERM

start() {  # start NAME LOG COMMAND...: in the background, remembered for cleanup
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  pids+=($!) names+=("$name") logs+=("$log")
}

# Waits until PORT accepts connections; the process that should listen there
# dying first (or 10 s passing) ends the demo with its log.
wait_port() {
  local port=$1 name=$2 log=$3 pid=${pids[-1]}
  for _ in $(seq 1 100); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; fail "$name exited before listening on port $port (log: $log)"; }
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  fail "$name did not listen on port $port within 10 s (log: $log)"
}

export GANGWAY_JWT_SECRET=${GANGWAY_JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
start nats-server "$run_dir/nats.log" nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$run_dir/jetstream"
wait_port "$NATS_PORT" nats-server "$run_dir/nats.log"
start demo-backend "$run_dir/backend.log" "$build_dir/deploy/demo_backend/gangway-demo-backend" \
  --listen "127.0.0.1:$BACKEND_PORT" --nats "nats://127.0.0.1:$NATS_PORT" \
  --issuer gangway-demo --audience gangway --demo-page deploy/demo-page
wait_port "$BACKEND_PORT" demo-backend "$run_dir/backend.log"

# The demo config with this run's ports: each app's listen port from <APP>_PORT,
# the backend's URL from BACKEND_PORT, and the page's origin (an app's port:
# the page is served through the gateway) in allowed_origins.
# No load balancer waits for /readyz here: Ctrl-C's stop drains at once and within 4 s.
"$py" - deploy/gangway.demo.json "$run_dir/gangway.json" <<'PY'
import json, os, sys
from urllib.parse import urlsplit
config = json.load(open(sys.argv[1]))
env = os.environ
port_of = {urlsplit("http://" + app["listen"]).port: env[app["name"].upper() + "_PORT"] for app in config["apps"]}
config["nats"]["url"] = f"nats://127.0.0.1:{env['NATS_PORT']}"
config["admin"]["listen"] = f"127.0.0.1:{env['ADMIN_PORT']}"
for app in config["apps"]:
    app["listen"] = f"127.0.0.1:{env[app['name'].upper() + '_PORT']}"
    app["backend"]["url"] = f"http://127.0.0.1:{env['BACKEND_PORT']}"
    app["allowed_origins"] = [o.rsplit(":", 1)[0] + f":{port_of[urlsplit(o).port]}" if urlsplit(o).port in port_of else o
                              for o in app.get("allowed_origins", [])]
config["drain"] = {"grace_s": 4, "refuse_after_s": 0, "flush_s": 2}
json.dump(config, open(sys.argv[2], "w"), indent=2)
PY
start gangway "$run_dir/gangway.log" "$build_dir/gangway" --config "$run_dir/gangway.json"
for var in TRIBE_PORT CIRCLES_PORT PYTHIA_PORT SOCIAL_PORT WINKR_PORT ADMIN_PORT; do
  wait_port "${!var}" gangway "$run_dir/gangway.log"
done

B="http://127.0.0.1:$BACKEND_PORT"
# Every REST call below, and the page's, goes through the gateway: each app's
# port passes /api/ and /demo/ to the backend (deploy/gangway.demo.json, passthrough).
T="http://127.0.0.1:$TRIBE_PORT" C="http://127.0.0.1:$CIRCLES_PORT" P="http://127.0.0.1:$PYTHIA_PORT"
S="http://127.0.0.1:$SOCIAL_PORT" W="http://127.0.0.1:$WINKR_PORT"
token() { curl -fsS -X POST "$T$1" -H 'Content-Type: application/json' -d "{\"username\":\"$2\",\"password\":\"password\"}" |
            "$py" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
cookie() { curl -fsS -o /dev/null -D - -X POST "$S/api/login" -H 'Content-Type: application/json' \
             -d "{\"username\":\"$1\",\"password\":\"password\"}" | tr -d '\r' | sed -n 's/^set-cookie: *session_id=\([^;]*\).*/\1/Ip'; }
alice=$(token /api/v1/auth/login alice)
bob=$(token /api/v1/auth/login bob)
maya=$(token /api/v1/circles/auth/login maya)
noah=$(token /api/v1/circles/auth/login noah)
s_alice=$(cookie alice)
s_bob=$(cookie bob)
general=6f1c2a4e-1b7d-4c3a-9e2f-000000000001
J="-H 'Content-Type: application/json'"
ws=deploy/ws-client.py
# The page knows the default app ports; other ones ride in its query string.
query=""
for app in tribe circles pythia social winkr; do
  var=${app^^}_PORT default=$(sed -n "s/^$var=\${$var:-\([0-9]*\)}.*/\1/p" deploy/run-demo.sh)
  [ "${!var}" = "$default" ] || query+="${query:+&}$app=${!var}"
done

cat <<TXT

Gangway is up: demo backend $B (behind the gateway), NATS nats://127.0.0.1:$NATS_PORT,
metrics http://127.0.0.1:$ADMIN_PORT/metrics. Ctrl-C stops everything.
Logs: $run_dir (kept after the demo stops)

In a browser: $T/demo/${query:+?$query}
  two users side by side in each of the five apps (messages, typing, presence, extras);
  the page and its REST calls come through the gateway's tribe port, the sockets on each app's port.

Or by hand: run the socket command, type the frame after "> ", then run the curl
from another terminal and watch the event arrive (tokens last one hour).

tribe: alice subscribes; bob's REST message arrives as "message.new"
  \$ $ws "ws://127.0.0.1:$TRIBE_PORT/api/v1/ws?token=$alice"
  > {"event": "subscribe", "channel": "conversation", "conversation_id": "c-general"}
  \$ curl -sS $T/api/v1/conversations/c-general/messages -H "Authorization: Bearer $bob" $J -d '{"content": "hi alice"}'

circles: maya opens DM thread 2; noah's REST message arrives as "message"
  \$ $ws "ws://127.0.0.1:$CIRCLES_PORT/ws/dms/2?token=$maya"
  > {"type": "message", "text": "Hello there"}
  \$ curl -sS $C/api/v1/dms/2/messages -H "Authorization: Bearer $noah" $J -d '{"text": "hi maya"}'

pythia: alice is auto-joined to #general; bob's REST message arrives as "new_message"
  \$ $ws "ws://127.0.0.1:$PYTHIA_PORT/ws?token=$alice"
  > {"type": "get_online_users", "channel_id": "$general"}
  \$ curl -sS $P/api/v1/messages/ -H "Authorization: Bearer $bob" $J -d '{"channel_id": "$general", "content": "hi @alice"}'

social: bob (user 3) messages himself; alice's REST invite arrives as "notification"
  \$ $ws "ws://127.0.0.1:$SOCIAL_PORT/ws" -H "Cookie: session_id=$s_bob" -H "Origin: $T"
  > {"type": "private", "to": 3, "content": "note to self"}
  \$ curl -sS $S/api/groups/invite -H "Cookie: session_id=$s_alice" $J -d '{"group_id": 2, "user_id": 3}'

winkr: alice joins conv-ab (Authorization: Bearer); the REST unread call arrives as "conversation:unread"
  \$ $ws "ws://127.0.0.1:$WINKR_PORT/ws" -H "Authorization: Bearer $alice"
  > {"event": "conversation:join", "data": {"conversation_id": "conv-ab"}}
  \$ curl -sS -d '' $W/api/winkr/v1/conversations/conv-ab/unread -H "Authorization: Bearer $alice"
TXT

# Runs until Ctrl-C, or until one of the processes exits (then its log says why).
set +e
wait -n "${pids[@]}"
status=$?
set -e
for i in "${!pids[@]}"; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then
    tail -n 20 "${logs[$i]}" >&2
    fail "${names[$i]} exited (status $status); its log: ${logs[$i]}"
  fi
done
