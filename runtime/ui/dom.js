// Small DOM helpers shared by the UI's modules: building elements without innerHTML (no
// markup from the engine is ever parsed), and showing errors where the action happened.

/** An element with attributes (`on*` functions become listeners) and children. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key === "value") {
      element.value = value;
    } else {
      element.setAttribute(key, value === true ? "" : value);
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** A paragraph that reads out an error, or an empty placeholder for one. */
export function errorBox() {
  return h("p", { class: "error", role: "alert", hidden: true });
}

export function showError(box, err) {
  box.textContent = err ? errorText(err) : "";
  box.hidden = !err;
}

export function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `action` for a form or button: disables `control` meanwhile, shows a failure in
 * `box` (never silent) and clears it on success.
 */
export async function act(control, box, action) {
  control.disabled = true;
  showError(box, null);
  try {
    return await action();
  } catch (err) {
    showError(box, err);
    return undefined;
  } finally {
    control.disabled = false;
  }
}

/** A labelled form field. */
export function field(label, input) {
  // Named by `aria-label` too: a wrapping label's name would include a textarea's text.
  if (!input.hasAttribute("aria-label")) input.setAttribute("aria-label", label);
  return h("label", { class: "field" }, h("span", {}, label), input);
}

/** A read-only JSON tree: objects and arrays fold, with their size shown. */
export function jsonTree(value, open = true) {
  if (value === null || typeof value !== "object") {
    return h("code", { class: `json-${value === null ? "null" : typeof value}` }, JSON.stringify(value));
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  if (entries.length === 0) return h("code", {}, Array.isArray(value) ? "[]" : "{}");
  return h(
    "details",
    { class: "json", open },
    h("summary", {}, summary),
    h(
      "ul",
      {},
      entries.map(([key, v]) => h("li", {}, h("span", { class: "json-key" }, `${key}: `), jsonTree(v, false)))
    )
  );
}
