// The Logging tab's "why" disclosure: for one event transaction, every rule of the pico's
// rulesets with its verdict, the reason, where it is written and its event expression's
// state before and after, read from krl's `/api/why` when the disclosure is first opened.
// Rules none of whose patterns name the event are summed up in one line, as `krl why` does.

import * as api from "./api.js";
import { errorBox, h, showError } from "./dom.js";

/** A closed `details` that loads and shows the rule traces of transaction `txnId`. */
export function whyDisclosure(eci, txnId) {
  const body = h("div", { class: "why-body" }, "Loading…");
  const disclosure = h("details", { class: "why" }, h("summary", {}, "why"), body);
  let loaded = false;
  disclosure.addEventListener("toggle", async () => {
    if (!disclosure.open || loaded) return;
    loaded = true;
    try {
      const traces = await api.why(eci, txnId);
      body.replaceChildren(...traces.events.map(eventSection));
    } catch (err) {
      const box = errorBox();
      showError(box, err);
      body.replaceChildren(box);
      loaded = false;
    }
    disclosure.dataset.loaded = "true";
  });
  return disclosure;
}

function eventSection(event) {
  const name = `${event.domain}:${event.type}`;
  const shown = event.rules.filter((rule) => rule.salient || rule.verdict !== "not_selected");
  const others = event.rules.filter((rule) => !rule.salient && rule.verdict === "not_selected");
  return h(
    "section",
    { class: "why-event", "data-event": name },
    h("h4", {}, `event ${name}`),
    h("ul", { class: "why-rules" }, shown.map(ruleItem)),
    others.length
      ? h("p", { class: "why-others" }, `${others.length} other rule${others.length === 1 ? "" : "s"} not selected, no event pattern matches ${name}: ${byRuleset(others)}`)
      : null
  );
}

/** `rid: rule, rule; rid: rule` for a list of rules. */
function byRuleset(rules) {
  const groups = new Map();
  for (const rule of rules) groups.set(rule.rid, [...(groups.get(rule.rid) ?? []), rule.rule]);
  return [...groups].map(([rid, names]) => `${rid}: ${names.join(", ")}`).join("; ");
}

const VERDICTS = {
  fired: "fired",
  not_fired: "not fired",
  failed: "failed",
  not_selected: "not selected",
  skipped: "skipped",
  inactive: "inactive",
};

function ruleItem(rule) {
  const site = rule.site;
  const file = site ? site.file.replace(/^file:\/\//, "") : null;
  return h(
    "li",
    { class: `why-rule verdict-${rule.verdict}`, "data-rule": `${rule.rid}/${rule.rule}`, "data-verdict": rule.verdict },
    h("span", { class: "verdict" }, VERDICTS[rule.verdict] ?? rule.verdict),
    " ",
    h("code", {}, `${rule.rid}/${rule.rule}`),
    ": ",
    h("span", { class: "reason" }, rule.reason),
    site ? h("div", { class: "site" }, h("code", {}, `${file}:${site.line}:${site.column}`), h("pre", {}, `${site.line} | ${site.source}`)) : null,
    rule.before !== undefined && rule.verdict !== "inactive" ? h("div", { class: "state" }, `state: ${rule.before} → ${rule.after}`) : null,
    rule.checks?.length ? h("ul", { class: "checks" }, rule.checks.map(checkItem)) : null,
    rule.select_where !== undefined ? h("div", {}, `select where: ${rule.select_where}`) : null
  );
}

function checkItem(check) {
  if (check.check === "attribute") {
    return h("li", {}, `${check.pattern}: attribute ${check.attr} ${check.matched ? "matched" : "did not match"} ${check.regex}`);
  }
  return h("li", {}, `${check.pattern}: where condition ${check.held}`);
}
