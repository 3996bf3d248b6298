#!/usr/bin/env bash
# Gangway side by side with nats-server's own WebSocket listener, scenarios
# A–E of issue 5, S (sustained publishing) and ES (upgrades that subscribe) of
# issue 24, and writes docs/performance.md (medians and ratios).
#
#   tests/bench/run-bench.sh             # 3 runs of each scenario on each server (~10 min)
#   tests/bench/run-bench.sh --quick     # 1 run, smaller counts (~3 min)
#   SCENARIOS="A D" RUNS=1 OUT=/tmp/perf.md tests/bench/run-bench.sh
#   DEFLATE=1 PAYLOAD_BYTES=2000 tests/bench/run-bench.sh   # permessage-deflate on both servers
#   TLS=both SCENARIOS="E D" D_SIZES=10000 OUT=/tmp/tls.md tests/bench/run-bench.sh
#       # wss: each run starts gangway, gangway over TLS, nats-server, nats-server over TLS in turn
#   SCENARIOS="S ES" S_SIZES="1000 5000 10000" tests/bench/run-bench.sh   # issue 24's overload runs
#   GANGWAY=/tmp/gangway-before SCENARIOS=S tests/bench/run-bench.sh  # another gangway binary
#
# Each run gets a fresh stack: for gangway a nats-server with JetStream (its bus), the
# allow-all backend (gangway-load --serve-only) and gangway; for the
# reference a nats-server with `websocket { no_tls: true }`. The same
# gangway-load drives both (dialect tribe / nats). Everything this script
# starts is stopped by PID. Needs a Release build in $BUILD:
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench -j2 --target gangway gangway-load
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
QUICK=""
[[ ${1:-} == --quick ]] && QUICK=1
BUILD="${BUILD:-$root/build-bench}"
OUT="${OUT:-$root/docs/performance.md}"
SCENARIOS="${SCENARIOS:-A B C D E}"
RUNS="${RUNS:-$([[ -n $QUICK ]] && echo 1 || echo 3)}"
A_COUNT="${A_COUNT:-$([[ -n $QUICK ]] && echo 300 || echo 1000)}"  # A: events into one room of 1,000
B_SECONDS="${B_SECONDS:-$([[ -n $QUICK ]] && echo 4 || echo 8)}"   # B: 100 events/s for this long
C_COUNT="${C_COUNT:-$([[ -n $QUICK ]] && echo 30000 || echo 100000)}"  # C: events round-robin over 10,000 rooms
# C's publisher flushes (PING/PONG) every this many events, as a client with a
# flush loop does (issue 24); 0: once at the end, as C did until 2026-12-07.
C_FLUSH_EVERY="${C_FLUSH_EVERY:-100}"
S_SIZES="${S_SIZES:-$([[ -n $QUICK ]] && echo 1000 || echo "1000 5000 10000")}"  # S: sockets in one room
S_SECONDS="${S_SECONDS:-$([[ -n $QUICK ]] && echo 5 || echo 10)}"  # S: publishing as fast as accepted for this long
D_SIZES="${D_SIZES:-10000 19000}"
THREADS="${THREADS:-2}"          # gangway I/O threads
GANGWAY_EXTRA="${GANGWAY_EXTRA:-}"  # extra JSON members for the app, each with a trailing comma
PAYLOAD_BYTES="${PAYLOAD_BYTES:-200}"  # approximate event body size (chat-like JSON text)
DEFLATE="${DEFLATE:-0}"          # 1: permessage-deflate offered by every client, enabled on both servers
[[ $PAYLOAD_BYTES =~ ^[0-9]+$ ]] || { echo "PAYLOAD_BYTES must be a number of bytes" >&2; exit 2; }
[[ $DEFLATE == 0 || $DEFLATE == 1 ]] || { echo "DEFLATE must be 0 or 1" >&2; exit 2; }
TLS="${TLS:-0}"                  # 1: wss on both servers (a test CA made here); both: plain and wss, in turn
case $TLS in
  0) targets=(gangway nats) ;;
  1) targets=(gangway-tls nats-tls) ;;
  both) targets=(gangway gangway-tls nats nats-tls) ;;
  *) echo "TLS must be 0, 1 or both" >&2; exit 2 ;;
