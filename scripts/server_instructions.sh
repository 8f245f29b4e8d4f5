#!/usr/bin/env bash
# Instructions per request of the two release servers, counted by callgrind: the
# noise-free companion of scripts/bench.sh. Each server runs under
# `valgrind --tool=callgrind` while a keep-alive client sends exactly N requests to one
# path; the difference between a long and a short run, divided by the difference in
# requests, is the server's cost of one request (parsing, routing, verification,
# handler, response, socket calls), without start-up and shutdown.
#
#   scripts/server_instructions.sh          # SHORT=300 LONG=1300 by default
#
# Counts repeat to within a fraction of a percent from run to run, whatever else the
# machine is doing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

SHORT=${SHORT:-300}
LONG=${LONG:-1300}
SECRET=bench-secret-that-is-at-least-32-bytes
PORT=${PORT:-5102}

command -v valgrind >/dev/null || (apt-get install -y valgrind || (apt-get update && apt-get install -y valgrind)) >/dev/null
cargo build --release --example reference_server --example floor_server

out=${OUT_DIR:-$(mktemp -d)}
server_pid=
cleanup() { [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT

# A token from reference_server's own /login, so both servers accept it.
token=$(mint_token "$SECRET" "$PORT" "$out/token-server.log")

# Sends COUNT GET requests over one keep-alive connection; fails on any non-200.
cat >"$out/client.py" <<'PY'
import http.client, sys
port, path, count, token = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(count):
    conn.request("GET", path, headers={"Authorization": "Bearer " + token})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"{path}: {response.status} {body!r}")
conn.close()
PY

measure() { # name path count -> total instructions
  local name=$1 path=$2 count=$3 file="$out/cg.$1.${2//\//_}.$3"
  JWT_SECRET_KEY=$SECRET PORT=$PORT WORKERS=1 valgrind --tool=callgrind --callgrind-out-file="$file" \
    "target/release/examples/$name" >"$out/$name.log" 2>&1 &
  server_pid=$!
  wait_listening "$out/$name.log" 600
  python3 "$out/client.py" "$PORT" "$path" "$count" "$token"
  kill -INT "$server_pid"; wait "$server_pid" || true; server_pid=
  # One file per thread may be written; sum them.
  cat "$file"* | awk '/^summary:/ { total += $2 } END { print total }'
}

printf '%-18s %-11s %14s\n' server path 'instr/request'
declare -A per_request
for path in /public /protected; do
  for name in reference_server floor_server; do
    short=$(measure "$name" "$path" "$SHORT")
    long=$(measure "$name" "$path" "$LONG")
    per_request[$name$path]=$(( (long - short) / (LONG - SHORT) ))
    printf '%-18s %-11s %14d\n' "$name" "$path" "${per_request[$name$path]}"
  done
done
for path in /public /protected; do
  python3 -c "import sys; r, f = int(sys.argv[2]), int(sys.argv[3]); print(f'{sys.argv[1]}: reference_server/floor instructions per request {r / f:.3f} ({r - f:+d})')" \
    "$path" "${per_request[reference_server$path]}" "${per_request[floor_server$path]}"
done
