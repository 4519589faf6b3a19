// The thread screen's team parts: who owns the thread (take, hand over with a note,
// release), who else is on it (presence, from the thread view), and the reply refused because
// someone wrote since (409 reply_outdated) with "Send anyway" / "Revise". Names only as text.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";

/** The display name of a team member by e-mail (the agents list), else the address itself. */
export function nameOf(agents, email) {
  const found = (agents || []).find((agent) => agent.email === (email || "").toLowerCase());
  return (found && found.name) || email || "";
}

/** "Lia is writing a reply" lines: the other agents on the thread now. */
export function presenceLine(presence) {
  return h(
    "ul",
    { class: "presence", testid: "presence", "aria-live": "polite" },
    (presence || []).map((p) => h("li", { class: ["tag", `presence-${p.state}`], testid: "presence-entry", "data-state": p.state, i18n: `presence.${p.state}`, params: { name: p.name } })),
  );
}

/** The owner panel: the owner's name, Take / Release, and "hand over to" a colleague with a note. */
export function ownerPanel({ thread, me, agents, api, onAnswer }) {
  const owner = thread.assignee;
  const mineNow = owner && owner.sub === me.sub;
  const status = h("p", { class: "status", role: "status", testid: "owner-status" });
  const put = async (body, doneText) => {
    try {
      const answer = await api.put(`/v1/threads/${thread.number}/assignee`, body);
      await onAnswer(answer);
      return doneText(answer);
    } catch (error) {
      if (error.code === "session_ended") return null;
      status.classList.add("status-error");
      status.textContent = messageFor(error);
      return null;
    }
  };
  const announce = (text) => {
    if (text) document.querySelector("[data-testid=thread-flash]")?.replaceChildren(text);
  };
  const take = h("button", { type: "button", class: "button small primary", i18n: "owner.take", testid: "owner-take", on: { click: async () => announce(await put({ assignee: me.sub }, () => t("owner.taken"))) } });
  const release = h("button", { type: "button", class: "button small", i18n: "owner.release", testid: "owner-release", on: { click: async () => announce(await put({ assignee: null }, () => t("owner.released"))) } });
  const select = h("select", { id: "owner-to", testid: "owner-to" }, h("option", { value: "", i18n: "owner.handTo" }));
  for (const agent of agents || []) if (agent.sub && agent.sub !== me.sub && agent.sub !== owner?.sub) select.append(h("option", { value: agent.sub, text: agent.name || agent.email }));
  const note = h("textarea", { id: "owner-note", rows: 2, testid: "owner-note" });
  const hand = h("form", { class: "owner-form", novalidate: true, testid: "owner-form" },
    h("div", { class: "field" }, h("label", { for: "owner-to", i18n: "owner.handTo" }), select),
    h("div", { class: "field" }, h("label", { for: "owner-note", i18n: "owner.note" }), note),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button small", i18n: "owner.hand", testid: "owner-hand" })),
  );
  hand.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!select.value) return select.focus();
    const text = await put({ assignee: select.value, note: note.value.trim() }, (answer) => t("owner.handed", { name: answer.thread.assignee?.name || "" }));
    if (text) note.value = "";
    announce(text);
  });
  const canTake = !mineNow && (!owner || me.is_admin);
  const canRelease = owner && (mineNow || me.is_admin);
  const canHand = !owner || mineNow || me.is_admin;
  return h(
    "section",
    { class: "panel owner", "aria-labelledby": "owner-title", testid: "owner-panel" },
    h("h2", { id: "owner-title", i18n: "owner.title" }),
    h("p", {}, owner ? h("strong", { text: owner.name, testid: "owner-name" }) : h("span", { class: "muted", i18n: "owner.none", testid: "owner-name" })),
    h("div", { class: "form-actions" }, canTake ? take : null, canRelease ? release : null),
    canHand ? hand : null,
    status,
  );
}

/** The refused send: what was written since, and "Send anyway" / "Revise". */
export function outdatedBox(newMessages, agents, { onSendAnyway, onRevise }) {
  return h(
    "div",
    { class: "notice notice-warning", role: "alert", testid: "reply-outdated" },
    h("p", { i18n: "reply.outdated" }),
    h(
      "ul",
      {},
      newMessages.map((m) => h("li", { testid: "outdated-message" }, h("strong", { text: m.author === "customer" ? "" : nameOf(agents, m.agent) }), " ", h("span", { text: m.new_text || m.text || "" }))),
    ),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "button", class: "button primary", i18n: "reply.sendAnyway", testid: "reply-send-anyway", on: { click: onSendAnyway } }),
      h("button", { type: "button", class: "button", i18n: "reply.revise", testid: "reply-revise", on: { click: onRevise } }),
    ),
  );
}
