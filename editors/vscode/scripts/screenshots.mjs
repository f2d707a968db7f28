// Regenerates the screenshots of editors/vscode/README.md (docs/images/vscode-*.png): a real
// VS Code (code-server, from the npm registry) with this extension installed and the real
// `krl lsp` behind it, driven by headless Chromium through playwright-core.
//
//   apt-get install -y chromium pngquant        # the browser; pngquant is optional
//   cargo build -p krl-cli                        # target/debug/krl (or set KRL_BIN)
//   (cd editors/vscode && npm run package)        # krl.vsix
//   node editors/vscode/scripts/screenshots.mjs   # from the repository root
//
// Everything else lives in a scratch folder outside the repository (KRL_SHOTS_DIR, default
// /tmp/vscode-shots). On the first run the script installs code-server and playwright-core
// there with npm, without install scripts (they would download ripgrep and prebuilt binaries
// from outside the registry), and builds the few native modules code-server needs from
// source with node-gyp. code-server 4.100.3 is the last release that runs on Node 20.
//
// The example workspace (a sensor ruleset using a module) is written by this script; the
// editor is driven with the keyboard (Ctrl+G to a line:column, Ctrl+K Ctrl+I for the hover),
// so the screenshots do not depend on pixel positions.

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const scratch = process.env.KRL_SHOTS_DIR || "/tmp/vscode-shots";
const krlBin = process.env.KRL_BIN || path.join(repo, "target/debug/krl");
const vsix = path.join(repo, "editors/vscode/krl.vsix");
const outDir = path.join(repo, "docs/images");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const port = Number(process.env.KRL_SHOTS_PORT || 8765);
const codeServerVersion = "4.100.3";

const workspace = path.join(scratch, "workspace");
const userData = path.join(scratch, "data");
const extensions = path.join(scratch, "ext");
const entry = path.join(scratch, "node_modules/code-server/out/node/entry.js");

