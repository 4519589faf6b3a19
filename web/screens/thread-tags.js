// The thread's tags: each shown as text with a button that removes it, and a box that adds one,
// suggested from the tags in use (GET /v1/tags). Tags are agents' free text: always text.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";

let listCount = 0;

/** tagEditor({ api, number, tags, show, flash }): `show` renders the POST's answer (the thread). */
export function tagEditor({ api, number, tags, show, flash }) {
  const listId = `tag-suggestions-${++listCount}`;
  const suggestions = h("datalist", { id: listId, testid: "tag-suggestions" });
  const input = h("input", { type: "text", name: "tag", maxlength: "40", list: listId, autocomplete: "off", testid: "tag-input", i18nAttrs: { placeholder: "tags.new", "aria-label": "tags.new" } });
  const form = h(
    "form",
    { class: "tag-form", testid: "tag-form" },
    input,
    suggestions,
    h("button", { type: "submit", class: "button small", i18n: "tags.add", testid: "tag-add" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const tag = input.value.trim();
    if (tag) change({ add: [tag] });
  });
  input.addEventListener("focus", () => fill(), { once: true });

  async function fill() {
    try {
      const answer = await api.get("/v1/tags");
      suggestions.replaceChildren(...(answer.tags || []).map((use) => h("option", { value: use.tag, label: t("tags.count", { tag: use.tag, count: use.threads }) })));
    } catch {
      // suggestions are a help; typing still works
    }
  }

  async function change(body) {
    for (const control of form.querySelectorAll("input, button")) control.disabled = true;
    try {
      const answer = await api.post(`/v1/threads/${number}/tags`, body);
      input.value = "";
      show(answer);
    } catch (error) {
      if (error.code === "session_ended") return;
      flash(messageFor(error), true);
      for (const control of form.querySelectorAll("input, button")) control.disabled = false;
    }
  }

  const chips = (tags || []).map((tag) =>
    h(
      "li",
      { class: "tag tag-label", testid: "thread-tag" },
      h("span", { text: tag }),
      h("button", { type: "button", class: "tag-remove", text: "×", testid: "tag-remove", i18nAttrs: { "aria-label": "tags.remove" }, params: { tag }, on: { click: () => change({ remove: [tag] }) } }),
    ),
  );
  return h(
    "section",
    { class: "thread-tags", "aria-labelledby": "tags-title", testid: "thread-tags" },
    h("h2", { id: "tags-title", class: "visually-hidden", i18n: "tags.title" }),
    chips.length ? h("ul", { class: "tag-list" }, chips) : h("span", { class: "muted", i18n: "tags.none", testid: "tags-none" }),
    form,
  );
}
