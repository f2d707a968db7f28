// In-process compute times of the reference (pico-engine's KRL compiler and stdlib) for the
// workloads of `cargo bench -p krl-jit --bench tiers`: fib(20) and the 10^4
// range/map/filter/reduce pipeline, with the same KRL as krl-jit/benches/support/workloads.rs.
//
// Usage: node bench/reference_compute.js DIR [RUNS]
// where DIR is a scratch folder holding the published packages, made once with:
//   mkdir -p DIR && cd DIR && npm init -y && npm pkg set \
//     overrides.krl-parser=1.3.0 overrides.krl-stdlib=1.3.0 && \
//     npm install krl-compiler@1.5.0 krl-stdlib@1.3.0 krl-parser@1.3.0
// (krl-compiler@1.5.0 asks for krl-parser and krl-stdlib ^1.5.0, which were never published;
// the overrides pin the 1.3.0 releases pico-engine 1.3.0 ships with.)
//
// The ruleset is compiled by krl-compiler and its functions are called through the
// compiled `query` entry points, as pico-engine does for a `sky/cloud` query, but without
// the engine around them: the context gives the compiled code only the stdlib module and
// the `krl` helpers, which is all these functions use. Each workload is run WARM_UP times,
// then RUNS times (default 30); the script prints one JSON line per workload with the
// median and the fastest run in microseconds.
const path = require("path");

const [dir, runsArg] = [process.argv[2], process.argv[3]];
if (!dir) {
  console.error("usage: node bench/reference_compute.js DIR [RUNS]");
  process.exit(2);
}
const fromDir = (name) => require(path.join(path.resolve(dir), "node_modules", name));
const compile = fromDir("krl-compiler");
const { krl, stdlib } = fromDir("krl-stdlib");

const RUNS = Number(runsArg || 30);
const WARM_UP = 10;

const SOURCE = `ruleset bench.compute {
  meta { shares fib, pipeline }
  global {
    fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }
    pipeline = function(n) { 0.range(n).map(function(x) { x * 2 }).filter(function(x) { x % 3 == 0 }).reduce(function(a, b) { a + b }, 0) }
  }
}`;

const WORKLOADS = [
  { name: "fib(20)", query: "fib", args: { n: 20 }, expect: 6765 },
  { name: "pipeline 10^4", query: "pipeline", args: { n: 10000 }, expect: 33336666 },
];

/// The part of pico-engine's context the compiled functions touch.
function makeContext() {
  return {
    krl,
    module: (name) => (name === "stdlib" ? stdlib : null),
    setQuery: () => {},
    setEvent: () => {},
    drainDirectives: () => [],
  };
}

async function main() {
  const { code } = compile(SOURCE);
  const module = { exports: {} };
  new Function("module", "exports", "require", code)(module, module.exports, require);
  const ruleset = await module.exports.init({}, makeContext);
  for (const workload of WORKLOADS) {
    const run = () => ruleset.query[workload.query]({ args: workload.args }, "q");
    const answer = await run();
    if (answer !== workload.expect) {
      throw new Error(`${workload.name} answered ${answer}, expected ${workload.expect}`);
    }
    for (let i = 0; i < WARM_UP; i++) await run();
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      await run();
      times.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(
      JSON.stringify({ workload: workload.name, runs: RUNS, median_us: median, min_us: times[0] })
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
