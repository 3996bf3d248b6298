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
wait_port "$GATEWAY_PORT"

login() { curl -fsS -X POST "http://127.0.0.1:$BACKEND_PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
            -d "{\"username\":\"$1\",\"password\":\"password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
alice=$(login alice)
bob=$(login bob)

cat <<TXT

Gangway is up: gateway ws://127.0.0.1:$GATEWAY_PORT, demo backend http://127.0.0.1:$BACKEND_PORT,
NATS nats://127.0.0.1:$NATS_PORT, metrics http://127.0.0.1:$ADMIN_PORT/metrics (logs in $run_dir).

Connect as alice (tribe dialect) and subscribe to a conversation:
  python3 -m websockets "ws://127.0.0.1:$GATEWAY_PORT/api/v1/ws?token=$alice"
  > {"event": "subscribe", "channel": "conversation", "conversation_id": "c-general"}

Then, from another terminal, send a message as bob through the REST service; alice receives message.new:
  curl -X POST http://127.0.0.1:$BACKEND_PORT/api/v1/conversations/c-general/messages \\
       -H "Authorization: Bearer $bob" -H 'Content-Type: application/json' -d '{"content": "hi alice"}'

Ctrl-C stops everything.
TXT
wait -n "${pids[@]}"
