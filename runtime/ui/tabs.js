// The pico panel: the tabs About, Rulesets, Channels, Logging, Testing, Subscriptions and
// State of one pico, as an ARIA tab list (arrow keys move between tabs). Each tab renders
// from the public API; every action shows the engine's error text where it was taken.

import * as api from "./api.js";
import { act, errorBox, field, h, jsonTree, showError } from "./dom.js";
import { whyDisclosure } from "./why.js";

export const TABS = ["About", "Rulesets", "Channels", "Logging", "Testing", "Subscriptions", "State"];

/** Tabs whose content only shows engine data: redrawn on live updates. */
const LIVE_TABS = new Set(["Logging", "State", "Subscriptions", "Rulesets", "Channels"]);

export class PicoPanel {
  /**
   * @param {HTMLElement} root
   * @param {{ boxes: () => Map<string, any>, changed: () => Promise<void>, open: (eci: string) => void }} app
   */
  constructor(root, app) {
    this.root = root;
    this.app = app;
    this.eci = null;
    this.tab = "About";
    this.tabButtons = new Map();
    const list = h("div", { role: "tablist", "aria-label": "pico tabs", class: "tablist" });
    for (const name of TABS) {
      const button = h(
        "button",
        {
          role: "tab",
          id: `tab-${name}`,
          "aria-controls": "tabpanel",
          "aria-selected": "false",
          tabindex: "-1",
          onclick: () => this.show(name),
          onkeydown: (event) => this.tabKey(event, name),
        },
        name
      );
      this.tabButtons.set(name, button);
      list.append(button);
    }
    this.title = h("h2", { id: "pico-title" });
    this.body = h("div", { role: "tabpanel", id: "tabpanel", tabindex: "0" });
    this.edited = false;
    this.renders = 0;
    this.body.addEventListener("input", () => {
      this.edited = true;
    });
    root.append(this.title, list, this.body);
  }

