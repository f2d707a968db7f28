// The tutorial path of issue #15 in headless Firefox against a real `krl run`: the steps of
// tutorial.mjs that show whether the developer UI works in a second engine (Gecko), one
// assertion per step. Started by krl-cli/tests/ui_browser.rs with the environment
// tutorial.mjs describes, FIREFOX (the browser binary) in place of CHROMIUM.
//
// puppeteer-core drives Firefox over WebDriver BiDi and has no Playwright locators (by role,
// by label, by text), so elements are found with CSS and XPath: the UI names every input by
// `aria-label` and every button by its text. Every wait is for a condition.

import { env, openFirefox } from "./launch.mjs";
import assert from "node:assert/strict";

const adminUrl = env("KRL_ADMIN_URL");
const base = new URL(adminUrl).origin;
const WAIT = { timeout: 15_000 };

const { page, consoleErrors, close } = await openFirefox(WAIT.timeout);

let stepNo = 0;
async function step(name, body) {
  stepNo += 1;
  const started = Date.now();
  try {
    await body();
  } catch (err) {
    console.error(`step ${stepNo} FAILED: ${name}\n${err.stack || err}`);
    const banner = await page.$eval("#banner", (el) => el.textContent).catch(() => "");
    if (banner) console.error(`page banner: ${banner}`);
    if (consoleErrors.length) console.error(`console errors: ${consoleErrors.join("\n")}`);
    if (process.env.FAILURE_SCREENSHOT) await page.screenshot({ path: process.env.FAILURE_SCREENSHOT }).catch(() => {});
    await close();
    process.exit(1);
  }
  console.log(`step ${stepNo} ok: ${name} (${Date.now() - started} ms)`);
}

/** An XPath string literal for `text` (the test's own words: no quotes inside). */
const literal = (text) => `'${text}'`;
/** Elements with class `cls` under `scope` whose text satisfies the XPath `test` of `.`. */
const classed = (scope, cls, test) =>
  `::-p-xpath(${scope}//*[contains(concat(' ', normalize-space(@class), ' '), ' ${cls} ')][${test}])`;
const PANEL = "//*[@id='tabpanel']";
const picoBox = (name) => classed("", "pico", `normalize-space(.)=${literal(name)}`);
const button = (name, scope = PANEL) => `::-p-xpath(${scope}//button[normalize-space(.)=${literal(name)}])`;
const input = (label) => `#tabpanel [aria-label="${label}"]`;
const text = (selector) => page.$eval(selector, (el) => el.textContent);
const waitFor = (selector, options = {}) => page.waitForSelector(selector, { ...WAIT, ...options });

const tabShown = (name) => waitFor(`#tabpanel[data-tab="${name}"][aria-busy="false"]`);
async function openTab(name) {
  await page.locator(`[role="tab"]#tab-${name}`).click();
  await tabShown(name);
}
async function openPico(name) {
  const eci = await page.$eval(picoBox(name), (el) => el.dataset.eci);
  await page.locator(picoBox(name)).click();
  await waitFor(`#tabpanel[data-eci="${eci}"][aria-busy="false"]`);
}
async function fill(selector, value) {
  await page.locator(selector).fill(value);
}

await step("open the admin URL: the token goes into a cookie and the address bar shows /", async () => {
  await page.goto(adminUrl);
  assert.equal(page.url(), `${base}/`);
});

await step("the graph shows the root pico and its About tab is open", async () => {
  await waitFor(picoBox("Pico"));
  assert.equal((await page.$$(".pico")).length, 1);
  const tabs = await page.$$eval('[role="tab"]', (all) => all.map((el) => el.textContent));
  assert.deepEqual(tabs, ["About", "Rulesets", "Channels", "Logging", "Testing", "Subscriptions", "State"]);
  await tabShown("About");
  await waitFor("::-p-xpath(//*[@id='live'][normalize-space(.)='live'])");
});

await step("every tab opens by its label", async () => {
  for (const name of ["Rulesets", "Channels", "Logging", "Testing", "Subscriptions", "State", "About"]) {
    await page.locator(`::-p-xpath(//*[@role='tab'][normalize-space(.)=${literal(name)}])`).click();
    await tabShown(name);
  }
});

await step("the tabs are reachable with the keyboard", async () => {
  await page.focus("#tab-About");
  await page.keyboard.press("ArrowRight");
  await tabShown("Rulesets");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Rulesets");
  await page.keyboard.press("ArrowLeft");
  await tabShown("About");
  // A pico's box is a button in the focus order: Enter opens it.
  await page.focus(picoBox("Pico"));
  await page.keyboard.press("Enter");
  await tabShown("About");
  assert.equal(await page.$eval(picoBox("Pico"), (el) => el.getAttribute("aria-pressed")), "true");
});

