// #/: the list screen, top to bottom as in PrestaShop's Customer Service page (SPEC §5): a box per
// contact, the meaning of each status, statistics, the thread list, then (admins) the options.
// New threads appear without reloading: the dashboard and the list's first page are polled.

import { h, mount, loading, errorBox, keepingFocus } from "../dom.js";
import { pick, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";
import { valueNode } from "../format.js";
import { STATUSES, statusPill } from "../status.js";
import { threadList } from "./thread-list.js";
import { contactOptions, serviceOptions } from "./options.js";
import { teamOptions } from "./team-options.js";
import { abuseLimits } from "./abuse-limits.js";
import { mailboxOptions } from "./mailboxes.js";

const POLL_MS = 20_000;

export function deskScreen(container, _params, ctx) {
  const { api, me } = ctx;
  const boxes = h("div", { class: "boxes-area", testid: "boxes" });
  const stats = h("div", { class: "stats-area" });
  const list = threadList(ctx);
  const disposers = [list.dispose];
  const starters = [];

  mount(
    container,
    h(
      "section",
      { class: "screen desk", "aria-labelledby": "desk-title" },
      h("div", { class: "screen-head" }, h("div", {}, h("h1", { id: "desk-title", i18n: "desk.title" }), h("p", { class: "lead", i18n: "desk.intro" }))),
      h("div", { class: "desk-top" }, boxes, legend(), stats),
      list.element,
      me.is_admin ? h("div", { class: "options-area" }, ...adminOptions()) : null,
    ),
  );

  function adminOptions() {
    const contact = contactOptions(ctx);
    const mailboxes = mailboxOptions(ctx);
    // After a Run sync, the imported mail shows at once in the boxes and the list, and each mailbox's own result.
    const service = serviceOptions({ ...ctx, onSynced: () => Promise.all([loadDashboard(), list.refresh(), mailboxes.refresh()]) });
    const team = teamOptions(ctx);
    const limits = abuseLimits(ctx);
    disposers.push(contact.dispose, service.dispose, mailboxes.dispose, team.dispose, limits.dispose);
    starters.push(contact.start, service.start, mailboxes.start, team.start, limits.start);
    return [contact.element, team.element, limits.element, service.element, mailboxes.element];
  }

  let dashboard = null;
  let firstLoad = true;

  async function loadDashboard() {
    if (firstLoad) {
      mount(boxes, loading("boxes-loading"));
      mount(stats, loading("stats-loading"));
    }
    try {
      dashboard = await api.get("/v1/dashboard");
      list.setFormerContacts(dashboard.former_contacts || []); // a deleted contact stays a filter while threads carry it
      list.setAssignment(dashboard.assignment); // the counts of the views "Mine", "Unassigned", "Everyone's"
      firstLoad = false;
      keepingFocus(boxes, renderDashboard);
    } catch (error) {
      if (error.code === "session_ended" || !boxes.isConnected) return;
      if (!firstLoad) return; // a failed background refresh keeps what is shown
      mount(boxes, errorBox(messageFor(error), loadDashboard, "dashboard-error"));
      mount(stats);
    }
  }

  function renderDashboard() {
    mount(boxes, ...dashboard.boxes.map(contactBox));
    mount(stats, statistics(dashboard));
  }

  const stopListening = onLanguageChange(() => {
    if (dashboard) renderDashboard(); // contact names come per language
  });

  let timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (document.visibilityState === "visible") {
        await Promise.all([loadDashboard(), list.refresh()]);
      }
      if (boxes.isConnected) schedule();
    }, POLL_MS);
  }
  const onVisible = () => {
    if (document.visibilityState === "visible" && !firstLoad) {
      loadDashboard();
      list.refresh();
    }
  };
  document.addEventListener("visibilitychange", onVisible);

  loadDashboard();
  // What is below the list (filter choices, the admin's options) loads once the list is drawn.
  list.load().then(() => {
    if (!boxes.isConnected) return;
    list.loadChoices();
    for (const start of starters) start();
  });
  schedule();

  return {
    dispose() {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
      stopListening();
      for (const dispose of disposers) dispose();
    },
  };
}

function contactBox(box) {
  const name = pick(box.names);
  const count = box.open || 0;
  const link = box.oldest_open_thread
    ? h("a", { class: "box-link", href: `#/threads/${box.oldest_open_thread}`, testid: "box-link" }, h("span", { i18n: "desk.newMessages", params: { count } }))
    : h("span", { class: "box-none", i18n: "desk.noNewMessages", testid: "box-link" });
  return h(
    "article",
    { class: ["box", count ? "box-busy" : "box-quiet"], testid: "contact-box", "data-contact-id": box.contact_id },
    h("h2", { class: "box-name", text: name, testid: "box-name" }),
    h("p", { class: "box-count", testid: "box-count" }, valueNode(count)),
    link,
  );
}

function legend() {
  return h(
    "article",
    { class: "panel legend", "aria-labelledby": "legend-title", testid: "legend" },
    h("h2", { id: "legend-title", i18n: "desk.legend" }),
    h(
      "dl",
      {},
      STATUSES.map((status) => [h("dt", {}, statusPill(status, { testid: "legend-status" })), h("dd", { i18n: `status.${status}.meaning` })]),
    ),
  );
}

const FIGURES = [
  ["threads_total", "stats.threadsTotal"],
  ["threads_pending", "stats.threadsPending"],
  ["customer_messages", "stats.customerMessages"],
  ["agent_messages", "stats.agentMessages"],
  ["unread", "stats.unread"],
  ["closed", "stats.closed"],
];

function statistics(dashboard) {
  const figures = dashboard.statistics || {};
  const indicators = dashboard.indicators || {};
  const figure = (label, node, testid) => h("div", { class: "figure", testid }, h("dt", { i18n: label }), h("dd", {}, node));
  return h(
    "article",
    { class: "panel stats", "aria-labelledby": "stats-title", testid: "statistics" },
    h("h2", { id: "stats-title", i18n: "desk.statistics" }),
    h("dl", { class: "figures" }, FIGURES.map(([key, label]) => figure(label, valueNode(figures[key] ?? 0), `stat-${key}`))),
    h("h3", { i18n: "desk.indicators" }),
    h(
      "dl",
      { class: "figures indicators" },
      figure("stats.pendingDiscussions", valueNode(indicators.pending_discussions ?? 0), "indicator-pending"),
      figure("stats.responseTime", valueNode(indicators.average_response_seconds, "duration"), "indicator-response"),
      figure("stats.perClosed", valueNode(indicators.messages_per_closed_thread, "number", { "data-digits": "1" }), "indicator-per-closed"),
    ),
    agentLoad(dashboard.assignment),
  );
}

/** Each agent's threads that are not closed, by display name (from the counter items). */
function agentLoad(assignment) {
  const loads = assignment?.agents || [];
  return h(
    "div",
    { class: "agent-load", testid: "agent-load" },
    h("h3", { i18n: "desk.agentsOpen" }),
    loads.length
      ? h(
          "dl",
          { class: "figures" },
          loads.map((load) => h("div", { class: "figure", testid: "agent-load-row", "data-sub": load.sub }, h("dt", { text: load.name || "–", testid: "agent-load-name" }), h("dd", { testid: "agent-load-count" }, valueNode(load.active)))),
        )
      : h("p", { class: "muted", i18n: "desk.noAgentsOpen", testid: "agent-load-empty" }),
  );
}
