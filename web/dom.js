// Building the page with DOM APIs only: text always goes in as text (textContent or text nodes),
// never as HTML, so nothing a customer or an agent typed can ever run as markup.

import { t } from "./i18n.js";

/**
 * h("button", { class: "primary", i18n: "form.save", testid: "save", on: { click } }, ...children)
 *
 * Props: class, text (plain text), i18n (a message key, re-translated on language switch),
 * params (the key's placeholders), i18nAttrs ({attribute: key}), testid, on ({event: handler}),
 * value / checked (set as properties); anything else is an attribute (true = present, false or
 * null = absent). Children are nodes or strings (added as text), arrays are flattened, null skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    switch (name) {
      case "class":
        element.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
        break;
      case "text":
        element.textContent = String(value);
        break;
      case "i18n":
        element.dataset.i18n = value;
        element.textContent = t(value, props.params || {});
        break;
      case "params":
        element.dataset.i18nParams = JSON.stringify(value);
        break;
      case "i18nAttrs":
        element.dataset.i18nAttrs = JSON.stringify(value);
        for (const [attribute, key] of Object.entries(value)) element.setAttribute(attribute, t(key, props.params || {}));
        break;
      case "testid":
        element.dataset.testid = value;
        break;
      case "on":
        for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
        break;
      case "value":
      case "checked":
        element[name] = value;
        break;
      default:
        element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function mount(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

/** A "Loading…" line for a region that is waiting on the network. */
export function loading(testid = "loading") {
  return h("p", { class: "loading", role: "status", testid }, h("span", { class: "spinner", "aria-hidden": "true" }), h("span", { i18n: "app.loading" }));
}

/** An error box with a message (plain text) and, optionally, a "Try again" button. */
export function errorBox(message, onRetry, testid = "error") {
  return h(
    "div",
    { class: "notice notice-error", role: "alert", testid },
    h("p", { text: message }),
    onRetry ? h("button", { type: "button", class: "button", i18n: "app.retry", testid: `${testid}-retry`, on: { click: onRetry } }) : null,
  );
}

let uniqueCounter = 0;
/** An id that is unique on the page, for label/aria wiring. */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/**
 * Runs `redraw()` (which replaces what is inside `region`) and puts the keyboard focus back on the
 * same control if it was inside: a background refresh must not throw the agent out of the list.
 */
export function keepingFocus(region, redraw) {
  const active = document.activeElement;
  if (!active || !region.contains(active) || !active.dataset.testid) {
    redraw();
    return;
  }
  const owner = active.closest("[data-number], [data-contact-id]");
  const ownerSelector = owner
    ? owner.dataset.number
      ? `[data-number="${CSS.escape(owner.dataset.number)}"] `
      : `[data-contact-id="${CSS.escape(owner.dataset.contactId)}"] `
    : "";
  redraw();
  region.querySelector(`${ownerSelector}[data-testid="${CSS.escape(active.dataset.testid)}"]`)?.focus();
}

/**
 * A confirmation in the native modal <dialog> (focus kept inside, Escape cancels): the title,
 * `content` (nodes between the title and the buttons), Cancel and the confirming button.
 * ask(...args) runs prepare(...args), shows it, and resolves answer() when confirmed, null otherwise.
 */
export function confirmDialog({ testid, titleKey, content = [], confirmKey, confirmTestid, cancelTestid, prepare = () => {}, answer = () => true }) {
  let resolve = null;
  const titleId = uniqueId(testid);
  const element = h(
    "dialog",
    { class: "dialog", testid, "aria-labelledby": titleId },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: titleId, i18n: titleKey }),
      content,
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "submit", value: "cancel", class: "button", i18n: "common.cancel", testid: cancelTestid }),
        h("button", { type: "submit", value: "confirm", class: "button danger", i18n: confirmKey, testid: confirmTestid }),
      ),
    ),
  );
  element.addEventListener("close", () => {
    resolve?.(element.returnValue === "confirm" ? answer() : null);
    resolve = null;
  });
  return {
    element,
    ask(...args) {
      prepare(...args);
      element.returnValue = "";
      element.showModal();
      return new Promise((done) => {
        resolve = done;
      });
    },
    close() {
      if (element.open) element.close();
    },
  };
}
