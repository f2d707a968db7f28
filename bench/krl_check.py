#!/usr/bin/env python3
"""Throughput of `krl check` as a whole process: a generated folder of rulesets with warnings,
checked by the release binary in each output format, reported in MB/s of KRL source.

Usage:
    cargo build --release -p krl-cli
    python3 bench/krl_check.py target/release/krl [--files 400] [--runs 15] [--reference DIR] [FOLDER...]

The generated rulesets look like application rulesets (a counter, a sensor collector, a
directory of records): meta with shares and provides, globals with functions and maps, rules
with attribute matches, preludes, conditional actions and postludes; each has a handful of
the mistakes `krl check` warns about (unused declarations, `event:attr`, variables written but
never read, unread attributes). Extra FOLDERs (for example a corpus of real rulesets) are
timed the same way after the generated one.

With `--reference DIR` (a folder where `npm install krl-parser@1.3.0` was run), each folder is
also parsed by the reference parser in one node process (bench/reference_parse.js, timing only
the parse), right after our runs on it, and the ratio of the two throughputs is printed.

Each figure is the median of the runs (and the best run): the machine's load makes single
runs noisy. Output goes through a pipe, as in CI, and is read in full. The CPU time the
process used (user + system, all threads) is reported too: on a loaded machine it says more
than the wall time.
"""
import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import tempfile
import time

DOMAINS = ["sensor", "thermo", "door", "light", "order", "user", "garden", "meter", "queue", "badge"]
TYPES = ["reading", "opened", "closed", "added", "removed", "updated", "alert", "tick", "ping", "joined"]
ATTRS = ["temp", "name", "id", "level", "place", "count", "unit", "owner", "status", "note"]


def ruleset(idx: int, rng: random.Random) -> str:
    rid = f"bench.app{idx}.{rng.choice(DOMAINS)}"
    n_functions = rng.randint(3, 8)
    n_rules = rng.randint(4, 10)
    shared = [f"view{n}" for n in range(n_functions)]
    out = [f"// Generated for bench/krl_check.py: ruleset {idx}.", f"ruleset {rid} {{", "  meta {"]
    out.append(f'    name "App {idx}"')
    out.append('    description <<A generated application ruleset with #{"a beesting"} in it.>>')
    out.append(f"    shares {', '.join(shared)}")
    out.append(f"    provides {shared[0]}")
    out.append("  }")
    out.append("  global {")
    out.append(f'    limits = {{"low": {rng.randint(0, 20)}, "high": {rng.randint(50, 90)}, "unit": "C"}}')
    out.append(f"    names = [{', '.join(repr(a).replace(chr(39), chr(34)) for a in rng.sample(ATTRS, 4))}]")
    for n, name in enumerate(shared):
        attr = rng.choice(ATTRS)
        if n % 3 == 0:
            out.append(f"    {name} = function() {{")
            out.append(f'      ent:items.defaultsTo([]).filter(function(x) {{ x{{"{attr}"}} != null }})')
            out.append("    }")
        elif n % 3 == 1:
            out.append(f"    {name} = function(key, fallback = \"none\") {{")
            out.append("      unused_here = key.length()")  # unused declaration
            out.append(f'      found = ent:index{{key}}.defaultsTo(fallback)')
            out.append('      found.typeof() == "Map" => found | {"value": found, "at": time:now()}')
            out.append("    }")
        else:
            out.append(f"    {name} = function(n) {{")
            out.append("      n <= 1 => 1 | n * " + name + "(n - 1)")
            out.append("    }")
    out.append("  }")
    for r in range(n_rules):
        domain, type_ = rng.choice(DOMAINS), rng.choice(TYPES)
        attr, other = rng.sample(ATTRS, 2)
        out.append(f"  rule handle_{domain}_{type_}_{r} {{")
        if r % 2 == 0:
            out.append(f"    select when {domain} {type_} {attr} re#(.+)# setting(value)")
        else:
            out.append(f"    select when {domain} {type_} or {domain} {rng.choice(TYPES)}")
        out.append("    pre {")
        if r % 2 == 0:
            out.append(f'      amount = value.as("Number")')
        else:
            out.append(f'      amount = event:attrs{{"{attr}"}}.defaultsTo(0).as("Number")')
        if r % 3 == 0:
            out.append(f'      label = event:attr("{other}")')  # deprecated, and not matched
        else:
            out.append(f'      label = event:attrs{{"{other}"}}.defaultsTo("-")')
        if r % 4 == 0:
            out.append('      spare = amount + 1')  # unused declaration
        out.append('      entry = {"amount": amount, "label": label, "at": time:now()}')
        out.append("    }")
        out.append('    if amount > limits{"high"} then')
        out.append(f'      send_directive("{domain}_{type_}", {{"entry": entry}})')
        out.append("    fired {")
        out.append("      ent:items := ent:items.defaultsTo([]).append(entry)")
        if r % 5 == 0:
            out.append(f'      ent:last_{r} := entry')  # written, never read
        out.append(f'      raise {domain} event "handled" attributes {{"rule": "{r}"}}')
        out.append("    } else {")
        out.append('      ent:index{[label]} := entry')
        out.append(f'      log info <<skipped #{{amount}} from #{{label}}>>')
        out.append("    }")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def generate(folder: str, count: int) -> None:
    rng = random.Random(7)
    for idx in range(count):
        with open(os.path.join(folder, f"app{idx:04}.krl"), "w") as f:
            f.write(ruleset(idx, rng))


