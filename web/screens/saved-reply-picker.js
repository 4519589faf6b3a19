// Saved replies in the reply box: typing "::" (or the "Saved replies" button) opens a
// searchable menu of the library, filled by the server for this thread (customer, order, agent);
// the chosen text is inserted where "::" was. Variables that could not be filled stay visible as
// {name}, listed under the box (highlighted), and Send refuses until they are filled or removed.

import { h, mount } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";

const VARIABLE = /\{\s*([A-Za-z_]+\.[A-Za-z_]+)\s*\}/g;

/** The variables a text still holds, once each. */
export function unfilledVariables(text) {
  return [...new Set([...String(text || "").matchAll(VARIABLE)].map((match) => match[1]))];
}

export function savedReplyPicker(api, number, box) {
  let replies = null;
  let insertAt = null;
  const search = h("input", { type: "search", id: "saved-reply-search", autocomplete: "off", testid: "saved-reply-search", i18nAttrs: { placeholder: "saved.search", "aria-label": "saved.search" } });
  const list = h("ul", { class: "saved-reply-list", role: "listbox", testid: "saved-reply-list" });
  const menu = h("div", { class: "saved-reply-menu panel", testid: "saved-reply-menu", hidden: true }, search, list);
  const opener = h("button", { type: "button", class: "button small", i18n: "saved.open", testid: "saved-reply-open", on: { click: () => open(box.selectionStart ?? box.value.length) } });
  const warning = h("p", { class: "unfilled-variables status-error", testid: "unfilled-variables", hidden: true });
  const fallbackNote = h("p", { class: "notice notice-warning", testid: "saved-reply-fallback", hidden: true });

  box.addEventListener("input", () => {
    const caret = box.selectionStart ?? box.value.length;
    if (box.value.slice(caret - 2, caret) === "::") {
      box.value = box.value.slice(0, caret - 2) + box.value.slice(caret);
      open(caret - 2);
    }
    showUnfilled();
  });
  search.addEventListener("input", () => renderList());
  search.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
    if (event.key === "Enter") {
      event.preventDefault();
      const first = list.querySelector("button");
      if (first) first.click();
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      list.querySelector("button")?.focus();
    }
  });
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });

  async function open(at) {
    insertAt = at;
    menu.hidden = false;
    search.value = "";
    search.focus();
    if (!replies) {
      mount(list, h("li", { class: "muted", i18n: "saved.loading" }));
      try {
        replies = (await api.get(`/v1/threads/${number}/saved-replies`)).saved_replies || [];
      } catch (error) {
        if (error.code !== "session_ended") mount(list, h("li", { class: "status-error", text: messageFor(error) }));
        return;
      }
    }
    renderList();
  }

  function close() {
    menu.hidden = true;
    box.focus();
    if (insertAt !== null) box.setSelectionRange(insertAt, insertAt);
  }

  function renderList() {
    const words = search.value.trim().toLowerCase();
    const shown = (replies || []).filter((reply) => !words || `${reply.title}\n${reply.text}`.toLowerCase().includes(words));
    if (!shown.length) return mount(list, h("li", { class: "muted", i18n: replies?.length ? "saved.noMatch" : "saved.none", testid: "saved-reply-empty" }));
    mount(
      list,
      shown.map((reply) =>
        h(
          "li",
          { role: "option" },
          h(
            "button",
            { type: "button", class: "saved-reply", testid: "saved-reply", "data-id": reply.id, on: { click: () => insert(reply) } },
            h("strong", { text: reply.title }),
            h("span", { class: "muted preview", text: reply.text.split("\n")[0] }),
          ),
        ),
      ),
    );
  }

  function insert(reply) {
    const at = insertAt ?? box.value.length;
    box.value = box.value.slice(0, at) + reply.text + box.value.slice(at);
    insertAt = at + reply.text.length;
    fallbackNote.hidden = !reply.fallback;
    if (reply.fallback) fallbackNote.textContent = t("saved.fallback", { language: t(`lang.${reply.language}`) });
    close();
    box.dispatchEvent(new Event("input")); // the draft keeps it, the warning updates
  }

  function showUnfilled() {
    const names = unfilledVariables(box.value);
    warning.hidden = names.length === 0;
    mount(warning, names.length ? [h("span", { i18n: "saved.unfilled" }), " ", names.map((name) => h("mark", { class: "variable", text: `{${name}}`, testid: "unfilled-variable" }))] : []);
  }

  return {
    opener,
    menu,
    warning,
    fallbackNote,
    /** Before Send: true when the text still holds a variable (the warning shows and takes focus). */
    blocksSend() {
      showUnfilled();
      if (warning.hidden) return false;
      box.focus();
      return true;
    },
    refresh: showUnfilled,
  };
}
