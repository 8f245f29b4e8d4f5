#!/usr/bin/env python3
"""A load run of revocation shared by two servers (BENCHMARKS.md §11).

Starts its own Redis (one redis-server, a Redis Cluster of three primaries and three
replicas, or a primary, a replica and three Sentinels) and two release `reference_server`
processes on it (one worker each; the mirrored Redis store unless REDIS_MIRROR=false), and
runs `wrk` against `/protected` of both with tokens nobody revokes. Meanwhile it revokes
tokens through server A, timing each from the start of `POST /revoke` to the first 401 from
server B (up to 1,000 per phase).

With --fault, three phases, each with its own wrk runs so their statuses stay apart:

1. steady load with revocations (no 5xx allowed);
2. a fault: the primary is killed (SIGKILL) a second in; for one Redis, it is restarted
   on the same port and data (appendfsync always) after two seconds; a Cluster or Sentinel
   promotes the replica. All along, tokens revoked in phase 1 are presented to both servers
   and must never be accepted; 5xx are allowed here only. It prints the time to the first
   refusal (503) and to the first acceptance again on both servers;
3. steady load again with revocations (no 5xx allowed).

It prints the propagation percentiles, the status counts of every wrk run, the servers'
resident memory before and after, and checks that every revoked token is refused by both
servers at the end.

    cargo build --release --example reference_server
    python3 scripts/revocation_load.py [seconds per phase, default 30] [--topology single|cluster|sentinel] [--fault]
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "examples", "reference_server")
SECRET = "a-load-run-secret-of-32-bytes!!!"
PREFIX = "{load}"


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


def redis_cli(port, *args):
    return subprocess.run(
        ["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=10
    ).stdout.strip()


def until(condition, what, seconds=30):
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, f"{what} took longer than {seconds} s"
        time.sleep(0.05)


class Node:
    """A redis-server on a free loopback port, in its own directory."""

    def __init__(self, root, *extra):
        self.port = free_port()
        self.dir = os.path.join(root, str(self.port))
        os.makedirs(self.dir)
        self.extra = list(extra)
        self.process = None
        self.run()

    def run(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--repl-diskless-sync-delay", "0",
             "--dir", self.dir, *self.extra],
            stdout=subprocess.DEVNULL,
        )
        def answers():
            assert self.process.poll() is None, f"redis-server on port {self.port} exited"
            return redis_cli(self.port, "ping") == "PONG"
        until(answers, "redis-server starting")

    def kill(self):
        self.process.kill()
        self.process.wait()


class Topology:
    """The Redis a run uses: its servers' environment and its fault."""

    def __init__(self, kind, root):
        self.kind = kind
        self.sentinels = []
        if kind == "single":
            self.nodes = [Node(root)]
            self.env = {"REDIS_URL": f"redis://127.0.0.1:{self.nodes[0].port}/"}
        elif kind == "cluster":
            # Each node's bus on a port of its own: the default, the port plus 10,000, does
            # not exist for ports above 55,535.
            self.nodes = [Node(root, "--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
                               "--cluster-port", str(free_port()))
                          for _ in range(6)]
            subprocess.run(
                ["redis-cli", "--cluster", "create", *[f"127.0.0.1:{n.port}" for n in self.nodes],
                 "--cluster-replicas", "1", "--cluster-yes"],
                check=True, capture_output=True,
            )
            until(lambda: all("cluster_state:ok" in redis_cli(n.port, "cluster", "info") for n in self.nodes),
                  "the cluster forming")
            self.until_replicated()
            self.env = {"REDIS_URL": ",".join(f"redis://127.0.0.1:{n.port}/" for n in self.nodes),
                        "REDIS_CLUSTER": "true"}
        else:
            primary = Node(root)
            replica = Node(root, "--replicaof", "127.0.0.1", str(primary.port))
            self.nodes = [primary, replica]
            for _ in range(3):
                port = free_port()
                config = os.path.join(root, f"sentinel-{port}.conf")
                with open(config, "w") as f:
                    f.write(f"port {port}\nbind 127.0.0.1\ndir {root}\n"
                            f"sentinel monitor jwt 127.0.0.1 {primary.port} 2\n"
                            "sentinel down-after-milliseconds jwt 1000\n"
                            "sentinel failover-timeout jwt 5000\n")
                self.sentinels.append((port, subprocess.Popen(
                    ["redis-server", config, "--sentinel"], stdout=subprocess.DEVNULL)))
            def ready():
                for port, _ in self.sentinels:
                    fields = redis_cli(port, "sentinel", "master", "jwt").split("\n")
                    pairs = dict(zip(fields[::2], fields[1::2]))
                    if pairs.get("num-slaves") != "1" or pairs.get("num-other-sentinels") != "2":
                        return False
                return True
            until(ready, "the sentinels finding each other")
            self.until_replicated()
            self.env = {"REDIS_URL": ",".join(f"redis://127.0.0.1:{p}/" for p, _ in self.sentinels),
                        "REDIS_SENTINEL_MASTER": "jwt"}

    def primary(self):
        """The node holding the store's keys now (None: the slot has no primary)."""
        if self.kind == "cluster":
            asked = next(n for n in self.nodes if n.process.poll() is None)
            slot = int(redis_cli(asked.port, "cluster", "keyslot", PREFIX))
            for line in redis_cli(asked.port, "cluster", "nodes").splitlines():
                fields = line.split()
                if "master" in fields[2] and "fail" not in fields[2]:
                    for span in fields[8:]:
                        first, _, last = span.partition("-")
                        if first.isdigit() and int(first) <= slot <= int(last or first):
                            port = int(fields[1].split(":")[1].split("@")[0])
                            return next(n for n in self.nodes if n.port == port)
            return None
        if self.kind == "sentinel":
            port = int(redis_cli(self.sentinels[0][0], "sentinel", "get-master-addr-by-name", "jwt").split()[1])
            return next(n for n in self.nodes if n.port == port)
        return self.nodes[0]

    def fault(self):
        """Kills the primary. One Redis is restarted two seconds later; in a Cluster or
        under Sentinel, the killed node is restarted once its replica is promoted, and
        rejoins as the new primary's replica (so writes are acknowledged by a replica
        again)."""
        victim = self.primary()
        victim.kill()
        if self.kind == "single":
            time.sleep(2)
        else:
            until(lambda: self.primary() not in (None, victim), "the replica's promotion")
        victim.run()
        return victim

    def until_replicated(self):
        """Waits until the store's primary has a replica in sync with it."""
        if self.kind != "single":
            until(lambda: self.primary() is not None
                  and redis_cli(self.primary().port, "wait", "1", "500") == "1",
                  "a replica in sync")

    def stop(self):
        for _, process in self.sentinels:
            process.kill()
        for node in self.nodes:
            if node.process.poll() is None:
                node.process.kill()


