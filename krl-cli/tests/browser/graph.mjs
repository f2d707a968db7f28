// The pico graph at size, in headless Chromium against a real `krl run` (started by
// krl-cli/tests/ui_browser.rs, or bench/ui_graph.sh for the release binary, with the
// environment described in tutorial.mjs): with 100 picos the graph is drawn within
// GRAPH_LIMIT_MS (default 300) of the page's start; with PICOS_BIG (bench: 1,000) it is
// drawn, a box opens its pico and a tab switches within RESPOND_LIMIT_MS (default 1,000);
// the console stays free of errors.

import { env, openChromium } from "./launch.mjs";
import assert from "node:assert/strict";

const adminUrl = env("KRL_ADMIN_URL");
const base = new URL(adminUrl).origin;
const token = env("KRL_TOKEN");
const WAIT = { timeout: 60_000 };
// 300 ms is the target for the release binary; a debug build's engine answers several
// times slower, so krl-cli/tests/ui_browser.rs passes a looser limit for it.
const FIRST_DRAW_LIMIT_MS = Number(process.env.GRAPH_LIMIT_MS || 300);

async function call(path, body) {
  const response = await fetch(`${base}${path}`, {
    method: body ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (data && data.error) throw new Error(`${path}: ${data.error}`);
  return data;
}

const UI = "io.picolabs.pico-engine-ui";
const root = (await call("/api/ui-context")).eci;
/** Boxes of the tree made so far, by UI ECI. */
const made = [root];

/** Gives `parent` `count` children laid out in rows; answers their UI ECIs. */
async function addChildren(parent, count) {
  for (let i = 0; i < count; i++) {
    await call(`/c/${parent}/event-wait/engine_ui/new`, { name: `p${made.length + i}` });
  }
  const children = (await call(`/c/${parent}/query/${UI}/box`)).children.slice(-count);
  const first = made.length;
  made.push(...children);
  await Promise.all(
    children.map((eci, i) => {
      const idx = first + i;
      const place = { x: 20 + (idx % 40) * 60, y: 220 + Math.floor(idx / 40) * 60, width: 50, height: 40 };
      return call(`/c/${eci}/event/engine_ui/box/query/${UI}/box`, place);
    })
  );
}

/** Grows the tree to `total` picos, ten children per parent, eight parents at a time (the
 * engine runs different picos in parallel). */
async function grow(total) {
  let next = 0;
  while (made.length < total) {
    const parents = made.slice(next, next + 8);
    next += parents.length;
    let room = total - made.length;
    const counts = parents.map(() => {
      const count = Math.min(10, room);
      room -= count;
      return count;
    });
    await Promise.all(parents.map((parent, i) => (counts[i] > 0 ? addChildren(parent, counts[i]) : null)));
  }
}

const { page, consoleErrors, close } = await openChromium(WAIT.timeout);

async function drawn(count) {
  await page.goto(adminUrl);
  await page.locator(`body[data-picos="${count}"][data-graph-ms]`).waitFor(WAIT);
  assert.equal(await page.locator(".pico").count(), count);
  return Number(await page.locator("body").getAttribute("data-graph-ms"));
}

try {
  let started = Date.now();
  await grow(100);
  console.log(`made 100 picos in ${Date.now() - started} ms`);
  // The first load warms the engine (picos load from the store on first use), as a
  // developer's engine is warm when they open the page.
  await drawn(100);
  const times = [];
  for (let i = 0; i < 3; i++) times.push(await drawn(100));
  const best = Math.min(...times);
  console.log(`100 picos: graph drawn at ${times.join(", ")} ms after the page's start`);
  assert.ok(best <= FIRST_DRAW_LIMIT_MS, `the graph of 100 picos took ${best} ms (limit ${FIRST_DRAW_LIMIT_MS})`);

  const bigCount = Number(process.env.PICOS_BIG || 0);
  if (bigCount === 0) {
    assert.deepEqual(consoleErrors, []);
    await close();
    process.exit(0);
  }
  started = Date.now();
  await grow(bigCount);
  console.log(`made ${bigCount} picos in ${Date.now() - started} ms`);
  const big = await drawn(bigCount);
  console.log(`${bigCount} picos: graph drawn at ${big} ms after the page's start`);
  // Still usable: a box opens its pico, tabs switch.
  started = Date.now();
  const last = page.locator(".pico").last();
  const eci = await last.getAttribute("data-eci");
  await last.click();
  await page.locator(`#tabpanel[data-eci="${eci}"][aria-busy="false"]`).waitFor(WAIT);
  await page.getByRole("tab", { name: "State", exact: true }).click();
  await page.locator(`#tabpanel[data-tab="State"][aria-busy="false"]`).waitFor(WAIT);
  const respond = Date.now() - started;
  console.log(`${bigCount} picos: a pico opened and a tab switched in ${respond} ms`);
  const respondLimit = Number(process.env.RESPOND_LIMIT_MS || 1000);
  assert.ok(respond <= respondLimit, `opening a pico among ${bigCount} took ${respond} ms (limit ${respondLimit})`);
  assert.deepEqual(consoleErrors, []);
} catch (err) {
  console.error(err.stack || err);
  await close();
  process.exit(1);
}
await close();
