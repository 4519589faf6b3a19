// #/threads/:number: one discussion (SPEC §5). "Thread #N", the status buttons, forward, the
// previous/next open thread, the customer, the messages oldest first, the reply and note forms,
// and the orders and messages history newest first. Customer text is only ever set as text.

import { h, mount, loading, errorBox, confirmDialog } from "../dom.js";
import { t, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";
import { statusPill } from "../status.js";
import { ownerPanel, presenceLine } from "./thread-team.js";
import { draftKeeper } from "./drafts.js";
import { snoozeControl, snoozedTag } from "./snooze.js";
import { mergePanel, splitDialog } from "./thread-merge.js";
import { tagEditor } from "./thread-tags.js";
import { customerBlock, historyBlock, otherThreads } from "./thread-customer.js";
import { messageItem } from "./thread-messages.js";
import { composeForms } from "./thread-compose.js";

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
  const splitAsk = splitDialog();
  // What the thread screen shares with its messages and forms (values read when used: a merge can
  // change the number, a reload the detail).
  const screen = {
    api,
    number: () => number,
    detail: () => detail,
    agents: () => agents,
    drafts: () => drafts,
    splitAsk,
    flash: (text, isError) => showFlash(text, isError),
    show: (answer) => show(answer),
    refreshInPlace: (fresh) => refreshInPlace(fresh),
    scrollToFlash: () => flash.scrollIntoView?.({ block: "nearest" }),
  };
  // Forms survive a reload of the thread (after a note, a status change...): typed text stays.
  const forms = composeForms(screen);
  // What the agent types is kept server-side as a draft, restored here next time.
  const drafts = draftKeeper(api, number, { reply: forms.replyText, note: forms.noteText });
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
            (messagesList = h("ol", { class: "messages", testid: "messages" }, messages.map((message) => messageItem(message, thread, screen)))),
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
    messagesList?.replaceChildren(...fresh.messages.map((message) => messageItem(message, fresh.thread, screen)));
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
