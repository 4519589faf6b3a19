// #/contacts/new and #/contacts/:id/edit: an admin's form for one contact. The API validates;
// each field error it returns is shown next to its field.

import { h, mount, loading, errorBox } from "../dom.js";
import { LANGUAGES, t } from "../i18n.js";
import { navigate } from "../router.js";
import { messageFor } from "../messages.js";

const NAME_LIMIT = 255;
const DESCRIPTION_LIMIT = 1000;

export function contactFormScreen(container, params, ctx) {
  const { api, me } = ctx;
  const editing = Boolean(params.id);
  const content = h("div", { class: "form-body" });

  mount(
    container,
    h(
      "section",
      { class: "screen narrow", "aria-labelledby": "contact-form-title" },
      h("a", { class: "back", href: "#/contacts", i18n: "form.back", testid: "back-to-contacts" }),
      h("h1", { id: "contact-form-title", i18n: editing ? "form.editTitle" : "form.newTitle" }),
      content,
    ),
  );

  if (!me.is_admin) {
    mount(content, h("p", { class: "notice notice-error", role: "alert", i18n: "form.adminOnly", testid: "admin-only" }));
    return null;
  }

  async function load() {
    mount(content, loading("contact-loading"));
    try {
      const contact = await api.get(`/v1/contacts/${encodeURIComponent(params.id)}`);
      if (content.isConnected) renderForm(contact);
    } catch (error) {
      if (error.code === "session_ended" || !content.isConnected) return;
      mount(content, errorBox(messageFor(error), error.status === 404 ? null : load, "contact-error"));
    }
  }

  function renderForm(contact) {
    const form = buildForm(contact);
    mount(content, form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, contact);
    });
    form.elements["names.en"].focus();
  }

  async function submit(form, contact) {
    const button = form.querySelector("[type=submit]");
    if (button.disabled) return;
    clearErrors(form);
    button.disabled = true;
    button.dataset.i18n = "form.saving";
    button.textContent = t("form.saving");
    try {
      const payload = readForm(form);
      if (contact) await api.patch(`/v1/contacts/${encodeURIComponent(contact.id)}`, payload);
      else await api.post("/v1/contacts", payload);
      ctx.flash.set(contact ? "contacts.saved" : "contacts.created");
      navigate("/contacts");
    } catch (error) {
      if (error.code === "session_ended" || !form.isConnected) return;
      showErrors(form, error);
    } finally {
      button.disabled = false;
      button.dataset.i18n = "form.save";
      button.textContent = t("form.save");
    }
  }

  if (editing) load();
  else renderForm(null);
  return null;
}

function buildForm(contact) {
  const names = contact?.names || {};
  const descriptions = contact?.descriptions || {};
  return h(
    "form",
    { class: "contact-form", novalidate: true, testid: "contact-form" },
    h("div", { class: "notice notice-error", role: "alert", testid: "form-error", hidden: true }),
    LANGUAGES.map(({ code }) =>
      h(
        "fieldset",
        { class: "language-group", testid: `language-group-${code}` },
        h("legend", {}, h("span", { i18n: `lang.${code}` }), h("span", { class: "legend-code", text: code.toUpperCase() })),
        field({
          name: `names.${code}`,
          label: "form.name",
          required: code === "en",
          control: h("input", { type: "text", maxlength: NAME_LIMIT, autocomplete: "off", value: names[code] || "", testid: `contact-name-${code}` }),
        }),
        field({
          name: `descriptions.${code}`,
          label: "form.description",
          control: h("textarea", { rows: 2, maxlength: DESCRIPTION_LIMIT, value: descriptions[code] || "", testid: `contact-description-${code}` }),
        }),
      ),
    ),
    h(
      "fieldset",
      { class: "language-group" },
      field({
        name: "email",
        label: "form.email",
        hint: "form.emailHint",
        control: h("input", { type: "email", autocomplete: "off", inputmode: "email", spellcheck: "false", value: contact?.email || "", testid: "contact-email" }),
      }),
      field({
        name: "save_messages",
        label: "form.saveMessages",
        hint: "form.saveMessagesHint",
        checkbox: true,
        control: h("input", { type: "checkbox", checked: contact ? Boolean(contact.save_messages) : true, testid: "contact-save-messages" }),
      }),
    ),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", class: "button primary", i18n: "form.save", testid: "contact-save" }),
      h("a", { class: "button ghost", href: "#/contacts", i18n: "common.cancel", testid: "contact-cancel" }),
    ),
  );
}

/** A label, its control, an optional hint and the (hidden until needed) error line, wired for screen readers. */
function field({ name, label, hint, control, required = false, checkbox = false }) {
  const id = `field-${name.replace(/\W/g, "-")}`;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  control.id = id;
  control.name = name;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  if (required) control.setAttribute("aria-required", "true");
  const labelElement = h(
    "label",
    { for: id },
    h("span", { i18n: label }),
    required ? h("span", { class: "required" }, " (", h("span", { i18n: "form.required" }), ")") : null,
  );
  return h(
    "div",
    { class: ["field", checkbox && "field-checkbox"] },
    checkbox ? [control, labelElement] : [labelElement, control],
    hint ? h("p", { class: "hint", id: hintId, i18n: hint }) : null,
    h("p", { class: "field-error", id: errorId, "data-error-for": name, testid: `error-${name}`, hidden: true }),
  );
}

function readForm(form) {
  const payload = { names: {}, descriptions: {} };
  for (const { code } of LANGUAGES) {
    const name = form.elements[`names.${code}`].value.trim();
    const description = form.elements[`descriptions.${code}`].value.trim();
    if (name) payload.names[code] = name;
    if (description) payload.descriptions[code] = description;
  }
  payload.email = form.elements.email.value.trim() || null;
  payload.save_messages = form.elements.save_messages.checked;
  return payload;
}

function clearErrors(form) {
  const general = form.querySelector("[data-testid=form-error]");
  general.hidden = true;
  general.replaceChildren();
  for (const line of form.querySelectorAll("[data-error-for]")) {
    line.hidden = true;
    line.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

function showErrors(form, error) {
  const general = form.querySelector("[data-testid=form-error]");
  const unplaced = [];
  let first = null;
  for (const problem of error.fields || []) {
    const line = form.querySelector(`[data-error-for="${CSS.escape(problem.field)}"]`);
    if (!line) {
      unplaced.push(problem.message);
      continue;
    }
    line.textContent = line.textContent ? `${line.textContent} ${problem.message}` : problem.message;
    line.hidden = false;
    const control = form.elements[problem.field];
    if (control) {
      control.setAttribute("aria-invalid", "true");
      first = first || control;
    }
  }
  general.append(h("p", { text: messageFor(error) }));
  if (unplaced.length) general.append(h("ul", {}, unplaced.map((text) => h("li", { text }))));
  general.hidden = false;
  (first || general).focus?.();
  if (!first) general.scrollIntoView({ block: "nearest" });
}
