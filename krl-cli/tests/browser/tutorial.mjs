// The tutorial path of issue #15 in headless Chromium against a real `krl run`, one
// assertion per step. Started by krl-cli/tests/ui_browser.rs, which starts the engine and
// passes: KRL_ADMIN_URL (the banner's admin URL), KRL_TOKEN, CHROMIUM (the browser binary),
// RULESET_URL (a good ruleset), BROKEN_URL (a ruleset with a syntax error), PROFILE_DIR (a
// fresh --user-data-dir). Every wait is for a condition; nothing sleeps a fixed time.

import { env, openChromium } from "./launch.mjs";
import assert from "node:assert/strict";

const adminUrl = env("KRL_ADMIN_URL");
const base = new URL(adminUrl).origin;
const token = env("KRL_TOKEN");
const WAIT = { timeout: 15_000 };

const { page, consoleErrors, close } = await openChromium(WAIT.timeout);

/** With SCREENSHOT_DIR set (scripts/ui-screenshots.sh), saves the page as ui-<name>.png. */
async function shot(name) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await page.locator('#tabpanel[aria-busy="false"]').waitFor(WAIT);
  await page.screenshot({ path: `${dir}/ui-${name}.png` });
}

let stepNo = 0;
async function step(name, body) {
  stepNo += 1;
  const started = Date.now();
  try {
    await body();
  } catch (err) {
    console.error(`step ${stepNo} FAILED: ${name}\n${err.stack || err}`);
    const banner = await page.locator("#banner").textContent().catch(() => "");
    if (banner) console.error(`page banner: ${banner}`);
    if (process.env.FAILURE_SCREENSHOT) await page.screenshot({ path: process.env.FAILURE_SCREENSHOT }).catch(() => {});
    await close();
    process.exit(1);
  }
  console.log(`step ${stepNo} ok: ${name} (${Date.now() - started} ms)`);
}

const picoBox = (name) => page.locator(".pico", { hasText: new RegExp(`^${name}$`) });
const tab = (name) => page.getByRole("tab", { name, exact: true });
const panel = page.locator("#tabpanel");
// Locators, not `waitForFunction`: the page's CSP forbids the eval that polling needs.
// A tab is shown once the panel has it and is not busy reading the engine.
const tabShown = (name) => page.locator(`#tabpanel[data-tab="${name}"][aria-busy="false"]`).waitFor(WAIT);
/** Opens a pico by clicking its box; waits until its panel is drawn. */
async function openPico(name) {
  const eci = await picoBox(name).getAttribute("data-eci");
  await picoBox(name).click();
  await page.locator(`#tabpanel[data-eci="${eci}"][aria-busy="false"]`).waitFor(WAIT);
}
async function openTab(name) {
  await tab(name).click();
  await tabShown(name);
}

await step("open the admin URL: the token goes into a cookie and the address bar shows /", async () => {
  await page.goto(adminUrl);
  await page.waitForURL(`${base}/`, WAIT);
  assert.ok(!page.url().includes("token"), page.url());
});

await step("the root pico is drawn and its About tab is open", async () => {
  await picoBox("Pico").waitFor(WAIT);
  assert.equal(await page.locator(".pico").count(), 1);
  const tabs = await page.getByRole("tab").allTextContents();
  assert.deepEqual(tabs, ["About", "Rulesets", "Channels", "Logging", "Testing", "Subscriptions", "State"]);
  await tabShown("About");
  await page.locator("#live", { hasText: "live" }).waitFor(WAIT);
});

await step("the tabs are reachable with the keyboard", async () => {
  await tab("About").focus();
  await page.keyboard.press("ArrowRight");
  await tabShown("Rulesets");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Rulesets");
  await page.keyboard.press("ArrowLeft");
  await tabShown("About");
  // A pico's box is a button in the focus order: Enter opens it.
  await picoBox("Pico").focus();
  await page.keyboard.press("Enter");
  await tabShown("About");
  assert.equal(await picoBox("Pico").getAttribute("aria-pressed"), "true");
});

await step("add a child from About", async () => {
  await panel.getByLabel("Name", { exact: true }).first().fill("Thermostat");
  await panel.getByRole("button", { name: "Add child", exact: true }).click();
  await picoBox("Thermostat").waitFor(WAIT);
  await panel.getByRole("button", { name: "Thermostat", exact: true }).waitFor(WAIT);
});

