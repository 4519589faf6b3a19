// #/: the agent's starting point, with a card per area of the page.

import { h, mount } from "../dom.js";

export function homeScreen(container, _params, ctx) {
  mount(
    container,
    h(
      "section",
      { class: "screen", "aria-labelledby": "home-title" },
      h("div", { class: "screen-head" }, h("div", {}, h("h1", { id: "home-title", i18n: "home.title" }), h("p", { class: "lead", i18n: "home.signedInAs", params: { email: ctx.me.username } }))),
      h(
        "ul",
        { class: "cards" },
        h(
          "li",
          { class: "card" },
          h("h2", {}, h("a", { href: "#/contacts", i18n: "nav.contacts", testid: "home-contacts" })),
          h("p", { i18n: "home.contactsText" }),
        ),
      ),
    ),
  );
  return null;
}
