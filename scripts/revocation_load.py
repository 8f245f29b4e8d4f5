#!/usr/bin/env python3
"""A load run of revocation shared by two servers (BENCHMARKS.md §11).

Starts its own redis-server and two release `reference_server` processes on it (the
mirrored Redis store, one worker each), runs `wrk` against `/protected` of both with
tokens nobody revokes, and meanwhile revokes 1,000 other tokens through server A, timing
each from the start of `POST /revoke` to the first 401 from server B. Prints the
propagation percentiles, the status counts of both wrk runs (no 5xx is allowed), the
servers' resident memory before and after, and checks that every revoked token is
refused by both servers at the end.

    cargo build --release --example reference_server
    python3 scripts/revocation_load.py [seconds of load, default 30]
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "examples", "reference_server")
SECRET = "a-load-run-secret-of-32-bytes!!!"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, token=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    servers = []
    for _ in range(2):
        port = free_port()
        env = dict(
            os.environ,
            PORT=str(port),
            WORKERS="1",
            JWT_SECRET_KEY=SECRET,
            JWT_BLACKLIST_ENABLED="true",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/",
            REDIS_KEY_PREFIX="load",
            RUST_LOG="warn",
        )
        process = subprocess.Popen([BINARY], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout.readline().decode().startswith("listening on"), "server did not start"
        servers.append((process, port))
    (a, port_a), (b, port_b) = servers
    try:
        def token(identity):
            status, body = request(port_a, "POST", "/token", body={"identity": identity})
            assert status == 200, body
            return json.loads(body)["token"]

        kept = [token(f"load-{i}") for i in range(50)]
        lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        lua.write(
            "local tokens = {" + ",".join(f'"{t}"' for t in kept) + "}\n"
            "local i = 0\n"
            "counts = {}\n"
            "local threads = {}\n"
            "function setup(thread) table.insert(threads, thread) end\n"
            "function init() counts = {} end\n"
            "function request()\n"
            "  i = i % #tokens + 1\n"
            "  return wrk.format('GET', '/protected', {['Authorization'] = 'Bearer ' .. tokens[i]})\n"
            "end\n"
            "function response(status) counts[status] = (counts[status] or 0) + 1 end\n"
            "function done()\n"
            "  for _, thread in ipairs(threads) do\n"
            "    local c = thread:get('counts')\n"
            "    for status, n in pairs(c) do io.write('status ', status, ' ', n, '\\n') end\n"
            "  end\n"
            "end\n"
        )
        lua.close()
        rss_before = [rss_kib(a.pid), rss_kib(b.pid)]
        loads = [
            subprocess.Popen(
                ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", lua.name, f"http://127.0.0.1:{port}/protected"],
                stdout=subprocess.PIPE,
                text=True,
            )
            for port in (port_a, port_b)
        ]
        time.sleep(1)
        delays = []
        revoked = []
        deadline = time.time() + seconds - 2
        while len(delays) < 1000 and time.time() < deadline:
            victim = token(f"victim-{len(delays)}")
            started = time.perf_counter()
            status, body = request(port_a, "POST", "/revoke", victim)
            assert status == 200, body
            while True:
                status, _ = request(port_b, "GET", "/raw", victim)
                if status == 401:
                    break
                assert status == 200, status
            delays.append(time.perf_counter() - started)
            revoked.append(victim)
        outputs = [load.communicate()[0] for load in loads]
        rss_after = [rss_kib(a.pid), rss_kib(b.pid)]
        for victim in revoked:
            for port in (port_a, port_b):
                assert request(port, "GET", "/raw", victim)[0] == 401
        delays.sort()
        pick = lambda q: delays[min(len(delays) - 1, len(delays) * q // 100)] * 1000
        print(f"revocations: {len(delays)}, propagation A -> B (ms): p50 {pick(50):.2f}, p99 {pick(99):.2f}, max {delays[-1] * 1000:.2f}")
        for name, output in zip("AB", outputs):
            lines = [line for line in output.splitlines() if "Requests/sec" in line or line.startswith("status") or "requests in" in line]
            print(f"server {name}: " + "; ".join(line.strip() for line in lines))
            assert not any(line.startswith("status 5") for line in lines), output
        print(f"resident memory (KiB) before {rss_before}, after {rss_after}")
        print(f"every revoked token refused by both servers at the end: {len(revoked)}")
    finally:
        for process, _ in servers:
            process.kill()
        redis.kill()


if __name__ == "__main__":
    main()
