// The admins' "Mailboxes" panel: every mailbox the sync reads, each with its own last
// sync (state, figures, its own errors), Test, Pause/Resume and Remove; and a form to add one
// (its password goes to its own secret and is never shown again). Customer-written text (the
// mailbox names, server errors) is only ever set as text.
// Gmail and Microsoft 365 mailboxes connect by OAuth2: "Connect with Google / Microsoft"
// asks the API for the provider's sign-in page and goes there; the provider comes back through the
// API's callback to this page with ?oauth2=<outcome>, shown once. A refused grant shows
// "Needs reconnecting" and a Reconnect button on that mailbox.

import { h, mount, loading, errorBox, confirmDialog } from "../dom.js";
import { t, pick, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode, valueNode } from "../format.js";
import { mailboxEditForm, privateNetworkField } from "./mailbox-edit.js";

function field(name, key, control) {
  control.id = `mbx-${name}`;
  control.name = name;
  return h("div", { class: "field" }, h("label", { for: control.id, i18n: key }), control);
}

function securitySelect() {
  return h(
    "select",
    { testid: "mbx-security" },
    h("option", { value: "tls", i18n: "options.securityTls" }),
    h("option", { value: "starttls", i18n: "options.securityStarttls" }),
    h("option", { value: "none", i18n: "options.securityNone" }),
  );
}

const PROVIDERS = [
  ["google", "mailboxes.connectGoogle", "Google"],
  ["microsoft", "mailboxes.connectMicrosoft", "Microsoft"],
];
const PROVIDER_NAMES = Object.fromEntries(PROVIDERS.map(([id, , name]) => [id, name]));

/** The outcome the OAuth2 callback sent the browser back with, read once and dropped from the address. */
function takeOAuthOutcome() {
  const params = new URLSearchParams(location.search);
  const outcome = params.get("oauth2");
  if (!outcome) return null;
  history.replaceState(null, "", location.pathname + location.hash);
  return ["connected", "denied", "failed"].includes(outcome) ? outcome : "failed";
}

