// The agents' page: loads /config.json, signs the agent in, then hands the main area to the router.
//
// Screens live in screens/ and are registered below; a new screen is one route() line.

import { createApi } from "./api.js";
import { createAuth } from "./auth.js";
import { errorBox, loading, mount } from "./dom.js";
import { language, setLanguage, t, translateTree } from "./i18n.js";
import { messageFor } from "./messages.js";
import { notFound, route, startRouter, stopRouter } from "./router.js";
import { contactFormScreen } from "./screens/contact-form.js";
import { contactsScreen } from "./screens/contacts.js";
import { customerScreen } from "./screens/customer.js";
import { blockedScreen } from "./screens/blocked.js";
import { mailLogScreen } from "./screens/mail-log.js";
import { savedRepliesScreen } from "./screens/saved-replies.js";
import { deskScreen } from "./screens/desk.js";
import { threadScreen } from "./screens/thread.js";
import { notFoundScreen } from "./screens/not-found.js";
import { signInScreen } from "./sign-in.js";

route("/", deskScreen);
route("/threads/:number", threadScreen);
route("/customers/:key", customerScreen);
route("/blocked", blockedScreen);
route("/mail-log", mailLogScreen);
route("/saved-replies", savedRepliesScreen);
route("/contacts", contactsScreen);
route("/contacts/new", contactFormScreen);
route("/contacts/:id/edit", contactFormScreen);
notFound(notFoundScreen);

const SESSION_NOTICES = {
  expired: { key: "session.expired", tone: "warning" },
  signed_out: { key: "session.signedOut", tone: "info" },
  not_agent: { key: "session.notAgent", tone: "warning" },
};

const elements = {
  main: document.getElementById("main"),
  nav: document.getElementById("nav"),
  user: document.getElementById("user"),
  userEmail: document.getElementById("user-email"),
  adminBadge: document.getElementById("admin-badge"),
  adminNav: document.querySelectorAll("[data-admin]"),
  signOut: document.getElementById("sign-out"),
  shopName: document.getElementById("shop-name"),
  languageSelect: document.getElementById("language-select"),
  skipLink: document.getElementById("skip-link"),
};

/** A one-shot message for the next screen ("Contact saved."), kept as a key so it translates. */
const flash = {
  value: null,
  set(key, params = {}) {
    this.value = { key, params };
  },
  take() {
    const value = this.value;
    this.value = null;
    return value;
  },
};

let config = null;
let auth = null;
let api = null;

function setUpChrome() {
  document.documentElement.lang = language();
  translateTree(document);
  elements.languageSelect.value = language();
  elements.languageSelect.addEventListener("change", () => setLanguage(elements.languageSelect.value));
  elements.signOut.addEventListener("click", () => auth?.end("signed_out"));
  elements.skipLink.addEventListener("click", (event) => {
    event.preventDefault(); // "#main" would be read as a route
    elements.main.focus();
  });
}

async function boot() {
  mount(elements.main, loading("app-loading"));
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    config = await response.json();
  } catch {
    mount(elements.main, errorBox(t("app.configError"), boot, "config-error"));
    return;
  }
  elements.shopName.textContent = config.shopName || "Shopdesk";
  document.title = `${config.shopName || "Shopdesk"} · Shopdesk`;
  auth = createAuth(config.cognito, { onSessionEnded: (reason) => showSignIn(SESSION_NOTICES[reason]) });
  api = createApi(config.agentsApi, auth);
  if (auth.hasSession()) await enter();
  else showSignIn(null);
}

function showSignIn(notice) {
  stopRouter();
  showUser(null);
  signInScreen(elements.main, {
    shopName: config.shopName || "Shopdesk",
    notice,
    signIn: async (email, password) => {
      await auth.signIn(email, password);
      await enter();
    },
  });
}

async function enter() {
  mount(elements.main, loading("app-loading"));
  let me;
  try {
    me = await api.get("/v1/me");
  } catch (error) {
    if (error.code === "session_ended") return; // the sign-in form is already back
    if (error.status === 403) {
      auth.end("not_agent");
      return;
    }
    mount(elements.main, errorBox(messageFor(error), enter, "app-error"));
    return;
  }
  showUser(me);
  startRouter(elements.main, { api, me, flash });
}

function showUser(me) {
  const signedIn = Boolean(me);
  elements.user.hidden = !signedIn;
  elements.nav.hidden = !signedIn;
  elements.signOut.hidden = !signedIn;
  elements.userEmail.textContent = signedIn ? me.username : "";
  elements.adminBadge.hidden = !(signedIn && me.is_admin);
  for (const link of elements.adminNav) link.hidden = !(signedIn && me.is_admin);
}

setUpChrome();
boot();
