# Sourced by the bench scripts: the processes of one stack on loopback, each
# started in the background and appended to `pids`, all stopped by PID.

pids=()
stop_stack() {  # last started, first stopped; SIGKILL after 20 s
  local i p
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 20 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
  pids=()
}

free_port() {  # a loopback port nothing listens on (someone may take it before we do: callers retry)
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
