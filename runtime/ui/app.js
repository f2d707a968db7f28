// The developer UI of `krl run` (docs/ui.md): loads the pico graph from the root's UI
// channel, opens a pico's tabs, and follows the engine's live updates (server-sent events
// from `/api/updates`) instead of polling.

import * as api from "./api.js";
import { errorText } from "./dom.js";
import { Graph } from "./graph.js";
import { PicoPanel } from "./tabs.js";

const banner = document.getElementById("banner");
const live = document.getElementById("live");

function showBanner(err) {
  banner.textContent = err ? errorText(err) : "";
  banner.hidden = !err;
}

// Never silent: a failure nothing else caught is shown at the top of the page.
window.addEventListener("unhandledrejection", (event) => showBanner(event.reason));
window.addEventListener("error", (event) => showBanner(event.error ?? event.message));

const graph = new Graph(document.getElementById("canvas"), (eci) => openPico(eci), showBanner);
let rootEci = null;
let boxes = new Map();

const panel = new PicoPanel(document.getElementById("panel"), {
  boxes: () => boxes,
  changed: () => reload(),
  open: (eci) => openPico(eci),
});

function openPico(eci) {
  graph.select(eci);
  panel.open(eci);
}

/** Reads every box again (or takes `reading`, the boxes already asked for) and redraws;
 * subscriptions follow without holding up the boxes. */
async function reload(reading = api.allBoxes()) {
  const all = await reading;
  boxes = new Map(all.map((b) => [b.eci, b]));
  graph.render(all);
  document.body.dataset.picos = String(all.length);
  drawSubscriptions(all).catch(showBanner);
}

/** Queries of the subscription lines in flight at once: the browser's other connections
 * stay free for what the user does meanwhile (opening a pico among 1,000). */
const SUBSCRIPTION_LANES = 2;
let subscriptionsRun = 0;

/** Established subscriptions, paired by their `Id` on the two picos. */
async function drawSubscriptions(all) {
  const run = ++subscriptionsRun;
  const byId = new Map();
  let next = 0;
  const lane = async () => {
    while (next < all.length && run === subscriptionsRun) {
      const b = all[next++];
      // A pico without the subscription ruleset answers an error: it has none.
      const established = await api.subscriptions(b.eci, "established").catch(() => []);
      for (const sub of established || []) {
        const picos = byId.get(sub.Id) || [];
        picos.push(b.eci);
        byId.set(sub.Id, picos);
      }
    }
  };
  await Promise.all(Array.from({ length: SUBSCRIPTION_LANES }, lane));
  // A newer reload started meanwhile: its own walk draws the lines.
  if (run === subscriptionsRun) graph.setSubscriptions([...byId.values()].filter((p) => p.length === 2));
}

/** One refresh at a time: updates that arrive meanwhile make one more afterwards, so a
 * busy engine costs the page one walk of the graph after another, never a pile of them. */
let refreshing = false;
let refreshAgain = false;
async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    do {
      refreshAgain = false;
      await reload();
      await panel.refresh();
    } while (refreshAgain);
  } catch (err) {
    showBanner(err);
  } finally {
    refreshing = false;
  }
}

function follow() {
  const source = new EventSource("/api/updates");
  let first = true;
  source.addEventListener("update", () => {
    live.textContent = "live";
    if (first) {
      first = false;
      return;
    }
    refresh();
  });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      // Refused (a new token after a restart), not just dropped: the browser gives up.
      live.textContent = "offline";
      showBanner(new Error("Lost the engine's live updates. Open the admin URL that krl run printed to reconnect."));
    } else {
      live.textContent = "reconnecting…";
    }
  });
}

async function start() {
  // The boxes are asked for alongside the context, not after it: one round trip less.
  const firstBoxes = api.allBoxes();
  // Without the token both fail; the context's failure is the one explained below.
  firstBoxes.catch(() => {});
  let context;
  try {
    context = await api.uiContext();
  } catch (err) {
    showBanner(
      new Error(
        `${errorText(err)}. Open the admin URL that krl run printed (http://…/?token=…) to let this page use the engine.`
      )
    );
    live.textContent = "offline";
    return;
  }
  rootEci = context.eci;
  document.getElementById("version").textContent = `krl ${context.version}`;
  await reload(firstBoxes);
  // Milliseconds from the start of the page's navigation to the drawn graph (the browser
  // tests read it).
  document.body.dataset.graphMs = String(Math.round(performance.now()));
  openPico(rootEci);
  follow();
}

start().catch(showBanner);
