// Snooze: "pending until a date and time", an option of the pending statuses. The
// thread leaves the open lists and comes back open at that time, or when the customer writes.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { dateNode } from "../format.js";

/** "Snoozed until …" beside the status, while the thread is pending with a wake-up time. */
export function snoozedTag(thread) {
  if (!thread.snooze_until) return null;
  return h("span", { class: "tag tag-snoozed", testid: "thread-snoozed" }, h("span", { i18n: "snooze.until", params: { at: "" } }), dateNode(thread.snooze_until, "datetime"));
}

/** A date-and-time field and "Snooze": keeps the pending status (pending 1 when open or closed). */
export function snoozeControl(api, thread, { done, failed }) {
  const at = h("input", { type: "datetime-local", id: "snooze-at", step: 1, testid: "snooze-at" });
  const button = h("button", { type: "button", class: "button small", i18n: "snooze.set", testid: "snooze-set" });
  button.addEventListener("click", async () => {
    const when = at.value ? new Date(at.value) : null; // the agent's local time, sent with its zone
    if (!when || Number.isNaN(when.getTime()) || when <= new Date()) {
      failed({ code: "snooze_required", message: t("snooze.required"), serverMessage: t("snooze.required") });
      at.focus();
      return;
    }
    button.disabled = true;
    try {
      const status = thread.status === "pending2" ? "pending2" : "pending1";
      done(await api.put(`/v1/threads/${thread.number}/status`, { status, snooze_until: when.toISOString() }));
    } catch (error) {
      if (error.code !== "session_ended") failed(error);
    } finally {
      button.disabled = false;
    }
  });
  return h(
    "div",
    { class: "snooze-control", testid: "snooze-control" },
    h("label", { for: "snooze-at", i18n: "snooze.label" }),
    at,
    button,
    h("p", { class: "hint", i18n: "snooze.hint" }),
  );
}

/** The reply's "after sending" choice: close (default), keep open, or snooze until a time. */
export function afterSendField() {
  let standard = "close"; // the shop's default, set when the thread is shown
  const choice = h(
    "select",
    { id: "reply-after", testid: "reply-after" },
    h("option", { value: "close", i18n: "reply.afterClose" }),
    h("option", { value: "open", i18n: "reply.afterOpen" }),
    h("option", { value: "snooze", i18n: "reply.afterSnooze" }),
  );
  const at = h("input", { type: "datetime-local", step: 1, testid: "reply-snooze-at", hidden: true, i18nAttrs: { "aria-label": "snooze.label" } });
  choice.addEventListener("change", () => {
    at.hidden = choice.value !== "snooze";
  });
  return {
    element: h("div", { class: "field after-send" }, h("label", { for: "reply-after", i18n: "reply.afterSend" }), choice, at),
    /** {after_send, snooze_until?}, or null when the snooze time is missing or past (focus moves there). */
    value() {
      if (choice.value !== "snooze") return { after_send: choice.value };
      const when = at.value ? new Date(at.value) : null;
      if (!when || Number.isNaN(when.getTime()) || when <= new Date()) {
        at.focus();
        return null;
      }
      return { after_send: "snooze", snooze_until: when.toISOString() };
    },
    /** The shop's "after sending" option becomes the choice until the agent picks another. */
    setDefault(value) {
      if (value !== "close" && value !== "open") return;
      const untouched = choice.value === standard;
      standard = value;
      if (untouched) choice.value = value;
    },
    reset() {
      choice.value = standard;
      at.value = "";
      at.hidden = true;
    },
    get choice() {
      return choice.value;
    },
  };
}