esac
# What DEFLATE=1 changes in each stack (empty otherwise).
gangway_deflate="" nats_deflate="" load_deflate=()
if [[ $DEFLATE == 1 ]]; then
  gangway_deflate='"permessage_deflate": { "enabled": true },'
  nats_deflate=", compression: true"
  load_deflate=(--deflate)
fi
NICE="${NICE:-}"                 # e.g. -10: run the stacks ahead of other work on a shared machine (root)
prio=()
if [[ -n $NICE ]]; then
  # With autogroup scheduling, nice only ranks processes within a session:
  # run in a session of our own and give that session's group the priority.
  if [[ -z ${BENCH_OWN_SESSION:-} ]]; then BENCH_OWN_SESSION=1 exec setsid --wait "$0" "$@"; fi
  if [[ -w /proc/self/autogroup ]]; then echo "$NICE" >/proc/self/autogroup 2>/dev/null || true; fi
  prio=(nice -n "$NICE")
fi
gangway="${GANGWAY:-$BUILD/gangway}"
load="$BUILD/tests/bench/gangway-load"
for b in "$gangway" "$load"; do [[ -x $b ]] || { echo "missing $b (build it first)" >&2; exit 1; }; done
command -v nats-server >/dev/null || { echo "nats-server is not installed" >&2; exit 1; }

work="$(mktemp -d /tmp/gangway-bench.XXXXXX)"
# shellcheck source=tests/bench/stack.sh
source "$root/tests/bench/stack.sh"  # pids, stop_stack, free_port, wait_port
trap 'stop_stack; rm -rf "$work"' EXIT

stack_cpu_s() {  # CPU seconds (user + system) the stack's processes have used so far
  local p t=0
  for p in "${pids[@]}"; do
    [[ -r /proc/$p/stat ]] && t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  awk -v t="$t" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}
