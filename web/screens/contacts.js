// #/contacts: the contacts visitors can write to. Everyone sees the list; admins also add, edit,
// delete and reorder them.

import { h, mount, loading, errorBox } from "../dom.js";
import { t, pick, onLanguageChange } from "../i18n.js";
import { messageFor } from "../messages.js";

export function contactsScreen(container, _params, ctx) {
  const { api, me } = ctx;
  const isAdmin = Boolean(me.is_admin);
  let contacts = [];
  let busy = false;

  const status = h("p", { class: "status", role: "status", testid: "contacts-status" });
  const body = h("div", { class: "contacts-body" });
  const dialog = confirmDialog();

  mount(
    container,
    h(
      "section",
      { class: "screen", "aria-labelledby": "contacts-title" },
      h(
        "div",
        { class: "screen-head" },
        h("div", {}, h("h1", { id: "contacts-title", i18n: "contacts.title" }), h("p", { class: "lead", i18n: "contacts.intro" })),
        isAdmin ? h("a", { class: "button primary", href: "#/contacts/new", i18n: "contacts.add", testid: "contact-add" }) : null,
      ),
      status,
      body,
      dialog.element,
    ),
  );

  const flash = ctx.flash.take();
  if (flash) showStatus(t(flash.key, flash.params));

  function showStatus(text) {
    status.textContent = text;
  }

  async function load() {
    mount(body, loading("contacts-loading"));
    try {
      const answer = await api.get("/v1/contacts");
      contacts = answer.contacts;
      renderList();
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      mount(body, errorBox(messageFor(error), load, "contacts-error"));
    }
  }

  function renderList(focus) {
    if (contacts.length === 0) {
      mount(body, h("p", { class: "empty", i18n: "contacts.empty", testid: "contacts-empty" }));
      return;
    }
    const head = h(
      "tr",
      {},
      h("th", { scope: "col", class: "col-position", i18n: "contacts.colPosition" }),
      h("th", { scope: "col", i18n: "contacts.colName" }),
      h("th", { scope: "col", i18n: "contacts.colEmail" }),
      h("th", { scope: "col", i18n: "contacts.colSaves" }),
      isAdmin ? h("th", { scope: "col", class: "col-actions" }, h("span", { class: "visually-hidden", i18n: "contacts.colActions" })) : null,
    );
    const rows = contacts.map((contact, index) => row(contact, index));
    mount(body, h("table", { class: "contacts", testid: "contacts-table" }, h("thead", {}, head), h("tbody", {}, rows)));
    if (focus) {
      const target = body.querySelector(`[data-contact-id="${CSS.escape(focus.id)}"] [data-action="${focus.action}"]`);
      const fallback = body.querySelector(`[data-contact-id="${CSS.escape(focus.id)}"] [data-action="edit"]`);
      (target && !target.disabled ? target : fallback)?.focus();
    }
  }

  function row(contact, index) {
    const name = pick(contact.names);
    const description = pick(contact.descriptions);
    return h(
      "tr",
      { testid: "contact-row", "data-contact-id": contact.id },
      h("td", { class: "col-position", "data-label": t("contacts.colPosition"), testid: "contact-position" }, h("span", { class: "position", text: index + 1 })),
      h(
        "td",
        { class: "col-name", "data-label": t("contacts.colName") },
        h("span", { class: "contact-name", text: name, testid: "contact-name" }),
        description ? h("span", { class: "contact-description", text: description, testid: "contact-description" }) : null,
      ),
      h(
        "td",
        { "data-label": t("contacts.colEmail"), testid: "contact-email" },
        contact.email ? h("span", { class: "email", text: contact.email }) : h("span", { class: "muted", text: t("contacts.noEmail") }),
      ),
      h(
        "td",
        { "data-label": t("contacts.colSaves"), testid: "contact-saves" },
        h("span", { class: ["pill", contact.save_messages ? "pill-yes" : "pill-no"], text: t(contact.save_messages ? "contacts.yes" : "contacts.no") }),
      ),
      isAdmin ? h("td", { class: "col-actions" }, actions(contact, index, name)) : null,
    );
  }

  function actions(contact, index, name) {
    const last = index === contacts.length - 1;
    return h(
      "div",
      { class: "row-actions" },
      h(
        "button",
        {
          type: "button",
          class: "button icon",
          "data-action": "up",
          testid: "contact-move-up",
          "aria-label": t("contacts.moveUpNamed", { name }),
          title: t("contacts.moveUp"),
          disabled: index === 0,
          on: { click: () => move(index, -1) },
        },
        h("span", { class: "arrow arrow-up", "aria-hidden": "true" }),
      ),
      h(
        "button",
        {
          type: "button",
          class: "button icon",
          "data-action": "down",
          testid: "contact-move-down",
          "aria-label": t("contacts.moveDownNamed", { name }),
          title: t("contacts.moveDown"),
          disabled: last,
          on: { click: () => move(index, 1) },
        },
        h("span", { class: "arrow arrow-down", "aria-hidden": "true" }),
      ),
      h("a", {
        class: "button",
        href: `#/contacts/${encodeURIComponent(contact.id)}/edit`,
        "data-action": "edit",
        testid: "contact-edit",
        "aria-label": t("contacts.editNamed", { name }),
        text: t("contacts.edit"),
      }),
      h("button", {
        type: "button",
        class: "button danger-outline",
        "data-action": "delete",
        testid: "contact-delete",
        "aria-label": t("contacts.deleteNamed", { name }),
        text: t("contacts.delete"),
        on: { click: () => confirmDelete(contact, name) },
      }),
    );
  }

  function setBusy(value) {
    busy = value;
    body.setAttribute("aria-busy", value ? "true" : "false");
    for (const button of body.querySelectorAll("button")) {
      if (value) {
        button.dataset.wasDisabled = button.disabled ? "1" : "";
        button.disabled = true;
      } else {
        button.disabled = button.dataset.wasDisabled === "1";
      }
    }
  }

  async function move(index, step) {
    const target = index + step;
    if (busy || target < 0 || target >= contacts.length) return;
    const order = contacts.map((contact) => contact.id);
    [order[index], order[target]] = [order[target], order[index]];
    const moved = contacts[index];
    setBusy(true);
    showStatus("");
    try {
      const answer = await api.put("/v1/contact-order", { order });
      contacts = answer.contacts;
      renderList({ id: moved.id, action: step < 0 ? "up" : "down" });
      showStatus(t("contacts.moved"));
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      setBusy(false);
      showStatus(messageFor(error));
      // Someone else may have changed the list meanwhile: show what is there now.
      if (error.status === 422 || error.status === 404) load();
    } finally {
      busy = false;
    }
  }

  async function confirmDelete(contact, name) {
    if (busy) return;
    const confirmed = await dialog.ask(name);
    if (!confirmed) {
      body.querySelector(`[data-contact-id="${CSS.escape(contact.id)}"] [data-action="delete"]`)?.focus();
      return;
    }
    setBusy(true);
    showStatus("");
    try {
      await api.delete(`/v1/contacts/${encodeURIComponent(contact.id)}`);
      contacts = contacts.filter((item) => item.id !== contact.id);
      renderList();
      showStatus(t("contacts.deleted", { name }));
      container.querySelector("h1")?.focus();
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      setBusy(false);
      showStatus(messageFor(error));
      if (error.status === 404) load();
    } finally {
      busy = false;
    }
  }

  const stopListening = onLanguageChange(() => {
    if (body.querySelector("table")) renderList();
    dialog.retranslate();
  });

  load();

  return {
    dispose() {
      stopListening();
      dialog.close();
    },
  };
}

/** A modal "Delete this contact?" dialog (the native <dialog>: focus trap and Escape for free). */
function confirmDialog() {
  let resolve = null;
  let currentName = "";
  const text = h("p", { testid: "confirm-text" });
  const element = h(
    "dialog",
    { class: "dialog", testid: "confirm-dialog", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-text" },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "confirm-title", i18n: "contacts.confirmTitle" }),
      h("div", { id: "confirm-text" }, text),
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "submit", value: "cancel", class: "button", i18n: "common.cancel", testid: "confirm-cancel" }),
        h("button", { type: "submit", value: "delete", class: "button danger", i18n: "contacts.delete", testid: "confirm-delete" }),
      ),
    ),
  );
  element.addEventListener("close", () => {
    if (resolve) resolve(element.returnValue === "delete");
    resolve = null;
  });

  return {
    element,
    ask(name) {
      currentName = name;
      text.textContent = t("contacts.confirmText", { name });
      element.returnValue = "";
      element.showModal();
      return new Promise((done) => {
        resolve = done;
      });
    },
    retranslate() {
      if (element.open) text.textContent = t("contacts.confirmText", { name: currentName });
    },
    close() {
      if (element.open) element.close();
    },
  };
}
