#!/usr/bin/env python3
"""The HTTP probes of the issue #21 campaign (items 4-6), against a real `krl run`.

Starts `krl run` on a temporary home on 127.0.0.1 with `bench/probes/rulesets/`, then runs
each probe, bounded in count and time, and prints PASS or FAIL for each. Exit status 1 if any
failed. Talks to 127.0.0.1 only; stops the engine (SIGTERM) at the end.

Usage (see bench/probes/README.md):
    cargo build --release -p krl-cli
    python3 bench/probes/http_probes.py target/release/krl [--only NAME ...]
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
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
RULESETS = os.path.join(HERE, "rulesets")
TIMEOUT = 30  # seconds, for any single request


class Engine:
    """`krl run --port 0` on a fresh home; the banner gives URL, channels and token."""

    def __init__(self, binary, extra=()):
        self.home = tempfile.mkdtemp(prefix="krl-probes-")
        self.proc = subprocess.Popen(
            [binary, "run", RULESETS, "--port", "0", "--home", self.home, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.eci = self.ui_eci = self.token = None
        admin = None
        while None in (self.url, self.eci, self.ui_eci) or admin is None:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("krl run stopped: " + self.proc.stderr.read())
            words = line.split()
            if line.startswith("krl run: listening on "):
                self.url = words[-1]
            elif line.strip().startswith("channel "):
                self.eci = words[1]
            elif line.strip().startswith("UI channel "):
                self.ui_eci = words[2]
            elif line.strip().startswith("admin URL "):
                admin = words[2]
        if "?token=" in admin:
            self.token = admin.split("?token=", 1)[1]
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def request(engine, method, path, body=None, headers=None, timeout=TIMEOUT):
    """(status, headers, text) of one request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", engine.port, timeout=timeout)
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def admin(engine):
    return {"Authorization": f"Bearer {engine.token}"}