await step("open the child and install a ruleset by URL", async () => {
  await openPico("Thermostat");
  await openTab("Rulesets");
  await panel.getByLabel("URL", { exact: true }).fill(env("RULESET_URL"));
  await panel.getByRole("button", { name: "Install", exact: true }).click();
  await panel.locator(".ruleset", { hasText: "tutorial.hello" }).waitFor(WAIT);
  await shot("rulesets");
});

await step("a ruleset with a syntax error is refused with the engine's error and its location", async () => {
  await panel.getByLabel("URL", { exact: true }).fill(env("BROKEN_URL"));
  await panel.getByRole("button", { name: "Install", exact: true }).click();
  const error = panel.locator("form .error");
  await error.waitFor({ state: "visible", ...WAIT });
  const text = await error.textContent();
  assert.match(text, /broken\.krl/);
  assert.match(text, /:\d+:\d+/);
});

await step("a URL that does not exist is refused with the engine's error", async () => {
  await panel.getByLabel("URL", { exact: true }).fill("file:///nowhere/missing.krl");
  await panel.getByRole("button", { name: "Install", exact: true }).click();
  await panel.locator("form .error", { hasText: "missing.krl" }).waitFor(WAIT);
});

await step("the installed ruleset's source can be viewed", async () => {
  const item = panel.locator(".ruleset", { hasText: "tutorial.hello" });
  await item.getByRole("button", { name: "Source", exact: true }).click();
  await item.locator("pre.source", { hasText: "ruleset tutorial.hello" }).waitFor(WAIT);
});

let openChannel;
await step("create a channel with a policy that allows only hello:greet", async () => {
  await openTab("Channels");
  await panel.getByLabel("Tags", { exact: true }).fill("tutorial, greet-only");
  await panel.getByLabel("Allow events", { exact: true }).fill("hello:greet");
  await panel.getByRole("button", { name: "Create channel", exact: true }).click();
  const row = panel.locator("tr", { hasText: "tutorial, greet-only" });
  await row.waitFor(WAIT);
  openChannel = (await row.locator("code.eci").textContent()).trim();
  assert.match(await row.textContent(), /allow hello:greet/);
  await shot("channels");
});

await step("send an event from Testing and see its directive", async () => {
  await openTab("Testing");
  await panel.getByLabel("Channel", { exact: true }).selectOption(openChannel);
  // The first of the two `hello:greet` forms (one per rule that selects it): `greet`'s, with `name`.
  const form = panel.locator("form", { hasText: "event hello:greet" }).first();
  await form.getByLabel("name", { exact: true }).fill("Ada");
  await form.getByRole("button", { name: "Send", exact: true }).click();
  await panel.locator("pre.result", { hasText: '"greeting"' }).waitFor(WAIT);
  assert.match(await panel.locator("pre.result").textContent(), /Hello Ada/);
  await shot("testing");
});

await step("a query from Testing shows its result", async () => {
  const form = panel.locator("form", { hasText: "query count" });
  await form.getByRole("button", { name: "Query", exact: true }).click();
  await panel.locator("pre.result", { hasText: /^1$/ }).waitFor(WAIT);
});

await step("an event the channel's policy denies fails with the engine's error", async () => {
  const form = panel.locator("form", { hasText: "event hello:reset" });
  await form.getByRole("button", { name: "Send", exact: true }).click();
  const error = panel.locator(".error", { hasText: "Not allowed by channel policy" });
  await error.waitFor({ state: "visible", ...WAIT });
  assert.equal(await panel.locator("pre.result").textContent(), "");
});

await step("the event is in Logging with the engine's lines", async () => {
  await openTab("Logging");
  const episode = panel.locator("details.episode", { hasText: "hello:greet" }).first();
  await episode.waitFor(WAIT);
  await episode.locator(":scope > summary").click();
  const text = await episode.locator(":scope > pre").textContent();
  assert.match(text, /rule selected/);
  assert.match(text, /fired/);
  // The page's requests to pico routes carry no admin token (its cookie is for /api only),
  // so the event's `_headers` in the log do not show it.
  assert.ok(!text.includes(token), "the admin token is in the pico's log");
  await shot("logging");
});

