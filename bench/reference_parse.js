// Throughput of the reference parser (npm krl-parser) over the .krl files of a folder, in one
// node process, timing only the parse; run by bench/krl_check.py --reference.
//
// Usage: NODE_PATH=DIR/node_modules node bench/reference_parse.js FOLDER RUNS
// (DIR is a folder where `npm install krl-parser@1.3.0` was run.) Prints one JSON line:
// {"files", "bytes", "failed", "times_ms": [...], "cpu_ms": [...]} (wall and CPU time of each
// round, CPU being user + system time of the whole node process), after three warm-up rounds.
const fs = require("fs");
const path = require("path");
const parse = require("krl-parser");

function krlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return krlFiles(full);
    return entry.name.endsWith(".krl") ? [full] : [];
  });
}

const [folder, runs] = [process.argv[2], Number(process.argv[3] || 15)];
const sources = krlFiles(folder).map((file) => fs.readFileSync(file, "utf8"));
// A file the reference cannot parse still costs its parse up to the error.
function parseAll() {
  let failed = 0;
  for (const src of sources) {
    try {
      parse(src);
    } catch (_) {
      failed += 1;
    }
  }
  return failed;
}
let failed = 0;
for (let i = 0; i < 3; i++) failed = parseAll();
const times = [];
const cpu = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  parseAll();
  const used = process.cpuUsage(cpuStart);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  cpu.push((used.user + used.system) / 1e3);
}
const bytes = sources.reduce((sum, src) => sum + Buffer.byteLength(src), 0);
console.log(JSON.stringify({ files: sources.length, bytes, failed, times_ms: times, cpu_ms: cpu }));
