// A message on the thread screen: author, badges, text, the mail's files, attachments, delivery.
// `screen` is what the thread screen shares with it: api, number(), detail(), agents(), splitAsk,
// flash(text, isError) and show(answer).
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode } from "../format.js";
import { nameOf } from "./thread-team.js";
import { splitButton } from "./thread-merge.js";
import { mailFiles } from "./mail-files.js";

export function messageItem(message, thread, screen) {
  const author =
    message.author === "customer"
      ? h("span", { class: "author", text: thread.customer_name || thread.email || "", testid: "message-author" })
      : message.author === "agent"
        ? h("span", { class: "author", text: nameOf(screen.agents(), message.agent), title: message.agent || "", testid: "message-author" })
        : h("span", { class: "author", i18n: "thread.system", testid: "message-author" });
  const badges = [];
  if (message.private) badges.push(h("span", { class: "tag tag-private", i18n: "thread.privateNote", testid: "private-mark" }));
  badges.push(h("span", { class: "tag", i18n: `source.${message.source}`, testid: "message-source" }));
  if (message.attachments?.length) {
    // A paper clip with the number of files, named in words for screen readers.
    badges.push(h("span", { class: "tag file-count", testid: "file-count", title: t("thread.files", { count: message.attachments.length }) }, h("span", { class: "clip", "aria-hidden": "true" }), h("span", { "aria-hidden": "true", text: String(message.attachments.length) }), h("span", { class: "visually-hidden", text: t("thread.files", { count: message.attachments.length }) })));
  }
  // A customer's or agent's message may leave for a thread of its own (not the thread's only one).
  if (message.author !== "system" && screen.detail().messages.filter((m) => m.author !== "system").length > 1) {
    badges.push(splitButton({ api: screen.api, current: screen.number, message, dialog: screen.splitAsk, flash: screen.flash, done: (answer) => (location.hash = `#/threads/${answer.thread.number}`) }));
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
    mailFiles({ api: screen.api, number: screen.number, message, flash: screen.flash }),
    attachmentList(message, screen),
    delivery(message, screen),
    notificationFailures(message),
    message.author === "customer" && (message.ip || message.user_agent)
      ? h("p", { class: "message-meta muted" }, message.ip ? h("span", { text: message.ip }) : null, message.user_agent ? h("span", { text: message.user_agent }) : null)
      : null,
  );
}

function attachmentList(message, screen) {
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
            on: { click: (event) => download(event.currentTarget, message, file, screen) },
          },
          h("span", { class: "clip", "aria-hidden": "true" }),
          h("span", { text: file.filename }),
          file.size ? h("span", { class: "muted", text: `(${Math.max(1, Math.round(file.size / 1024))} KB)` }) : null,
        ),
      ),
    ),
  );
}

async function download(button, message, file, screen) {
  button.disabled = true;
  try {
    const answer = await screen.api.get(`/v1/threads/${screen.number()}/attachments/${encodeURIComponent(message.id)}/${file.index}`);
    location.assign(answer.url); // a presigned URL sent as an attachment: the page stays
  } catch (error) {
    if (error.code !== "session_ended") screen.flash(messageFor(error), true);
  } finally {
    button.disabled = false;
  }
}

function delivery(message, screen) {
  const state = message.delivery?.state;
  if (message.author !== "agent" || !state || message.private) return null;
  // A bounce or a delay says what the receiving server said (status code and diagnostic: text, never markup).
  const { status, diagnostic } = message.delivery;
  const said = (state === "bounced" || state === "delayed") && (status || diagnostic);
  // A reply sent from the shop's connected account says which (the address: text, never markup).
  const from = state === "sent" && message.delivery.via === "smtp" && message.delivery.sent_from;
  const label = said
    ? h("span", { i18n: `delivery.${state}With`, params: { status: status || "", diagnostic: diagnostic || "" }, testid: "delivery-state" })
    : from
      ? h("span", { i18n: "delivery.sentFrom", params: { account: from }, testid: "delivery-state" })
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
        on: { click: (event) => retry(event.currentTarget, message, screen) },
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

async function retry(button, message, screen) {
  button.disabled = true;
  let answer = null;
  try {
    answer = await screen.api.post(`/v1/threads/${screen.number()}/replies/${encodeURIComponent(message.id)}/retry`, {});
    screen.flash(t("reply.sent"));
  } catch (error) {
    if (error.code === "session_ended") return;
    screen.flash(error.code === "reply_not_sent" ? t("reply.notSent") : messageFor(error), true);
  }
  await screen.show(answer);
}