function run(cmd, args, cwd, { mayFail = false, env = {} } = {}) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v} `).join("");
  console.log(`$ (cd ${cwd} && ${vars}${cmd} ${args.join(" ")})`);
  try {
    execFileSync(cmd, args, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
  } catch (err) {
    if (!mayFail) throw err;
    console.log(`  (failed, not needed for the screenshots: ${err.message.split("\n")[0]})`);
  }
}

function require_(what, hint) {
  if (!fs.existsSync(what)) {
    console.error(`missing ${what}: ${hint}`);
    process.exit(1);
  }
}

/** Installs code-server and playwright-core into the scratch folder, once. */
function setup() {
  if (fs.existsSync(entry) && fs.existsSync(path.join(scratch, "node_modules/playwright-core"))) {
    return;
  }
  fs.mkdirSync(scratch, { recursive: true });
  const pkg = path.join(scratch, "package.json");
  if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, '{ "name": "krl-vscode-shots", "private": true }\n');
  run("npm", ["install", "--ignore-scripts", `code-server@${codeServerVersion}`, "playwright-core"], scratch);
  // code-server's own native module (password hashing): built from source, not downloaded.
  // (npm_config_build_from_source keeps node-pre-gyp from trying to download a prebuilt one.)
  run("npm", ["rebuild", "argon2"], scratch, { env: { npm_config_build_from_source: "true" } });
  // What code-server's postinstall.sh does, minus the downloads.
  const vscode = path.join(scratch, "node_modules/code-server/lib/vscode");
  run("npm", ["install", "--omit=dev", "--ignore-scripts"], vscode);
  run("npm", ["install", "--omit=dev", "--ignore-scripts"], path.join(vscode, "extensions"));
  run("npm", ["rebuild", "@vscode/spdlog", "native-watchdog"], vscode);
  run("npm", ["rebuild", "node-pty"], vscode, { mayFail: true }); // the terminal only
  fs.rmSync(path.join(vscode, "node_modules.asar"), { force: true });
  fs.symlinkSync("node_modules", path.join(vscode, "node_modules.asar"));
}

const thermo = `// Temperature helpers shared by the sensor rulesets.
ruleset org.example.thermo {
  meta {
    name "thermo"
    description <<
      Conversions and thresholds for temperature readings.
    >>
    configure using threshold = 30
    provides to_celsius, is_hot, describe
  }

  global {
    // Fahrenheit to Celsius.
    to_celsius = function(fahrenheit) {
      (fahrenheit.as("Number") - 32) * 5 / 9
    }
    // Whether a Celsius reading is above the configured threshold.
    is_hot = function(celsius) {
      celsius > threshold
    }
    describe = function(celsius) {
      is_hot(celsius) => <<hot: #{celsius} C>> | <<ok: #{celsius} C>>
    }
  }
}
`;

// Line 36 has a deliberate typo (`mesage`) for the diagnostics screenshot.
const sensor = `// A thermometer pico: records readings and raises an event for hot ones.
ruleset org.example.sensor {
  meta {
    name "sensor"
    use module org.example.thermo alias thermo with threshold = 28
    shares readings, latest
  }

  global {
    readings = function() {
      ent:readings.defaultsTo([])
    }
    latest = function() {
      readings().head()
    }
  }

  rule record_reading {
    select when sensor reading fahrenheit re#^(-?\\d+(?:\\.\\d+)?)$# setting(raw)
    pre {
      celsius = thermo:to_celsius(raw)
      entry = {"celsius": celsius, "time": time:now()}
    }
    send_directive("recorded", entry)
    fired {
      ent:readings := [entry].append(readings()).slice(9)
      raise sensor event "too_hot" attributes entry if thermo:is_hot(celsius)
    }
  }

  rule report_hot {
    select when sensor too_hot
    pre {
      message = thermo:describe(event:attrs{"celsius"})
    }
    send_directive("alarm", {"message": mesage})
  }
}
`;

const settings = {
  "krl.serverPath": krlBin,
  "workbench.colorTheme": "Default Light Modern",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.layoutControl.enabled": false,
  "window.commandCenter": false,
  "chat.commandCenter.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.ignoreRecommendations": true,
  "editor.minimap.enabled": false,
  "editor.stickyScroll.enabled": false,
  "editor.fontSize": 14,
  "files.autoSave": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
};

/** A fresh workspace, user profile and extension folder, with the extension installed. */
function prepare() {
  for (const dir of [workspace, userData, extensions]) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, "org.example.thermo.krl"), thermo);
  fs.writeFileSync(path.join(workspace, "org.example.sensor.krl"), sensor);
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(path.join(userData, "User/settings.json"), JSON.stringify(settings, null, 2));
  run("node", [entry, ...codeServerArgs(), "--install-extension", vsix], scratch);
}

function codeServerArgs() {
  return [
    "--config", path.join(scratch, "code-server.yaml"),
    "--user-data-dir", userData,
    "--extensions-dir", extensions,
  ];
}

async function startCodeServer() {
  const server = spawn(
    "node",
    [
      entry, ...codeServerArgs(),
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      workspace,
    ],
    { cwd: scratch, stdio: ["ignore", "inherit", "inherit"] },
  );
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return server;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  server.kill();
  throw new Error("code-server did not start");
}

async function shoot(page) {
  const pause = (ms) => page.waitForTimeout(ms);
  const shot = async (name, clip) => {
    const file = path.join(outDir, `vscode-${name}.png`);
    await page.screenshot({ path: file, clip });
    console.log(`wrote ${path.relative(repo, file)}`);
  };
  /** Moves the cursor with Go to Line (`line:column`). */
  const goto = async (where) => {
    await page.keyboard.press("Control+G");
    await pause(300);
    await page.keyboard.type(where);
    await page.keyboard.press("Enter");
    await pause(400);
  };
  const chord = async (...keys) => {
    for (const key of keys) await page.keyboard.press(key);
  };
  /** Runs a command by its title from the command palette. */
  const command = async (title) => {
    await chord("F1");
    await visible(".quick-input-widget");
    await page.keyboard.type(title);
    await pause(500);
    await chord("Enter");
  };
  const visible = (selector) => page.waitForSelector(selector, { state: "visible", timeout: 15000 });
  const hover = async () => {
    await chord("Control+K", "Control+I");
    await visible(".monaco-editor .monaco-hover:not(.hidden)");
    await pause(800);
  };
  const openFile = async (name) => {
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).click();
    await visible(`.tab.active[data-resource-name="${name}"]`);
  };
  const full = { x: 0, y: 0, width: 1200, height: 750 };

  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await visible(".explorer-folders-view");
  await openFile("org.example.sensor.krl");
  // The language server's diagnostics and semantic tokens are in once the squiggle shows.
  await visible(".monaco-editor .squiggly-error");
  await pause(1500);

  // 1. Highlighting and diagnostics: the hover on the error, and the Problems panel.
  await chord("Control+B"); // hide the side bar
  await chord("Control+Shift+M");
  await pause(800);
  await goto("36:42");
  await hover();
  await shot("diagnostics", { x: 48, y: 0, width: 1152, height: 660 });
  await chord("Escape");
  await chord("Control+J"); // close the panel

  // 2. Hover on a function of a module.
  await goto("21:26");
  await hover();
  await shot("hover", { x: 48, y: 0, width: 900, height: 520 });
  await chord("Escape");
  await goto("11:25");
  await hover();
  await shot("hover-stdlib", { x: 48, y: 0, width: 900, height: 360 });
  await chord("Escape");

  // 3. Outline (document symbols) in the side bar.
  await chord("Control+B");
  await page.locator(".pane-header", { hasText: /^Workspace/i }).click(); // collapse the files
  await page.locator(".pane-header", { hasText: /^Outline/i }).click();
  await visible(".outline-pane .monaco-list-row");
  await pause(1000);
  await goto("22:7");
  await shot("outline", { x: 0, y: 0, width: 1100, height: 750 });
  await chord("Control+B");

  // 4. Event navigation: Peek Definition on a `raise` shows the rules that select the event.
  await goto("27:28");
  await command("Peek Definition");
  await visible(".peekview-widget");
  await pause(1200);
  await shot("events", { x: 48, y: 0, width: 1152, height: 620 });
  await chord("Escape");

  // 5. Rename a function, with the preview of the edits.
  await goto("10:6");
  await chord("F2");
  await visible(".rename-box input");
  await pause(500);
  await page.locator(".rename-box input").fill("all_readings");
  await pause(800);
  await chord("Control+Enter"); // preview the edits instead of applying them
  await visible(".monaco-button:text-is('Discard')");
  await pause(1500);
  await shot("rename", { x: 48, y: 0, width: 1152, height: 722 });
  await page.locator(".monaco-button:text-is('Discard')").click();
  await pause(500);
  if (await page.locator(".part.panel").isVisible()) await chord("Control+J");
  await goto("10:6");

  // 6. Completion after a module alias, then stdlib operators after `.`.
  await goto("22:100");
  await chord("End", "Enter");
  await page.keyboard.type("hot = thermo:", { delay: 60 });
  await visible(".suggest-widget.visible");
  await pause(1200);
  await shot("completion-module", { x: 48, y: 0, width: 900, height: 520 });
  await chord("Escape");
  await page.keyboard.type("to_celsius(raw).", { delay: 60 });
  await visible(".suggest-widget.visible");
  await pause(800);
  await page.keyboard.type("de", { delay: 60 });
  await chord("Control+Space"); // the details of the selected item beside the list
  await visible(".suggest-details-container .suggest-details");
  await pause(1500);
  await shot("completion", { x: 48, y: 0, width: 1152, height: 620 });
  await chord("Escape");
}

async function main() {
  require_(chromiumPath, "apt-get install -y chromium (or set CHROMIUM)");
  require_(krlBin, "cargo build -p krl-cli (or set KRL_BIN)");
  require_(vsix, "cd editors/vscode && npm run package");
  setup();
  prepare();
  fs.mkdirSync(outDir, { recursive: true });
  const { chromium } = createRequire(path.join(scratch, "package.json"))("playwright-core");
  const server = await startCodeServer();
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 750 } });
    await shoot(page).catch(async (err) => {
      await page.screenshot({ path: path.join(scratch, "failure.png") });
      throw err;
    });
  } finally {
    await browser.close();
    server.kill();
  }
  // Shrink the PNGs (lossy palette) when pngquant is there.
  const shots = fs.readdirSync(outDir).filter((f) => /^vscode-.*\.png$/.test(f));
  try {
    execFileSync("pngquant", ["--force", "--ext", ".png", "--quality", "70-95", "--skip-if-larger",
      ...shots.map((f) => path.join(outDir, f))], { stdio: "inherit" });
  } catch (err) {
    if (err.code !== "ENOENT" && err.status !== 98 && err.status !== 99) throw err;
  }
  for (const f of shots) {
    console.log(`${f}: ${Math.round(fs.statSync(path.join(outDir, f)).size / 1024)} KB`);
  }
}

await main();