class HangingServer:
    """Accepts connections and never answers until released: keeps a rule's http:get busy."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.accepted = threading.Event()
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.accepted.set()

    def release(self):
        for conn in self.held:
            conn.close()
        self.sock.close()


def busy_child(engine):
    """A child of the root with probe.busy installed and an allow-all channel, made through
    the root's UI channel as the pico-engine UI does. Returns the channel's ECI."""
    ui = engine.ui_eci
    rid = "io.picolabs.pico-engine-ui"
    request(engine, "POST", f"/c/{ui}/event-wait/engine_ui/new", {"name": "busy"})
    _, _, box = request(engine, "GET", f"/c/{ui}/query/{rid}/box")
    child_ui = json.loads(box)["children"][0]
    url = "file://" + os.path.join(RULESETS, "probe.krl")
    request(engine, "POST", f"/c/{child_ui}/event-wait/engine_ui/install", {"url": url})
    allow_all = {
        "tags": ["probe"],
        "eventPolicy": {"allow": [{"domain": "*", "name": "*"}], "deny": []},
        "queryPolicy": {"allow": [{"rid": "*", "name": "*"}], "deny": []},
    }
    request(engine, "POST", f"/c/{child_ui}/event-wait/engine_ui/new_channel", allow_all)
    _, _, pico = request(engine, "GET", f"/c/{child_ui}/query/{rid}/pico")
    for channel in json.loads(pico)["channels"]:
        if "probe" in channel.get("tags", []):
            return channel["id"]
    raise RuntimeError("no probe channel on the child: " + pico)


# Each probe returns (passed, detail).

def probe_waiting_requests(engine):
    """530 requests waiting on one busy pico; the root's query is still answered; past the
    queue limit (1,000 by default; this engine runs with --max-queue 500) requests get 503."""
    eci = busy_child(engine)
    hanging = HangingServer()
    slow = threading.Thread(target=request, args=(engine, "GET",
        f"/c/{eci}/event-wait/probe/fetch?url={urllib.parse.quote(hanging.url)}"), daemon=True)
    slow.start()
    if not hanging.accepted.wait(20):
        return False, "the busy rule never reached the hanging server"
    statuses = []
    lock = threading.Lock()

    def wait_one():
        try:
            status, _, _ = request(engine, "GET", f"/c/{eci}/event-wait/probe/tick", timeout=60)
        except OSError as err:
            status = str(err)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=wait_one, daemon=True) for _ in range(530)]
    for t in threads:
        t.start()
        time.sleep(0.001)
    time.sleep(1)
    started = time.monotonic()
    status, _, text = request(engine, "GET", f"/c/{engine.eci}/query/probe.busy/hello", timeout=10)
    root_ms = (time.monotonic() - started) * 1000
    busy = sum(1 for s in statuses if s == 503)
    hanging.release()
    for t in threads:
        t.join(60)
    slow.join(30)
    ok = sum(1 for s in statuses if s == 200)
    passed = status == 200 and text == '"hello"' and busy == 30 and ok == 500
    return passed, f"root query {status} in {root_ms:.0f} ms; 503 before release: {busy}; finally 200: {ok}, 503: {statuses.count(503)}"


def probe_idle_connections(engine):
    """1,100 idle connections: the engine still answers, and closes them within the
    header-read timeout (20 s)."""
    sockets = []
    for _ in range(1100):
        try:
            sockets.append(socket.create_connection(("127.0.0.1", engine.port), timeout=5))
        except OSError:
            break
    status, _, _ = request(engine, "GET", f"/c/{engine.eci}/query/probe.busy/hello", timeout=10)
    deadline = time.monotonic() + 30
    closed = 0
    for s in sockets:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            if s.recv(1) == b"":
                closed += 1
        except (socket.timeout, OSError):
            pass
        s.close()
    return status == 200 and closed == len(sockets) == 1100, f"opened {len(sockets)}, answered {status}, closed by the server {closed}"


def probe_slow_headers(engine):
    """A client that sends half a header and stops is disconnected."""
    s = socket.create_connection(("127.0.0.1", engine.port), timeout=30)
    s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
    started = time.monotonic()
    try:
        closed = s.recv(1024) is not None
    except socket.timeout:
        closed = False
    s.close()
    return closed, f"closed after {time.monotonic() - started:.1f} s"


def probe_huge_forms(engine):
    """Ten 10 MB forms of a million parameters at once: refused, and the engine's memory
    stays small."""
    body = "&".join("a" for _ in range(1_000_000)) * 5
    body = body[: 10 * 1024 * 1024]
    results = []

    def send():
        try:
            status, _, text = request(engine, "POST", f"/c/{engine.eci}/event-wait/probe/tick", body,
                                      {"Content-Type": "application/x-www-form-urlencoded"})
            results.append(text)
        except OSError as err:
            results.append(str(err))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    rss = rss_kib(engine.proc.pid)
    refused = sum(1 for r in results if "PayloadTooLargeError" in r or "reset" in r.lower() or "broken pipe" in r.lower())
    many = "a=1&" * 1001
    _, _, text = request(engine, "POST", f"/c/{engine.eci}/event-wait/probe/tick", many,
                         {"Content-Type": "application/x-www-form-urlencoded"})
    passed = refused == 10 and "too many parameters" in text and (rss is None or rss < 200 * 1024)
    return passed, f"refused {refused}/10; 1,001 parameters: {text[:80]}; RSS {rss} KiB"


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def probe_file_reads(engine):
    """/api/flush cannot read host files, tell files from folders, or quote non-KRL text."""
    hidden = "no such ruleset file, or not one the engine may read"
    urls = ["file:///etc/shadow", "file:///etc/passwd", "../../../../../../etc/passwd",
            "file:///proc/self/environ", "file:///dev/urandom", "/etc", "file:///no/such.krl",
            "file://" + os.path.join(RULESETS, "..", "http_probes.py")]
    failures = []
    for url in urls:
        _, _, text = request(engine, "GET", "/api/flush?url=" + urllib.parse.quote(url, safe=""), headers=admin(engine))
        error = json.loads(text).get("error", "")
        if not error.endswith(hidden):
            failures.append(f"{url}: {error[:100]}")
    secret = os.path.join(RULESETS, "not-krl.txt")
    with open(secret, "w") as f:
        f.write("SECRET-ON-LINE-ONE\n")
    try:
        _, _, text = request(engine, "GET", "/api/flush?url=" + urllib.parse.quote("file://" + secret, safe=""), headers=admin(engine))
    finally:
        os.remove(secret)
    if "SECRET" in text or "not a KRL ruleset" not in text:
        failures.append(f"non-KRL file: {text[:100]}")
    return not failures, "; ".join(failures) or f"{len(urls) + 1} reads refused alike"


def probe_url_schemes(engine):
    """Only http(s) and file URLs are fetched."""
    failures = []
    for url in ["ftp://127.0.0.1/x.krl", "gopher://127.0.0.1:22/", "dict://127.0.0.1:11211/stat", "data:text/plain,ruleset"]:
        _, _, text = request(engine, "GET", "/api/flush?url=" + urllib.parse.quote(url, safe=""), headers=admin(engine))
        if "is not supported" not in text:
            failures.append(f"{url}: {text[:100]}")
    return not failures, "; ".join(failures) or "4 schemes refused"


def probe_cors_host_token(engine):
    """/api needs the token and sends no CORS headers; foreign Host names are refused."""
    checks = []
    status, headers, _ = request(engine, "GET", "/api/picos")
    checks.append(("no token: 401", status == 401))
    checks.append(("no CORS on /api", "access-control-allow-origin" not in headers))
    status, headers, text = request(engine, "GET", "/api/picos", headers=admin(engine))
    checks.append(("token: 200", status == 200 and '"picos"' in text))
    status, _, _ = request(engine, "GET", "/api/logs?token=" + engine.token)
    checks.append(("?token=: 200", status == 200))
    status, headers, _ = request(engine, "GET", f"/c/{engine.eci}/query/probe.busy/hello")
    checks.append(("CORS on /c", headers.get("access-control-allow-origin") == "*"))
    status, _, _ = request(engine, "GET", f"/c/{engine.eci}/query/probe.busy/hello", headers={"Host": "rebind.attacker.example"})
    checks.append(("foreign Host: 403", status == 403))
    status, _, _ = request(engine, "GET", "/api/picos", headers={**admin(engine), "Host": "rebind.attacker.example:3000"})
    checks.append(("foreign Host on /api: 403", status == 403))
    failed = [name for name, ok in checks if not ok]
    return not failed, ("failed: " + ", ".join(failed)) if failed else f"{len(checks)} checks"


PROBES = [
    ("waiting-requests", probe_waiting_requests),
    ("idle-connections", probe_idle_connections),
    ("slow-headers", probe_slow_headers),
    ("huge-forms", probe_huge_forms),
    ("file-reads", probe_file_reads),
    ("url-schemes", probe_url_schemes),
    ("cors-host-token", probe_cors_host_token),
]


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    only = sys.argv[sys.argv.index("--only") + 1:] if "--only" in sys.argv else None
    failed = 0
    for name, probe in PROBES:
        if only and name not in only:
            continue
        engine = Engine(binary, ["--max-queue", "500"])
        started = time.monotonic()
        try:
            passed, detail = probe(engine)
        except Exception as err:  # a probe that crashes fails, the others still run
            passed, detail = False, f"{type(err).__name__}: {err}"
        alive = engine.proc.poll() is None
        engine.stop()
        passed = passed and alive
        failed += not passed
        print(f"{'PASS' if passed else 'FAIL'} {name:18} {time.monotonic() - started:5.1f} s  {detail}"
              + ("" if alive else "  (the engine died)"), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