def folder_bytes(folder: str) -> int:
    total = 0
    for root, _, names in os.walk(folder):
        total += sum(os.path.getsize(os.path.join(root, n)) for n in names if n.endswith(".krl"))
    return total


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_check(krl: str, folder: str, fmt: str, runs: int) -> tuple[float, float, float, str]:
    times, cpu = [], []
    summary = ""
    for _ in range(runs):
        t0, c0 = time.perf_counter(), cpu_seconds()
        done = subprocess.run([krl, "check", "--format", fmt, folder], capture_output=True)
        times.append(time.perf_counter() - t0)
        cpu.append(cpu_seconds() - c0)
        if fmt == "human":
            summary = done.stderr.decode(errors="replace").strip().splitlines()[-1]
    return statistics.median(times), min(times), statistics.median(cpu), summary


def time_reference(reference: str, folder: str, runs: int) -> tuple[float, float, float, int]:
    """Median and best wall time and median CPU time of parsing the whole folder, in seconds,
    and how many files failed to parse."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_parse.js")
    env = dict(os.environ, NODE_PATH=os.path.join(reference, "node_modules"))
    done = subprocess.run(["node", script, folder, str(runs)], capture_output=True, env=env, check=True)
    result = json.loads(done.stdout)
    times = [t / 1000 for t in result["times_ms"]]
    cpu = [t / 1000 for t in result["cpu_ms"]]
    return statistics.median(times), min(times), statistics.median(cpu), result["failed"]


def report(krl: str, folder: str, label: str, runs: int, reference: str | None) -> None:
    size = folder_bytes(folder)
    files = sum(1 for _, _, names in os.walk(folder) for n in names if n.endswith(".krl"))
    print(f"{label}: {files} files, {size / 1e6:.2f} MB")
    for fmt in ["human", "json", "github"]:
        median, best, cpu, summary = time_check(krl, folder, fmt, runs)
        line = f"  --format {fmt:6}  median {median * 1000:6.1f} ms = {size / 1e6 / median:6.1f} MB/s"
        line += f"   best {best * 1000:6.1f} ms = {size / 1e6 / best:6.1f} MB/s"
        line += f"   CPU {cpu * 1000:6.1f} ms = {size / 1e6 / cpu:6.1f} MB per CPU-second"
        print(line)
        if summary:
            print(f"    ({summary})")
        if fmt == "human":
            ours, ours_cpu = median, cpu
    if reference:
        median, best, cpu, failed = time_reference(reference, folder, runs)
        line = f"  krl-parser      median {median * 1000:6.1f} ms = {size / 1e6 / median:6.1f} MB/s"
        line += f"   best {best * 1000:6.1f} ms = {size / 1e6 / best:6.1f} MB/s"
        line += f"   CPU {cpu * 1000:6.1f} ms = {size / 1e6 / cpu:6.1f} MB per CPU-second"
        print(line)
        print(f"    ({failed} files failed to parse)")
        print(
            f"  krl check --format human over the reference parser: {median / ours:.1f}x by wall time, "
            f"{cpu / ours_cpu:.1f}x by CPU time (medians)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("krl")
    parser.add_argument("folders", nargs="*")
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reference", help="folder with node_modules/krl-parser installed")
    args = parser.parse_intermixed_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        generate(folder, args.files)
        report(args.krl, folder, "generated", args.runs, args.reference)
    for extra in args.folders:
        report(args.krl, extra, extra, args.runs, args.reference)


if __name__ == "__main__":
    main()
