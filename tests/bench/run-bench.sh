#!/usr/bin/env bash
# Measures a tribe app under load and writes docs/performance.md.
#
#   tests/bench/run-bench.sh                    # N = 1000 and 10000, all scenarios
#   SIZES=100 SCENARIOS=rooms OUT=/tmp/perf.md tests/bench/run-bench.sh   # a quick check
#
# Starts nats-server, the allow-all backend (gangway-load --serve-only) and
# gangway on free 127.0.0.1 ports, runs gangway-load per size and scenario,
# and stops everything it started by PID. Needs a Release build in $BUILD:
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench -j2 --target gangway gangway-load
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${BUILD:-$root/build-bench}"
OUT="${OUT:-$root/docs/performance.md}"
SIZES="${SIZES:-1000 10000}"
DURATION="${DURATION:-10}"
SCENARIOS="${SCENARIOS:-steady overload rooms}"
STEADY="${STEADY:-50000}"        # steady: one room, rate = STEADY/N publishes/s (x N deliveries)
OVERLOAD="${OVERLOAD:-200000}"   # overload: one room, rate = OVERLOAD/N publishes/s
ROOMS_RATE="${ROOMS_RATE:-2000}" # rooms: a room per socket, publishes/s round-robin
THREADS="${THREADS:-2}"          # gangway I/O threads
LOAD_ARGS="${LOAD_ARGS:-}"       # extra gangway-load arguments
NICE="${NICE:-}"                 # e.g. -10: run the stack ahead of other work on a shared machine (root)
prio=()
if [[ -n $NICE ]]; then
  # With autogroup scheduling, nice only ranks processes within a session:
  # run in a session of our own and give that session's group the priority.
  if [[ -z ${BENCH_OWN_SESSION:-} ]]; then BENCH_OWN_SESSION=1 exec setsid --wait "$0" "$@"; fi
  if [[ -w /proc/self/autogroup ]]; then echo "$NICE" >/proc/self/autogroup 2>/dev/null || true; fi
  prio=(nice -n "$NICE")
fi
gangway="$BUILD/gangway"
load="$BUILD/tests/bench/gangway-load"
for b in "$gangway" "$load"; do [[ -x $b ]] || { echo "missing $b (build it first)" >&2; exit 1; }; done
command -v nats-server >/dev/null || { echo "nats-server is not installed" >&2; exit 1; }

work="$(mktemp -d /tmp/gangway-bench.XXXXXX)"
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 15 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local p
  for p in $(shuf -i 20000-30000 -n 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}
wait_port() {  # port, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

secret="bench-secret-$(date +%s)-0123456789abcdef"
nats_port=$(free_port); backend_port=$(free_port); app_port=$(free_port); admin_port=$(free_port)

start_stack() {  # a fresh nats-server, backend and gateway for every run
  "${prio[@]}" nats-server -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 & pids+=($!)
  "${prio[@]}" "$load" --allow-backend "$backend_port" --serve-only 2>"$work/backend.log" & pids+=($!)
  wait_port "$nats_port" 10; wait_port "$backend_port" 10
  cat >"$work/gangway.json" <<EOF
{
  "gateway_id": "gw-bench",
  "threads": $THREADS,
  "nats": { "url": "nats://127.0.0.1:$nats_port" },
  "admin": { "listen": "127.0.0.1:$admin_port" },
  "apps": [{
    "name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:$app_port", "routes": ["/api/v1/ws"],
    "jwt": { "keys": [{ "alg": "HS256", "secret_env": "BENCH_JWT_SECRET" }], "issuer": "bench", "audience": "gangway" },
    "backend": { "url": "http://127.0.0.1:$backend_port", "threads": 4 },
    "callouts": { "conversation_participant": { "method": "GET",
      "path": "/internal/tribe/conversations/{conversation_id}/participants/{user_id}", "timeout_ms": 5000 } },
    "limits": { "idle_timeout_s": 120, "handshake_timeout_s": 30 }
  }]
}
EOF
  (ulimit -n "$(ulimit -Hn)"; BENCH_JWT_SECRET="$secret" exec "${prio[@]}" "$gangway" --config "$work/gangway.json") \
    >"$work/gangway.log" 2>&1 & pids+=($!)
  gateway_pid=${pids[-1]}
  wait_port "$app_port" 20
}
stop_stack() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 20 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
  pids=()
}

