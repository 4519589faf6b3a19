// Any address the router does not know.

import { h, mount } from "../dom.js";

export function notFoundScreen(container) {
  mount(
    container,
    h(
      "section",
      { class: "screen narrow", "aria-labelledby": "not-found-title", testid: "not-found" },
      h("h1", { id: "not-found-title", i18n: "notFound.title" }),
      h("p", { i18n: "notFound.text" }),
      h("p", {}, h("a", { href: "#/", i18n: "notFound.home" })),
    ),
  );
  return null;
}
