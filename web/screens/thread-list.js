// The thread list of the list screen: the views "Mine", "Unassigned" and "Everyone's" with their
// counts (from the dashboard's counter items, never counted here), filters, search, newest first,
// cursor pagination, bulk delete and status change, unread rows marked. The employee filter and
// column mean the assignee. Every customer text goes in as text.

import { h, mount, loading, errorBox, keepingFocus, confirmDialog } from "../dom.js";
import { t, pick, LANGUAGES, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode } from "../format.js";
import { STATUSES, statusPill } from "../status.js";

const PAGE_SIZE = 25;
const UNASSIGNED = "-"; // the list's `agent` value for threads no one owns
const NOT_CLOSED = "active"; // the list's `status` value for every thread not handled yet (what the views count)

export function threadList(ctx) {
  const { api } = ctx;
  const mySub = ctx.me?.sub || "";
  let filters = {};
  let cursors = [null]; // cursors[i] fetches page i
  let page = 0;
  let nextCursor = null;
  let threads = [];
  const selected = new Set();
  let contacts = [];
  let formerContacts = []; // deleted contacts that threads still carry (from the dashboard)
  let agents = [];
  let assignment = null; // the dashboard's counts per view: { everyone, unassigned, agents: [{ sub, name, active }] }
  let loaded = false;
  let loadCount = 0;

  const status = h("p", { class: "status", role: "status", testid: "list-status" });
  // The sort the list is in, as the filters chose it (updated with them, re-translated with the page).
  const sortNote = h("span", { class: "muted sort-note", i18n: "list.newestFirst", testid: "sort-note" });
  const body = h("div", { class: "list-body", "aria-live": "polite" });
  const pager = h("nav", { class: "pager", "aria-label": t("list.pages"), i18nAttrs: { "aria-label": "list.pages" } });
  const contactSelect = h("select", { name: "contact", testid: "filter-contact" }, h("option", { value: "", i18n: "list.allContacts" }));
  const agentSelect = h("select", { name: "agent", testid: "filter-agent" }, agentChoices());
  // The views: each sets the employee (assignee) filter and shows what is not handled yet (what
  // their counts count); the one matching the filters is pressed.
  const VIEWS = [
    ["mine", "list.mine", () => mySub],
    ["unassigned", "list.unassigned", () => UNASSIGNED],
    ["everyone", "list.everyone", () => ""],
  ];
  const viewButtons = VIEWS.map(([name, key, value]) =>
    h(
      "button",
      { type: "button", class: "button small view-button", testid: `view-${name}`, "aria-pressed": "false", on: { click: () => chooseView(value()) } },
      h("span", { i18n: key }),
      " ",
      h("span", { class: "view-count", testid: "view-count", text: "–" }),
    ),
  );
  const views = h("div", { class: "list-views", role: "group", "aria-label": t("list.views"), i18nAttrs: { "aria-label": "list.views" }, testid: "list-views" }, viewButtons);
  const tagSelect = h("select", { name: "tag", testid: "filter-tag" }, h("option", { value: "", i18n: "list.allTags" }));
  let tags = [];
  const filterForm = h(
    "form",
    { class: "filters", role: "search", testid: "filters" },
    labelled("list.search", h("input", { type: "search", name: "q", testid: "filter-q", autocomplete: "off", i18nAttrs: { placeholder: "list.searchHint" } }), "filter-search"),
    labelled(
      "list.colStatus",
      h("select", { name: "status", testid: "filter-status" }, h("option", { value: "", i18n: "list.allStatuses" }), h("option", { value: NOT_CLOSED, i18n: "list.notClosed" }), STATUSES.map((s) => h("option", { value: s, i18n: `status.${s}` }))),
    ),
    labelled("list.colContact", contactSelect),
    labelled(
      "list.colLanguage",
      h("select", { name: "language", testid: "filter-language" }, h("option", { value: "", i18n: "list.allLanguages" }), LANGUAGES.map((l) => h("option", { value: l.code, i18n: `lang.${l.code}` }))),
    ),
    labelled("list.colAgent", agentSelect),
    labelled("list.tag", tagSelect),
    labelled("list.from", h("input", { type: "date", name: "from", testid: "filter-from" })),
    labelled("list.to", h("input", { type: "date", name: "to", testid: "filter-to" })),
    labelled(
      "list.sort",
      // newest first is the default and sends nothing; oldest first sends order=oldest
      h("select", { name: "order", testid: "filter-order" }, h("option", { value: "", i18n: "list.newestFirst" }), h("option", { value: "oldest", i18n: "list.oldestFirst" })),
    ),
    h(
      "div",
      { class: "filter-checks" },
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "unread", testid: "filter-unread" }), h("span", { i18n: "list.onlyUnread" })),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "private", testid: "filter-private" }), h("span", { i18n: "list.onlyPrivate" })),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "spam", testid: "filter-spam" }), h("span", { i18n: "list.onlySpam" })),
    ),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { type: "submit", class: "button primary", i18n: "list.apply", testid: "filter-apply" }),
      h("button", { type: "reset", class: "button ghost", i18n: "list.reset", testid: "filter-reset" }),
    ),
  );
  filterForm.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilters();
  });
  filterForm.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT" || event.target.type === "checkbox" || event.target.type === "date") applyFilters();
  });
  filterForm.addEventListener("reset", () => setTimeout(applyFilters));

  const bulkStatus = h("select", { testid: "bulk-status", i18nAttrs: { "aria-label": "bulk.newStatus" } }, STATUSES.map((s) => h("option", { value: s, i18n: `status.${s}` })));
  const bulkCount = h("span", { class: "bulk-count", testid: "bulk-count" });
  const bulkBar = h(
    "div",
    { class: "bulk", testid: "bulk-bar", hidden: true },
    bulkCount,
    h("span", { class: "bulk-group" }, bulkStatus, h("button", { type: "button", class: "button small", i18n: "bulk.setStatus", testid: "bulk-apply-status", on: { click: () => bulk("status") } })),
    h("button", { type: "button", class: "button small danger-outline", i18n: "bulk.delete", testid: "bulk-delete", on: { click: () => bulk("delete") } }),
  );
  const dialog = confirm();

  const element = h(
    "section",
    { class: "panel threads", "aria-labelledby": "threads-title", testid: "thread-list" },
    h("div", { class: "panel-head" }, h("h2", { id: "threads-title", i18n: "list.title" }), sortNote),
    views,
    filterForm,
    bulkBar,
    status,
    body,
    pager,
    dialog.element,
  );

  function readFilters() {
    const data = new FormData(filterForm);
    const result = {};
    for (const [key, value] of data.entries()) {
      const text = String(value).trim();
      if (!text) continue;
      result[key] = key === "unread" || key === "private" || key === "spam" ? "true" : text;
    }
    return result;
  }

  function chooseView(value) {
    keepChoice(value);
    filterForm.elements.status.value = NOT_CLOSED;
    applyFilters();
  }

  /** Selects `value` in the employee filter, even before the team is loaded (or if the team list
   * could not be read): the signed-in agent is always a choice. */
  function keepChoice(value) {
    if (value && ![...agentSelect.options].some((option) => option.value === value)) {
      agentSelect.append(h("option", { value, text: value === mySub ? ctx.me?.name || ctx.me?.username || value : value }));
    }
    agentSelect.value = value;
  }

  function agentChoices() {
    return [h("option", { value: "", i18n: "list.allAgents" }), h("option", { value: UNASSIGNED, i18n: "list.unassigned" })];
  }

  /** The views' counts, and which view the employee filter is on (none when it names a colleague). */
  function renderViews() {
    const current = filterForm.elements.status.value === NOT_CLOSED ? agentSelect.value : null;
    const counts = assignment
      ? [(assignment.agents || []).find((a) => a.sub === mySub)?.active ?? 0, assignment.unassigned ?? 0, assignment.everyone ?? 0]
      : [null, null, null];
    viewButtons.forEach((button, index) => {
      button.setAttribute("aria-pressed", String(current === VIEWS[index][2]()));
      button.querySelector(".view-count").textContent = counts[index] === null ? "–" : String(counts[index]);
    });
  }

  function applyFilters() {
    filters = readFilters();
    renderViews();
    sortNote.dataset.i18n = filters.order === "oldest" ? "list.oldestFirst" : "list.newestFirst";
    sortNote.textContent = t(sortNote.dataset.i18n);
    cursors = [null];
    page = 0;
    selected.clear();
    load();
  }

  function query(cursor) {
    const params = new URLSearchParams({ ...filters, limit: String(PAGE_SIZE) });
    if (cursor) params.set("cursor", cursor);
    return `/v1/threads?${params}`;
  }

  async function loadChoices() {
    try {
      const [contactAnswer, agentAnswer, tagAnswer] = await Promise.all([
        api.get("/v1/contacts"),
        api.get("/v1/agents").catch(() => ({ agents: [] })),
        api.get("/v1/tags").catch(() => ({ tags: [] })),
      ]);
      contacts = contactAnswer.contacts || [];
      agents = agentAnswer.agents || [];
      tags = tagAnswer.tags || [];
      fillChoices();
    } catch {
      // the filters still work by typing; the list itself reports errors
    }
  }

  function fillChoices() {
    const keepContact = contactSelect.value;
    const former = formerContacts.filter((f) => !contacts.some((c) => c.id === f.contact_id));
    contactSelect.replaceChildren(
      h("option", { value: "", i18n: "list.allContacts" }),
      ...contacts.map((c) => h("option", { value: c.id, text: pick(c.names) })),
      ...former.map((f) => h("option", { value: f.contact_id, text: t("list.deletedContact", { name: pick(f.names) || f.contact_id }), testid: "filter-contact-deleted" })),
    );
    contactSelect.value = keepContact;
    const keepAgent = agentSelect.value;
    // The assignee by display name (the value is the Cognito sub, as the list's `agent` parameter).
    agentSelect.replaceChildren(...agentChoices(), ...agents.map((a) => h("option", { value: a.sub, text: a.name || a.email })));
    keepChoice(keepAgent);
    renderViews();
    const keepTag = tagSelect.value;
    tagSelect.replaceChildren(h("option", { value: "", i18n: "list.allTags" }), ...tags.map((use) => h("option", { value: use.tag, text: t("tags.count", { tag: use.tag, count: use.threads }) })));
    tagSelect.value = keepTag;
  }

  /** Loads the current page; `quiet` (background refresh) keeps the table while it waits. */
  async function load(quiet = false) {
    const mine = ++loadCount; // only the latest request may draw: filters change faster than answers come
    if (!quiet) mount(body, loading("list-loading"));
    try {
      const answer = await api.get(query(cursors[page]));
      if (mine !== loadCount) return;
      threads = answer.threads || [];
      nextCursor = answer.next_cursor || null;
      loaded = true;
      keepingFocus(body, render);
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected || quiet || mine !== loadCount) return;
      mount(body, errorBox(messageFor(error), () => load(), "list-error"));
      mount(pager);
    }
  }

  function render() {
    for (const number of [...selected]) if (!threads.some((thread) => thread.number === number)) selected.delete(number);
    updateBulk();
    if (threads.length === 0) {
      mount(body, h("p", { class: "empty", i18n: Object.keys(filters).length ? "list.noMatch" : "list.empty", testid: "list-empty" }));
    } else {
      const all = h("input", {
        type: "checkbox",
        testid: "select-all",
        i18nAttrs: { "aria-label": "bulk.selectAll" },
        checked: threads.every((thread) => selected.has(thread.number)),
        on: {
          change: (event) => {
            for (const thread of threads) event.target.checked ? selected.add(thread.number) : selected.delete(thread.number);
            for (const box of body.querySelectorAll("[data-testid=select-thread]")) box.checked = event.target.checked;
            updateBulk();
          },
        },
      });
      const columns = ["colNumber", "colCustomer", "colEmail", "colContact", "colLanguage", "colStatus", "colAgent", "colMessages", "colPrivate", "colLast"];
      mount(
        body,
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "threads-table", testid: "threads-table" },
            h("thead", {}, h("tr", {}, h("th", { class: "col-select" }, all), columns.map((key) => h("th", { scope: "col", class: `th-${key}`, i18n: `list.${key}` })))),
            h("tbody", {}, threads.map(row)),
          ),
        ),
      );
    }
    renderPager();
  }

  function row(thread) {
    const href = `#/threads/${thread.number}`;
    const name = thread.customer_name || "";
    const cell = (key, ...content) => h("td", { class: `td-${key}`, "data-label": t(`list.${key}`) }, ...content);
    const tr = h(
      "tr",
      { class: ["thread-row", thread.unread && "unread", `row-${thread.status}`], testid: "thread-row", "data-number": thread.number },
      h(
        "td",
        { class: "col-select" },
        h("input", {
          type: "checkbox",
          testid: "select-thread",
          value: String(thread.number),
          checked: selected.has(thread.number),
          "aria-label": t("bulk.selectThread", { number: thread.number }),
          on: {
            change: (event) => {
              event.target.checked ? selected.add(thread.number) : selected.delete(thread.number);
              updateBulk();
            },
          },
        }),
      ),
      cell(
        "colNumber",
        h("a", { href, class: "thread-link", testid: "thread-link", text: `#${thread.number}` }),
        thread.unread ? h("span", { class: "unread-dot", testid: "unread-mark", title: t("list.unread") }, h("span", { class: "visually-hidden", i18n: "list.unread" })) : null,
      ),
      cell(
        "colCustomer",
        h("span", { class: "customer-name", text: name, testid: "thread-customer" }),
        thread.spam ? h("span", { class: "tag tag-spam", i18n: "list.spam" }) : null,
        (thread.tags || []).map((tag) => h("span", { class: "tag tag-label", text: tag, testid: "thread-tag" })),
      ),
      cell("colEmail", h("span", { class: "email", text: thread.email || "", title: thread.email || "", testid: "thread-email" })),
      cell("colContact", h("span", { text: pick(thread.contact_names), testid: "thread-contact" })),
      cell("colLanguage", h("span", { class: "lang-code", text: (thread.language || "").toUpperCase(), title: t(`lang.${thread.language}`), testid: "thread-language" })),
      cell("colStatus", statusPill(thread.status, { testid: "thread-status" })),
      cell("colAgent", h("span", { text: thread.assignee?.name || "–", title: thread.assignee?.name || "", testid: "thread-agent" })),
      cell(
        "colMessages",
        h("span", { class: "preview", text: thread.preview || "", testid: "thread-preview" }),
        h("span", { class: "counts muted", text: `${thread.customer_messages ?? 0} / ${thread.agent_messages ?? 0}`, title: t("list.countsHint") }),
      ),
      cell("colPrivate", thread.private ? h("span", { class: "tag tag-private", i18n: "list.private", testid: "thread-private" }) : h("span", { class: "muted", text: "–" })),
      cell("colLast", dateNode(thread.last_message_at, "short", { testid: "thread-date" })),
    );
    tr.addEventListener("click", (event) => {
      if (event.target.closest("a, input, button, label")) return;
      location.hash = href;
    });
    return tr;
  }

  function renderPager() {
    const previous = h("button", { type: "button", class: "button small", i18n: "list.previous", testid: "page-previous", disabled: page === 0, on: { click: () => go(page - 1) } });
    const next = h("button", { type: "button", class: "button small", i18n: "list.next", testid: "page-next", disabled: !nextCursor, on: { click: () => go(page + 1) } });
    const where = h("span", { class: "muted", i18n: "list.page", params: { page: page + 1 }, testid: "page-number" });
    // Which threads are shown, and whether more follow: a count without counting the whole list.
    const first = page * PAGE_SIZE + 1;
    const shown = threads.length
      ? h("span", { class: "muted result-count", testid: "result-count" }, h("span", { i18n: "list.shown", params: { from: first, to: first + threads.length - 1 } }), nextCursor ? h("span", {}, ", ", h("span", { i18n: "list.more", testid: "result-more" })) : null)
      : null;
    mount(pager, shown, previous, where, next);
  }

  function go(target) {
    if (target > page) cursors[target] = nextCursor;
    page = target;
    selected.clear();
    load().then(() => body.querySelector("a.thread-link")?.focus());
  }

  function updateBulk() {
    bulkBar.hidden = selected.size === 0;
    bulkCount.textContent = t("bulk.selected", { count: selected.size });
  }

  async function bulk(action) {
    const numbers = [...selected];
    if (!numbers.length) return;
    if (action === "delete" && !(await dialog.ask(numbers))) return;
    const body_ = { action, numbers };
    if (action === "status") body_.status = bulkStatus.value;
    status.textContent = "";
    try {
      const answer = await api.post("/v1/threads/bulk", body_);
      const failed = answer.failed || [];
      status.textContent = t(action === "delete" ? "bulk.deleted" : "bulk.changed", { count: (answer.done || []).length }) + (failed.length ? ` ${t("bulk.failed", { count: failed.length })}` : "");
      selected.clear();
      await load(true);
    } catch (error) {
      if (error.code === "session_ended") return;
      status.textContent = messageFor(error);
    }
  }

  const stopListening = onLanguageChange(() => {
    if (loaded) {
      fillChoices();
      render();
    }
    updateBulk();
  });

  return {
    element,
    load: () => load(),
    loadChoices,
    /** The dashboard's assignment counts, shown on the views. */
    setAssignment(counts) {
      assignment = counts || null;
      renderViews();
    },
    setFormerContacts(former) {
      formerContacts = former;
      fillChoices();
    },
    /** A background refresh: only on the first page, so paging is not disturbed. */
    refresh: () => (page === 0 && loaded ? load(true) : Promise.resolve()),
    dispose() {
      stopListening();
      dialog.close();
    },
  };
}

function labelled(key, control, extraClass) {
  return h("label", { class: ["filter", extraClass] }, h("span", { class: "filter-label", i18n: key }), control);
}

function confirm() {
  const text = h("p", { testid: "bulk-confirm-text" });
  return confirmDialog({
    testid: "bulk-confirm",
    titleKey: "bulk.confirmTitle",
    content: [text],
    confirmKey: "bulk.delete",
    confirmTestid: "bulk-confirm-delete",
    cancelTestid: "bulk-confirm-cancel",
    // Speaks of the threads chosen, by number (never "this thread").
    prepare(numbers) {
      text.textContent = t("bulk.confirmText", { count: numbers.length, numbers: numbers.map((n) => `#${n}`).join(", ") });
    },
  });
}
