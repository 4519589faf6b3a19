// The thread screen's forms: the reply (files, saved replies, "after sending", the stale-reply
// check), the private note and the forward. Built once per screen, so typed text survives a
// re-render. `screen` is what the thread screen shares: api, number(), detail(), agents(),
// drafts(), flash(text, isError), show(answer), refreshInPlace(detail) and scrollToFlash().
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";
import { outdatedBox } from "./thread-team.js";
import { savedReplyPicker } from "./saved-reply-picker.js";
import { afterSendField } from "./snooze.js";

export function composeForms(screen) {
  const { api } = screen;
  // Reply
  const replyText = h("textarea", { id: "reply-text", name: "text", rows: 8, required: true, testid: "reply-text" });
  // The native file input speaks the browser's language: a translated label stands in for it.
  const files = h("input", { id: "reply-files", type: "file", multiple: true, class: "file-input", testid: "reply-files" });
  const chosen = h("span", { class: "muted", i18n: "reply.noFiles", testid: "reply-chosen" });
  files.addEventListener("change", () => {
    const names = [...files.files].map((file) => file.name).join(", ");
    if (names) {
      delete chosen.dataset.i18n;
      chosen.textContent = names;
    } else {
      chosen.dataset.i18n = "reply.noFiles";
      chosen.textContent = t("reply.noFiles");
    }
  });
  const replyStatus = h("p", { class: "status", role: "status", testid: "reply-status" });
  const replySubmit = h("button", { type: "submit", class: "button primary", i18n: "reply.send", testid: "reply-send" });
  const picker = savedReplyPicker(api, screen.number(), replyText);
  const afterSend = afterSendField();
  const defaultNote = h("p", { class: "notice notice-warning", testid: "default-reply-fallback", hidden: true });
  const outdatedArea = h("div", { testid: "reply-outdated-area" });
  const reply = h(
    "form",
    { class: "reply-form", novalidate: true, testid: "reply-form" },
    defaultNote,
    h(
      "div",
      { class: "field" },
      h("label", { for: "reply-text", i18n: "reply.label" }),
      replyText,
      picker.warning,
      picker.fallbackNote,
      h("div", { class: "saved-reply-bar" }, picker.opener, h("span", { class: "hint", i18n: "saved.hint" })),
      picker.menu,
      h("p", { class: "hint", i18n: "reply.hint" }),
    ),
    h(
      "div",
      { class: "field" },
      h("span", { class: "field-label", i18n: "reply.attachments" }),
      h("div", { class: "file-picker" }, files, h("label", { for: "reply-files", class: "button small", i18n: "reply.chooseFiles" }), chosen),
    ),
    outdatedArea,
    afterSend.element,
    h("div", { class: "form-actions" }, replySubmit),
    replyStatus,
  );
  let force = false;
  reply.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = replyText.value.trim();
    if (!text) {
      replyStatus.textContent = t("reply.empty");
      replyStatus.classList.add("status-error");
      replyText.focus();
      return;
    }
    if (picker.blocksSend()) {
      replyStatus.textContent = t("saved.fillFirst");
      replyStatus.classList.add("status-error");
      return;
    }
    const after = afterSend.value();
    if (!after) {
      replyStatus.textContent = t("snooze.required");
      replyStatus.classList.add("status-error");
      return;
    }
    replySubmit.disabled = true;
    replyStatus.classList.remove("status-error");
    replyStatus.textContent = t("reply.sending");
    let attachments = [];
    let answer = null;
    try {
      attachments = await uploadAll([...files.files]);
      const seen = screen.detail()?.messages || [];
        const lastSeen = seen.length ? seen[seen.length - 1].id : undefined;
      answer = await api.post(`/v1/threads/${screen.number()}/replies`, { text, attachments, last_seen: lastSeen, force, ...after });
      force = false;
      outdatedArea.replaceChildren();
      replyStatus.textContent = "";
      screen.drafts().sent("reply");
      screen.flash(t({ open: "reply.sentKeptOpen", snooze: "reply.sentSnoozed" }[after.after_send] || "reply.sent"));
      afterSend.reset();
      files.value = "";
      files.dispatchEvent(new Event("change"));
      delete reply.dataset.filled; // the next render puts the default message back
    } catch (error) {
      if (error.code === "session_ended") return;
      if (error.code === "reply_outdated") {
        // Someone wrote since: show it, keep the text, let the agent send anyway or revise.
        replyStatus.textContent = "";
        const fresh = error.body?.new_messages || [];
        const detail = screen.detail();
          if (detail) screen.refreshInPlace({ ...detail, messages: [...detail.messages, ...fresh.filter((m) => !detail.messages.some((k) => k.id === m.id))] });
        outdatedArea.replaceChildren(
          outdatedBox(fresh, screen.agents(), {
            onSendAnyway: () => {
              force = true;
              reply.requestSubmit();
            },
            onRevise: () => {
              outdatedArea.replaceChildren();
              replyText.focus();
            },
          }),
        );
        replySubmit.disabled = false;
        return;
      }
      if (error.code === "reply_not_sent") {
        // Kept on the thread as not sent, with a Retry button.
        replyStatus.textContent = "";
        screen.drafts().sent("reply");
        screen.flash(t("reply.notSent"), true);
        files.value = "";
        files.dispatchEvent(new Event("change"));
        delete reply.dataset.filled;
      } else {
        replyStatus.classList.add("status-error");
        replyStatus.textContent = error.code === "upload_failed" ? t("reply.uploadFailed") : messageFor(error);
        replySubmit.disabled = false;
        return;
      }
    }
    replySubmit.disabled = false;
    await screen.show(answer); // not sent: the stored reply is read with the thread, to show its Retry
    screen.scrollToFlash();
  });

  async function uploadAll(list) {
    const result = [];
    for (const file of list) {
      const grant = await api.post("/v1/reply-uploads", { filename: file.name });
      if (grant.max_size && file.size > grant.max_size) {
        const error = new Error("too large");
        error.code = "upload_failed";
        throw error;
      }
      const data = new FormData();
      for (const [key, value] of Object.entries(grant.fields || {})) data.append(key, value);
      data.append("file", file);
      let response;
      try {
        response = await fetch(grant.url, { method: "POST", body: data, credentials: "omit" });
      } catch {
        response = null;
      }
      if (!response || !response.ok) {
        const error = new Error("upload failed");
        error.code = "upload_failed";
        throw error;
      }
      result.push({ upload_key: grant.upload_key, filename: file.name });
    }
    return result;
  }

  // Private note
  const noteText = h("textarea", { id: "note-text", rows: 3, testid: "note-text" });
  const noteStatus = h("p", { class: "status", role: "status", testid: "note-status" });
  const noteSubmit = h("button", { type: "submit", class: "button", i18n: "note.add", testid: "note-add" });
  const note = h(
    "form",
    { class: "note-form", novalidate: true, testid: "note-form" },
    h("div", { class: "field" }, h("label", { for: "note-text", i18n: "note.label" }), noteText, h("p", { class: "hint", i18n: "note.hint" })),
    h("div", { class: "form-actions" }, noteSubmit),
    noteStatus,
  );
  note.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = noteText.value.trim();
    noteStatus.classList.remove("status-error");
    if (!text) {
      noteStatus.textContent = t("note.empty");
      noteStatus.classList.add("status-error");
      noteText.focus();
      return;
    }
    noteSubmit.disabled = true;
    try {
      const answer = await api.post(`/v1/threads/${screen.number()}/notes`, { text });
      noteText.value = "";
      screen.drafts().sent("note");
      noteStatus.textContent = t("note.added");
      await screen.show(answer);
    } catch (error) {
      if (error.code === "session_ended") return;
      noteStatus.classList.add("status-error");
      noteStatus.textContent = messageFor(error);
    } finally {
      noteSubmit.disabled = false;
    }
  });

  // Forward
  const agentSelect = h("select", { id: "forward-agent", testid: "forward-agent" }, h("option", { value: "", i18n: "forward.chooseAgent" }));
  const address = h("input", { id: "forward-email", type: "email", autocomplete: "off", spellcheck: "false", testid: "forward-email" });
  const comment = h("textarea", { id: "forward-comment", rows: 3, testid: "forward-comment" });
  const forwardStatus = h("p", { class: "status", role: "status", testid: "forward-status" });
  const forwardSubmit = h("button", { type: "submit", class: "button", i18n: "forward.send", testid: "forward-send" });
  const forward = h(
    "form",
    { class: "forward-form", novalidate: true, testid: "forward-form" },
    h("div", { class: "field" }, h("label", { for: "forward-agent", i18n: "forward.toAgent" }), agentSelect),
    h("div", { class: "field" }, h("label", { for: "forward-email", i18n: "forward.toEmail" }), address),
    h("div", { class: "field" }, h("label", { for: "forward-comment", i18n: "forward.comment" }), comment),
    h("div", { class: "form-actions" }, forwardSubmit),
    forwardStatus,
  );
  forward.addEventListener("submit", async (event) => {
    event.preventDefault();
    forwardStatus.classList.remove("status-error");
    forwardStatus.textContent = "";
    const payload = { comment: comment.value.trim() };
    // Both filled: sent to both, never one dropped.
    if (agentSelect.value) payload.to_agent = agentSelect.value;
    if (address.value.trim()) payload.to_email = address.value.trim();
    if (!payload.to_agent && !payload.to_email) {
      forwardStatus.classList.add("status-error");
      forwardStatus.textContent = t("forward.missing");
      agentSelect.focus();
      return;
    }
    forwardSubmit.disabled = true;
    try {
      const answer = await api.post(`/v1/threads/${screen.number()}/forward`, payload);
      comment.value = "";
      address.value = "";
      agentSelect.value = "";
      forwardStatus.textContent = t("forward.done");
      await screen.show(answer);
    } catch (error) {
      if (error.code === "session_ended") return;
      forwardStatus.classList.add("status-error");
      const details = (error.fields || []).map((field) => field.message).join(" ");
      forwardStatus.textContent = [messageFor(error), details].filter(Boolean).join(" ");
    } finally {
      forwardSubmit.disabled = false;
    }
  });

  return {
    reply,
    replyText,
    afterSend,
    noteText,
    picker,
    defaultNote,
    agentSelect,
    replyPanel: h("section", { class: "panel", "aria-labelledby": "reply-title" }, h("h2", { id: "reply-title", i18n: "reply.title" }), reply),
    notePanel: h("section", { class: "panel note-panel", "aria-labelledby": "note-title" }, h("h2", { id: "note-title", i18n: "note.title" }), note),
    forwardPanel: h(
      "section",
      { class: "panel", "aria-labelledby": "forward-title", testid: "forward-panel" },
      h("h2", { id: "forward-title", i18n: "forward.title" }),
      h("p", { class: "muted", i18n: "forward.intro" }),
      forward,
    ),
  };
}
