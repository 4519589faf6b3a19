// #/customers/:key — the customer's whole story: the profile, the
// orders and every thread of the address (by e-mail or the storefront's customer id), newest
// first; for admins, the data export (a download) and the erasure (type the address to confirm).
// Customer text is only ever set as text.

import { h, mount, loading, errorBox, confirmDialog } from "../dom.js";
import { t, pick, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode, valueNode } from "../format.js";
import { statusPill } from "../status.js";

export function customerScreen(container, params, ctx) {
  const { api, me } = ctx;
  const key = String(params.key ?? "");
  let story = null;
  let threads = [];
  let alive = true;
  const flash = h("p", { class: "status", role: "status", testid: "customer-flash" });
  const root = h("section", { class: "screen customer-screen", "aria-labelledby": "customer-page-title", testid: "customer-screen" });
  const erase = eraseDialog();
  mount(container, root);

  async function load(cursor = null) {
    if (!story) mount(root, h("h1", { id: "customer-page-title", text: key }), loading("customer-loading"));
    try {
      const answer = await api.get(`/v1/customers/${encodeURIComponent(key)}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (!alive) return;
      threads = cursor ? [...threads, ...answer.threads] : answer.threads;
      story = answer;
    } catch (error) {
      if (error.code === "session_ended" || !alive) return;
      const back = h("p", {}, h("a", { href: "#/", class: "back", i18n: "thread.back" }));
      const problem = error.status === 404 ? h("p", { class: "notice notice-warning", i18n: "customerPage.notFound", testid: "customer-not-found" }) : errorBox(messageFor(error), () => load(cursor), "customer-error");
      mount(root, h("h1", { id: "customer-page-title", text: key }), problem, back);
      return;
    }
    render();
  }

  function render() {
    const { email, customer, orders, next_cursor: nextCursor } = story;
    mount(
      root,
      h("p", { class: "crumbs" }, h("a", { href: "#/", class: "back", i18n: "thread.back" })),
      h("h1", { id: "customer-page-title", text: customer?.name || email, testid: "customer-page-title" }),
      flash,
      erase.element,
      h(
        "div",
        { class: "thread-layout" },
        h(
          "div",
          { class: "thread-main" },
          h(
            "section",
            { class: "panel", "aria-labelledby": "customer-threads-title" },
            h("h2", { id: "customer-threads-title", i18n: "customerPage.threads", params: { count: threads.length + (nextCursor ? "+" : "") } }),
            threads.length === 0 ? h("p", { class: "muted", i18n: "customerPage.noThreads", testid: "customer-no-threads" }) : threadTable(threads),
            nextCursor ? h("button", { type: "button", class: "button", i18n: "customerPage.more", testid: "customer-more", on: { click: () => load(nextCursor) } }) : null,
          ),
          h(
            "section",
            { class: "panel", "aria-labelledby": "customer-orders-title" },
            h("h2", { id: "customer-orders-title", i18n: "customerPage.orders" }),
            orders.length === 0 ? h("p", { class: "muted", i18n: "customerPage.noOrders", testid: "customer-no-orders" }) : orderTable(orders),
          ),
        ),
        h("aside", { class: "thread-side" }, facts(email, customer), me.is_admin ? privacyPanel(email) : null),
      ),
    );
  }

  function facts(email, customer) {
    const row = (labelKey, node, testid) => h("div", { class: "figure", testid }, h("dt", { i18n: labelKey }), h("dd", {}, node));
    return h(
      "section",
      { class: "panel customer", "aria-labelledby": "customer-facts-title", testid: "customer-facts" },
      h("h2", { id: "customer-facts-title", i18n: "customer.title" }),
      h(
        "dl",
        { class: "facts" },
        row("customer.name", h("span", { text: customer?.name || "–" }), "customer-name"),
        row("customer.email", h("span", { class: "email", text: email }), "customer-email"),
        customer?.customer_id ? row("customerPage.customerId", h("span", { text: customer.customer_id }), "customer-id") : null,
        row("customer.since", customer?.since ? dateNode(customer.since, "date") : h("span", { i18n: "customer.guest" }), "customer-since"),
        row("customer.orders", valueNode(customer?.validated_orders ?? 0), "customer-orders"),
        row("customer.total", valueNode(customer?.validated_total ?? 0, "money", { "data-currency": customer?.currency || "EUR" }), "customer-total"),
      ),
    );
  }

  function threadTable(rows) {
    return h(
      "table",
      { class: "story-table", testid: "customer-threads" },
      h("thead", {}, h("tr", {}, h("th", { i18n: "list.colNumber" }), h("th", { i18n: "list.colStatus" }), h("th", { i18n: "customerPage.about" }), h("th", { i18n: "list.colLast" }))),
      h(
        "tbody",
        {},
        rows.map((thread) =>
          h(
            "tr",
            { testid: "customer-thread", "data-number": String(thread.number) },
            h("td", {}, h("a", { href: `#/threads/${thread.number}`, text: `#${thread.number}`, testid: "customer-thread-link" })),
            h("td", {}, statusPill(thread.status, { testid: "customer-thread-status" })),
            h("td", {}, thread.order_ref ? h("span", { class: "tag", text: thread.order_ref }) : null, " ", h("span", { text: thread.preview || pick(thread.contact_names) || "", testid: "customer-thread-preview" })),
            h("td", {}, dateNode(thread.last_message_at, "datetime", { class: "muted" })),
          ),
        ),
      ),
    );
  }

  function orderTable(rows) {
    return h(
      "table",
      { class: "story-table", testid: "customer-order-list" },
      h("thead", {}, h("tr", {}, h("th", { i18n: "customerPage.reference" }), h("th", { i18n: "customerPage.placed" }), h("th", { i18n: "customer.total" }), h("th", { i18n: "list.colStatus" }))),
      h(
        "tbody",
        {},
        rows.map((order) =>
          h(
            "tr",
            { testid: "customer-order" },
            h("td", { text: order.reference, testid: "customer-order-reference" }),
            h("td", {}, order.placed_at ? dateNode(order.placed_at, "date") : "–"),
            h("td", {}, valueNode(order.total, "money", { "data-currency": order.currency || "EUR" })),
            h("td", { text: order.status || (order.validated ? t("customerPage.validated") : "–") }),
          ),
        ),
      ),
    );
  }

  function privacyPanel(email) {
    return h(
      "section",
      { class: "panel", "aria-labelledby": "privacy-title", testid: "privacy-panel" },
      h("h2", { id: "privacy-title", i18n: "privacy.title" }),
      h("p", { class: "muted", i18n: "privacy.intro" }),
      h("div", { class: "stack" },
        h("button", { type: "button", class: "button", i18n: "privacy.export", testid: "privacy-export", on: { click: (event) => exportData(event.currentTarget, email) } }),
        h("button", { type: "button", class: "button danger-outline", i18n: "privacy.erase", testid: "privacy-erase", on: { click: () => eraseData(email) } }),
      ),
    );
  }

  async function exportData(button, email) {
    button.disabled = true;
    try {
      const document_ = await api.get(`/v1/customers/${encodeURIComponent(email)}/export`);
      const url = URL.createObjectURL(new Blob([JSON.stringify(document_, null, 2)], { type: "application/json" }));
      const link = h("a", { href: url, download: `shopdesk-${email}.json`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      showFlash(t("privacy.exported"));
    } catch (error) {
      if (error.code !== "session_ended") showFlash(messageFor(error), true);
    } finally {
      button.disabled = false;
    }
  }

  async function eraseData(email) {
    if (!(await erase.ask(email))) return;
    try {
      let answer = await api.delete(`/v1/customers/${encodeURIComponent(email)}`);
      // A very long story is erased over several calls: each goes on where the last stopped.
      for (let i = 0; i < 20 && answer && answer.complete === false; i += 1) answer = await api.delete(`/v1/customers/${encodeURIComponent(email)}`);
      story = null;
      threads = [];
      await load();
      showFlash(t("privacy.erased", { threads: answer.removed.threads, orders: answer.removed.orders }));
    } catch (error) {
      if (error.code !== "session_ended") showFlash(messageFor(error), true);
    }
  }

  function showFlash(text, isError = false) {
    flash.textContent = text;
    flash.classList.toggle("status-error", isError);
  }

  const stopListening = onLanguageChange(() => {
    if (story && alive) render();
  });
  load();
  return {
    dispose() {
      alive = false;
      stopListening();
      erase.close();
    },
  };
}

// "Erase everything about this customer?": the button works only once the address is typed.
function eraseDialog() {
  const typed = h("input", { id: "erase-typed", type: "text", autocomplete: "off", spellcheck: "false", testid: "erase-typed" });
  const hint = h("p", { testid: "erase-hint" });
  let expected = "";
  const dialog = confirmDialog({
    testid: "erase-confirm",
    titleKey: "privacy.eraseTitle",
    content: [h("p", { i18n: "privacy.eraseText" }), hint, h("label", { for: "erase-typed", i18n: "privacy.typeAddress" }), typed],
    confirmKey: "privacy.erase",
    confirmTestid: "erase-confirmed",
    cancelTestid: "erase-cancel",
    prepare: (email) => {
      expected = email.toLowerCase();
      typed.value = "";
      hint.textContent = t("privacy.eraseHint", { email });
      confirm().disabled = true;
    },
    answer: () => typed.value.trim().toLowerCase() === expected,
  });
  const confirm = () => dialog.element.querySelector("[data-testid=erase-confirmed]");
  typed.addEventListener("input", () => {
    confirm().disabled = typed.value.trim().toLowerCase() !== expected;
  });
  return dialog;
}