busy_pct() {  # machine-wide CPU busy % over one second (others may share the machine)
  local a b
  read -r -a a < <(head -1 /proc/stat); sleep 1; read -r -a b < <(head -1 /proc/stat)
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
wait_quiet() {  # up to QUIET_WAIT seconds for the machine to be under QUIET_BUSY % busy
  local deadline=$(( SECONDS + ${QUIET_WAIT:-180} )) b
  while b=$(busy_pct); (( b > ${QUIET_BUSY:-20} && SECONDS < deadline )); do
    echo "machine ${b}% busy; waiting for it to calm down" >&2; sleep 4
  done
  echo "$b"
}

results="$work/results.md"; : >"$results"
run() {  # label, extra args...
  local label="$1"; shift
  local busy; busy=$(wait_quiet)
  start_stack
  # shellcheck disable=SC2206
  local cmd=("$load" --port "$app_port" --nats "nats://127.0.0.1:$nats_port" --secret "$secret"
             --issuer bench --audience gangway --gateway-pid "$gateway_pid" --duration "$DURATION" "$@" $LOAD_ARGS)
  local shown="${cmd[*]}"
  shown="${shown//$BUILD/\$BUILD}"; shown="${shown//$secret/\$SECRET}"
  shown="${shown//--gateway-pid $gateway_pid/--gateway-pid \$GATEWAY_PID}"
  echo "== $label: $shown" >&2
  local rc=0
  timeout 600 "${prio[@]}" "${cmd[@]}" >"$work/out.txt" 2>"$work/err.txt" || rc=$?
  cat "$work/out.txt" >&2
  local gw_status; gw_status=$(kill -0 "$gateway_pid" 2>/dev/null && echo "running" || echo "EXITED")
  stop_stack
  {
    echo "### $label"
    echo
    echo '```sh'
    echo "$shown"
    echo '```'
    echo
    echo "Machine ${busy}% busy (all processes) just before the run."
    echo
    echo '```'
    grep -v '^{' "$work/out.txt" || true
    grep -h 'close handshakes' "$work/err.txt" | sed 's/^gangway-load: /  /' || true
    [[ $rc -eq 0 ]] || echo "(gangway-load exit status $rc; gateway $gw_status at the end)"
    echo '```'
    echo
    echo "<details><summary>JSON</summary>"
    echo
    echo '```json'
    grep '^{' "$work/out.txt" | python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); j.pop("raw",None); print(json.dumps(j))' 2>/dev/null || true
    grep '^{' "$work/out.txt" | sed "s|^|$label\t|" >>"$work/rows.tsv" || true
    echo '```'
    echo "</details>"
    echo
    if grep -vqE 'gangway listening|"draining"' "$work/gangway.log"; then
      echo "Gateway log (first 5 other lines):"; echo; echo '```'
      grep -vE 'gangway listening|"draining"' "$work/gangway.log" | head -5 | cut -c1-300; echo '```'; echo
    fi
  } >>"$results"
}

for n in $SIZES; do
  for sc in $SCENARIOS; do
    case $sc in
      steady)   r=$(awk -v d="$STEADY" -v n="$n" 'BEGIN{print d/n}')
                run "N = $n, one room, $r publishes/s (asks for $STEADY deliveries/s)" -n "$n" --rooms 1 --rate "$r" ;;
      overload) r=$(awk -v d="$OVERLOAD" -v n="$n" 'BEGIN{print d/n}')
                run "N = $n, one room, $r publishes/s (asks for $OVERLOAD deliveries/s)" -n "$n" --rooms 1 --rate "$r" ;;
      rooms)    run "N = $n, a room per socket, $ROOMS_RATE publishes/s round-robin" -n "$n" --rooms "$n" --rate "$ROOMS_RATE" ;;
      *) echo "unknown scenario $sc" >&2; exit 2 ;;
    esac
  done