def wrk(port, seconds, script):
    return subprocess.Popen(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", script, f"http://127.0.0.1:{port}/protected"],
        stdout=subprocess.PIPE, text=True,
    )


def summary(name, output, five_hundreds_allowed):
    lines = [line.strip() for line in output.splitlines()
             if "Requests/sec" in line or line.startswith("status") or "requests in" in line
             or "Socket errors" in line or "Non-2xx" in line]
    print(f"  server {name}: " + "; ".join(lines))
    if not five_hundreds_allowed:
        assert not any(line.startswith("status 5") for line in lines), output


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("seconds", nargs="?", type=int, default=30)
    parser.add_argument("--topology", choices=["single", "cluster", "sentinel"], default="single")
    parser.add_argument("--fault", action="store_true")
    options = parser.parse_args()
    root = tempfile.mkdtemp()
    topology = Topology(options.topology, root)
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            env = dict(os.environ, PORT=str(port), WORKERS="1", JWT_SECRET_KEY=SECRET,
                       JWT_BLACKLIST_ENABLED="true", REDIS_KEY_PREFIX=PREFIX, RUST_LOG="warn",
                       **topology.env)
            log = open(os.path.join(root, f"server-{len(servers)}.log"), "w")
            process = subprocess.Popen([BINARY], env=env, stdout=subprocess.PIPE, stderr=log)
            assert process.stdout.readline().decode().startswith("listening on"), "server did not start"
            servers.append((process, port))
        (a, port_a), (b, port_b) = servers

        def token(identity):
            status, body = request(port_a, "POST", "/token", body={"identity": identity})
            assert status == 200, body
            return json.loads(body)["token"]

        kept = [token(f"load-{i}") for i in range(50)]
        script = os.path.join(root, "load.lua")
        with open(script, "w") as lua:
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
        revoked = []

        def steady(phase):
            loads = [wrk(port, options.seconds, script) for port in (port_a, port_b)]
            time.sleep(1)
            delays = []
            deadline = time.time() + options.seconds - 2
            while len(delays) < 1000 and time.time() < deadline:
                victim = token(f"victim-{phase}-{len(delays)}")
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
            delays.sort()
            pick = lambda q: delays[min(len(delays) - 1, len(delays) * q // 100)] * 1000
            print(f"{phase}: revocations {len(delays)}, propagation A -> B (ms): "
                  f"p50 {pick(50):.2f}, p99 {pick(99):.2f}, max {delays[-1] * 1000:.2f}")
            for name, output in zip("AB", outputs):
                summary(name, output, False)

        def fault():
            seconds = 12
            loads = [wrk(port, seconds, script) for port in (port_a, port_b)]
            time.sleep(1)
            started = time.perf_counter()
            box = []
            worker = threading.Thread(target=lambda: box.append(topology.fault()))
            worker.start()
            refused_at = {}
            back_at = {}
            probes = 0
            round = 0
            while time.perf_counter() - started < seconds - 2:
                round += 1
                for name, port in (("A", port_a), ("B", port_b)):
                    status, _ = request(port, "GET", "/raw", kept[0])
                    now = time.perf_counter() - started
                    if status == 503:
                        refused_at.setdefault(name, now)
                    elif status == 200 and name in refused_at:
                        back_at.setdefault(name, now)
                    else:
                        assert status == 200, status
                    # One revoked token a round, each in turn.
                    victim = revoked[round % len(revoked)]
                    probes += 1
                    status, _ = request(port, "GET", "/raw", victim)
                    assert status in (401, 503), f"server {name} answered {status} to a revoked token"
            worker.join()
            topology.until_replicated()
            outputs = [load.communicate()[0] for load in loads]
            print(f"fault ({options.topology}: primary on port {box[0].port} killed"
                  f"{', restarted 2 s later' if options.topology == 'single' else ', restarted once its replica was promoted'}): "
                  f"{probes} probes of revoked tokens, none accepted; first 503 (s) {refused_at}, "
                  f"first 200 again (s) {back_at}")
            for name, output in zip("AB", outputs):
                summary(name, output, True)
            assert len(back_at) == 2, "a server never answered again"

        rss_before = [rss_kib(a.pid), rss_kib(b.pid)]
        steady("steady")
        if options.fault:
            fault()
            steady("after the fault")
        rss_after = [rss_kib(a.pid), rss_kib(b.pid)]
        for victim in revoked:
            for port in (port_a, port_b):
                assert request(port, "GET", "/raw", victim)[0] == 401
        print(f"resident memory (KiB) before {rss_before}, after {rss_after}")
        print(f"every revoked token refused by both servers at the end: {len(revoked)}")
    except BaseException:
        for index in range(len(servers)):
            with open(os.path.join(root, f"server-{index}.log")) as log:
                lines = log.readlines()
            print(f"server {'AB'[index]}'s last log lines:\n" + "".join(lines[-5:]))
        raise
    finally:
        for process, _ in servers:
            process.kill()
        topology.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
