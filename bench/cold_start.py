#!/usr/bin/env python3
"""Cold start of `krl run`: from process start to the first answered query (the UI
ruleset's `box`), once with a new home and five times with an existing one.

Usage: cargo build --release -p krl-cli && python3 bench/cold_start.py target/release/krl
"""
import subprocess, time, urllib.request, tempfile, sys, os
binary = sys.argv[1]
home = tempfile.mkdtemp()
def once(home):
    t0 = time.perf_counter()
    errors = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen([binary, "run", "--port", "0", "--home", home], stdout=subprocess.PIPE, stderr=errors, text=True)
    url = eci = None
    while url is None or eci is None:
        line = p.stdout.readline()
        if not line:  # the engine ended before its banner: say why instead of waiting forever
            p.wait(); errors.seek(0)
            sys.exit(f"{binary} run ended before listening: {errors.read().strip()}")
        if line.startswith("krl run: listening on "): url = line.split()[-1]
        elif line.strip().startswith("UI channel "): eci = line.split()[2]
    r = urllib.request.urlopen(f"{url}/c/{eci}/query/io.picolabs.pico-engine-ui/box").read()
    dt = time.perf_counter() - t0
    p.terminate(); p.wait()
    return dt
fresh = once(tempfile.mkdtemp())
again = [once(home) for _ in range(6)]
print(f"fresh home: {fresh*1000:.1f} ms; existing home: " + ", ".join(f"{d*1000:.1f}" for d in again[1:]) + " ms")