await step("why: one rule fired, another did not, each with its reason and place", async () => {
  const episode = panel.locator("details.episode", { hasText: "hello:greet" }).first();
  const why = episode.locator("details.why");
  await why.locator("summary").click();
  const greet = why.locator('.why-rule[data-rule="tutorial.hello/greet"]');
  await greet.waitFor(WAIT);
  assert.equal(await greet.getAttribute("data-verdict"), "fired");
  assert.match(await greet.textContent(), /hello\.krl:10:8/);
  const shout = why.locator('.why-rule[data-rule="tutorial.hello/shout"]');
  assert.equal(await shout.getAttribute("data-verdict"), "not_fired");
  assert.match(await shout.textContent(), /action guard was false/);
  assert.match(await shout.textContent(), /rule shout \{/);
  assert.match(await why.locator(".why-others").textContent(), /tutorial\.hello: reset/);
  await shot("why");
});

await step("its effect is in State", async () => {
  await openTab("State");
  const entry = panel.locator('section[data-rid="tutorial.hello"] li[data-ent="count"]');
  await entry.waitFor(WAIT);
  assert.match(await entry.textContent(), /ent:count = 1/);
  await shot("state");
});

await step("State follows events sent from elsewhere (live update, no reload)", async () => {
  const response = await fetch(`${base}/c/${openChannel}/event-wait/hello/greet?name=Grace`);
  assert.equal(response.status, 200);
  await panel.locator('li[data-ent="count"]', { hasText: "ent:count = 2" }).waitFor(WAIT);
});

await step("rename and recolour the child from About", async () => {
  await openTab("About");
  const form = panel.locator("form", { hasText: "Save" });
  await form.getByLabel("Name", { exact: true }).fill("Thermo");
  await form.getByLabel("Colour", { exact: true }).fill("#ffaa00");
  await form.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator('.pico[style*="background-color: rgb(255, 170, 0)"]', { hasText: "Thermo" }).waitFor(WAIT);
  await shot("about");
});

await step("drag the child: its new position is kept by the UI ruleset", async () => {
  const eci = await picoBox("Thermo").getAttribute("data-eci");
  const boxOf = async () => (await fetch(`${base}/c/${eci}/query/io.picolabs.pico-engine-ui/box`)).json();
  const original = await boxOf();
  const before = await picoBox("Thermo").boundingBox();
  await page.mouse.move(before.x + 20, before.y + 20);
  await page.mouse.down();
  await page.mouse.move(before.x + 270, before.y + 80, { steps: 5 });
  await page.mouse.up();
  // Saved through `engine_ui:box`: read back through the public API until it is there.
  let saved = original;
  for (const deadline = Date.now() + WAIT.timeout; saved.x === original.x && Date.now() < deadline; ) {
    saved = await boxOf();
  }
  assert.equal(saved.x, original.x + 250);
  assert.equal(saved.y, original.y + 60);
  await page.reload();
  await picoBox("Thermo").waitFor(WAIT);
  const after = await picoBox("Thermo").boundingBox();
  assert.equal(Math.round(after.x), Math.round(before.x + 250));
});

await step("subscribe two picos: propose from one, accept on the other", async () => {
  // A second child of the root.
  await openPico("Pico");
  await openTab("About");
  await panel.getByLabel("Name", { exact: true }).first().fill("Display");
  await panel.getByRole("button", { name: "Add child", exact: true }).click();
  await picoBox("Display").waitFor(WAIT);
  // Display's wellKnown_Rx.
  await openPico("Display");
  await openTab("Subscriptions");
  const wellKnown = (await panel.locator("p code.eci").textContent()).trim();
  assert.notEqual(wellKnown, "none");
  // Thermo proposes.
  await openPico("Thermo");
  await openTab("Subscriptions");
  await panel.getByLabel("wellKnown_Tx", { exact: true }).fill(wellKnown);
  await panel.getByLabel("Rx_role", { exact: true }).fill("thermostat");
  await panel.getByLabel("Tx_role", { exact: true }).fill("display");
  await panel.getByRole("button", { name: "Propose", exact: true }).click();
  await panel.locator(".subs-outbound li").waitFor(WAIT);
  // Display accepts.
  await openPico("Display");
  await openTab("Subscriptions");
  await panel.locator(".subs-inbound li").getByRole("button", { name: "Accept", exact: true }).click();
  await panel.locator(".subs-established li").waitFor(WAIT);
  // Both sides established, and the graph draws the subscription.
  await openPico("Thermo");
  await openTab("Subscriptions");
  await panel.locator(".subs-established li").waitFor(WAIT);
  await page.locator('.links path.subscription[d^="M"]').waitFor({ state: "attached", ...WAIT });
  await shot("subscriptions");
});

await step("delete a child from About", async () => {
  await openPico("Pico");
  await openTab("About");
  page.once("dialog", (dialog) => dialog.accept());
  await panel.locator("li", { hasText: "Display" }).getByRole("button", { name: "Delete", exact: true }).click();
  await picoBox("Display").waitFor({ state: "detached", ...WAIT });
});

await step("no errors in the browser console", async () => {
  assert.deepEqual(consoleErrors, []);
});

await close();
