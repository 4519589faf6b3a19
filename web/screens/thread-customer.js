// The thread screen's side panels (SPEC §5): the customer block, the customer's other threads and
// the merged orders and messages history, newest first. Customer text is only ever set as text.

import { h } from "../dom.js";
import { pick } from "../i18n.js";
import { dateNode, valueNode } from "../format.js";
import { statusPill } from "../status.js";

export function customerBlock(thread, customer, contact) {
  const row = (key, node, testid) => h("div", { class: "figure", testid }, h("dt", { i18n: key }), h("dd", {}, node));
  return h(
    "section",
    { class: "panel customer", "aria-labelledby": "customer-title", testid: "customer-block" },
    h("h2", { id: "customer-title", i18n: "customer.title" }),
    h(
      "dl",
      { class: "facts" },
      row("customer.name", h("span", { text: customer?.name || thread.customer_name || "–" }), "customer-name"),
      row("customer.email", h("span", { class: "email", text: customer?.email || thread.email || "" }), "customer-email"),
      row("customer.since", customer?.since ? dateNode(customer.since, "date") : h("span", { i18n: "customer.guest" }), "customer-since"),
      row("customer.orders", valueNode(customer?.validated_orders ?? 0), "customer-orders"),
      row("customer.total", valueNode(customer?.validated_total ?? 0, "money", { "data-currency": customer?.currency || "EUR" }), "customer-total"),
      row("customer.contact", h("span", { text: pick(contact?.names) || pick(thread.contact_names) }), "customer-contact"),
      row("customer.language", h("span", { i18n: `lang.${thread.language}` }), "customer-language"),
      thread.order_ref ? row("customer.order", h("span", { text: thread.order_ref }), "customer-order") : null,
      thread.product ? row("thread.product", h("span", { text: thread.product }), "customer-product") : null,
    ),
  );
}

// The customer's story: their other threads (newest ten) and the page that has everything.
export function otherThreads(others, thread) {
  return h(
    "section",
    { class: "panel", "aria-labelledby": "other-threads-title", testid: "other-threads" },
    h("h2", { id: "other-threads-title", i18n: "customerPage.otherThreads" }),
    others.length === 0
      ? h("p", { class: "muted", i18n: "customerPage.noOtherThreads" })
      : h(
          "ol",
          { class: "other-threads" },
          others.map((other) =>
            h(
              "li",
              { testid: "other-thread", "data-number": String(other.number) },
              h("div", {}, h("a", { href: `#/threads/${other.number}`, text: `#${other.number}`, testid: "other-thread-link" }), " ", statusPill(other.status), " ", dateNode(other.last_message_at, "date", { class: "muted" })),
              h("span", { class: "muted preview", text: other.preview || "" }),
            ),
          ),
        ),
    h("p", {}, h("a", { href: `#/customers/${encodeURIComponent(thread.email)}`, i18n: "customerPage.open", testid: "customer-page-link" })),
  );
}

export function historyBlock(history) {
  return h(
    "section",
    { class: "panel history", "aria-labelledby": "history-title", testid: "history" },
    h("h2", { id: "history-title", i18n: "history.title" }),
    history.length === 0
      ? h("p", { class: "muted", i18n: "history.empty" })
      : h(
          "ol",
          { class: "timeline" },
          history.map((entry) =>
            h(
              "li",
              { class: ["timeline-item", `timeline-${entry.type}`], testid: "history-entry", "data-type": entry.type },
              dateNode(entry.at, "datetime", { class: "muted" }),
              historyText(entry),
            ),
          ),
        ),
  );
}

function historyText(entry) {
  if (entry.type === "order") {
    return h(
      "p",
      {},
      h("strong", { i18n: "history.order" }),
      " ",
      h("span", { text: entry.reference || "" }),
      " · ",
      valueNode(entry.total, "money", { "data-currency": entry.currency || "EUR" }),
      " · ",
      h("span", { i18n: entry.validated ? "history.validated" : "history.notValidated" }),
    );
  }
  if (entry.type === "order_status") {
    return h("p", {}, h("strong", { i18n: "history.orderStatus" }), " ", h("span", { text: entry.reference || "" }), ": ", h("span", { text: entry.status || "" }));
  }
  return h(
    "p",
    {},
    h("strong", { i18n: entry.author === "customer" ? "history.customerMessage" : entry.source === "note" || entry.source === "forward" ? "history.note" : "history.agentMessage" }),
    " ",
    h("span", { class: "preview", text: entry.preview || "" }),
  );
}
