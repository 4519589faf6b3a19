// The two admin panels at the bottom of the list screen: "Contact options" (uploads, default
// message per language, optional e-mails) and "Customer service options" (the IMAP mailbox, test
// connection, Run sync with its live result, the last sync's status). The page never waits on the
// mailbox: Run sync starts it and the result is polled from GET /v1/sync. Both load when start()ed:
// the list screen starts them once its thread list is drawn, so the list comes first.

import { h, mount, loading, errorBox } from "../dom.js";
import { t, LANGUAGES } from "../i18n.js";
import { messageFor } from "../messages.js";
import { dateNode, valueNode } from "../format.js";

const SYNC_POLL_MS = 1500;
const SYNC_POLL_LIMIT = 200; // five minutes: the sync's own time limit

/** Shared by both panels: GET /v1/settings once. */
function settingsLoader(api) {
  let promise = null;
  return () => {
    promise = promise || api.get("/v1/settings").catch((error) => {
      promise = null;
      throw error;
    });
    return promise;
  };
}

let loadSettings = null;

function panel(id, titleKey, introKey, body) {
  return h(
    "section",
    { class: "panel options", "aria-labelledby": id, testid: id },
    h("h2", { id, i18n: titleKey }),
    introKey ? h("p", { class: "muted", i18n: introKey }) : null,
    body,
  );
}

function check(name, key, testid, hintKey) {
  return h(
    "div",
    { class: "field field-checkbox" },
    h("input", { type: "checkbox", id: `opt-${name}`, name, testid }),
    h("label", { for: `opt-${name}`, i18n: key }),
    hintKey ? h("p", { class: "hint", i18n: hintKey }) : null,
  );
}

function text(name, key, control, hintKey) {
  control.id = `opt-${name}`;
  control.name = name;
  return h("div", { class: "field" }, h("label", { for: control.id, i18n: key }), control, hintKey ? h("p", { class: "hint", i18n: hintKey }) : null);
}

async function save(api, form, payload, statusLine, button) {
  statusLine.textContent = "";
  statusLine.classList.remove("status-error");
  button.disabled = true;
  try {
    const answer = await api.patch("/v1/settings", payload);
    statusLine.textContent = t("options.saved");
    return answer;
  } catch (error) {
    if (error.code === "session_ended") return null;
    statusLine.classList.add("status-error");
    const details = (error.fields || []).map((field) => field.message).join(" ");
    statusLine.textContent = [messageFor(error), details].filter(Boolean).join(" ");
    return null;
  } finally {
    button.disabled = false;
  }
}

export function contactOptions(ctx) {
  const { api } = ctx;
  loadSettings = settingsLoader(api);
  const body = h("div", {}, loading("contact-options-loading"));
  const element = panel("contact-options", "options.contactTitle", "options.contactIntro", body);

  async function load() {
    mount(body, loading("contact-options-loading"));
    let settings;
    try {
      settings = await loadSettings();
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      mount(body, errorBox(messageFor(error), load, "contact-options-error"));
      return;
    }
    const statusLine = h("p", { class: "status", role: "status", testid: "contact-options-status" });
    const submit = h("button", { type: "submit", class: "button primary", i18n: "options.save", testid: "contact-options-save" });
    const form = h(
      "form",
      { class: "options-form", testid: "contact-options-form" },
      check("allow_uploads", "options.allowUploads", "opt-allow-uploads"),
      check("notify_contact", "options.notifyContact", "opt-notify-contact"),
      check("confirm_visitor", "options.confirmVisitor", "opt-confirm-visitor"),
      h(
        "fieldset",
        { class: "language-group" },
        h("legend", { i18n: "options.defaultMessage" }),
        LANGUAGES.map(({ code }) => text(`default_${code}`, `lang.${code}`, h("textarea", { rows: 3, testid: `opt-default-${code}`, lang: code }))),
      ),
      h("div", { class: "form-actions" }, submit),
      statusLine,
    );
    form.elements.allow_uploads.checked = Boolean(settings.allow_uploads);
    form.elements.notify_contact.checked = Boolean(settings.notify_contact);
    form.elements.confirm_visitor.checked = Boolean(settings.confirm_visitor);
    for (const { code } of LANGUAGES) form.elements[`default_${code}`].value = (settings.default_messages || {})[code] || "";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const default_messages = {};
      for (const { code } of LANGUAGES) default_messages[code] = form.elements[`default_${code}`].value;
      save(
        api,
        form,
        {
          allow_uploads: form.elements.allow_uploads.checked,
          notify_contact: form.elements.notify_contact.checked,
          confirm_visitor: form.elements.confirm_visitor.checked,
          default_messages,
        },
        statusLine,
        submit,
      );
    });
    mount(body, form);
  }
  return { element, start: load, dispose() {} };
}

