// The thread screen's merge and split: another thread of the same customer
// joins this one (its number then leads here), or one message leaves for a new thread of its own.
// The API refuses threads of another customer; its message is shown as it comes.

import { h, confirmDialog } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";

// The panel "Merge threads": a thread number and a button. `current()` is the thread shown now;
// `done(answer, source)` reloads the screen with the merged thread.
export function mergePanel({ api, current, done, flash }) {
  const input = h("input", { id: "merge-source", name: "source", type: "text", inputmode: "numeric", autocomplete: "off", size: 8, testid: "merge-source" });
  const dialog = confirmDialog({
    testid: "merge-confirm",
    titleKey: "merge.confirmTitle",
    content: [h("p", { testid: "merge-confirm-text" })],
    confirmKey: "merge.submit",
    confirmTestid: "merge-confirmed",
    cancelTestid: "merge-cancel",
    prepare: (source) => {
      const text = dialog.element.querySelector("[data-testid=merge-confirm-text]");
      text.textContent = t("merge.confirmText", { source, number: current() });
    },
  });
  const button = h("button", { type: "submit", class: "button", i18n: "merge.submit", testid: "merge-submit" });
  const form = h(
    "form",
    {
      class: "stack",
      testid: "merge-form",
      on: {
        submit: async (event) => {
          event.preventDefault();
          const source = input.value.trim().replace(/^#/, "");
          if (!/^\d{1,10}$/.test(source)) {
            flash(t("merge.missing"), true);
            input.focus();
            return;
          }
          if (!(await dialog.ask(source))) return;
          button.disabled = true;
          try {
            const answer = await api.post(`/v1/threads/${current()}/merge`, { source: Number(source) });
            input.value = "";
            await done(answer, Number(source));
          } catch (error) {
            if (error.code !== "session_ended") flash(messageFor(error), true);
          } finally {
            button.disabled = false;
          }
        },
      },
    },
    h("label", { for: "merge-source", i18n: "merge.number" }),
    h("div", { class: "inline-field" }, input, button),
  );
  return h(
    "section",
    { class: "panel", "aria-labelledby": "merge-title", testid: "merge-panel" },
    h("h2", { id: "merge-title", i18n: "merge.title" }),
    h("p", { class: "muted", i18n: "merge.intro" }),
    form,
    dialog.element,
  );
}

// One dialog per screen: "Move this message into a new thread of its own?"
export function splitDialog() {
  return confirmDialog({
    testid: "split-confirm",
    titleKey: "split.confirmTitle",
    content: [h("p", { i18n: "split.confirmText" })],
    confirmKey: "split.action",
    confirmTestid: "split-confirmed",
    cancelTestid: "split-cancel",
  });
}

// The "Split off" button of a message; `done(answer)` goes to the new thread.
export function splitButton({ api, current, message, dialog, done, flash }) {
  return h("button", {
    type: "button",
    class: "button small push-end",
    i18n: "split.action",
    testid: "split-message",
    on: {
      click: async (event) => {
        const button = event.currentTarget;
        if (!(await dialog.ask())) return;
        button.disabled = true;
        try {
          done(await api.post(`/v1/threads/${current()}/split`, { message_id: message.id }));
        } catch (error) {
          if (error.code !== "session_ended") flash(messageFor(error), true);
          button.disabled = false;
        }
      },
    },
  });
}