  tabKey(event, name) {
    const idx = TABS.indexOf(name);
    const next = { ArrowRight: idx + 1, ArrowLeft: idx - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = TABS[(next + TABS.length) % TABS.length];
    this.show(target);
    this.tabButtons.get(target).focus();
  }

  open(eci) {
    this.eci = eci;
    this.root.hidden = false;
    this.show(this.tab);
  }

  async show(name) {
    this.tab = name;
    for (const [key, button] of this.tabButtons) {
      const selected = key === name;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    this.body.setAttribute("aria-labelledby", `tab-${name}`);
    await this.render();
  }

  /** Live update: redraw the tab if it only shows data (never wipe a form being typed in). */
  async refresh() {
    if (this.eci && LIVE_TABS.has(this.tab) && !this.typing()) {
      await this.render(true);
    }
  }

  /** Whether the user has started on a form of this tab (focus in it, or text typed). */
  typing() {
    return this.edited || this.body.contains(document.activeElement);
  }

  async render(live = false) {
    const eci = this.eci;
    const seq = ++this.renders;
    const box = this.app.boxes().get(eci);
    this.body.setAttribute("aria-busy", "true");
    const status = errorBox();
    let content;
    try {
      content = await RENDER[this.tab].call(this, eci, box);
    } catch (err) {
      content = h("div");
      showError(status, err);
    }
    if (seq !== this.renders) return; // a newer render (another pico or tab) is on its way
    this.body.setAttribute("aria-busy", "false");
    if (live && this.typing()) return; // the user started typing while the data was read
    this.edited = false;
    this.title.textContent = box ? box.name : eci;
    this.body.replaceChildren(status, content);
    this.body.dataset.tab = this.tab;
    this.body.dataset.eci = eci;
  }

  /** After an action changed the engine: redraw the graph and this tab. */
  async changed() {
    await this.app.changed();
    await this.render();
  }
}

const RENDER = {
  async About(eci, box) {
    const boxes = this.app.boxes();
    const nameOf = (e) => boxes.get(e)?.name ?? e;
    const childStatus = errorBox();
    const children = (box?.children || []).map((child) => {
      const del = h("button", { class: "danger" }, "Delete");
      del.addEventListener("click", () =>
        act(del, childStatus, async () => {
          if (!confirm(`Delete the pico ${nameOf(child)} and all its children?`)) return;
          await api.uiEvent(eci, "del", { eci: child });
          await this.changed();
        })
      );
      return h("li", {}, h("button", { class: "link", onclick: () => this.app.open(child) }, nameOf(child)), " ", del);
    });

    const newName = h("input", { name: "name", required: true, placeholder: "name of the child" });
    const newColor = h("input", { name: "backgroundColor", type: "color", value: box?.backgroundColor || "#87cefa" });
    const newStatus = errorBox();
    const newForm = h("form", { class: "row" }, field("Name", newName), field("Colour", newColor), h("button", { type: "submit" }, "Add child"), newStatus);
    newForm.addEventListener("submit", (event) => {
      event.preventDefault();
      act(newForm.querySelector("button"), newStatus, async () => {
        const before = new Set(box?.children || []);
        await api.uiEvent(eci, "new", { name: newName.value, backgroundColor: newColor.value });
        // New boxes start where the UI ruleset puts every box; place the child below its
        // parent, next to its siblings, so it does not hide the parent.
        const after = await api.box(eci);
        const child = after.children.find((c) => !before.has(c));
        if (child) {
          const slot = after.children.length - 1;
          await api.saveBox(child, { x: after.x + slot * (after.width + 30), y: after.y + after.height + 60 });
        }
        await this.changed();
      });
    });

    const name = h("input", { name: "name", value: box?.name || "" });
    const color = h("input", { name: "backgroundColor", type: "color", value: box?.backgroundColor || "#87cefa" });
    const editStatus = errorBox();
    const editForm = h("form", { class: "row" }, field("Name", name), field("Colour", color), h("button", { type: "submit" }, "Save"), editStatus);
    editForm.addEventListener("submit", (event) => {
      event.preventDefault();
      act(editForm.querySelector("button"), editStatus, async () => {
        await api.saveBox(eci, { name: name.value, backgroundColor: color.value });
        await this.changed();
      });
    });

    return h(
      "div",
      {},
      h("dl", {}, h("dt", {}, "ECI (engine,ui)"), h("dd", {}, h("code", { class: "eci" }, eci)), h("dt", {}, "Parent"), h("dd", {}, box?.parent ? h("button", { class: "link", onclick: () => this.app.open(box.parent) }, nameOf(box.parent)) : "none (the root pico)")),
      h("h3", {}, "Children"),
      children.length ? h("ul", { class: "children" }, children) : h("p", {}, "No children."),
      childStatus,
      h("h3", {}, "Add a child"),
      newForm,
      h("h3", {}, "Name and colour"),
      editForm
    );
  },

  async Rulesets(eci) {
    const details = await api.pico(eci);
    const listStatus = errorBox();
    const rows = details.rulesets.map((rs) => {
      const flush = h("button", {}, "Flush");
      flush.addEventListener("click", () =>
        act(flush, listStatus, async () => {
          await api.uiEvent(eci, "flush", { url: rs.url });
          await this.changed();
        })
      );
      const uninstall = h("button", { class: "danger" }, "Uninstall");
      uninstall.addEventListener("click", () =>
        act(uninstall, listStatus, async () => {
          await api.uiEvent(eci, "uninstall", { rid: rs.rid });
          await this.changed();
        })
      );
      const source = h("pre", { class: "source", hidden: true });
      const view = h("button", { "aria-expanded": "false" }, "Source");
      view.addEventListener("click", () =>
        act(view, listStatus, async () => {
          if (source.hidden) source.textContent = await sourceOf(rs.url);
          source.hidden = !source.hidden;
          view.setAttribute("aria-expanded", String(!source.hidden));
        })
      );
      return h(
        "li",
        { class: "ruleset" },
        h("strong", {}, rs.rid),
        " ",
        h("code", {}, rs.url),
        h("div", { class: "buttons" }, flush, uninstall, view),
        h("div", {}, "config: ", jsonTree(rs.config, false)),
        source
      );
    });
    const url = h("input", { name: "url", required: true, placeholder: "https://... or file:///..." , size: 50 });
    const config = h("textarea", { name: "config", rows: 2 }, "{}");
    const status = errorBox();
    const form = h("form", {}, field("URL", url), field("Config (JSON)", config), h("button", { type: "submit" }, "Install"), status);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(form.querySelector("button"), status, async () => {
        let configValue;
        try {
          configValue = JSON.parse(config.value || "{}");
        } catch (err) {
          throw new Error(`the config is not JSON: ${err.message}`);
        }
        // Flushing first reports a fetch or compile error with its location.
        const flushed = await api.flush(url.value);
        await api.uiEvent(eci, "install", { url: url.value, config: configValue });
        const after = await api.pico(eci);
        if (!after.rulesets.some((rs) => rs.rid === flushed.rid)) {
          throw new Error(`the engine did not install ${flushed.rid}; see the Logging tab`);
        }
        await this.changed();
      });
    });
    return h(
      "div",
      {},
      h("h3", {}, "Installed rulesets"),
      rows.length ? h("ul", { class: "rulesets" }, rows) : h("p", {}, "None."),
      listStatus,
      h("h3", {}, "Install a ruleset by URL"),
      form
    );
  },

