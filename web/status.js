// The four thread statuses (SPEC §4): their names, what they mean, and their colours (app.css).

import { h } from "./dom.js";

export { STATUSES } from "./vocabulary.js"; // from shopdesk.core.vocabulary, generated

/** A coloured pill with the status's name, re-translated on a language switch. */
export function statusPill(status, props = {}) {
  return h(
    "span",
    { class: ["status-pill", `status-${status}`], "data-status": status, ...props },
    h("span", { class: "status-dot", "aria-hidden": "true" }),
    h("span", { i18n: `status.${status}` }),
  );
}
