// The sign-in form: e-mail and password, checked by Cognito; the app decides what comes next.

import { h, mount } from "./dom.js";
import { t } from "./i18n.js";

const MESSAGE_KEYS = {
  wrong_credentials: "signin.wrong",
  network: "signin.network",
  too_many: "signin.tooMany",
  challenge: "signin.challenge",
  reset_required: "signin.resetRequired",
  not_confirmed: "signin.notConfirmed",
};

/**
 * Fills `container` with the form. `notice` is {key, tone} (why the agent is here again, e.g.
 * the session ended); `signIn(email, password)` resolves when signed in and throws an AuthError.
 */
export function signInScreen(container, { shopName, notice, signIn }) {
  const error = h("div", { class: "notice notice-error", role: "alert", testid: "signin-error", hidden: true });
  const email = h("input", { id: "signin-email", name: "email", type: "email", autocomplete: "username", inputmode: "email", spellcheck: "false", required: true, testid: "signin-email" });
  const password = h("input", { id: "signin-password", name: "password", type: "password", autocomplete: "current-password", required: true, testid: "signin-password" });
  const submit = h("button", { type: "submit", class: "button primary block", i18n: "signin.submit", testid: "signin-submit" });
  const form = h(
    "form",
    { class: "signin-form", novalidate: true, testid: "signin-form" },
    h("div", { class: "field" }, h("label", { for: "signin-email", i18n: "signin.email" }), email),
    h("div", { class: "field" }, h("label", { for: "signin-password", i18n: "signin.password" }), password),
    submit,
  );

  mount(
    container,
    h(
      "section",
      { class: "signin", "aria-labelledby": "signin-title" },
      h(
        "div",
        { class: "signin-card" },
        h("p", { class: "signin-shop", text: shopName }),
        h("h1", { id: "signin-title", i18n: "signin.title" }),
        h("p", { class: "lead", i18n: "signin.intro" }),
        notice ? h("p", { class: ["notice", notice.tone === "warning" ? "notice-warning" : "notice-info"], role: "status", i18n: notice.key, testid: "signin-notice" }) : null,
        error,
        form,
      ),
    ),
  );

  function showError(key) {
    error.replaceChildren(h("p", { i18n: key }));
    error.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    error.hidden = true;
    const address = email.value.trim();
    if (!address || !password.value) {
      showError("signin.missing");
      (address ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.dataset.i18n = "signin.busy";
    submit.textContent = t("signin.busy");
    try {
      await signIn(address, password.value);
    } catch (failure) {
      if (!form.isConnected) return;
      showError(MESSAGE_KEYS[failure.kind] || "signin.failed");
      password.value = "";
      password.focus();
    } finally {
      submit.disabled = false;
      submit.dataset.i18n = "signin.submit";
      submit.textContent = t("signin.submit");
    }
  });

  email.focus();
}
