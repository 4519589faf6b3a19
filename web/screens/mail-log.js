// #/mail-log: what the mailbox sync did with every e-mail, newest first (GET /v1/mail-log):
// imported → its thread, skipped → why, set aside → the error, bounced → the reply it is about.
// One outcome or all; "More" reads the next page. Agents and admins read it; admins import a
// set-aside e-mail again (as it was, or as a new conversation) from its row.

import { h, mount, loading, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode, valueNode } from "../format.js";

const OUTCOMES = ["imported", "skipped", "bounced", "failed"];
const PAGE = 50;

export function mailLogScreen(container, _params, ctx) {
  const { api, me } = ctx;
  const filter = h(
    "select",
    { id: "mail-log-outcome", testid: "mail-log-outcome" },
    h("option", { value: "", i18n: "mailLog.all" }),
    OUTCOMES.map((outcome) => h("option", { value: outcome, i18n: `mailLog.outcome.${outcome}` })),
  );
  const status = h("p", { class: "status", role: "status", testid: "mail-log-status" });
  const lastSync = h("div", { testid: "mail-log-sync" });
  const list = h("div", {});
  const more = h("div", { class: "form-actions" });
  mount(
    container,
    h(
      "section",
      { class: "screen", "aria-labelledby": "mail-log-title" },
      h("div", { class: "screen-head" }, h("div", {}, h("h1", { id: "mail-log-title", i18n: "mailLog.title" }), h("p", { class: "lead", i18n: "mailLog.intro" }))),
      h(
        "div",
        { class: "panel" },
        lastSync,
        h("div", { class: "field field-inline" }, h("label", { for: "mail-log-outcome", i18n: "mailLog.show" }), filter),
        status,
        list,
        more,
      ),
    ),
  );

  let rows = [];
  let alive = true;

  async function load(cursor) {
    if (!cursor) mount(list, loading("mail-log-loading"));
    mount(more);
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (filter.value) query.set("outcome", filter.value);
    if (cursor) query.set("cursor", cursor);
    try {
      const page = await api.get(`/v1/mail-log?${query}`);
      if (!alive) return;
      rows = cursor ? rows.concat(page.entries) : page.entries;
      render();
      if (page.next_cursor) {
        mount(more, h("button", { type: "button", class: "button", i18n: "mailLog.more", testid: "mail-log-more", on: { click: () => load(page.next_cursor) } }));
      }
    } catch (error) {
      if (error.code === "session_ended" || !alive) return;
      mount(list, errorBox(messageFor(error), () => load(cursor), "mail-log-error"));
    }
  }

  function render() {
    if (!rows.length) {
      mount(list, h("p", { class: "empty", i18n: "mailLog.empty", testid: "mail-log-empty" }));
      return;
    }
    mount(list, h("ul", { class: "mail-log", testid: "mail-log" }, rows.map(entryRow)));
  }

  function detail(entry) {
    if (entry.outcome === "imported") {
      return h("a", { href: `#/threads/${entry.thread_number}`, i18n: "mailLog.toThread", params: { number: entry.thread_number }, testid: "mail-log-thread" });
    }
    if (entry.outcome === "bounced") {
      if (!entry.thread_number) return h("span", { i18n: "mailLog.bounceUnknown", testid: "mail-log-detail" });
      return h("a", { href: `#/threads/${entry.thread_number}`, i18n: "mailLog.bounceOf", params: { number: entry.thread_number }, testid: "mail-log-thread" });
    }
    if (entry.outcome === "skipped") return h("span", { testid: "mail-log-detail" }, h("span", { i18n: "mailLog.because" }), " ", h("code", { text: entry.reason || "" }));
    return h("span", { class: "status-error", text: entry.error || "", testid: "mail-log-detail" });
  }

  function entryRow(entry) {
    const actions = entry.outcome === "failed" && entry.set_aside && me.is_admin ? setAsideActions(entry) : null;
    return h(
      "li",
      { class: ["mail-log-entry", `mail-log-${entry.outcome}`], testid: "mail-log-entry" },
      h("span", { class: ["badge", `outcome-${entry.outcome}`], i18n: `mailLog.outcome.${entry.outcome}`, testid: "mail-log-outcome-label" }),
      " ",
      dateNode(entry.at),
      " ",
      h("span", { class: "email", text: entry.sender || t("mailLog.noSender"), testid: "mail-log-sender" }),
      " ",
      h("span", { class: "subject", text: entry.subject || "", testid: "mail-log-subject" }),
      entry.size ? h("span", { class: "muted" }, " (", valueNode(entry.size), " B)") : null,
      h("div", {}, detail(entry)),
      actions,
    );
  }

  function setAsideActions(entry) {
    const retry = h("button", { type: "button", class: "button small", i18n: "mailLog.retry", testid: "mail-log-retry" });
    const asNew = h("button", { type: "button", class: "button small", i18n: "mailLog.asNewThread", testid: "mail-log-new-thread" });
    const line = h("p", { class: "status", role: "status", testid: "mail-log-action-status" });
    async function act(asNewThread) {
      retry.disabled = asNew.disabled = true;
      line.classList.remove("status-error");
      try {
        const updated = await api.post(`/v1/mail-log/set-aside/${encodeURIComponent(entry.set_aside)}`, { as_new_thread: asNewThread });
        rows = rows.map((row) => (row === entry ? updated : row));
        render();
        status.textContent = t(updated.outcome === "imported" ? "mailLog.imported" : "mailLog.handled");
      } catch (error) {
        if (error.code === "session_ended") return;
        line.classList.add("status-error");
        line.textContent = messageFor(error);
        retry.disabled = asNew.disabled = false;
      }
    }
    retry.addEventListener("click", () => act(false));
    asNew.addEventListener("click", () => act(true));
    return h("div", { class: "form-actions" }, retry, asNew, line);
  }

  // The last sync (every agent sees when it ran and why it failed, not only admins).
  async function loadSync() {
    try {
      const sync = await api.get("/v1/sync");
      if (!alive) return;
      const state = sync.state || "never";
      const errors = sync.errors || [];
      mount(
        lastSync,
        h(
          "p",
          { class: "muted" },
          h("span", { i18n: "sync.state" }),
          ": ",
          h("span", { class: ["sync-state", `sync-${state}`], i18n: `sync.state.${state}`, testid: "mail-log-sync-state" }),
          sync.last_run_at ? [" · ", h("span", { i18n: "sync.lastRun" }), " ", dateNode(sync.last_run_at)] : null,
          sync.checked_at ? [" · ", h("span", { i18n: "sync.checkedAt" }), " ", dateNode(sync.checked_at)] : null,
        ),
        errors.length
          ? h("ul", { class: "sync-errors", testid: "mail-log-sync-errors" }, errors.map((e) => h("li", {}, dateNode(e.at), " ", h("code", { text: e.code || "" }), " ", h("span", { text: e.message || "" }))))
          : null,
      );
    } catch (error) {
      if (error.code === "session_ended" || !alive) return;
      mount(lastSync, errorBox(messageFor(error), loadSync, "mail-log-sync-error"));
    }
  }

  filter.addEventListener("change", () => load(null));
  load(null);
  loadSync();
  return {
    dispose() {
      alive = false;
    },
  };
}
