// #/saved-replies: the saved-reply library (admins). A title and a text per language (en, es, pl)
// with variables filled at insertion; agents insert them by typing :: in the reply box.

import { h, mount, loading, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";
import { LANGUAGES as SPOKEN } from "../vocabulary.js";

const LANGUAGES = SPOKEN.map((language) => language.code);

export function savedRepliesScreen(container, _params, ctx) {
  const { api, me } = ctx;
  const head = h("div", { class: "screen-head" }, h("div", {}, h("h1", { id: "saved-title", i18n: "savedAdmin.title" })));
  if (!me.is_admin) {
    mount(container, h("section", { class: "screen narrow", "aria-labelledby": "saved-title" }, head, h("p", { class: "notice notice-warning", i18n: "savedAdmin.adminOnly", testid: "admin-only" })));
    return null;
  }
  let editing = null; // the id being edited, null for a new one
  const status = h("p", { class: "status", role: "status", testid: "saved-status" });
  const variables = h("p", { class: "hint", testid: "saved-variables" });
  const list = h("div", { testid: "saved-library" });
  const title = h("input", { id: "saved-name", type: "text", autocomplete: "off", testid: "saved-name", maxlength: 120 });
  const texts = Object.fromEntries(LANGUAGES.map((code) => [code, h("textarea", { id: `saved-text-${code}`, rows: 5, testid: `saved-text-${code}` })]));
  const submit = h("button", { type: "submit", class: "button primary", i18n: "savedAdmin.add", testid: "saved-submit" });
  const cancel = h("button", { type: "button", class: "button", i18n: "savedAdmin.cancel", testid: "saved-cancel", hidden: true, on: { click: () => edit(null) } });
  const form = h(
    "form",
    { class: "saved-form", novalidate: true, testid: "saved-form" },
    h("div", { class: "field" }, h("label", { for: "saved-name", i18n: "savedAdmin.name" }), title),
    LANGUAGES.map((code) => h("div", { class: "field" }, h("label", { for: `saved-text-${code}`, i18n: "savedAdmin.text", params: { language: t(`lang.${code}`) } }), texts[code])),
    h("div", { class: "form-actions" }, submit, cancel),
  );
  mount(
    container,
    h("section", { class: "screen", "aria-labelledby": "saved-title" }, head, h("p", { class: "lead", i18n: "savedAdmin.intro" }), variables, h("div", { class: "panel" }, form, status, list)),
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: title.value.trim(), texts: Object.fromEntries(LANGUAGES.map((code) => [code, texts[code].value])) };
    submit.disabled = true;
    status.classList.remove("status-error");
    try {
      if (editing) await api.put(`/v1/saved-replies/${encodeURIComponent(editing)}`, body);
      else await api.post("/v1/saved-replies", body);
      status.textContent = t("savedAdmin.saved");
      edit(null);
      await load();
    } catch (error) {
      if (error.code === "session_ended") return;
      status.classList.add("status-error");
      status.textContent = [messageFor(error), ...(error.fields || []).map((field) => field.message)].filter(Boolean).join(" ");
    } finally {
      submit.disabled = false;
    }
  });

  function edit(reply) {
    editing = reply ? reply.id : null;
    title.value = reply ? reply.title : "";
    for (const code of LANGUAGES) texts[code].value = reply ? reply.texts[code] || "" : "";
    submit.dataset.i18n = reply ? "savedAdmin.save" : "savedAdmin.add";
    submit.textContent = t(submit.dataset.i18n);
    cancel.hidden = !reply;
    if (reply) title.focus();
  }

  async function load() {
    mount(list, loading("saved-loading"));
    try {
      const answer = await api.get("/v1/saved-replies");
      variables.textContent = (answer.variables || []).map((name) => `{${name}}`).join("  ");
      render(answer.saved_replies || []);
    } catch (error) {
      if (error.code === "session_ended" || !list.isConnected) return;
      mount(list, errorBox(messageFor(error), load, "saved-error"));
    }
  }

  function render(replies) {
    if (!replies.length) return mount(list, h("p", { class: "muted", i18n: "savedAdmin.empty", testid: "saved-empty" }));
    mount(
      list,
      replies.map((reply) =>
        h(
          "article",
          { class: "saved-admin-item", testid: "saved-item", "data-id": reply.id },
          h("h2", { class: "h3", text: reply.title, testid: "saved-item-title" }),
          LANGUAGES.map((code) =>
            h("p", {}, h("strong", { i18n: `lang.${code}` }), ": ", reply.texts[code] ? h("span", { class: "pre", text: reply.texts[code] }) : h("em", { class: "muted", i18n: "savedAdmin.missing" })),
          ),
          h(
            "div",
            { class: "form-actions" },
            h("button", { type: "button", class: "button small", i18n: "savedAdmin.edit", testid: "saved-edit", on: { click: () => edit(reply) } }),
            h("button", { type: "button", class: "button small danger-outline", i18n: "savedAdmin.delete", testid: "saved-delete", on: { click: () => remove(reply) } }),
          ),
        ),
      ),
    );
  }

  async function remove(reply) {
    try {
      await api.delete(`/v1/saved-replies/${encodeURIComponent(reply.id)}`);
      status.textContent = t("savedAdmin.deleted");
      await load();
    } catch (error) {
      if (error.code !== "session_ended") status.textContent = messageFor(error);
    }
  }

  load();
  return null;
}
