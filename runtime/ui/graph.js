// The pico graph: every pico a box with its name and colour, a line from each parent to its
// children, a dashed line for each subscription between two picos. Boxes can be dragged
// (and moved with the arrow keys) and resized; positions and sizes are saved through the
// UI ruleset's `box` event, as the reference keeps them.

import * as api from "./api.js";
import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const KEY_STEP = 10;

export class Graph {
  /**
   * @param {HTMLElement} root the canvas element
   * @param {(eci: string) => void} onOpen called when a pico is opened (click, Enter)
   * @param {(err: unknown) => void} onError shows a failure
   */
  constructor(root, onOpen, onError) {
    this.root = root;
    this.onOpen = onOpen;
    this.onError = onError;
    this.boxes = new Map(); // eci → box record
    this.elements = new Map(); // eci → element
    this.subscriptionPairs = []; // [eciA, eciB]
    this.selected = null;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("class", "links");
    this.svg.setAttribute("aria-hidden", "true");
    this.layer = h("div", { class: "boxes" });
    root.append(this.svg, this.layer);
  }

  /** Draws `boxes` (from `api.allBoxes`). A pico's element is kept from one drawing to the
   * next and updated in place: a refresh in the middle of a drag, a focus or a click must
   * not pull the element from under the pointer. */
  render(boxes) {
    this.boxes = new Map(boxes.map((b) => [b.eci, b]));
    const elements = new Map();
    for (const b of boxes) {
      const element = this.elements.get(b.eci) ?? this.boxElement(b.eci);
      showBox(element, b);
      elements.set(b.eci, element);
    }
    for (const [eci, element] of this.elements) if (!elements.has(eci)) element.remove();
    const fresh = [...elements.values()].filter((element) => !element.isConnected);
    if (fresh.length > 0) {
      const fragment = document.createDocumentFragment();
      fragment.append(...fresh);
      this.layer.append(fragment);
    }
    this.elements = elements;
    this.drawLinks();
  }

  select(eci) {
    this.selected = eci;
    for (const [key, element] of this.elements) {
      element.setAttribute("aria-pressed", key === eci ? "true" : "false");
    }
  }

  setSubscriptions(pairs) {
    this.subscriptionPairs = pairs;
    this.drawLinks();
  }

  /** A pico's element; `showBox` fills it in. Its handlers act on the pico's latest box. */
  boxElement(eci) {
    const element = h(
      "div",
      { class: "pico", role: "button", tabindex: "0", "data-eci": eci, "aria-pressed": eci === this.selected ? "true" : "false" },
      h("span", { class: "pico-name" }),
      h("span", { class: "resize", "aria-hidden": "true" })
    );
    element.addEventListener("pointerdown", (event) => this.startDrag(event, this.boxes.get(eci), element));
    element.addEventListener("keydown", (event) => this.onKey(event, this.boxes.get(eci), element));
    return element;
  }

  onKey(event, b, element) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.onOpen(b.eci);
    } else if (moves[event.key]) {
      event.preventDefault();
      const [dx, dy] = moves[event.key];
      b.x = Math.max(0, b.x + dx * KEY_STEP);
      b.y = Math.max(0, b.y + dy * KEY_STEP);
      placeBox(element, b);
      this.drawLinks();
      this.save(b, { x: b.x, y: b.y });
    }
  }

  startDrag(event, b, element) {
    if (event.button !== 0) return;
    const resizing = event.target.classList.contains("resize");
    const start = { px: event.clientX, py: event.clientY, x: b.x, y: b.y, w: b.width, h: b.height };
    let moved = false;
    element.setPointerCapture(event.pointerId);
    const move = (e) => {
      const dx = e.clientX - start.px;
      const dy = e.clientY - start.py;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 3) return;
      moved = true;
      if (resizing) {
        b.width = Math.max(40, start.w + dx);
        b.height = Math.max(30, start.h + dy);
      } else {
        b.x = Math.max(0, start.x + dx);
        b.y = Math.max(0, start.y + dy);
      }
      placeBox(element, b);
      this.drawLinks();
    };
    const up = () => {
      element.removeEventListener("pointermove", move);
      element.removeEventListener("pointerup", up);
      element.removeEventListener("pointercancel", up);
      if (!moved) {
        this.onOpen(b.eci);
        return;
      }
      const changed = resizing ? { width: b.width, height: b.height } : { x: b.x, y: b.y };
      this.save(b, changed);
    };
    element.addEventListener("pointermove", move);
    element.addEventListener("pointerup", up);
    element.addEventListener("pointercancel", up);
  }

  save(b, changed) {
    api.saveBox(b.eci, changed).catch((err) => this.onError(new Error(`saving the box of ${b.name}: ${err.message}`)));
  }

  /** One SVG path for the family lines and one for the subscriptions: cheap at 1,000 picos. */
  drawLinks() {
    const centre = (b) => [b.x + b.width / 2, b.y + b.height / 2];
    let family = "";
    let maxX = 0;
    let maxY = 0;
    for (const b of this.boxes.values()) {
      maxX = Math.max(maxX, b.x + b.width);
      maxY = Math.max(maxY, b.y + b.height);
      for (const child of b.children || []) {
        const c = this.boxes.get(child);
        if (!c) continue;
        const [x1, y1] = centre(b);
        const [x2, y2] = centre(c);
        family += `M${x1} ${y1}L${x2} ${y2}`;
      }
    }
    let subs = "";
    for (const [a, z] of this.subscriptionPairs) {
      const from = this.boxes.get(a);
      const to = this.boxes.get(z);
      if (!from || !to) continue;
      const [x1, y1] = centre(from);
      const [x2, y2] = centre(to);
      subs += `M${x1} ${y1}L${x2} ${y2}`;
    }
    this.svg.setAttribute("width", String(maxX + 40));
    this.svg.setAttribute("height", String(maxY + 40));
    this.layer.style.width = `${maxX + 40}px`;
    this.layer.style.height = `${maxY + 40}px`;
    const familyPath = document.createElementNS(SVG, "path");
    familyPath.setAttribute("class", "family");
    familyPath.setAttribute("d", family);
    const subsPath = document.createElementNS(SVG, "path");
    subsPath.setAttribute("class", "subscription");
    subsPath.setAttribute("d", subs);
    this.svg.replaceChildren(familyPath, subsPath);
  }
}

/** Writes a box's name, colour, place and size into its element. */
function showBox(element, b) {
  element.firstChild.textContent = b.name;
  element.setAttribute("aria-label", `pico ${b.name}`);
  element.title = `${b.name} (${b.eci}): Enter opens, arrow keys move`;
  element.style.backgroundColor = b.backgroundColor;
  element.style.color = readableOn(b.backgroundColor);
  placeBox(element, b);
}

function placeBox(element, b) {
  element.style.left = `${b.x}px`;
  element.style.top = `${b.y}px`;
  element.style.width = `${b.width}px`;
  element.style.height = `${b.height}px`;
}

/** Black or white text, whichever reads better on the box's colour. */
function readableOn(color) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color || "");
  if (!match) return "#000";
  const [r, g, b] = match.slice(1).map((x) => parseInt(x, 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000" : "#fff";
}
