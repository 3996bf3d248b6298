#!/usr/bin/env bash
# The main job on one machine: nats-server (JetStream) + the demo backend + Gangway,
# all on loopback. Installs and builds what is missing, prints how to connect,
# and stops everything it started on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
NATS_PORT=${NATS_PORT:-4222} BACKEND_PORT=${BACKEND_PORT:-8001} GATEWAY_PORT=${GATEWAY_PORT:-8000}
ADMIN_PORT=${ADMIN_PORT:-9100}

bash deploy/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target gangway gangway-demo-backend

run_dir=$(mktemp -d /tmp/gangway-demo-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$run_dir"; }
trap cleanup EXIT INT TERM

wait_port() { for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
              echo "nothing listens on port $1; see $run_dir" >&2; exit 1; }

export GANGWAY_JWT_SECRET=${GANGWAY_JWT_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$run_dir/js" >"$run_dir/nats.log" 2>&1 & pids+=($!)
wait_port "$NATS_PORT"
build/deploy/demo_backend/gangway-demo-backend --listen "127.0.0.1:$BACKEND_PORT" \
  --nats "nats://127.0.0.1:$NATS_PORT" --jwt-secret "$GANGWAY_JWT_SECRET" \
  --issuer gangway-demo --audience gangway >"$run_dir/backend.log" 2>&1 & pids+=($!)
wait_port "$BACKEND_PORT"
sed -e "s/127.0.0.1:4222/127.0.0.1:$NATS_PORT/; s/127.0.0.1:8001/127.0.0.1:$BACKEND_PORT/" \
    -e "s/127.0.0.1:8000/127.0.0.1:$GATEWAY_PORT/; s/127.0.0.1:9100/127.0.0.1:$ADMIN_PORT/" \
    deploy/gangway.demo.json >"$run_dir/gangway.json"
build/gangway --config "$run_dir/gangway.json" >"$run_dir/gangway.log" 2>&1 & pids+=($!)
app_ports=$(python3 -c 'import json,sys; print(" ".join(a["name"]+"="+a["listen"].rsplit(":",1)[1] for a in json.load(open(sys.argv[1]))["apps"]))' "$run_dir/gangway.json")
for ap in $app_ports; do wait_port "${ap#*=}"; declare "port_${ap%%=*}=${ap#*=}"; done

B="http://127.0.0.1:$BACKEND_PORT"
token() { curl -fsS -X POST "$B$1" -H 'Content-Type: application/json' -d "{\"username\":\"$2\",\"password\":\"password\"}" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
cookie() { curl -fsS -o /dev/null -D - -X POST "$B/api/login" -H 'Content-Type: application/json' \
             -d "{\"username\":\"$1\",\"password\":\"password\"}" | tr -d '\r' | sed -n 's/^set-cookie: *session_id=\([^;]*\).*/\1/Ip'; }
alice=$(token /api/v1/auth/login alice)
bob=$(token /api/v1/auth/login bob)
maya=$(token /api/v1/circles/auth/login maya)
noah=$(token /api/v1/circles/auth/login noah)
s_alice=$(cookie alice)
s_bob=$(cookie bob)
general=6f1c2a4e-1b7d-4c3a-9e2f-000000000001
# python3 -m websockets cannot send headers: the same prompt, with headers given as arguments.
wsh="/usr/bin/python3 -c 'import sys,functools,websockets.__main__ as m; m.connect=functools.partial(m.connect,extra_headers=[tuple(h.split(\": \",1)) for h in sys.argv[2:]]); del sys.argv[2:]; m.main()'"
J="-H 'Content-Type: application/json'"

cat <<TXT

Gangway is up: demo backend $B, NATS nats://127.0.0.1:$NATS_PORT,
metrics http://127.0.0.1:$ADMIN_PORT/metrics, logs in $run_dir. Ctrl-C stops everything.

Try each app: run the socket command, type the frame after "> ", then run the curl
from another terminal and watch the event arrive (tokens last one hour).

tribe (alice; bob's REST message arrives as message.new)
  /usr/bin/python3 -m websockets "ws://127.0.0.1:$port_tribe/api/v1/ws?token=$alice"
  > {"event": "subscribe", "channel": "conversation", "conversation_id": "c-general"}
  curl -sS $B/api/v1/conversations/c-general/messages -H "Authorization: Bearer $bob" $J -d '{"content": "hi alice"}'

circles (maya in DM thread 2; noah's REST message arrives as message)
  /usr/bin/python3 -m websockets "ws://127.0.0.1:$port_circles/ws/dms/2?token=$maya"
  > {"type": "message", "text": "Hello there"}
  curl -sS $B/api/v1/dms/2/messages -H "Authorization: Bearer $noah" $J -d '{"text": "hi maya"}'

pythia (alice, auto-joined to #general; bob's REST message arrives as new_message)
  /usr/bin/python3 -m websockets "ws://127.0.0.1:$port_pythia/ws?token=$alice"
  > {"type": "get_online_users", "channel_id": "$general"}
  curl -sS $B/api/v1/messages/ -H "Authorization: Bearer $bob" $J -d '{"channel_id": "$general", "content": "hi @alice"}'

social (bob, user 3, messages himself; alice's REST invite arrives as notification)
  $wsh ws://127.0.0.1:$port_social/ws 'Cookie: session_id=$s_bob' 'Origin: http://127.0.0.1:$port_social'
  > {"type": "private", "to": 3, "content": "note to self"}
  curl -sS $B/api/groups/invite -H 'Cookie: session_id=$s_alice' $J -d '{"group_id": 2, "user_id": 3}'

winkr (alice, Authorization: Bearer; the REST unread call arrives as conversation:unread)
  $wsh ws://127.0.0.1:$port_winkr/ws 'Authorization: Bearer $alice'
  > {"event": "conversation:join", "data": {"conversation_id": "conv-ab"}}
  curl -sS -d '' $B/api/winkr/v1/conversations/conv-ab/unread -H "Authorization: Bearer $alice"
TXT
wait -n "${pids[@]}"
