#!/usr/bin/env bash
# Load benchmark: reference_server (jwt-runtime) against floor_server (a hand-written
# extractor around jsonwebtoken::decode), GET /public and GET /protected with a valid
# bearer token, interleaved A/B over ROUNDS rounds. Server on core 0, wrk on core 1.
#
#   scripts/bench.sh            # ROUNDS=5 DURATION=5 CONNECTIONS=32 by default
#
# Prints requests/s, p50/p99 latency and server CPU time per request for each run, then
# the median over rounds of the per-round ratios reference_server/floor.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-32}
SECRET=bench-secret-that-is-at-least-32-bytes
REF_PORT=${REF_PORT:-5100}
FLOOR_PORT=${FLOOR_PORT:-5101}

if ! command -v wrk >/dev/null; then
  (apt-get install -y wrk || (apt-get update && apt-get install -y wrk)) >/dev/null
fi
cargo build --release --example reference_server --example floor_server

out=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start() { # name port
  local name=$1 port=$2
  JWT_SECRET_KEY=$SECRET PORT=$port WORKERS=1 taskset -c 0 "target/release/examples/$name" >"$out/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$out/$name.log" && break; sleep 0.1; done
  grep -q "listening on" "$out/$name.log" || { echo "$name did not start"; cat "$out/$name.log"; exit 1; }
  echo $! >"$out/$name.pid"
}
start reference_server "$REF_PORT"
start floor_server "$FLOOR_PORT"

token=$(curl -sf -X POST "http://127.0.0.1:$REF_PORT/login" -H 'content-type: application/json' \
  -d '{"username":"test","password":"test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Both servers answer the same body for this token.
diff <(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$REF_PORT/protected" | python3 -m json.tool --sort-keys) \
     <(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$FLOOR_PORT/protected" | python3 -m json.tool --sort-keys)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name port path round
  local name=$1 port=$2 path=$3 round=$4 pid before after
  pid=$(cat "$out/$name.pid")
  before=$(cpu_ticks "$pid")
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port$path" >"$out/wrk.txt"
  after=$(cpu_ticks "$pid")
  python3 - "$out/wrk.txt" "$name" "$path" "$round" "$before" "$after" "$(getconf CLK_TCK)" >>"$out/results.tsv" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
name, path, rnd, before, after, hz = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p50 = ms(*re.search(r"50%\s+([\d.]+)(us|ms|s)", text).groups())
p99 = ms(*re.search(r"99%\s+([\d.]+)(us|ms|s)", text).groups())
cpu_us = (after - before) / hz * 1e6 / max(total, 1)
print(f"{name}\t{path}\t{rnd}\t{rps:.0f}\t{p50:.3f}\t{p99:.3f}\t{cpu_us:.2f}\t{errors.group(1) if errors else 0}")
PY
}

printf 'server\tpath\tround\treq/s\tp50 ms\tp99 ms\tcpu us/req\tnon-2xx\n' >"$out/results.tsv"
for round in $(seq "$ROUNDS"); do
  for path in /public /protected; do
    # Alternate which server goes first, so drift hits both alike.
    if (( round % 2 )); then order="reference_server floor_server"; else order="floor_server reference_server"; fi
    for name in $order; do
      port=$REF_PORT; [[ $name == floor_server ]] && port=$FLOOR_PORT
      run "$name" "$port" "$path" "$round"
    done
  done
done
column -t -s $'\t' "$out/results.tsv"
python3 - "$out/results.tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for path in ("/public", "/protected"):
    ratios, cpu = [], []
    for rnd in sorted({r["round"] for r in rows}):
        ref = next(r for r in rows if r["server"] == "reference_server" and r["path"] == path and r["round"] == rnd)
        flo = next(r for r in rows if r["server"] == "floor_server" and r["path"] == path and r["round"] == rnd)
        ratios.append(float(ref["req/s"]) / float(flo["req/s"]))
        cpu.append(float(ref["cpu us/req"]) / float(flo["cpu us/req"]))
    print(f"{path}: reference_server/floor req/s ratio median {statistics.median(ratios):.3f} "
          f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)}); cpu/req ratio median {statistics.median(cpu):.3f}")
bad = [r for r in rows if r["non-2xx"] != "0"]
if bad:
    print("non-2xx responses seen:", bad)
    sys.exit(1)
PY