busy_pct() {  # machine-wide CPU busy % over one second (others may share the machine)
  local a b
  read -r -a a < <(head -1 /proc/stat); sleep 1; read -r -a b < <(head -1 /proc/stat)
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

secret="bench-secret-$(date +%s)-0123456789abcdef"

# wss: a CA and an EC P-256 server certificate for 127.0.0.1, as a small
# deployment would use; both servers get the same, the clients verify it.
tls_app="" tls_args=()
if [[ $TLS != 0 ]]; then
  mkdir -p "$work/tls"
  (cd "$work/tls"
   ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
   openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=Bench CA" 2>/dev/null
   openssl req "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
   printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
   openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2 -out server.pem \
     -extfile server.ext 2>/dev/null) || { echo "openssl could not make the bench's certificates" >&2; exit 1; }
  tls_app="\"tls\": { \"cert_file\": \"$work/tls/server.pem\", \"key_file\": \"$work/tls/server.key\" },"
  tls_args=(--tls --ca-file "$work/tls/ca.pem")
fi

start_gangway() {  # [tls] — sets server_pid, target_args
  local tls=${1:-} nats_port backend_port app_port admin_port
  nats_port=$(free_port); backend_port=$(free_port); app_port=$(free_port); admin_port=$(free_port)
  # JetStream on, as in production (deploy/run-demo.sh): presence is a KV bucket.
  rm -rf "$work/js"
  "${prio[@]}" nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/js" >"$work/nats.log" 2>&1 & pids+=($!)
  "${prio[@]}" "$load" --allow-backend "$backend_port" --serve-only 2>"$work/backend.log" & pids+=($!)
  wait_port "$nats_port" 10 || return 1; wait_port "$backend_port" 10 || return 1
  cat >"$work/gangway.json" <<EOF
{
  "gateway_id": "gw-bench",
  "threads": $THREADS,
  "nats": { "url": "nats://127.0.0.1:$nats_port" },
  "admin": { "listen": "127.0.0.1:$admin_port" },
  "apps": [{
    "name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:$app_port", "routes": ["/api/v1/ws"], $gangway_deflate $GANGWAY_EXTRA ${tls:+$tls_app}
    "jwt": { "keys": [{ "alg": "HS256", "secret_env": "BENCH_JWT_SECRET" }], "issuer": "bench", "audience": "gangway" },
    "backend": { "url": "http://127.0.0.1:$backend_port", "threads": 4 },
    "callouts": { "conversation_participant": { "method": "GET",
      "path": "/internal/tribe/conversations/{conversation_id}/participants/{user_id}", "timeout_ms": 5000 } },
    "limits": { "idle_timeout_s": 120, "handshake_timeout_s": 30, "max_queued_bytes": 67108864 }
  }]
}
EOF
  (ulimit -n "$(ulimit -Hn)"; BENCH_JWT_SECRET="$secret" exec "${prio[@]}" "$gangway" --config "$work/gangway.json") \
    >"$work/gangway.log" 2>&1 & pids+=($!)
  server_pid=${pids[-1]}
  bus_pid=${pids[0]}
  metrics_url="http://127.0.0.1:$admin_port/metrics"
  wait_port "$app_port" 20 || return 1
  target_args=(--dialect tribe --port "$app_port" --nats "nats://127.0.0.1:$nats_port" --secret "$secret"
               --issuer bench --audience gangway)
  [[ -z $tls ]] || target_args+=("${tls_args[@]}")
}

start_nats_ws() {  # [tls] — sets server_pid, target_args
  local tls=${1:-} nats_port ws_port ws_tls="no_tls: true"
  nats_port=$(free_port); ws_port=$(free_port)
  [[ -z $tls ]] || ws_tls="tls { cert_file: \"$work/tls/server.pem\", key_file: \"$work/tls/server.key\" }"
  cat >"$work/nats-ws.conf" <<EOF
listen: "127.0.0.1:$nats_port"
websocket { listen: "127.0.0.1:$ws_port", $ws_tls$nats_deflate }
EOF
  (ulimit -n "$(ulimit -Hn)"; exec "${prio[@]}" nats-server -c "$work/nats-ws.conf") >"$work/nats.log" 2>&1 & pids+=($!)
  server_pid=${pids[-1]}
  bus_pid=0 metrics_url=""
  wait_port "$ws_port" 10 || return 1
  target_args=(--dialect nats --port "$ws_port" --nats "nats://127.0.0.1:$nats_port")
  [[ -z $tls ]] || target_args+=("${tls_args[@]}")
}

# The scenarios: gangway-load arguments for each (both servers get the same).
scenario_args() {  # scenario [size]
  case $1 in
    A) echo "-n 1000 --rooms 1 --rate 0 --count $A_COUNT --procs 2" ;;
    B) echo "-n 1000 --rooms 1 --rate 100 --duration $B_SECONDS --procs 2" ;;
    C) echo "-n 10000 --rooms 10000 --rate 0 --count $C_COUNT --flush-every $C_FLUSH_EVERY --procs 2" ;;
    D) echo "-n $2 --rooms $2 --duration 0 --procs 2 --settle-ms 2000" ;;
    E) echo "-n 5000 --upgrade-only --connect-concurrency 64 --duration 0 --settle-ms 0" ;;
    # Upgrades that subscribe: each socket sends its subscribe frame (nats-server: SUB and PING) once
    # upgraded and is counted when confirmed; a room each, so every one is a new subscription.
    ES) echo "-n 5000 --rooms 5000 --connect-concurrency 64 --duration 0 --settle-ms 0" ;;
    # Sustained: one room, a publisher flushing every 100 events as fast as the server answers.
    S) echo "-n $2 --rooms 1 --rate 0 --duration $S_SECONDS --flush-every 100 --procs 2 --settle-ms 500" ;;
  esac
}

cases=()
for sc in $SCENARIOS; do
  case $sc in
    D) for n in $D_SIZES; do cases+=("D$n"); done ;;
    S) for n in $S_SIZES; do cases+=("S$n"); done ;;
    A|B|C|E|ES) cases+=("$sc") ;;
    *) echo "unknown scenario $sc (A B C D E ES S)" >&2; exit 2 ;;
  esac
done

