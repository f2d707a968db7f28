// The engine's public API as the UI uses it: pico-engine's `/c/...` routes on each pico's
// `engine,ui` channel (ruleset io.picolabs.pico-engine-ui), `/api/ui-context`, `/api/flush`,
// and krl's documented read-only routes `/api/boxes`, `/api/state`, `/api/source`,
// `/api/updates` and `/api/why` (docs/ui.md).
// `/api` requests carry the admin token as the `krl-token` cookie the admin URL set.

export const UI_RID = "io.picolabs.pico-engine-ui";
export const SUBSCRIPTION_RID = "io.picolabs.subscription";

/** An answer's JSON; an `{error}` answer or a failed request throws the engine's text. */
async function answer(responsePromise) {
  let response;
  try {
    response = await responsePromise;
  } catch (err) {
    throw new Error(`the engine cannot be reached (is krl run still running?): ${err.message}`);
  }
  const text = await response.text();
  let data = null;
  if (text !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      return text;
    }
  }
  if (data && typeof data === "object" && !Array.isArray(data) && typeof data.error === "string") {
    throw new Error(withLocation(data.error, data.location));
  }
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return data;
}

/** The engine's error text with where in the ruleset it happened, when the answer says. */
function withLocation(message, location) {
  if (!location || typeof location !== "object") return message;
  const where = [location.file, location.line, location.column].filter((x) => x !== undefined && x !== null);
  const rule = location.rule ? ` in rule ${location.rule}` : "";
  return where.length ? `${message} (at ${where.join(":")}${rule})` : message;
}

export function get(path) {
  return answer(fetch(path, { credentials: "same-origin" }));
}

export function post(path, body) {
  return answer(
    fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: JSON.stringify(body ?? {}),
    })
  );
}

const e = encodeURIComponent;

export const uiContext = () => get("/api/ui-context");
export const box = (eci) => get(`/c/${e(eci)}/query/${UI_RID}/box`);
export const pico = (eci) => get(`/c/${e(eci)}/query/${UI_RID}/pico`);
export const logs = (eci) => get(`/c/${e(eci)}/query/${UI_RID}/logs`);
export const testingEci = (eci) => get(`/c/${e(eci)}/query/${UI_RID}/testingECI`);
export const state = (eci) => get(`/api/state?eci=${e(eci)}`);
export const why = (eci, txn) => get(`/api/why?eci=${e(eci)}&txn=${e(txn)}`);

/** An event on the pico's UI channel, waited for, so that a failing rule's error shows. */
export const uiEvent = (eci, type, attrs) => post(`/c/${e(eci)}/event-wait/engine_ui/${e(type)}`, attrs);

/** Saves part of a pico's box and answers the whole box (as the reference does). */
export const saveBox = (eci, attrs) => post(`/c/${e(eci)}/event/engine_ui/box/query/${UI_RID}/box`, attrs);

export const flush = (url) => get(`/api/flush?url=${e(url)}`);

export const subscriptions = (eci, which) => get(`/c/${e(eci)}/query/${SUBSCRIPTION_RID}/${which}`);
export const wranglerEvent = (eci, type, attrs) => post(`/c/${e(eci)}/event-wait/wrangler/${e(type)}`, attrs);

export const testingSchema = (eci, rid) => get(`/c/${e(eci)}/query/${e(rid)}/__testing`);
export const testEvent = (eci, domain, type, attrs) =>
  post(`/c/${e(eci)}/event-wait/${e(domain)}/${e(type)}`, attrs);
export const testQuery = (eci, rid, name, args) => post(`/c/${e(eci)}/query/${e(rid)}/${e(name)}`, args);

/** Every pico's box, level by level from the root, in one request (docs/ui.md). */
export const allBoxes = () => get("/api/boxes");