await step("add a child from About", async () => {
  await fill(input("Name"), "Thermostat");
  await page.locator(button("Add child")).click();
  await waitFor(picoBox("Thermostat"));
  await waitFor(button("Thermostat"));
});

await step("open the child and install a ruleset by URL", async () => {
  await openPico("Thermostat");
  await openTab("Rulesets");
  await fill(input("URL"), env("RULESET_URL"));
  await page.locator(button("Install")).click();
  await waitFor(classed(PANEL, "ruleset", "contains(., 'tutorial.hello')"));
});

await step("a ruleset with a syntax error is refused with the engine's error and its location", async () => {
  await fill(input("URL"), env("BROKEN_URL"));
  await page.locator(button("Install")).click();
  const error = await waitFor("#tabpanel form .error", { visible: true });
  const message = await error.evaluate((el) => el.textContent);
  assert.match(message, /broken\.krl/);
  assert.match(message, /:\d+:\d+/);
});

let openChannel;
await step("create a channel with a policy that allows only hello:greet", async () => {
  await openTab("Channels");
  await fill(input("Tags"), "tutorial, greet-only");
  await fill(input("Allow events"), "hello:greet");
  await page.locator(button("Create channel")).click();
  const row = `::-p-xpath(${PANEL}//tr[contains(., 'tutorial, greet-only')])`;
  await waitFor(row);
  openChannel = (await page.$eval(row, (el) => el.querySelector("code.eci").textContent)).trim();
  assert.match(await text(row), /allow hello:greet/);
});

await step("send an event from Testing and see its directive", async () => {
  await openTab("Testing");
  await page.select(input("Channel"), openChannel);
  // The first of the two `hello:greet` forms (one per rule that selects it): `greet`'s, with `name`.
  const form = `${PANEL}//form[contains(., 'event hello:greet')][1]`;
  await fill(`::-p-xpath(${form}//input[@aria-label='name'])`, "Ada");
  await page.locator(button("Send", form)).click();
  await waitFor(`::-p-xpath(${PANEL}//pre[@class='result'][contains(., '"greeting"')])`);
  assert.match(await text("#tabpanel pre.result"), /Hello Ada/);
});

await step("the event is in Logging with the engine's lines", async () => {
  await openTab("Logging");
  const episode = `${PANEL}//details[@class='episode'][contains(., 'hello:greet')][1]`;
  await waitFor(`::-p-xpath(${episode})`);
  await page.locator(`::-p-xpath(${episode}/summary)`).click();
  const lines = await text(`::-p-xpath(${episode}/pre)`);
  assert.match(lines, /rule selected/);
  assert.match(lines, /fired/);
});

await step("why: one rule fired, another did not", async () => {
  const why = `${PANEL}//details[@class='episode'][contains(., 'hello:greet')][1]//details[contains(@class, 'why')]`;
  await page.locator(`::-p-xpath(${why}/summary)`).click();
  const greet = await waitFor(`::-p-xpath(${why}//*[@data-rule='tutorial.hello/greet'])`);
  assert.equal(await greet.evaluate((el) => el.dataset.verdict), "fired");
  const shout = await waitFor(`::-p-xpath(${why}//*[@data-rule='tutorial.hello/shout'])`);
  assert.equal(await shout.evaluate((el) => el.dataset.verdict), "not_fired");
});

await step("its effect is in State", async () => {
  await openTab("State");
  const entry = 'section[data-rid="tutorial.hello"] li[data-ent="count"]';
  await waitFor(entry);
  assert.match(await text(entry), /ent:count = 1/);
});

await step("drag the child: its new position is kept by the UI ruleset", async () => {
  const box = await waitFor(picoBox("Thermostat"));
  const eci = await box.evaluate((el) => el.dataset.eci);
  const boxOf = async () => (await fetch(`${base}/c/${eci}/query/io.picolabs.pico-engine-ui/box`)).json();
  const original = await boxOf();
  const before = await box.boundingBox();
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
  const after = await (await waitFor(picoBox("Thermostat"))).boundingBox();
  assert.equal(Math.round(after.x), Math.round(before.x + 250));
});

await step("no errors in the browser console", async () => {
  assert.deepEqual(consoleErrors, []);
});

await close();
