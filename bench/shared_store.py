#!/usr/bin/env python3
"""Event throughput of `krl run` over HTTP on SQLite and on PostgreSQL, and of 1, 2 and 3
engines on one PostgreSQL store with the picos spread over them (each pico runs on the
engine holding its lease; the others forward its requests there).

Usage (as root or as a user that may run initdb; PostgreSQL's binaries on PATH or under
/usr/lib/postgresql/*/bin):
    cargo build --release -p krl-cli
    python3 bench/shared_store.py target/release/krl [--seconds 8] [--clients 16] [--picos 32]

Each setup gets a fresh store. `--picos` child picos each run a counter, made by one engine
which then stops (releasing them); the setup's engines start, and pico k's first event goes
to engine k mod N, which takes it, so the picos are spread evenly. `--clients` threads send
`event-wait t:inc` (one stateful transaction each: read, increment, commit) round robin over
the picos, for `--seconds` seconds after a warm-up: "to owner" sends each pico's events to the
engine running it, "any engine" round robin over every engine (forwarded when it is not the
owner).
Reported: acknowledged events per second and the median and 99th percentile latency. All
traffic stays on 127.0.0.1; PostgreSQL runs with its defaults (fsync on) on a temp folder and
is stopped at the end.
"""
import argparse
import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request

COUNTER = """ruleset bench.count {
  meta { shares total, channel }
  global {
    total = function() { ent:n.defaultsTo(0) }
    channel = function() { ent:eci }
  }
  rule inc { select when t inc  always { ent:n := total() + 1 } }
  rule open {
    select when t open
    ctx:newChannel(["open"], {"allow": [{"domain": "t", "name": "*"}], "deny": []},
      {"allow": [{"rid": "bench.count", "name": "*"}], "deny": []}) setting(chan)
    always { ent:eci := chan{"id"} }
  }
}
"""

SPAWN = """ruleset bench.spawn {
  rule spawn {
    select when t spawn
    every {
      ctx:newPico([{"url": event:attrs{"url"}}]) setting(family)
      ctx:eventQuery(eci = family, domain = "t", name = "open", attrs = {},
        rid = "bench.count", queryName = "channel") setting(eci)
      send_directive("child", {"eci": eci})
    }
  }
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin():
    dirs = os.environ.get("PATH", "").split(":") + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for d in dirs:
        if all(os.path.isfile(os.path.join(d, tool)) for tool in ("initdb", "pg_ctl", "psql")):
            return d
    raise SystemExit("PostgreSQL binaries not found")


class Postgres:
    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="krl-bench-pg-")
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self.run("initdb", "-D", f"{self.dir}/db", "-U", "postgres", "--auth=trust", "--no-sync")
        self.run("pg_ctl", "-D", f"{self.dir}/db", "-l", f"{self.dir}/log", "-w",
                 "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=400", "start")
        self.n = 0

    def run(self, program, *args):
        subprocess.run(self.as_user + [os.path.join(self.bin, program), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir)

    def database(self):
        self.n += 1
        name = f"bench{self.n}"
        subprocess.run(self.as_user + [os.path.join(self.bin, "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self):
        self.run("pg_ctl", "-D", f"{self.dir}/db", "-m", "fast", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


class Engine:
    def __init__(self, binary, rules, home, store=None):
        self.port = free_port()
        args = [binary, "run", rules, "--port", str(self.port), "--home", home, "--no-token"]
        if store:
            args += ["--store", store]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.eci = None

    def banner(self):
        while self.eci is None:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("krl run stopped")
            if line.strip().startswith("channel "):
                self.eci = line.split()[1]
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def post(url, body=b""):
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as answer:
        return answer.read()


def measure(engines, picos, seconds, clients, to_owner):
    """Events answered per second between the end of a one-second warm-up and `seconds`
    later, with their latencies. Pico k runs on engine k mod N (`setup`)."""
    ports = [e.port for e in engines]
    done, stop = [], threading.Event()

    def client(idx):
        n, mine = idx, []
        while not stop.is_set():
            eci = picos[n % len(picos)]
            k = n % len(picos)
            port = ports[k % len(ports)] if to_owner else ports[(n // len(picos) + idx) % len(ports)]
            t0 = time.perf_counter()
            answer = post(f"http://127.0.0.1:{port}/c/{eci}/event-wait/t/inc")
            if b'"error"' in answer:
                raise SystemExit(answer)
            t1 = time.perf_counter()
            mine.append((t1, t1 - t0))
            n += clients
        done.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # warm-up: every pico loaded, every connection open
    start = time.perf_counter()
    time.sleep(seconds)
    end = time.perf_counter()
    stop.set()
    for t in threads:
        t.join()
    lat = sorted(latency for (at, latency) in done if start <= at <= end)
    return len(lat) / (end - start), statistics.median(lat) * 1000, lat[int(len(lat) * 0.99)] * 1000


def setup(binary, tmp, name, store, engines_count, picos_count):
    rules = os.path.join(tmp, name, "rules")
    os.makedirs(rules)
    with open(os.path.join(rules, "count.krl"), "w") as f:
        f.write(COUNTER)
    with open(os.path.join(rules, "spawn.krl"), "w") as f:
        f.write(SPAWN)
    url = "file://" + os.path.join(rules, "count.krl")
    maker = Engine(binary, rules, os.path.join(tmp, name, "maker"), store)
    maker.banner()
    picos = []
    for _ in range(picos_count):
        answer = json.loads(post(f"http://127.0.0.1:{maker.port}/c/{maker.eci}/event-wait/t/spawn",
                                 json.dumps({"url": url}).encode()))
        picos.append(answer["directives"][0]["options"]["eci"])
    if not store:
        return [maker], picos
    maker.stop()  # releases the picos' leases
    engines = [Engine(binary, rules, os.path.join(tmp, name, f"e{i}"), store) for i in range(engines_count)]
    for e in engines:
        e.banner()
    for k, eci in enumerate(picos):
        post(f"http://127.0.0.1:{engines[k % len(engines)].port}/c/{eci}/event-wait/t/inc")
    return engines, picos


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--picos", type=int, default=32)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="krl-bench-")
    pg = Postgres()
    try:
        runs = [("sqlite, 1 engine", None, 1, True)] + [
            (f"postgres, {n} engine(s), {'to owner' if owner else 'any engine'}", "pg", n, owner)
            for n in (1, 2, 3) for owner in ((True,) if n == 1 else (True, False))]
        for idx, (label, kind, n, owner) in enumerate(runs):
            store = pg.database() if kind else None
            engines, picos = setup(args.binary, tmp, f"run{idx}", store, n, args.picos)
            try:
                rate, p50, p99 = measure(engines, picos, args.seconds, args.clients, owner)
            finally:
                for e in reversed(engines):
                    e.stop()
            print(f"{label:38} {rate:8.0f} events/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms", flush=True)
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