: >"$work/runs.tsv"
for ((run = 1; run <= RUNS; run++)); do
  for c in "${cases[@]}"; do
    for target in "${targets[@]}"; do  # side by side: the same minute of the same machine
      busy=$(busy_pct)
      tls=""; [[ $target == *-tls ]] && tls=1
      for attempt in 1 2 3; do  # a free port may be taken by someone else meanwhile
        if [[ $target == gangway* ]]; then start_gangway $tls && break; else start_nats_ws $tls && break; fi
        stop_stack
      done
      sc=${c%%[0-9]*}
      # shellcheck disable=SC2207
      args=($(scenario_args "$sc" "${c#"$sc"}"))
      echo "== $c $target run $run (machine ${busy}% busy before): ${args[*]}" >&2
      rc=0
      # CPU time of each side: on 2 shared cores, deliveries/s also depends on
      # how much of them the load tool needs (one frame per event for gangway,
      # many MSGs per frame for nats-server).
      TIMEFORMAT='%U %S'
      { time timeout 600 "${prio[@]}" "$load" "${target_args[@]}" --gateway-pid "$server_pid" --bus-pid "$bus_pid" \
          --quiet "${args[@]}" --payload-bytes "$PAYLOAD_BYTES" "${load_deflate[@]}" >"$work/out.txt" 2>"$work/err.txt" || rc=$?; } 2>"$work/time.txt"
      load_cpu=$(awk '{printf "%.2f", $1 + $2}' "$work/time.txt")
      server_cpu=$(stack_cpu_s)
      # What gangway shed, by its own count (/metrics): events a loop dropped (late, backlog_full; once per loop),
# events sockets shed (socket_shed; once per socket), sockets closed, what nats.c dropped.
      shed='{}'
      if [[ -n $metrics_url ]] && curl -sf --max-time 5 "$metrics_url" >"$work/metrics.txt"; then
        shed=$(awk '
          /^gangway_events_dropped_total.*reason="late"/ { late += $NF }
          /^gangway_events_dropped_total.*reason="backlog_full"/ { full += $NF }
          /^gangway_slow_consumers_total/ { slow += $NF }
          /^gangway_nats_dropped_total/ { nats += $NF }
          /^gangway_deliveries_dropped_total/ { sock += $NF }
          END { printf "{\"late\":%d,\"backlog_full\":%d,\"socket_shed\":%d,\"slow_consumers\":%d,\"nats_dropped\":%d}", late, full, sock, slow, nats }' "$work/metrics.txt")
      fi
      alive=$(kill -0 "$server_pid" 2>/dev/null && echo 1 || echo 0)
      stop_stack
      line=$(grep '^{' "$work/out.txt" | tail -1 || true)
      [[ -n $line ]] || { echo "no result (exit $rc):" >&2; tail -5 "$work/err.txt" >&2; line='{}'; }
      line=$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); j and j.update(shed=json.loads(sys.argv[2])); print(json.dumps(j))' "$line" "$shed")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$target" "$run" "$busy" "$rc" "$alive" "$server_cpu" "$load_cpu" "$line" >>"$work/runs.tsv"
      python3 - "$line" <<'PY' >&2
import json, sys
j = json.loads(sys.argv[1] or "{}")
if j:
    l = j["latency_ms"]
    print(f"   {j['subscribed']}/{j['sockets']} set up, {j['upgrades_per_s']:.0f} upgrades/s, "
          f"{j['received']}/{j['expected']} delivered, {j['deliveries_per_s']:.0f}/s, "
          f"p50 {l['p50']:.2f} p99 {l['p99']:.2f} ms, {j['kib_per_idle_socket']:.2f} KiB/socket, "
          f"{j['subscribed_per_s']:.0f} subscribed/s, peak RSS {j['gateway_rss_kib'].get('peak', 0) // 1024} MiB "
          f"(bus {j.get('bus_peak_rss_kib', 0) // 1024} MiB), closed early {j['closed_early']}, shed {j.get('shed', {})}"
          + (f", deflate accepted {j['deflate_accepted']}/{j['upgraded']}" if j.get("deflate") else ""))
PY
    done
  done
done

# Observations written by hand below the marker survive a re-run.
marker='<!-- observations: kept by run-bench.sh -->'
notes=""
if [[ -f $OUT ]] && grep -qF "$marker" "$OUT"; then notes="$(sed -n "/$marker/,\$p" "$OUT" | tail -n +2)"; fi

