// #/blocked: the blocked-sender list (admins). An address or a whole domain ("@spam.example"):
// their messages are refused by the contact form and skipped by the mailbox sync.

import { h, mount, loading, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode } from "../format.js";

export function blockedScreen(container, _params, ctx) {
  const { api, me } = ctx;
  const head = h("div", { class: "screen-head" }, h("div", {}, h("h1", { id: "blocked-title", i18n: "blocked.title" }), h("p", { class: "lead", i18n: "blocked.intro" })));
  if (!me.is_admin) {
    mount(container, h("section", { class: "screen narrow", "aria-labelledby": "blocked-title" }, head, h("p", { class: "notice notice-warning", i18n: "blocked.adminOnly", testid: "admin-only" })));
    return null;
  }
  const status = h("p", { class: "status", role: "status", testid: "blocked-status" });
  const list = h("div", {});
  const value = h("input", { id: "blocked-value", type: "text", autocomplete: "off", spellcheck: "false", required: true, testid: "blocked-value", i18nAttrs: { placeholder: "blocked.placeholder" } });
  const add = h("button", { type: "submit", class: "button primary", i18n: "blocked.add", testid: "blocked-add" });
  const form = h(
    "form",
    { class: "inline-form", novalidate: true, testid: "blocked-form" },
    h("div", { class: "field" }, h("label", { for: "blocked-value", i18n: "blocked.value" }), value, h("p", { class: "hint", i18n: "blocked.hint" })),
    add,
  );
  mount(container, h("section", { class: "screen", "aria-labelledby": "blocked-title" }, head, h("div", { class: "panel" }, form, status, list)));

  async function load() {
    mount(list, loading("blocked-loading"));
    try {
      const answer = await api.get("/v1/blocked-senders");
      render(answer.blocked_senders || answer.senders || answer.items || []);
    } catch (error) {
      if (error.code === "session_ended" || !list.isConnected) return;
      mount(list, errorBox(messageFor(error), load, "blocked-error"));
    }
  }

  function render(items) {
    if (!items.length) {
      mount(list, h("p", { class: "empty", i18n: "blocked.empty", testid: "blocked-empty" }));
      return;
    }
    mount(
      list,
      h(
        "ul",
        { class: "blocked-list", testid: "blocked-list" },
        items.map((item) => {
          const entry = typeof item === "string" ? { value: item } : item;
          return h(
            "li",
            { testid: "blocked-row" },
            h("span", { class: "email", text: entry.value, testid: "blocked-entry" }),
            entry.created_at ? dateNode(entry.created_at, "date", { class: "muted" }) : null,
            entry.created_by ? h("span", { class: "muted", text: entry.created_by }) : null,
            h("button", {
              type: "button",
              class: "button small danger-outline",
              i18n: "blocked.remove",
              "aria-label": t("blocked.removeNamed", { value: entry.value }),
              testid: "blocked-remove",
              on: { click: () => remove(entry.value) },
            }),
          );
        }),
      ),
    );
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = value.value.trim();
    if (!text) {
      status.textContent = t("blocked.missing");
      value.focus();
      return;
    }
    add.disabled = true;
    try {
      await api.post("/v1/blocked-senders", { value: text });
      value.value = "";
      status.textContent = t("blocked.added", { value: text });
      await load();
    } catch (error) {
      if (error.code === "session_ended") return;
      const details = (error.fields || []).map((field) => field.message).join(" ");
      status.textContent = [messageFor(error), details].filter(Boolean).join(" ");
    } finally {
      add.disabled = false;
    }
  });

  async function remove(entry) {
    try {
      await api.delete(`/v1/blocked-senders/${encodeURIComponent(entry)}`);
      status.textContent = t("blocked.removed", { value: entry });
      await load();
      value.focus();
    } catch (error) {
      if (error.code !== "session_ended") status.textContent = messageFor(error);
    }
  }

  load();
  return null;
}