export function mailboxOptions(ctx) {
  const { api } = ctx;
  const list = h("div", { testid: "mailbox-list" }, loading("mailboxes-loading"));
  const formArea = h("div", {});
  const oauthArea = h("div", {});
  const outcomeLine = h("p", { class: "status", role: "status", testid: "mailbox-oauth-outcome" });
  const element = h(
    "section",
    { class: "panel options", "aria-labelledby": "mailboxes-title", testid: "mailboxes" },
    h("h2", { id: "mailboxes-title", i18n: "mailboxes.title" }),
    h("p", { class: "muted", i18n: "mailboxes.intro" }),
    outcomeLine,
    list,
    oauthArea,
    formArea,
  );
  let contacts = [];
  const removal = confirmDialog({
    testid: "mailbox-remove-dialog",
    titleKey: "mailboxes.removeTitle",
    content: [h("p", { i18n: "mailboxes.removeText" })],
    confirmKey: "mailboxes.remove",
    confirmTestid: "mailbox-remove-confirm",
    cancelTestid: "mailbox-remove-cancel",
  });
  element.append(removal.element);

  function contactName(id) {
    const contact = contacts.find((c) => c.id === id);
    return contact ? pick(contact.names || {}) || contact.id : id;
  }

  async function refresh() {
    let answer;
    try {
      answer = await api.get("/v1/mailboxes");
    } catch (error) {
      if (error.code === "session_ended" || !list.isConnected) return;
      mount(list, errorBox(messageFor(error), refresh, "mailboxes-error"));
      return;
    }
    const boxes = answer.mailboxes || [];
    mount(list, boxes.length ? h("ul", { class: "mailbox-rows" }, boxes.map(row)) : h("p", { class: "muted", i18n: "mailboxes.none", testid: "mailboxes-none" }));
  }

  function row(box) {
    const sync = box.sync || {};
    const state = sync.state || "never";
    const line = h("p", { class: "status", role: "status", testid: "mailbox-line" });
    const editArea = h("div", {});
    const errors = sync.errors || [];
    const figures = ["imported", "new_threads", "skipped", "failed"].map((key) =>
      h("div", { class: "figure", testid: `mailbox-${key}` }, h("dt", { i18n: `sync.${key}` }), h("dd", {}, valueNode(sync[key] ?? 0))),
    );
    return h(
      "li",
      { class: ["mailbox-row", `sync-${state}`], testid: "mailbox", "data-mailbox-id": box.id },
      h(
        "div",
        { class: "mailbox-head" },
        h("strong", { text: box.name || box.user, testid: "mailbox-name" }),
        " ",
        h("span", { class: "muted", text: `${box.user}@${box.host} · ${box.folder}` }),
        box.auth === "oauth2" ? [" ", h("span", { class: "muted", i18n: "mailboxes.signedInWith", params: { provider: PROVIDER_NAMES[box.provider] || box.provider }, testid: "mailbox-provider" })] : null,
        box.needs_reconnect ? [" ", h("span", { class: "badge status-error", i18n: "mailboxes.needsReconnect", testid: "mailbox-needs-reconnect" })] : null,
        box.send_replies ? [" ", h("span", { class: "badge", i18n: "mailboxes.sendsReplies", testid: "mailbox-sends-replies" })] : null,
        box.private_network ? [" ", h("span", { class: "badge", i18n: "mailboxes.privateNetworkBy", params: { who: box.private_network_set_by || "?" }, testid: "mailbox-private-network" })] : null,
      ),
      h(
        "dl",
        { class: "figures sync-figures" },
        h("div", { class: "figure" }, h("dt", { i18n: "sync.state" }), h("dd", {}, h("span", { class: ["sync-state", `sync-${state}`], i18n: `sync.state.${state}`, testid: "mailbox-state" }))),
        sync.last_run_at ? h("div", { class: "figure" }, h("dt", { i18n: "sync.lastRun" }), h("dd", {}, dateNode(sync.last_run_at))) : null,
        h("div", { class: "figure" }, h("dt", { i18n: "mailboxes.contact" }), h("dd", box.contact_id ? { text: contactName(box.contact_id), "data-contact-id": box.contact_id, testid: "mailbox-contact" } : { i18n: "mailboxes.byRecipient", testid: "mailbox-contact" })),
        state === "never" ? null : figures,
      ),
      errors.length
        ? h("ul", { class: "sync-errors", testid: "mailbox-errors" }, errors.map((e) => h("li", {}, dateNode(e.at), " ", h("code", { text: e.code || "" }), " ", h("span", { text: e.message || "" }))))
        : null,
      h(
        "div",
        { class: "form-actions" },
        box.auth === "oauth2"
          ? h("button", {
              type: "button",
              class: box.needs_reconnect ? "button primary" : "button",
              i18n: "mailboxes.reconnect",
              testid: "mailbox-reconnect",
              on: { click: (event) => connect({ provider: box.provider, mailbox_id: box.id }, event.currentTarget, line) },
            })
          : null,
        h("button", { type: "button", class: "button", i18n: "options.testConnection", testid: "mailbox-test", on: { click: (event) => test(box, event.currentTarget, line) } }),
        h("button", { type: "button", class: "button", i18n: "mailboxes.edit", testid: "mailbox-edit", "aria-expanded": "false", on: { click: (event) => edit(box, event.currentTarget, editArea) } }),
        h("button", {
          type: "button",
          class: "button",
          i18n: box.paused ? "mailboxes.resume" : "mailboxes.pause",
          testid: "mailbox-pause",
          on: { click: (event) => change(box, { paused: !box.paused }, event.currentTarget, line) },
        }),
        h("button", { type: "button", class: "button danger", i18n: "mailboxes.remove", testid: "mailbox-remove", on: { click: () => remove(box, line) } }),
      ),
      line,
      editArea,
    );
  }

  function failed(line, error) {
    if (error.code === "session_ended") return;
    delete line.dataset.i18n;
    line.classList.add("status-error");
    line.textContent = [messageFor(error), ...(error.fields || []).map((f) => f.message)].filter(Boolean).join(" ");
  }

  async function test(box, button, line) {
    button.disabled = true;
    delete line.dataset.i18n;
    line.classList.remove("status-error", "status-ok");
    line.textContent = t("options.testing");
    try {
      const answer = await api.post(`/v1/mailboxes/${encodeURIComponent(box.id)}/test`, {});
      line.classList.add(answer.ok ? "status-ok" : "status-error");
      line.textContent = answer.ok ? t("options.connectionOk") : [t("options.connectionFailed"), answer.message].filter(Boolean).join(" ");
    } catch (error) {
      failed(line, error);
    } finally {
      button.disabled = false;
    }
  }

  async function change(box, fields, button, line) {
    button.disabled = true;
    try {
      await api.patch(`/v1/mailboxes/${encodeURIComponent(box.id)}`, fields);
      await refresh();
    } catch (error) {
      failed(line, error);
      button.disabled = false;
    }
  }

  /** Opens (or closes) the mailbox's edit form under its row; saving refreshes the list. */
  function edit(box, button, area) {
    const close = () => {
      area.replaceChildren();
      button.setAttribute("aria-expanded", "false");
      button.focus();
    };
    if (area.firstChild) return close();
    const save = async (fields) => {
      await api.patch(`/v1/mailboxes/${encodeURIComponent(box.id)}`, fields);
      await refresh();
      const saved = [...list.querySelectorAll('[data-testid="mailbox"]')].find((node) => node.dataset.mailboxId === box.id);
      const line = saved?.querySelector('[data-testid="mailbox-line"]');
      if (line) {
        line.classList.add("status-ok");
        line.dataset.i18n = "mailboxes.saved";
        line.textContent = t("mailboxes.saved");
      }
    };
    const form = mailboxEditForm(box, { contacts, save, close });
    mount(area, form);
    button.setAttribute("aria-expanded", "true");
    form.elements.name.focus();
  }

  async function remove(box, line) {
    if (!(await removal.ask())) return;
    try {
      await api.delete(`/v1/mailboxes/${encodeURIComponent(box.id)}`);
      await refresh();
    } catch (error) {
      failed(line, error);
    }
  }

  /** Asks the API for the provider's sign-in page (PKCE and a signed state) and goes there. */
  async function connect(body, button, line) {
    button.disabled = true;
    line.classList.remove("status-error", "status-ok");
    line.textContent = t("mailboxes.connecting");
    try {
      const answer = await api.post("/v1/mailboxes/oauth2", body);
      location.assign(answer.authorize_url);
    } catch (error) {
      failed(line, error);
      button.disabled = false;
    }
  }

  function connectForm() {
    const status = h("p", { class: "status", role: "status", testid: "mailbox-connect-status" });
    const contactSelect = h(
      "select",
      { testid: "oauth-contact" },
      h("option", { value: "", i18n: "mailboxes.byRecipient" }),
      contacts.map((c) => h("option", { value: c.id, text: contactName(c.id), "data-contact-id": c.id })),
    );
    const control = (name, key, input) => {
      input.id = `oauth-${name}`;
      input.name = name;
      return h("div", { class: "field" }, h("label", { for: input.id, i18n: key }), input);
    };
    const form = h(
      "form",
      { class: "options-form", novalidate: true, testid: "mailbox-connect-form" },
      h("h3", { i18n: "mailboxes.connectTitle" }),
      h("p", { class: "muted", i18n: "mailboxes.connectIntro" }),
      h(
        "div",
        { class: "grid-2" },
        control("user", "mailboxes.account", h("input", { type: "email", autocomplete: "off", spellcheck: "false", testid: "oauth-user" })),
        control("contact", "mailboxes.contact", contactSelect),
      ),
      h(
        "details",
        { testid: "oauth-other-server" },
        h("summary", { i18n: "mailboxes.otherServer" }),
        h(
          "div",
          { class: "grid-2" },
          control("host", "options.host", h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: "oauth-host" })),
          control("port", "options.port", h("input", { type: "number", min: "1", max: "65535", testid: "oauth-port" })),
          control("security", "options.security", h(
            "select",
            { testid: "oauth-security" },
            h("option", { value: "tls", i18n: "options.securityTls" }),
            h("option", { value: "starttls", i18n: "options.securityStarttls" }),
            h("option", { value: "none", i18n: "options.securityNone" }),
          )),
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        PROVIDERS.map(([provider, key]) =>
          h("button", { type: "button", class: "button", i18n: key, testid: `mailbox-connect-${provider}`, on: { click: (event) => submit(provider, event.currentTarget) } }),
        ),
      ),
      status,
    );
    function submit(provider, button) {
      const f = form.elements;
      const body = { provider, user: f.user.value.trim(), contact_id: f.contact.value || null };
      if (f.host.value.trim()) {
        body.host = f.host.value.trim();
        body.security = f.security.value;
      }
      if (f.port.value) body.port = Number(f.port.value);
      connect(body, button, status);
    }
    return form;
  }

  function addForm() {
    const status = h("p", { class: "status", role: "status", testid: "mailbox-add-status" });
    const submit = h("button", { type: "submit", class: "button primary", i18n: "mailboxes.add", testid: "mailbox-add" });
    const contactSelect = h(
      "select",
      { testid: "mbx-contact" },
      h("option", { value: "", i18n: "mailboxes.byRecipient" }),
      contacts.map((c) => h("option", { value: c.id, text: contactName(c.id), "data-contact-id": c.id })),
    );
    const form = h(
      "form",
      { class: "options-form", novalidate: true, testid: "mailbox-add-form" },
      h("h3", { i18n: "mailboxes.addTitle" }),
      h(
        "div",
        { class: "grid-2" },
        field("name", "mailboxes.name", h("input", { type: "text", autocomplete: "off", testid: "mbx-name" })),
        field("host", "options.host", h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: "mbx-host" })),
        field("port", "options.port", h("input", { type: "number", min: "1", max: "65535", value: "993", testid: "mbx-port" })),
        field("user", "options.user", h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: "mbx-user" })),
        field("password", "options.password", h("input", { type: "password", autocomplete: "new-password", testid: "mbx-password" })),
        field("security", "options.security", securitySelect()),
        field("folder", "options.folder", h("input", { type: "text", value: "INBOX", autocomplete: "off", spellcheck: "false", testid: "mbx-folder" })),
        field("contact", "mailboxes.contact", contactSelect),
      ),
      privateNetworkField("mbx-private-network", false, "mbx-private-network"),
      h("div", { class: "form-actions" }, submit),
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = form.elements;
      const body = {
        name: f.name.value.trim() || f.user.value.trim(),
        host: f.host.value.trim(),
        port: Number(f.port.value || 993),
        user: f.user.value.trim(),
        security: f.security.value,
        folder: f.folder.value.trim() || "INBOX",
        contact_id: f.contact.value || null,
      };
      if (f.private_network.checked) body.private_network = true; // an admin's explicit word, recorded with their name
      if (f.password.value) body.password = f.password.value; // write-only
      submit.disabled = true;
      status.classList.remove("status-error");
      status.textContent = "";
      try {
        await api.post("/v1/mailboxes", body);
        form.reset();
        status.textContent = t("mailboxes.added");
        await refresh();
      } catch (error) {
        failed(status, error);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  async function start() {
    try {
      contacts = (await api.get("/v1/contacts")).contacts || [];
    } catch {
      contacts = [];
    }
    const outcome = takeOAuthOutcome();
    if (outcome) {
      outcomeLine.classList.add(outcome === "connected" ? "status-ok" : "status-error");
      outcomeLine.dataset.i18n = `mailboxes.oauth2.${outcome}`;
      outcomeLine.textContent = t(`mailboxes.oauth2.${outcome}`);
    }
    mount(oauthArea, connectForm());
    mount(formArea, addForm());
    await refresh();
  }

  // Contact names are the shop's own per-language texts: a language switch re-picks them in place.
  const stopListening = onLanguageChange(() => {
    for (const node of element.querySelectorAll("[data-contact-id]")) node.textContent = contactName(node.dataset.contactId);
  });

  return { element, start, refresh, dispose: stopListening };
}
