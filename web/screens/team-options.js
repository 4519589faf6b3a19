// "Team options" (admins), on the list screen below the contact options: assign a thread to the
// agent who first replies to it, mail an assignee when a thread is handed to them or their thread
// gets a customer answer, and what Send does unless the agent chooses (close or keep open).

import { h, mount, loading, errorBox } from "../dom.js";
import { messageFor } from "../messages.js";
import { sharedSettings, panel, check, save } from "./options.js";

export function teamOptions(ctx) {
  const { api } = ctx;
  const body = h("div", {}, loading("team-options-loading"));
  const element = panel("team-options", "options.teamTitle", "options.teamIntro", body);

  async function load() {
    mount(body, loading("team-options-loading"));
    let settings;
    try {
      settings = await sharedSettings(api);
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      mount(body, errorBox(messageFor(error), load, "team-options-error"));
      return;
    }
    const statusLine = h("p", { class: "status", role: "status", testid: "team-options-status" });
    const submit = h("button", { type: "submit", class: "button primary", i18n: "options.save", testid: "team-options-save" });
    const afterSend = h(
      "select",
      { id: "opt-after_send_default", name: "after_send_default", testid: "opt-after-send-default" },
      h("option", { value: "close", i18n: "reply.sendClose" }),
      h("option", { value: "open", i18n: "reply.sendOpen" }),
    );
    const form = h(
      "form",
      { class: "options-form", testid: "team-options-form" },
      check("assign_on_first_reply", "options.assignOnFirstReply", "opt-assign-on-first-reply"),
      check("notify_assignee", "options.notifyAssignee", "opt-notify-assignee", "options.notifyAssigneeHint"),
      h("div", { class: "field" }, h("label", { for: afterSend.id, i18n: "options.afterSendDefault" }), afterSend),
      h("div", { class: "form-actions" }, submit),
      statusLine,
    );
    const fields = form.elements;
    fields.assign_on_first_reply.checked = Boolean(settings.assign_on_first_reply);
    fields.notify_assignee.checked = Boolean(settings.notify_assignee);
    afterSend.value = settings.after_send_default === "open" ? "open" : "close";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const payload = {
        assign_on_first_reply: fields.assign_on_first_reply.checked,
        notify_assignee: fields.notify_assignee.checked,
        after_send_default: afterSend.value,
      };
      save(api, form, payload, statusLine, submit);
    });
    mount(body, form);
  }
  return { element, start: load, dispose() {} };
}
