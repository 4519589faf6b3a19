// #/threads/:number: one discussion (SPEC §5). "Thread #N", the status buttons, forward, the
// previous/next open thread, the customer, the messages oldest first, the reply and note forms,
// and the orders and messages history newest first. Customer text is only ever set as text.

import { h, mount, loading, errorBox, confirmDialog } from "../dom.js";
import { t, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode } from "../format.js";
import { statusPill } from "../status.js";
import { nameOf, outdatedBox, ownerPanel, presenceLine } from "./thread-team.js";
import { draftKeeper } from "./drafts.js";
import { savedReplyPicker } from "./saved-reply-picker.js";
import { afterSendField, snoozeControl, snoozedTag } from "./snooze.js";
import { mergePanel, splitButton, splitDialog } from "./thread-merge.js";
import { mailFiles } from "./mail-files.js";
import { tagEditor } from "./thread-tags.js";
import { customerBlock, historyBlock, otherThreads } from "./thread-customer.js";

const POLL_MS = 20_000;

// The team changes rarely: one GET /v1/agents per page load is enough for every thread screen.
let agentsOnce = null;

export function threadScreen(container, params, ctx) {
  const { api, me } = ctx;
  // Only digits name a thread: `#/threads/abc` is a thread that does not exist, never "Thread #NaN".
  const valid = /^\d{1,10}$/.test(String(params.number ?? ""));
  let number = valid ? Number.parseInt(params.number, 10) : null;
  let detail = null;
  let agents = null;
  let alive = true;
  let first = true;
  const flash = h("p", { class: "status", role: "status", testid: "thread-flash" });
  const root = h("section", { class: "screen thread-screen", "aria-labelledby": "thread-title", testid: "thread-screen" });
  const deleteDialog = confirmDelete();
  const spamDialog = confirmSpam();
  // Forms survive a reload of the thread (after a note, a status change...): typed text stays.
  const forms = buildForms();
  // What the agent types is kept server-side as a draft, restored here next time.
  const drafts = draftKeeper(api, number, { reply: forms.replyText, note: forms.noteText });
  const splitAsk = splitDialog();
  const merge = mergePanel({
    api,
    current: () => number,
    flash: (text, isError) => showFlash(text, isError),
    done: async (answer, source) => {
      await load();
      showFlash(t("merge.done", { source, number }));
    },
  });

  mount(container, root);
  if (!valid) {
    mount(root, h("h1", { id: "thread-title", i18n: "thread.unknownTitle" }), h("p", { class: "notice notice-warning", i18n: "thread.notFound", testid: "thread-not-found" }), h("p", {}, h("a", { href: "#/", class: "back", i18n: "thread.back" })));
    return { dispose() {} };
  }

  async function load(focusTitle = false) {
    if (!detail) mount(root, h("h1", { id: "thread-title", i18n: "thread.title", params: { number } }), loading("thread-loading"));
    try {
      detail = await api.get(`/v1/threads/${number}`);
    } catch (error) {
      if (error.code === "session_ended" || !alive) return;
      const backLink = h("p", {}, h("a", { href: "#/", class: "back", i18n: "thread.back" }));
      if (error.status === 404) mount(root, h("h1", { id: "thread-title", i18n: "thread.title", params: { number } }), h("p", { class: "notice notice-warning", i18n: "thread.notFound", testid: "thread-not-found" }), backLink);
      else mount(root, h("h1", { id: "thread-title", i18n: "thread.title", params: { number } }), errorBox(messageFor(error), () => load(), "thread-error"), backLink);
      return;
    }
    if (!alive) return;
    if (detail.thread.number !== number) {
      // A merged thread's number answers with the thread it joined: the address follows.
      const from = number;
      number = detail.thread.number;
      history.replaceState(null, "", `#/threads/${number}`);
      showFlash(t("merge.redirected", { from, number }));
    }
    const hadFocus = document.activeElement === document.body || document.activeElement?.id === "thread-title" || document.activeElement === container;
    render();
    // The router focused the placeholder title; keep keyboard and screen-reader focus on the real one.
    if (focusTitle || (first && hadFocus)) {
      const title = root.querySelector("h1");
      title.tabIndex = -1;
      title.focus();
    }
    first = false;
  }

  // A reply, note, forward or status change answers with the thread as it is now (and the message
  // written): the screen shows that answer, without reading the thread again.
  function show(answer) {
    if (!alive) return;
    if (!answer || !answer.thread || !detail) return load();
    const messages = [...detail.messages];
    let history = detail.history || [];
    if (answer.message) {
      const at = messages.findIndex((m) => m.id === answer.message.id);
      if (at >= 0) messages[at] = answer.message;
      else {
        messages.push(answer.message);
        history = [historyEntry(answer.message), ...history];
      }
    }
    detail = { ...detail, thread: { ...detail.thread, ...answer.thread }, messages, history };
    render();
  }

  function render() {
    const { thread, messages, customer, contact, history } = detail;
    if (forms.reply.dataset.filled !== String(number)) {
      forms.replyText.value = detail.default_reply || "";
      forms.reply.dataset.filled = String(number);
    }
    drafts.restore(detail);
    forms.picker.refresh();
    const defaultLanguage = detail.default_reply_language;
    forms.defaultNote.hidden = !defaultLanguage || defaultLanguage === thread.language;
    if (!forms.defaultNote.hidden) forms.defaultNote.textContent = t("saved.defaultFallback", { language: t(`lang.${thread.language}`), used: t(`lang.${defaultLanguage}`) });
    mount(
      root,
      h("p", { class: "crumbs" }, h("a", { href: "#/", class: "back", i18n: "thread.back", testid: "back-to-list" })),
      h(
        "div",
        { class: "thread-head" },
        h("div", { class: "thread-title-line" }, h("h1", { id: "thread-title", i18n: "thread.title", params: { number: thread.number }, testid: "thread-title" }), statusPill(thread.status, { testid: "thread-status" }), snoozedTag(thread), thread.spam ? h("span", { class: "tag tag-spam", i18n: "list.spam", testid: "thread-spam" }) : null),
        neighbourLinks(),
      ),
      (presenceArea = h("div", { class: "presence-area" }, presenceLine(detail.presence))),
      statusButtons(thread),
      tagEditor({ api, number, tags: thread.tags, show, flash: showFlash }),
      snoozeControl(api, thread, { done: (answer) => { showFlash(t("snooze.done")); show(answer); }, failed: (error) => showFlash(messageFor(error), true) }),
      flash,
      deleteDialog.element,
      spamDialog.element,
      splitAsk.element,
      h(
        "div",
        { class: "thread-layout" },
        h(
          "div",
          { class: "thread-main" },
          h(
            "section",
            { class: "panel", "aria-labelledby": "messages-title" },
            h("h2", { id: "messages-title", i18n: "thread.messages" }),
            (messagesList = h("ol", { class: "messages", testid: "messages" }, messages.map((message) => messageItem(message, thread)))),
          ),
          drafts.others(detail),
          forms.replyPanel,
          forms.notePanel,
        ),
        h("aside", { class: "thread-side" }, (ownerArea = h("div", {})), customerBlock(thread, customer, contact), otherThreads(detail.other_threads || [], thread), forms.forwardPanel, merge, historyBlock(history || [])),
      ),
    );
    fillAgents().then(() => {
      if (alive && detail) ownerArea.replaceChildren(ownerPanel({ thread: detail.thread, me, agents, api, onAnswer: show }));
    });
    forms.afterSend.setDefault(detail.after_send_default); // the shop's "after sending" option
  }

  let messagesList = null;
  let presenceArea = null;
  let ownerArea = h("div", {});

  // While the agent types, only the messages and who is here are redrawn: the forms are untouched.
  function refreshInPlace(fresh) {
    detail = { ...fresh };
    messagesList?.replaceChildren(...fresh.messages.map((message) => messageItem(message, fresh.thread)));
    presenceArea?.replaceChildren(presenceLine(fresh.presence));
  }

  // The next and previous open threads are looked up when asked for (one small request), not
  // with every view of the thread. With none that way, the button says so and stays off.
  function neighbourLinks() {
    const follow = (toward, key, testid) => {
      const button = h("button", { type: "button", class: "button small", i18n: key, testid });
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const found = await api.get(`/v1/threads/${number}/${toward}`);
          if (found.number != null) {
            location.hash = `#/threads/${found.number}`;
            return;
          }
          button.setAttribute("aria-disabled", "true");
          showFlash(t("thread.noNeighbour"));
        } catch (error) {
          button.disabled = false;
          if (error.code !== "session_ended") showFlash(messageFor(error), true);
        }
      });
      return button;
    };
    return h("nav", { class: "neighbours", i18nAttrs: { "aria-label": "thread.openThreads" } }, follow("previous", "thread.previous", "thread-previous"), follow("next", "thread.next", "thread-next"));
  }

  // PrestaShop's buttons: handled or re-open; pending 1 / 2 or "disable pending status".
  function statusButtons(thread) {
    const status = thread.status;
    const button = (key, target, testid, primary = false) =>
      h("button", { type: "button", class: ["button", primary && "primary"], i18n: key, testid, on: { click: () => setStatus(target, key) } });
    return h(
      "div",
      { class: "status-buttons", role: "group", i18nAttrs: { "aria-label": "thread.statusActions" }, testid: "status-buttons" },
      status === "closed" ? button("thread.reopen", "open", "status-reopen") : button("thread.markHandled", "closed", "status-handled", true),
      status === "pending1" ? button("thread.disablePending", "open", "status-disable-pending") : button("thread.markPending1", "pending1", "status-pending1"),
      status === "pending2" ? button("thread.disablePending", "open", "status-disable-pending") : button("thread.markPending2", "pending2", "status-pending2"),
      thread.spam
        ? h("button", { type: "button", class: "button push-end", i18n: "thread.unmarkSpam", testid: "thread-unmark-spam", on: { click: () => setSpam(false, false) } })
        : h("button", { type: "button", class: "button push-end", i18n: "thread.markSpam", testid: "thread-mark-spam", on: { click: () => askSpam(thread.email) } }),
      h("button", { type: "button", class: "button danger-outline", i18n: "thread.delete", testid: "thread-delete", on: { click: remove } }),
    );
  }

  async function remove() {
    if (!(await deleteDialog.ask())) return;
    try {
      await api.delete(`/v1/threads/${number}`);
      location.hash = "#/";
    } catch (error) {
      if (error.code !== "session_ended") showFlash(messageFor(error), true);
    }
  }

  async function askSpam(email) {
    const answer = await spamDialog.ask(email);
    if (answer) await setSpam(true, answer.blockSender);
  }

  // SPEC §3: marking closes the thread; the sender may be blocked at the same time.
  async function setSpam(spam, blockSender) {
    for (const b of root.querySelectorAll(".status-buttons button")) b.disabled = true;
    try {
      const answer = await api.put(`/v1/threads/${number}/spam`, { spam, block_sender: blockSender });
      showFlash(t(!spam ? "thread.unmarkedSpam" : blockSender ? "thread.markedSpamBlocked" : "thread.markedSpam"));
      await show(answer);
    } catch (error) {
      if (error.code === "session_ended") return;
      showFlash(messageFor(error), true);
      for (const b of root.querySelectorAll(".status-buttons button")) b.disabled = false;
    }
  }

  async function setStatus(target) {
    for (const b of root.querySelectorAll(".status-buttons button")) b.disabled = true;
    try {
      const answer = await api.put(`/v1/threads/${number}/status`, { status: target });
      showFlash(t("thread.statusChanged", { status: t(`status.${target}`) }));
      await show(answer);
      root.querySelector(".status-buttons button")?.focus();
    } catch (error) {
      if (error.code === "session_ended") return;
      showFlash(messageFor(error), true);
      for (const b of root.querySelectorAll(".status-buttons button")) b.disabled = false;
    }
  }

  function showFlash(text, isError = false) {
    flash.textContent = text;
    flash.classList.toggle("status-error", isError);
  }

  function messageItem(message, thread) {
    const author =
      message.author === "customer"
        ? h("span", { class: "author", text: thread.customer_name || thread.email || "", testid: "message-author" })
        : message.author === "agent"
          ? h("span", { class: "author", text: nameOf(agents, message.agent), title: message.agent || "", testid: "message-author" })
          : h("span", { class: "author", i18n: "thread.system", testid: "message-author" });
    const badges = [];
    if (message.private) badges.push(h("span", { class: "tag tag-private", i18n: "thread.privateNote", testid: "private-mark" }));
    badges.push(h("span", { class: "tag", i18n: `source.${message.source}`, testid: "message-source" }));
    if (message.attachments?.length) {
      // A paper clip with the number of files, named in words for screen readers.
      badges.push(h("span", { class: "tag file-count", testid: "file-count", title: t("thread.files", { count: message.attachments.length }) }, h("span", { class: "clip", "aria-hidden": "true" }), h("span", { "aria-hidden": "true", text: String(message.attachments.length) }), h("span", { class: "visually-hidden", text: t("thread.files", { count: message.attachments.length }) })));
    }
    // A customer's or agent's message may leave for a thread of its own (not the thread's only one).
    if (message.author !== "system" && detail.messages.filter((m) => m.author !== "system").length > 1) {
      badges.push(splitButton({ api, current: () => number, message, dialog: splitAsk, flash: showFlash, done: (answer) => (location.hash = `#/threads/${answer.thread.number}`) }));
    }
    const shown = message.new_text || message.text || "";
    const full = message.new_text && message.text && message.text !== message.new_text
      ? h("details", { class: "original", testid: "message-original" }, h("summary", { i18n: "thread.showOriginal" }), h("div", { class: "message-text", text: message.text }))
      : null;
    return h(
      "li",
      { class: ["message", `message-${message.author}`, message.private && "message-private"], testid: "message", "data-message-id": message.id },
      h("header", { class: "message-head" }, author, badges, dateNode(message.created_at, "datetime", { class: "muted", testid: "message-date" })),
      message.product ? h("p", { class: "muted message-product" }, h("span", { i18n: "thread.product" }), ": ", h("span", { text: message.product })) : null,
      message.source === "handover" ? h("p", { class: "muted", testid: "handover-to" }, "→ ", message.assignee_name ? h("span", { text: message.assignee_name }) : h("span", { i18n: "owner.none" })) : null,
      h("div", { class: "message-text", text: shown, testid: "message-text" }),
      full,
      mailFiles({ api, number: () => number, message, flash: showFlash }),
      attachmentList(message),
      delivery(message),
      notificationFailures(message),
      message.author === "customer" && (message.ip || message.user_agent)
        ? h("p", { class: "message-meta muted" }, message.ip ? h("span", { text: message.ip }) : null, message.user_agent ? h("span", { text: message.user_agent }) : null)
        : null,
    );
  }

  function attachmentList(message) {
    if (!message.attachments?.length) return null;
    return h(
      "ul",
      { class: "attachments", testid: "attachments" },
      message.attachments.map((file) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "button small attachment",
              testid: "attachment",
              on: { click: (event) => download(event.currentTarget, message, file) },
            },
            h("span", { class: "clip", "aria-hidden": "true" }),
            h("span", { text: file.filename }),
            file.size ? h("span", { class: "muted", text: `(${Math.max(1, Math.round(file.size / 1024))} KB)` }) : null,
          ),
        ),
      ),
    );
  }

  async function download(button, message, file) {
    button.disabled = true;
    try {
      const answer = await api.get(`/v1/threads/${number}/attachments/${encodeURIComponent(message.id)}/${file.index}`);
      location.assign(answer.url); // a presigned URL sent as an attachment: the page stays
    } catch (error) {
      if (error.code !== "session_ended") showFlash(messageFor(error), true);
    } finally {
      button.disabled = false;
    }
  }

  function delivery(message) {
    const state = message.delivery?.state;
    if (message.author !== "agent" || !state || message.private) return null;
    // A bounce or a delay says what the receiving server said (status code and diagnostic: text, never markup).
    const { status, diagnostic } = message.delivery;
    const said = (state === "bounced" || state === "delayed") && (status || diagnostic);
    const label = said
      ? h("span", { i18n: `delivery.${state}With`, params: { status: status || "", diagnostic: diagnostic || "" }, testid: "delivery-state" })
      : h("span", { i18n: `delivery.${state}`, testid: "delivery-state" });
    const line = h("p", { class: ["delivery", `delivery-${state}`], testid: "delivery" }, label);
    if (state === "not_sent") {
      line.append(
        " ",
        h("button", {
          type: "button",
          class: "button small",
          i18n: "delivery.retry",
          testid: "retry-reply",
          on: { click: (event) => retry(event.currentTarget, message) },
        }),
      );
    }
    return line;
  }

  // The mails a customer's message triggers (the contact's notification, the customer's
  // confirmation) that could not be sent: the message is stored, the agents see what did not go.
  function notificationFailures(message) {
    const failure = message.notification;
    if (!failure || failure.state !== "not_sent") return null;
    const reasons = String(failure.error || "").split("; ").map((part) => part.split(":")[0]);
    const known = ["notification", "confirmation"].filter((kind) => reasons.includes(kind));
    const keys = known.length ? known.map((kind) => `notice.${kind}NotSent`) : ["notice.mailNotSent"];
    return h(
      "div",
      { class: ["delivery", "delivery-not_sent"], testid: "notification-failed", role: "status" },
      keys.map((key) => h("p", { i18n: key })),
    );
  }

  async function retry(button, message) {
    button.disabled = true;
    let answer = null;
    try {
      answer = await api.post(`/v1/threads/${number}/replies/${encodeURIComponent(message.id)}/retry`, {});
      showFlash(t("reply.sent"));
    } catch (error) {
      if (error.code === "session_ended") return;
      showFlash(error.code === "reply_not_sent" ? t("reply.notSent") : messageFor(error), true);
    }
    await show(answer);
  }

  function buildForms() {
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
    const picker = savedReplyPicker(api, number, replyText);
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
        const lastSeen = detail?.messages?.length ? detail.messages[detail.messages.length - 1].id : undefined;
        answer = await api.post(`/v1/threads/${number}/replies`, { text, attachments, last_seen: lastSeen, force, ...after });
        force = false;
        outdatedArea.replaceChildren();
        replyStatus.textContent = "";
        drafts.sent("reply");
        showFlash(t({ open: "reply.sentKeptOpen", snooze: "reply.sentSnoozed" }[after.after_send] || "reply.sent"));
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
          if (detail) refreshInPlace({ ...detail, messages: [...detail.messages, ...fresh.filter((m) => !detail.messages.some((k) => k.id === m.id))] });
          outdatedArea.replaceChildren(
            outdatedBox(fresh, agents, {
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
          drafts.sent("reply");
          showFlash(t("reply.notSent"), true);
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
      await show(answer); // not sent: the stored reply is read with the thread, to show its Retry
      flash.scrollIntoView?.({ block: "nearest" });
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
        const answer = await api.post(`/v1/threads/${number}/notes`, { text });
        noteText.value = "";
        drafts.sent("note");
        noteStatus.textContent = t("note.added");
        await show(answer);
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
        const answer = await api.post(`/v1/threads/${number}/forward`, payload);
        comment.value = "";
        address.value = "";
        agentSelect.value = "";
        forwardStatus.textContent = t("forward.done");
        await show(answer);
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

  async function fillAgents() {
    if (!agents) {
      agentsOnce = agentsOnce || api.get("/v1/agents").then((answer) => answer.agents || []);
      try {
        agents = await agentsOnce;
      } catch {
        agentsOnce = null;
        agents = [];
      }
    }
    const select = forms.agentSelect;
    if (select.options.length > 1) return;
    for (const agent of agents) if (agent.email !== me.username) select.append(h("option", { value: agent.email, text: agent.name || agent.email }));
  }

  const stopListening = onLanguageChange(() => {
    if (detail && alive) render(); // contact names and languages come per language; forms keep their text
  });

  // An answer by e-mail (mailbox sync) or a colleague's reply shows up without a reload.
  let timer = null;
  async function poll() {
    // Not while the agent types: re-drawing would move the focus out of the form.
    const typing = Boolean(document.activeElement?.closest("form")) && root.contains(document.activeElement);
    if (alive && detail && document.visibilityState === "visible") {
      try {
        await beat();
        const fresh = await api.get(`/v1/threads/${number}`);
        const seen = (d) => JSON.stringify([d.thread.status, d.messages.length, d.thread.last_message_at, d.thread.assignee, d.presence]);
        if (alive && typing) refreshInPlace(fresh); // the typed text and the focus stay where they are
        else if (alive && seen(fresh) !== seen(detail)) {
          detail = fresh;
          render();
        }
      } catch {
        // a failed background refresh keeps what is shown
      }
    }
    if (alive) timer = setTimeout(poll, POLL_MS);
  }
  timer = setTimeout(poll, POLL_MS);

  // Presence: one heartbeat (one write) per poll, "writing" while the reply holds the agent's own text.
  async function beat() {
    const own = forms.replyText.value.trim() && forms.replyText.value !== (detail?.default_reply || "");
    try {
      await api.put(`/v1/threads/${number}/presence`, { state: own ? "writing" : "viewing" });
    } catch {
      // presence is a courtesy: a failed beat changes nothing else
    }
  }

  load().then(() => alive && detail && beat());
  return {
    dispose() {
      alive = false;
      drafts.dispose(); // leaving the thread saves what is typed at once
      clearTimeout(timer);
      stopListening();
      deleteDialog.close();
      spamDialog.close();
      splitAsk.close();
    },
  };
}

// The history's line for a message just written, as the thread view gives it (one line, 160 characters).
function historyEntry(message) {
  const flat = (message.new_text || message.text || "").split(/\s+/).filter(Boolean).join(" ");
  const preview = flat.length <= 160 ? flat : `${flat.slice(0, 159)}…`;
  return { type: "message", at: message.created_at, message_id: message.id, author: message.author, source: message.source, private: message.private, preview };
}

/** "Delete this thread?" */
function confirmDelete() {
  return confirmDialog({
    testid: "thread-delete-confirm",
    titleKey: "thread.deleteTitle",
    content: [h("p", { i18n: "thread.deleteText" })],
    confirmKey: "thread.delete",
    confirmTestid: "thread-delete-confirmed",
    cancelTestid: "thread-delete-cancel",
  });
}

// "Mark as spam?" with the "also block this sender" box; resolves {blockSender} or null (cancelled).
function confirmSpam() {
  const block = h("input", { type: "checkbox", id: "thread-spam-block", testid: "thread-spam-block" });
  const blockLabel = h("label", { for: "thread-spam-block", i18n: "thread.blockSender", params: { email: "" } });
  return confirmDialog({
    testid: "thread-spam-confirm",
    titleKey: "thread.spamTitle",
    content: [h("p", { i18n: "thread.spamText" }), h("p", { class: "check" }, block, " ", blockLabel)],
    confirmKey: "thread.markSpam",
    confirmTestid: "thread-spam-confirmed",
    cancelTestid: "thread-spam-cancel",
    prepare(email) {
      block.checked = false;
      blockLabel.dataset.i18nParams = JSON.stringify({ email });
      blockLabel.textContent = t("thread.blockSender", { email });
    },
    answer: () => ({ blockSender: block.checked }),
  });
}