  async Channels(eci) {
    const details = await api.pico(eci);
    const listStatus = errorBox();
    const rows = details.channels.map((ch) => {
      const del = h("button", { class: "danger" }, "Delete");
      del.addEventListener("click", () =>
        act(del, listStatus, async () => {
          await api.uiEvent(eci, "del_channel", { eci: ch.id });
          await this.changed();
        })
      );
      return h(
        "tr",
        {},
        h("td", {}, h("code", { class: "eci" }, ch.id)),
        h("td", {}, (ch.tags || []).join(", ")),
        h("td", {}, policyText(ch.eventPolicy, "domain", "name")),
        h("td", {}, policyText(ch.queryPolicy, "rid", "name")),
        h("td", {}, ch.familyChannelPicoID ? "family" : del)
      );
    });
    const tags = h("input", { name: "tags", required: true, placeholder: "tags, comma separated" });
    const eventAllow = h("textarea", { name: "eventAllow", rows: 2 }, "*:*");
    const eventDeny = h("textarea", { name: "eventDeny", rows: 2 });
    const queryAllow = h("textarea", { name: "queryAllow", rows: 2 }, "*/*");
    const queryDeny = h("textarea", { name: "queryDeny", rows: 2 });
    const status = errorBox();
    const form = h(
      "form",
      {},
      field("Tags", tags),
      h("fieldset", {}, h("legend", {}, "Event policy: one domain:type per line, * for any"), field("Allow events", eventAllow), field("Deny events", eventDeny)),
      h("fieldset", {}, h("legend", {}, "Query policy: one rid/name per line, * for any"), field("Allow queries", queryAllow), field("Deny queries", queryDeny)),
      h("button", { type: "submit" }, "Create channel"),
      status
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(form.querySelector("button"), status, async () => {
        const tagList = tags.value.split(",").map((t) => t.trim()).filter(Boolean);
        await api.uiEvent(eci, "new_channel", {
          tags: tagList,
          eventPolicy: { allow: rules(eventAllow.value, ":", "domain", "name"), deny: rules(eventDeny.value, ":", "domain", "name") },
          queryPolicy: { allow: rules(queryAllow.value, "/", "rid", "name"), deny: rules(queryDeny.value, "/", "rid", "name") },
        });
        await this.changed();
      });
    });
    return h(
      "div",
      {},
      h("table", { class: "channels" }, h("thead", {}, h("tr", {}, ["ECI", "Tags", "Events", "Queries", ""].map((c) => h("th", {}, c)))), h("tbody", {}, rows)),
      listStatus,
      h("h3", {}, "New channel"),
      form
    );
  },

  async Logging(eci) {
    const episodes = await api.logs(eci);
    if (!episodes.length) return h("p", {}, "Nothing logged yet.");
    return h(
      "div",
      { class: "logs" },
      episodes.map((ep) =>
        h(
          "details",
          { class: "episode" },
          h("summary", {}, `${ep.time} - ${ep.header ?? ep.txnId}`),
          h("pre", {}, ep.entries.join("\n")),
          // Only event transactions have rule traces.
          ep.header?.startsWith("EVENT ") ? whyDisclosure(eci, ep.txnId) : null
        )
      )
    );
  },

  async Testing(eci) {
    const details = await api.pico(eci);
    const usable = details.channels.filter((ch) => !ch.familyChannelPicoID);
    const saved = await api.testingEci(eci).catch(() => null);
    const select = h("select", { name: "testingEci" }, usable.map((ch) => h("option", { value: ch.id, selected: ch.id === saved }, `${ch.id} (${(ch.tags || []).join(", ")})`)));
    const selectStatus = errorBox();
    select.addEventListener("change", () =>
      act(select, selectStatus, () => api.uiEvent(eci, "testing_eci", { eci: select.value }))
    );
    const result = h("pre", { class: "result", "aria-live": "polite" });
    const resultStatus = errorBox();
    const show = async (control, call) => {
      result.textContent = "";
      const value = await act(control, resultStatus, call);
      if (value !== undefined) result.textContent = JSON.stringify(value, null, 2);
    };
    const sections = [];
    for (const rs of details.rulesets) {
      let schema;
      try {
        schema = await api.testingSchema(eci, rs.rid);
      } catch (err) {
        const box = errorBox();
        showError(box, err);
        sections.push(h("section", {}, h("h3", {}, rs.rid), box));
        continue;
      }
      const forms = [];
      for (const q of schema?.queries || []) {
        const inputs = (q.args || []).map((a) => h("input", { name: a, placeholder: a }));
        const form = h("form", { class: "row test" }, h("span", { class: "test-name" }, `query ${q.name}`), inputs.map((i) => field(i.name, i)), h("button", { type: "submit" }, "Query"));
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          show(form.querySelector("button"), () => api.testQuery(select.value, rs.rid, q.name, values(inputs)));
        });
        forms.push(form);
      }
      for (const ev of schema?.events || []) {
        const type = ev.name ?? ev.type;
        const inputs = (ev.attrs || []).map((a) => h("input", { name: a, placeholder: a }));
        const form = h("form", { class: "row test" }, h("span", { class: "test-name" }, `event ${ev.domain}:${type}`), inputs.map((i) => field(i.name, i)), h("button", { type: "submit" }, "Send"));
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          show(form.querySelector("button"), async () => {
            const answer = await api.testEvent(select.value, ev.domain, type, values(inputs));
            this.app.changed();
            return answer;
          });
        });
        forms.push(form);
      }
      // The system rulesets' long lists start folded; the developer's own are open.
      const open = !rs.rid.startsWith("io.picolabs.");
      if (forms.length) sections.push(h("details", { class: "testing", open }, h("summary", {}, rs.rid), forms));
    }
    return h(
      "div",
      {},
      field("Channel", select),
      selectStatus,
      h("h3", {}, "Result"),
      resultStatus,
      result,
      sections.length ? sections : h("p", {}, "No ruleset has __testing events or queries.")
    );
  },

  async Subscriptions(eci) {
    const lists = {};
    for (const which of ["established", "inbound", "outbound"]) {
      lists[which] = await api.subscriptions(eci, which);
    }
    const status = errorBox();
    const button = (label, type, id) => {
      const b = h("button", {}, label);
      b.addEventListener("click", () =>
        act(b, status, async () => {
          await api.wranglerEvent(eci, type, { Id: id });
          await this.changed();
        })
      );
      return b;
    };
    const list = (title, items, actions) =>
      h(
        "section",
        {},
        h("h3", {}, title),
        items.length
          ? h("ul", { class: `subs subs-${title.toLowerCase()}` }, items.map((s) => h("li", {}, h("code", {}, s.Id), ` ${s.Rx_role ?? ""} → ${s.Tx_role ?? ""} `, actions(s))))
          : h("p", {}, "None.")
      );
    const wellKnown = h("input", { name: "wellKnown_Tx", required: true, placeholder: "the other pico's wellKnown_Rx ECI" });
    const rxRole = h("input", { name: "Rx_role", placeholder: "my role" });
    const txRole = h("input", { name: "Tx_role", placeholder: "their role" });
    const name = h("input", { name: "name" });
    const host = h("input", { name: "Tx_host", placeholder: "http://other-engine:3000 (empty: this engine)" });
    const formStatus = errorBox();
    const form = h("form", {}, field("wellKnown_Tx", wellKnown), field("Rx_role", rxRole), field("Tx_role", txRole), field("name", name), field("Tx_host", host), h("button", { type: "submit" }, "Propose"), formStatus);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(form.querySelector("button"), formStatus, async () => {
        // Empty fields are left out, so wrangler's defaults apply.
        const attrs = { wellKnown_Tx: wellKnown.value.trim() };
        for (const input of [rxRole, txRole, name, host]) {
          if (input.value.trim()) attrs[input.name] = input.value.trim();
        }
        await api.wranglerEvent(eci, "subscription", attrs);
        await this.changed();
      });
    });
    const wellKnownRx = await api.subscriptions(eci, "wellKnown_Rx").catch(() => null);
    return h(
      "div",
      {},
      h("p", {}, "This pico's wellKnown_Rx: ", h("code", { class: "eci" }, wellKnownRx?.id ?? "none")),
      status,
      list("Established", lists.established, (s) => button("Delete", "subscription_cancellation", s.Id)),
      list("Inbound", lists.inbound, (s) => [button("Accept", "pending_subscription_approval", s.Id), " ", button("Reject", "inbound_rejection", s.Id)]),
      list("Outbound", lists.outbound, (s) => button("Cancel", "outbound_cancellation", s.Id)),
      h("h3", {}, "Propose a subscription"),
      form
    );
  },

  async State(eci) {
    const { rulesets } = await api.state(eci);
    const rids = Object.keys(rulesets);
    if (!rids.length) return h("p", {}, "No entity variables.");
    return h(
      "div",
      { class: "state" },
      rids.map((rid) =>
        h(
          "section",
          { "data-rid": rid },
          h("h3", {}, rid),
          h("ul", {}, Object.entries(rulesets[rid]).map(([name, value]) => h("li", { "data-ent": name }, h("span", { class: "json-key" }, `ent:${name} = `), jsonTree(value))))
        )
      )
    );
  },
};

function values(inputs) {
  const attrs = {};
  for (const input of inputs) if (input.value !== "") attrs[input.name] = input.value;
  return attrs;
}

/** Policy rules from "a:b" lines. */
function rules(text, separator, first, second) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [a, b] = line.split(separator);
      return { [first]: (a || "*").trim(), [second]: (b || "*").trim() };
    });
}

function policyText(policy, first, second) {
  if (!policy) return "";
  const part = (label, list) => (list?.length ? `${label} ${list.map((r) => `${r[first]}${first === "rid" ? "/" : ":"}${r[second]}`).join(" ")}` : "");
  return [part("allow", policy.allow), part("deny", policy.deny)].filter(Boolean).join("; ");
}

async function sourceOf(url) {
  const response = await fetch(`/api/source?url=${encodeURIComponent(url)}`, { credentials: "same-origin" });
  const text = await response.text();
  if (!response.ok) throw new Error(text);
  try {
    const data = JSON.parse(text);
    if (data && data.error) throw new Error(data.error);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return text;
}
