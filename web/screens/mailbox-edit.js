// Editing one mailbox in its row of the "Mailboxes" panel: its name, the contact its new threads go
// to, its server fields, (password mailboxes) a new password and (OAuth2 mailboxes) whether replies
// are sent from the account. Only the fields that changed are sent (PATCH /v1/mailboxes/{id}); the
// password is write-only: empty keeps the stored one, and it is never shown. Names and server
// texts are only ever set as values and text.

import { h } from "../dom.js";
import { t, pick } from "../i18n.js";
import { messageFor } from "../messages.js";

/** A mailbox's on/off option: the checkbox, its label and the hint (or warning) that explains it. */
function optionField(id, checked, { name, testid, label, hint, warning = false }) {
  const hintId = `${id}-${warning ? "warning" : "hint"}`;
  const box = h("input", { type: "checkbox", id, name, testid, "aria-describedby": hintId });
  box.checked = Boolean(checked);
  return h(
    "div",
    { class: "field field-checkbox" },
    box,
    h("label", { for: id, i18n: label }),
    h("p", { class: warning ? "hint warning" : "hint", id: hintId, i18n: hint, testid: warning ? `${testid}-warning` : null }),
  );
}

/**
 * The "private network" switch of a mailbox (admins' explicit word that its server is on the
 * shop's own network), with its warning. `testid` names the checkbox.
 */
export function privateNetworkField(id, checked, testid) {
  return optionField(id, checked, { name: "private_network", testid, label: "mailboxes.privateNetwork", hint: "mailboxes.privateNetworkWarning", warning: true });
}

/**
 * "Send replies from this account" (OAuth2 mailboxes only): its threads' replies go by the
 * account's own SMTP server instead of the desk's address.
 */
function sendRepliesField(id, checked) {
  return optionField(id, checked, { name: "send_replies", testid: "edit-send-replies", label: "mailboxes.sendReplies", hint: "mailboxes.sendRepliesHint" });
}

/**
 * The edit form of `box`. `contacts`: the shop's contacts; `save(fields)`: sends the changes and
 * refreshes the list; `close()`: puts the row back as it was.
 */
export function mailboxEditForm(box, { contacts, save, close }) {
  const prefix = `mbx-edit-${String(box.id).replace(/[^A-Za-z0-9_-]/g, "")}`;
  const field = (name, key, control) => {
    control.id = `${prefix}-${name}`;
    control.name = name;
    return h("div", { class: "field" }, h("label", { for: control.id, i18n: key }), control);
  };
  const input = (name, props) => h("input", { type: "text", autocomplete: "off", spellcheck: "false", testid: `edit-${name}`, ...props });
  const security = h(
    "select",
    { testid: "edit-security" },
    ["tls", "starttls", "none"].map((value) =>
      h("option", { value, i18n: `options.security${value === "tls" ? "Tls" : value === "starttls" ? "Starttls" : "None"}` }),
    ),
  );
  security.value = box.security || "tls";
  const contact = h(
    "select",
    { testid: "edit-contact" },
    h("option", { value: "", i18n: "mailboxes.byRecipient" }),
    contacts.map((c) => h("option", { value: c.id, text: pick(c.names || {}) || c.id, "data-contact-id": c.id })),
  );
  contact.value = box.contact_id || "";
  const oauth = box.auth === "oauth2"; // signs in with its provider: no password, the account stays
  const status = h("p", { class: "status", role: "status", testid: "edit-status" });
  const saveButton = h("button", { type: "submit", class: "button primary", i18n: "options.save", testid: "edit-save" });
  const form = h(
    "form",
    { class: "options-form mailbox-edit", novalidate: true, testid: "mailbox-edit-form" },
    h("h3", { i18n: "mailboxes.editTitle" }),
    h(
      "div",
      { class: "grid-2" },
      field("name", "mailboxes.name", input("name", { value: box.name || "" })),
      field("contact", "mailboxes.contact", contact),
      field("host", "options.host", input("host", { value: box.host || "" })),
      field("port", "options.port", h("input", { type: "number", min: "1", max: "65535", value: String(box.port || 993), testid: "edit-port" })),
      oauth ? null : field("user", "options.user", input("user", { value: box.user || "" })),
      oauth
        ? null
        : field(
            "password",
            "options.password",
            h("input", { type: "password", autocomplete: "new-password", testid: "edit-password", i18nAttrs: { placeholder: "mailboxes.passwordKept" } }),
          ),
      field("security", "options.security", security),
      field("folder", "options.folder", input("folder", { value: box.folder || "INBOX" })),
    ),
    privateNetworkField(`${prefix}-private-network`, box.private_network, "edit-private-network"),
    oauth ? sendRepliesField(`${prefix}-send-replies`, box.send_replies) : null,
    h(
      "div",
      { class: "form-actions" },
      saveButton,
      h("button", { type: "button", class: "button", i18n: "common.cancel", testid: "edit-cancel", on: { click: () => close() } }),
    ),
    status,
  );

  /** The fields that differ from the mailbox as listed (the password only when one was typed). */
  function changes() {
    const f = form.elements;
    const now = {
      name: f.name.value.trim(),
      contact_id: f.contact.value || null,
      host: f.host.value.trim(),
      port: Number(f.port.value || 0),
      security: f.security.value,
      folder: f.folder.value.trim() || "INBOX",
    };
    if (!oauth) now.user = f.user.value.trim();
    now.private_network = f.private_network.checked;
    if (oauth) now.send_replies = f.send_replies.checked;
    const was = { name: box.name || "", contact_id: box.contact_id || null, host: box.host || "", port: Number(box.port || 993), security: box.security || "tls", folder: box.folder || "INBOX", user: box.user || "", private_network: Boolean(box.private_network), send_replies: Boolean(box.send_replies) };
    const fields = Object.fromEntries(Object.entries(now).filter(([key, value]) => value !== was[key]));
    if (!oauth && f.password.value) fields.password = f.password.value;
    return fields;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = changes();
    if (!Object.keys(fields).length) {
      close();
      return;
    }
    saveButton.disabled = true;
    status.classList.remove("status-error");
    status.textContent = "";
    try {
      await save(fields);
    } catch (error) {
      if (error.code === "session_ended") return;
      status.classList.add("status-error");
      status.textContent = [messageFor(error), ...(error.fields || []).map((f) => f.message)].filter(Boolean).join(" ") || t("mailboxes.notSaved");
      saveButton.disabled = false;
    }
  });
  return form;
}
