#!/usr/bin/env bash
# Load check (not part of `cargo test`): a mixed stream of valid, expired, tampered,
# garbage, oversized, wrong-type, `alg: none` and missing tokens against the release
# reference_server, from wrk on loopback. It passes only with:
#   - zero 5xx answers and zero socket errors,
#   - /protected handler runs == valid requests sent, up to the requests still in flight
#     when wrk stops (at most one per connection), and 200 answers == handler runs up to
#     the same margin: the handler runs for every valid token and for nothing else,
#   - server memory (RSS) after the run within 10 % of memory after warm-up: the largest
#     RSS seen after each of the run's rounds against the largest after each warm-up round
#     (glibc keeps freed pages, so single samples move by ~10 % with no leak at all; a leak
#     grows round after round).
#
#   scripts/load_check.sh          # WARMUP_ROUNDS=3 ROUNDS=4 ROUND_SECONDS=5 CONNECTIONS=64
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

WARMUP_ROUNDS=${WARMUP_ROUNDS:-3}
ROUNDS=${ROUNDS:-4}
ROUND_SECONDS=${ROUND_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-5200}
SECRET=load-check-secret-that-is-32-bytes!

if ! command -v wrk >/dev/null; then
  (apt-get install -y wrk || (apt-get update && apt-get install -y wrk)) >/dev/null
fi
cargo build --release --example reference_server

out=$(mktemp -d)
JWT_SECRET_KEY=$SECRET PORT=$PORT WORKERS=1 target/release/examples/reference_server >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_listening "$out/server.log"

base=http://127.0.0.1:$PORT
token() { curl -sf -X POST "$base/token" -H 'content-type: application/json' -d "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
export TOKEN_VALID=$(token '{"identity": "load"}')
export TOKEN_EXPIRED=$(python3 - "$SECRET" <<'PY'
import base64, hmac, hashlib, json, sys, time
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
h = b(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
p = b(json.dumps({"iat": 1, "nbf": 1, "jti": "x", "exp": 2, "identity": "load", "fresh": False, "type": "access"}, separators=(",", ":")).encode())
s = b(hmac.new(sys.argv[1].encode(), f"{h}.{p}".encode(), hashlib.sha256).digest())
print(f"{h}.{p}.{s}")
PY
)
export TOKEN_TAMPERED=${TOKEN_VALID%?}$([[ ${TOKEN_VALID: -1} == A ]] && echo B || echo A)
export TOKEN_GARBAGE=aaaaa.bbbbb.ccccc
export TOKEN_OVERSIZED=$(python3 -c 'print("eyJ" + "A" * 9000 + ".e30.sig")')
export TOKEN_REFRESH=$(token '{"identity": "load", "type": "refresh"}')
export TOKEN_NONE_ALG=$(python3 -c 'import base64;b=lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode();print(b(b"{\"alg\":\"none\"}")+"."+b(b"{\"identity\":\"load\",\"type\":\"access\"}")+".")')
export TOKEN_MISSING=

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
rounds() { # count output-file
  local max=0 r
  for _ in $(seq "$1"); do
    wrk -t2 -c"$CONNECTIONS" -d"${ROUND_SECONDS}s" -s scripts/load_check.lua "$base/protected" >>"$2"
    r=$(rss); (( r > max )) && max=$r
    echo "  RSS after a round: $r kB" >&2
  done
  echo "$max"
}
echo "warm-up:" >&2
warm=$(rounds "$WARMUP_ROUNDS" "$out/warmup.txt")
echo "measured run:" >&2
after=$(rounds "$ROUNDS" "$out/run.txt")
kill -INT $server
wait $server || true
tail -12 "$out/run.txt"

python3 - "$out/warmup.txt" "$out/run.txt" "$out/server.log" "$warm" "$after" "$CONNECTIONS" <<'PY'
import re, sys
warmup, run, log = (open(f).read() for f in sys.argv[1:4])
warm, after = int(sys.argv[4]), int(sys.argv[5])
def statuses(text):
    total = {}
    for s, n in re.findall(r"^status (\d+) (\d+)$", text, re.M):
        total[int(s)] = total.get(int(s), 0) + int(n)
    return total
w, r = statuses(warmup), statuses(run)
runs = int(re.search(r"protected handler runs: (\d+)", log).group(1))
ok = w.get(200, 0) + r.get(200, 0)
sent = sum(int(n) for n in re.findall(r"^valid sent (\d+)$", warmup + run, re.M))
connections = int(sys.argv[6])
fivexx = sum(n for s, n in {**w, **r}.items() if s >= 500)
socket = re.findall(r"Socket errors: (.*)", warmup + run)
total = sum(w.values()) + sum(r.values())
growth = (after - warm) / warm * 100
print(f"answers: {total} ({sum(r.values())} in the measured run), by status: warm-up {w}, run {r}")
print(f"valid requests sent {sent}, /protected handler runs {runs}, 200 answers {ok}, 5xx {fivexx}, socket errors {socket or 'none'}")
print(f"largest RSS after warm-up rounds {warm} kB, after the run's rounds {after} kB ({growth:+.1f} %)")
failures = []
if fivexx: failures.append("5xx answers")
if socket: failures.append("socket errors")
# In flight when wrk stops: at most one request per connection per wrk run.
wrk_runs = len(re.findall(r"^valid sent", warmup + run, re.M))
if not (ok <= runs <= sent and sent - ok <= wrk_runs * connections):
    failures.append("handler runs do not match the valid requests sent")
if abs(growth) > 10: failures.append("memory grew by more than 10 %")
print("LOAD CHECK", "FAILED: " + ", ".join(failures) if failures else "PASSED")
sys.exit(1 if failures else 0)
PY