mkdir -p "$(dirname "$OUT")"
{
  cat <<EOF
# Performance

Gangway side by side with nats-server's own WebSocket listener (clients speaking
the NATS protocol in WebSocket frames), scenarios A–E of issue 5, measured with
\`gangway-load\` (tests/bench/) by \`tests/bench/run-bench.sh\`. Numbers only; no
test asserts on time. Produced by:

\`\`\`sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
cmake --build build-bench -j2 --target gangway gangway-load
${NICE:+NICE=$NICE }RUNS=$RUNS SCENARIOS="$SCENARIOS" A_COUNT=$A_COUNT B_SECONDS=$B_SECONDS C_COUNT=$C_COUNT C_FLUSH_EVERY=$C_FLUSH_EVERY S_SIZES="$S_SIZES" S_SECONDS=$S_SECONDS D_SIZES="$D_SIZES" THREADS=$THREADS PAYLOAD_BYTES=$PAYLOAD_BYTES DEFLATE=$DEFLATE ${GANGWAY_EXTRA:+GANGWAY_EXTRA='$GANGWAY_EXTRA' }tests/bench/run-bench.sh
\`\`\`

- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB;
  kernel $(uname -r); nats-server $(nats-server --version | awk '{print $2}'); gangway $("$gangway" --version | awk '{print $2}'),
  binary built $(date -u -r "$gangway" '+%Y-%m-%d %H:%M UTC'), tree at commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') plus uncommitted changes if any
- Gangway: $THREADS I/O threads, dialect tribe with HS256 tokens, every socket subscribed to a
  conversation (with the participant callout to an allow-all backend), a write queue of up to
  64 MiB per socket (\`max_queued_bytes\`, as nats-server's \`max_pending\`: a backlog of large
  events must not trip the 1 MiB default's slow-consumer close); its bus is a nats-server
  with JetStream, as in production (presence in a KV bucket in memory, written on every
  upgrade and close; until 2026-12-06 morning the bench's bus ran without JetStream, so
  presence writes were dropped by the bus unstored). The reference: nats-server
  with \`websocket { no_tls: true$nats_deflate }\`, no auth, each client \`SUB bench.<room> 1\`.
- Events: ~$PAYLOAD_BYTES-byte JSON bodies of chat-like text. permessage-deflate (RFC 7692): $(
  if [[ $DEFLATE == 1 ]]; then
    echo "**on** (DEFLATE=1): every client offers it; gangway's app has \`${gangway_deflate%,}\`, nats-server \`compression: true\`"
  else
    echo "**off** (DEFLATE=0): not offered by the clients"
  fi)
- The load tool, the publisher, the server (and for gangway its nats-server and the
  backend) share the 2 cores. Both servers run in turn in the same loop, a fresh stack per run.
EOF
  if [[ $TLS != 0 ]]; then
    cat <<EOF
- TLS (TLS=$TLS): $(if [[ $TLS == both ]]; then echo "each run starts gangway, gangway over TLS, nats-server and nats-server over TLS in turn"; else echo "both servers over TLS only"; fi).
  One EC P-256 certificate from a CA made by the script; gangway's app has \`"tls": {cert_file, key_file}\`
  (TLS 1.2+, Mozilla intermediate), nats-server \`websocket { tls { cert_file, key_file } }\`. Every
  client (OpenSSL 3, tests/bench/tls_client.hpp) makes a full handshake (no resumption) and verifies
  the chain and the name.
EOF
  fi
  python3 - "$work/runs.tsv" "$TLS" <<'PY'
import json, statistics, sys
rows = [l.rstrip("\n").split("\t", 8) for l in open(sys.argv[1]) if l.strip()]
tls_mode = sys.argv[2]
G, N = ("gangway-tls", "nats-tls") if tls_mode == "1" else ("gangway", "nats")
runs = {}
for case, target, run, busy, rc, alive, server_cpu, load_cpu, js in rows:
    j = json.loads(js)
    if j:
        j["server_cpu_s"], j["load_cpu_s"] = float(server_cpu or 0), float(load_cpu or 0)
    runs.setdefault((case, target), []).append((int(run), int(busy), int(rc), alive == "1", j))

def med(case, target, f):
    vals = [v for v in (f(j) for _, _, _, _, j in runs.get((case, target), []) if j) if v is not None]
    return statistics.median(vals) if vals else None

def fmt(v, unit=""):
    if v is None: return "–"
    return f"{v:,.0f}{unit}" if abs(v) >= 100 else f"{v:.2f}{unit}"

def ratio(g, n, higher_better=True):
    if not g or not n: return "–"
    return f"{g / n:.2f}" if higher_better else f"{n / g:.2f}"

def pairs(case, f, higher_better=True, a=None, b=None):
    # Run i of gangway against run i of nats-server (or `a` against `b`): they ran back to back.
    a, b = a or G, b or N
    by_run = {t: {run: f(j) for run, _, _, _, j in runs.get((case, t), []) if j} for t in (a, b)}
    out = []
    for run in sorted(by_run[a].keys() & by_run[b].keys()):
        g, n = by_run[a][run], by_run[b][run]
        if g and n: out.append(f"{g / n:.2f}" if higher_better else f"{n / g:.2f}")
    return ", ".join(out) or "–"

lines = ["", "## Summary (medians; ratio = how many times better gangway is, > 1 is better)", "",
         "| scenario | figure | gangway | nats-server WS | ratio | ratio run by run | target |",
         "|---|---|---|---|---|---|---|"]
dps = lambda j: j["deliveries_per_s"]
p50 = lambda j: j["latency_ms"]["p50"]
p99 = lambda j: j["latency_ms"]["p99"]
kib = lambda j: j["kib_per_idle_socket"]
ups = lambda j: j["upgrades_per_s"]
cpu_per = lambda j: 1e6 * j["server_cpu_s"] / j["received"] if j["received"] else None
load_per = lambda j: 1e6 * j["load_cpu_s"] / j["received"] if j["received"] else None
spec = [("A", "A: 1,000 subscribers, one room, publish as fast as accepted", "deliveries/s", dps, True, "≥ 1.0"),
        ("B", "B: 1,000 subscribers, 100 events/s", "p50 ms", p50, False, "≥ 1.0"),
        ("B", "", "p99 ms", p99, False, "≥ 1.0"),
        ("C", "C: 10,000 sockets, a room each, round-robin as fast as accepted", "deliveries/s", dps, True, "≥ 1.0"),
        ("C", "", "p99 ms", p99, False, ""),
        ("A", "A: server CPU per delivery (gangway: with its nats-server and backend)", "µs", cpu_per, False, ""),
        ("A", "A: load tool CPU per delivery", "µs", load_per, False, ""),
        ("C", "C: server CPU per delivery", "µs", cpu_per, False, ""),
        ("C", "C: load tool CPU per delivery", "µs", load_per, False, ""),
        ("D10000", "D: idle, subscribed sockets, 10,000", "KiB per socket", kib, False, ""),
        ("D19000", "D: idle, subscribed sockets, 19,000", "KiB per socket", kib, False, "≥ 4 (≤ 6 KiB)"),
        ("E", "E: upgrades, 5,000 sockets, 64 in flight (gangway checks a JWT)", "upgrades/s", ups, True, "≥ 1.5"),
        ("ES", "ES: upgrades that subscribe, 5,000 sockets, a room each, 64 in flight", "subscribed/s",
         lambda j: j["subscribed_per_s"], True, "≥ 1.5")]
peak = lambda j: (j["gateway_rss_kib"].get("peak", 0) + j.get("bus_peak_rss_kib", 0)) / 1024 or None
for n in sorted({int(k[0][1:]) for k in runs if k[0].startswith("S") and k[0][1:].isdigit()}):
    spec += [(f"S{n}", f"S: {n:,} sockets, one room, publisher flushing every 100 events", "deliveries/s", dps, True, "≥ 1.0"),
             (f"S{n}", "", "p50 ms", p50, False, ""),
             (f"S{n}", "", "p99 ms", p99, False, "≥ 1.0"),
             (f"S{n}", "", "peak RSS MiB (gangway + its nats-server)", peak, False, "")]
for case, label, fig, f, hb, target in spec:
    if not any(k[0] == case for k in runs): continue
    g, n = med(case, G, f), med(case, N, f)
    lines.append(f"| {label} | {fig} | {fmt(g)} | {fmt(n)} | {ratio(g, n, hb)} | {pairs(case, f, hb)} | {target} |")
if tls_mode == "both":
    # TLS against plain on each server, and the two servers over TLS: ratios
    # of runs that ran in the same minute (> 1: more upgrades/s, more memory).
    lines += ["", "## TLS (medians; ratios run by run)", "",
              "| case | figure | gangway | gangway TLS | TLS / plain | nats-server | nats-server TLS | TLS / plain | gangway TLS vs nats-server TLS (> 1 is better) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for case in sorted({k[0] for k in runs}):
        for fig, f, hb in (("upgrades/s", ups, True), ("KiB per socket", kib, False)):
            if (case == "E") != (fig == "upgrades/s"): continue
            vals = [med(case, t, f) for t in ("gangway", "gangway-tls", "nats", "nats-tls")]
            lines.append(f"| {case} | {fig} | {fmt(vals[0])} | {fmt(vals[1])} | {pairs(case, f, True, 'gangway-tls', 'gangway')} "
                         f"| {fmt(vals[2])} | {fmt(vals[3])} | {pairs(case, f, True, 'nats-tls', 'nats')} "
                         f"| {pairs(case, f, hb, 'gangway-tls', 'nats-tls')} |")
lines += ["", "## Every run", "",
          "| case | server | run | machine busy before | set up | delivered / expected | deliveries/s | p50 ms | p99 ms | max ms | KiB/socket | upgrades/s | subscribed/s | peak RSS MiB | server CPU s | load CPU s | notes |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
for (case, target), rs in runs.items():
    for run, busy, rc, alive, j in rs:
        if not j:
            lines.append(f"| {case} | {target} | {run} | {busy}% | no result (exit {rc}) |||||||| ")
            continue
        l = j["latency_ms"]
        notes = []
        if rc: notes.append(f"exit {rc}")
        if not alive: notes.append("server had exited")
        if j.get("deflate") and j.get("deflate_accepted") != j["upgraded"]:
            notes.append(f"deflate accepted on {j.get('deflate_accepted', 0)}/{j['upgraded']}")
        if j.get("errors"): notes.append("; ".join(f"{k}: {v}" for k, v in list(j["errors"].items())[:3]))
        if j.get("closed_early"): notes.append(f"{j['closed_early']} sockets closed early")
        shed = {k: v for k, v in j.get("shed", {}).items() if v}
        if shed: notes.append("shed " + ", ".join(f"{k} {v}" for k, v in shed.items()))
        lines.append(f"| {case} | {target} | {run} | {busy}% | {j['subscribed']}/{j['sockets']} | {j['received']} / {j['expected']} "
                     f"| {j['deliveries_per_s']:.0f} | {l['p50']:.2f} | {l['p99']:.2f} | {l['max']:.2f} | {j['kib_per_idle_socket']:.2f} "
                     f"| {j['upgrades_per_s']:.0f} | {j.get('subscribed_per_s', 0):.0f} | {fmt(peak(j))} | {j['server_cpu_s']:.2f} | {j['load_cpu_s']:.2f} | {', '.join(notes)} |")
print("\n".join(lines))
PY
  cat <<EOF

## How to read it

- *deliveries/s*: events received by all sockets, divided by the time from the first
  publish to the last delivery. A and C publish a fixed number of events (A: $A_COUNT into
  one room of 1,000; C: $C_COUNT round-robin over 10,000 rooms) as fast as the publisher's
  NATS connection accepts them, so the servers work through a backlog.
- *latency*: CLOCK_REALTIME at publish (in the body as \`sent_ns\`) to the client reading the
  event. In a room of N it includes writing the event to the N-1 sockets before.
- *KiB per socket* (D): (server VmRSS with N idle subscribed sockets, minus VmRSS before the
  first) / N. User space only; kernel socket buffers are not in RSS. For gangway the
  subscriptions also cost memory in its own nats-server, which is not counted (see below).
- *server CPU s*, *load CPU s*: user + system CPU seconds of the server side (gangway with
  its nats-server and backend; or nats-server) and of the load tool (clients and publisher)
  over the whole run, set-up included; per delivery in the summary. Less sensitive to a
  busy machine than rates.
- *ratio run by run*: run i of gangway against run i of nats-server, which ran right after
  it; the spread says how far to trust the ratio of the medians on a shared machine.
- *upgrades/s* (E): sockets upgraded per second from the first connect to the last 101, at
  most 64 connecting at once; gangway verifies an HS256 JWT for each, nats-server no auth.
- Events are ~$PAYLOAD_BYTES-byte JSON bodies; gangway renders them as tribe frames (one WebSocket frame
  per event, as the dialect requires), nats-server wraps them in \`MSG\` lines and packs many
  into one WebSocket frame.

## Observations

$marker
EOF
  if [[ -n $notes ]]; then echo "$notes"; fi
} >"$OUT"
[[ -z ${KEEP_RUNS:-} ]] || cp "$work/runs.tsv" "$KEEP_RUNS"  # the raw JSON lines, for a closer look
echo "wrote $OUT" >&2
