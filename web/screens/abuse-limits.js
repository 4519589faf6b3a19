// "Abuse limits" (admins), on the list screen below the team options: how many messages, file
// uploads and visitor confirmations the storefront's contact form accepts before it refuses. Each
// limit is the shop's own; an empty field goes back to the deployment's default (shown as a hint).

import { h, mount, loading, errorBox } from "../dom.js";
import { t } from "../i18n.js";
import { messageFor } from "../messages.js";
import { sharedSettings, panel, save } from "./options.js";

const LIMITS = [
  ["rate_limit_per_ip", "options.limitPostsPerIp", 1, 10000],
  ["rate_limit_per_email", "options.limitPostsPerEmail", 1, 1000],
  ["upload_limit_per_ip", "options.limitUploadsPerIp", 1, 10000],
  ["upload_limit_per_form", "options.limitUploadsPerForm", 1, 100],
  ["confirmation_limit_per_recipient", "options.limitConfirmationsPerRecipient", 0, 100],
  ["confirmation_limit_per_shop", "options.limitConfirmationsPerShop", 0, 100000],
  ["rate_window_seconds", "options.limitWindowSeconds", 60, 86400],
];

const testidOf = (name) => `limit-${name.replaceAll("_", "-")}`;

export function abuseLimits(ctx) {
  const { api } = ctx;
  const body = h("div", {}, loading("abuse-limits-loading"));
  const element = panel("abuse-limits", "options.limitsTitle", "options.limitsIntro", body);

  function field(name, key, min, max, value, defaultValue) {
    const input = h("input", { type: "number", id: `opt-${name}`, name, min: String(min), max: String(max), step: "1", testid: testidOf(name) });
    input.value = value === defaultValue ? "" : String(value);
    input.placeholder = String(defaultValue);
    return h(
      "div",
      { class: "field" },
      h("label", { for: input.id, i18n: key }),
      input,
      h("p", { class: "hint", i18n: "options.limitDefault", params: { value: defaultValue } }),
    );
  }

  function render(settings, saved = false) {
    const limits = settings.abuse_limits || {};
    const defaults = settings.abuse_limit_defaults || {};
    const statusLine = h("p", { class: "status", role: "status", testid: "abuse-limits-status" });
    const submit = h("button", { type: "submit", class: "button primary", i18n: "options.save", testid: "abuse-limits-save" });
    const form = h(
      "form",
      { class: "options-form", testid: "abuse-limits-form", novalidate: "" },
      ...LIMITS.map(([name, key, min, max]) => field(name, key, min, max, limits[name], defaults[name])),
      h("div", { class: "form-actions" }, submit),
      statusLine,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const payload = {};
      for (const [name] of LIMITS) {
        const text = form.elements[name].value.trim();
        // Empty: back to the default. Anything else goes as typed; the API says what is wrong.
        payload[name] = text === "" ? null : /^-?\d+$/.test(text) ? Number(text) : text;
      }
      const answer = await save(api, form, { abuse_limits: payload }, statusLine, submit);
      if (answer) render(answer, true); // the limits in force, as the API now answers them
    });
    mount(body, form);
    if (saved) {
      statusLine.dataset.i18n = "options.saved";
      statusLine.textContent = t("options.saved");
    }
  }

  async function load() {
    mount(body, loading("abuse-limits-loading"));
    try {
      render(await sharedSettings(api));
    } catch (error) {
      if (error.code === "session_ended" || !body.isConnected) return;
      mount(body, errorBox(messageFor(error), load, "abuse-limits-error"));
    }
  }
  return { element, start: load, dispose() {} };
}