done

summary_table() {  # one row per run from the JSON lines
  [[ -s $work/rows.tsv ]] || return 0
  python3 - "$work/rows.tsv" <<'PY'
import json, sys
print("| run | subscribed | upgrades/s | deliveries/s | received / expected | p50 ms | p90 ms | p99 ms | max ms | KiB per idle socket | gateway CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    label, _, js = line.rstrip("\n").partition("\t")
    j = json.loads(js); l = j["latency_ms"]
    print(f"| {label} | {j['subscribed']} / {j['sockets']} | {j['upgrades_per_s']:.0f} | {j['deliveries_per_s']:.0f} "
          f"| {j['received']} / {j['expected']} | {l['p50']:.2f} | {l['p90']:.2f} | {l['p99']:.2f} | {l['max']:.2f} "
          f"| {j['kib_per_idle_socket']:.1f} | {j['cpu_while_publishing_pct']['gateway']:.0f}% |")
PY
}
# Observations written by hand below the marker survive a re-run.
marker='<!-- observations: kept by run-bench.sh -->'
notes=""
if [[ -f $OUT ]] && grep -qF "$marker" "$OUT"; then notes="$(sed -n "/$marker/,\$p" "$OUT" | tail -n +2)"; fi

mkdir -p "$(dirname "$OUT")"
{
  cat <<EOF
# Performance

Measured with \`gangway-load\` (tests/bench/) by \`tests/bench/run-bench.sh\`.
Numbers only; no test asserts on time. Produced by:

\`\`\`sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
cmake --build build-bench -j2 --target gangway gangway-load
${NICE:+NICE=$NICE }SIZES="$SIZES" SCENARIOS="$SCENARIOS" DURATION=$DURATION STEADY=$STEADY OVERLOAD=$OVERLOAD ROOMS_RATE=$ROOMS_RATE THREADS=$THREADS ${LOAD_ARGS:+LOAD_ARGS="$LOAD_ARGS" }tests/bench/run-bench.sh
\`\`\`

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB
- Kernel: $(uname -r); nats-server $(nats-server --version | awk '{print $2}'); gangway $("$gangway" --version | awk '{print $2}'),
  binary built $(date -u -r "$gangway" '+%Y-%m-%d %H:%M UTC'); the tree was at commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') during the run
- Gateway: $THREADS I/O threads; the load tool, nats-server, the allow-all backend and gangway share the machine$([[ -z $NICE ]] || echo ", all run at nice $NICE in a session of their own (autogroup nice $NICE)").
- Each row's stack (nats-server, backend, gangway) is fresh. \`\$SECRET\` is the HS256 secret
  in the gateway's config, \`\$GATEWAY_PID\` its process id.

## How to read it

- *upgrades/s*: sockets that finished the HTTP upgrade (token checked) per second, with at
  most 200 sockets between connect and subscribed at once; *subscribed/s* also includes the
  subscribe frame and the gateway's conversation_participant callout (to an allow-all backend).
- *deliveries/s*: \`message.new\` frames received by all sockets, divided by the time from the
  first publish to the last delivery. *expected* is what every subscribed socket should have
  got; *missing* is what had not arrived when nothing more came for 3 s (or after 120 s).
- *latency*: CLOCK_REALTIME at publish (carried in the body as \`sent_ns\`) to the client
  reading the frame, same machine. In one room of N sockets it includes the time the gateway
  takes to write the frame to all N sockets: the last socket waits for the N-1 before it.
- *KiB per idle socket*: (gateway VmRSS with N subscribed sockets, after 1.5 s idle, minus
  VmRSS before the first socket) / N: the session, its user room and conversation room
  membership, buffers in user space. Kernel socket buffers are not in RSS.
- *gateway CPU*: its user + system time during the publishing phase, as a % of one core.

## Summary

$(summary_table)

## Runs

EOF
  cat "$results"
  echo "## Observations"
  echo
  echo "$marker"
  if [[ -n $notes ]]; then echo "$notes"; fi
} >"$OUT"
echo "wrote $OUT" >&2
