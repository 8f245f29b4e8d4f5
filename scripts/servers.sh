# Shared by the scripts in this folder (source it): waiting for a server to listen,
# and a fresh access token from reference_server's own /login.

# wait_listening LOG [TRIES]: waits (0.1 s a try) for the "listening on" line in LOG;
# fails, printing LOG, if it never comes.
wait_listening() {
  local log=$1 tries=${2:-100}
  for _ in $(seq "$tries"); do grep -q "listening on" "$log" && return 0; sleep 0.1; done
  echo "server did not start:"; cat "$log"; return 1
}

# mint_token SECRET PORT LOG: starts reference_server on PORT with SECRET, logs in as
# test/test, stops it, and prints the access token (valid for the default 15 minutes).
mint_token() {
  local secret=$1 port=$2 log=$3 pid token
  JWT_SECRET_KEY=$secret PORT=$port target/release/examples/reference_server >"$log" 2>&1 &
  pid=$!
  wait_listening "$log" || { kill "$pid" 2>/dev/null; return 1; }
  token=$(curl -sf -X POST "http://127.0.0.1:$port/login" -H 'content-type: application/json' \
    -d '{"username":"test","password":"test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  kill -INT "$pid"; wait "$pid" 2>/dev/null || true
  echo "$token"
}