export function serviceOptions(ctx) {
  const { api } = ctx;
  const body = h("div", {}, loading("service-options-loading"));
  const syncBox = h("div", { class: "sync-box", testid: "sync-status", "aria-live": "polite" });
  const element = panel("service-options", "options.serviceTitle", "options.serviceIntro", h("div", {}, body, syncBox));
  let pollTimer = null;
  let alive = true;

  async function load() {
    mount(body, loading("service-options-loading"));
    let settings;
    try {
      settings = await (loadSettings || settingsLoader(api))();
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      mount(body, errorBox(messageFor(error), load, "service-options-error"));
      return;
    }
    const imap = settings.imap || {};
    const statusLine = h("p", { class: "status", role: "status", testid: "service-options-status" });
    const testLine = h("p", { class: "status", role: "status", testid: "test-connection-result" });
    const submit = h("button", { type: "submit", class: "button primary", i18n: "options.save", testid: "service-options-save" });
    const testButton = h("button", { type: "button", class: "button", i18n: "options.testConnection", testid: "test-connection" });
    const password = h("input", { type: "password", autocomplete: "new-password", testid: "opt-imap-password" });
    const passwordHint = h("p", { class: "hint", i18n: imap.password_set ? "options.passwordSet" : "options.passwordNotSet", testid: "opt-password-hint" });
    const form = h(
      "form",
      { class: "options-form imap-form", novalidate: true, testid: "service-options-form" },
      h(
        "div",
        { class: "grid-2" },
        text("host", "options.host", h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: "opt-imap-host" })),
        text("port", "options.port", h("input", { type: "number", min: "1", max: "65535", testid: "opt-imap-port" })),
        text("user", "options.user", h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: "opt-imap-user" })),
        h("div", { class: "field" }, h("label", { for: "opt-password", i18n: "options.password" }), Object.assign(password, { id: "opt-password", name: "password" }), passwordHint),
        text(
          "security",
          "options.security",
          h(
            "select",
            { testid: "opt-imap-security" },
            h("option", { value: "tls", i18n: "options.securityTls" }),
            h("option", { value: "starttls", i18n: "options.securityStarttls" }),
            h("option", { value: "none", i18n: "options.securityNone" }),
          ),
        ),
        text("folder", "options.folder", h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: "opt-imap-folder" })),
      ),
      check("verify_certificate", "options.verifyCertificate", "opt-imap-verify"),
      check("delete_after_sync", "options.deleteAfterSync", "opt-imap-delete"),
      check("create_new_threads", "options.createNewThreads", "opt-imap-create", "options.createNewThreadsHint"),
      h("div", { class: "form-actions" }, submit, testButton),
      statusLine,
      testLine,
    );
    const fields = form.elements;
    fields.host.value = imap.host || "";
    fields.port.value = imap.port ?? "";
    fields.user.value = imap.user || "";
    fields.security.value = imap.security || "tls";
    fields.folder.value = imap.folder || "INBOX";
    fields.verify_certificate.checked = imap.verify_certificate !== false;
    fields.delete_after_sync.checked = Boolean(imap.delete_after_sync);
    fields.create_new_threads.checked = Boolean(imap.create_new_threads);

    function readImap() {
      const value = {
        host: fields.host.value.trim(),
        port: fields.port.value ? Number(fields.port.value) : null,
        user: fields.user.value.trim(),
        security: fields.security.value,
        verify_certificate: fields.verify_certificate.checked,
        folder: fields.folder.value.trim(),
        delete_after_sync: fields.delete_after_sync.checked,
        create_new_threads: fields.create_new_threads.checked,
      };
      if (password.value) value.password = password.value; // write-only: never read back
      return value;
    }

    async function saveImap() {
      return save(api, form, { imap: readImap() }, statusLine, submit);
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await saveImap();
      if (answer) {
        password.value = "";
        const set = Boolean(answer.imap?.password_set ?? true);
        passwordHint.dataset.i18n = set ? "options.passwordSet" : "options.passwordNotSet";
        passwordHint.textContent = t(passwordHint.dataset.i18n);
      }
    });
    testButton.addEventListener("click", async () => {
      testButton.disabled = true;
      testLine.classList.remove("status-error", "status-ok");
      testLine.dataset.i18n = "options.testing";
      testLine.textContent = t("options.testing");
      try {
        // The values as typed, nothing saved: a password typed here is used for this test only.
        const answer = await api.post("/v1/sync/test-connection", readImap());
        delete testLine.dataset.i18n;
        testLine.classList.add(answer.ok ? "status-ok" : "status-error");
        testLine.textContent = answer.ok ? t("options.connectionOk") : [t("options.connectionFailed"), answer.message].filter(Boolean).join(" ");
      } catch (error) {
        if (error.code === "session_ended") return;
        delete testLine.dataset.i18n;
        testLine.classList.add("status-error");
        testLine.textContent = messageFor(error);
      } finally {
        testButton.disabled = false;
      }
    });
    mount(body, form);
  }

  // --- Sync: the last run's status, Run sync, and the live result while it runs.
  const runButton = h("button", { type: "button", class: "button primary", i18n: "sync.run", testid: "run-sync", on: { click: runSync } });
  const syncLine = h("p", { class: "status", role: "status", testid: "sync-message" });
  const syncDetails = h("div", { testid: "sync-details" });

  async function loadSync() {
    try {
      renderSync(await api.get("/v1/sync"));
    } catch (error) {
      if (error.code === "session_ended" || !alive) return;
      mount(syncDetails, errorBox(messageFor(error), loadSync, "sync-error"));
    }
  }

  function renderSync(sync) {
    const state = sync?.state || "never";
    runButton.disabled = state === "running";
    const rows = [];
    const item = (key, node, testid) => h("div", { class: "figure", testid }, h("dt", { i18n: key }), h("dd", {}, node));
    rows.push(item("sync.state", h("span", { class: ["sync-state", `sync-${state}`], i18n: `sync.state.${state}`, testid: "sync-state" }), "sync-state-row"));
    if (state !== "never") {
      rows.push(item("sync.lastRun", dateNode(sync.last_run_at), "sync-last-run"));
      if (sync.checked_at && sync.checked_at !== sync.last_run_at) rows.push(item("sync.checkedAt", dateNode(sync.checked_at), "sync-checked-at"));
      if (sync.finished_at) rows.push(item("sync.finished", dateNode(sync.finished_at), "sync-finished"));
      for (const key of ["imported", "matched", "new_threads", "skipped", "bounced", "failed"]) rows.push(item(`sync.${key}`, valueNode(sync[key] ?? 0), `sync-${key}`));
    }
    const errors = sync?.errors || [];
    mount(
      syncDetails,
      h("dl", { class: "figures sync-figures" }, rows),
      errors.length
        ? h(
            "div",
            { class: "sync-errors" },
            h("h4", { i18n: "sync.errors" }),
            h("ul", { testid: "sync-errors" }, errors.map((error) => h("li", {}, dateNode(error.at), " ", h("code", { text: error.code || "" }), " ", h("span", { text: error.message || "" })))),
          )
        : null,
    );
    return state;
  }

  async function runSync() {
    runButton.disabled = true;
    syncLine.classList.remove("status-error");
    syncLine.dataset.i18n = "sync.starting";
    syncLine.textContent = t("sync.starting");
    try {
      await api.post("/v1/sync", {});
    } catch (error) {
      if (error.code === "session_ended") return;
      delete syncLine.dataset.i18n;
      syncLine.classList.add("status-error");
      syncLine.textContent = messageFor(error);
      runButton.disabled = false;
      return;
    }
    syncLine.dataset.i18n = "sync.running";
    syncLine.textContent = t("sync.running");
    poll(0, true);
  }

  async function poll(count, sawStart) {
    clearTimeout(pollTimer);
    if (!alive) return;
    let state = "running";
    try {
      state = renderSync(await api.get("/v1/sync"));
    } catch (error) {
      if (error.code === "session_ended") return;
    }
    // Right after POST the status may still show the previous run: keep polling a little.
    if ((state === "running" || (sawStart && count < 2)) && count < SYNC_POLL_LIMIT) {
      pollTimer = setTimeout(() => poll(count + 1, sawStart && state !== "running"), SYNC_POLL_MS);
      if (state === "running") runButton.disabled = true;
      return;
    }
    ctx.onSynced?.();
    syncLine.dataset.i18n = state === "failed" ? "sync.doneFailed" : "sync.done";
    syncLine.textContent = t(syncLine.dataset.i18n);
    syncLine.classList.toggle("status-error", state === "failed");
    runButton.disabled = false;
  }

  mount(syncBox, h("h3", { i18n: "sync.title" }), h("div", { class: "form-actions" }, runButton), syncLine, syncDetails);

  return {
    element,
    start() {
      load();
      loadSync();
    },
    dispose() {
      alive = false;
      clearTimeout(pollTimer);
    },
  };
}
