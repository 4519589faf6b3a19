// A tiny hash router: "#/contacts/abc/edit" → the screen registered for "/contacts/:id/edit".
//
// A screen is a function (container, params, context) that fills `container` and may return
// { dispose() } to stop timers or listeners when the visitor leaves it.

const routes = [];
let outlet = null;
let context = null;
let current = null;
let notFoundScreen = null;
let started = false;

/** Registers a screen for a path pattern; ":name" segments become params.name. */
export function route(pattern, screen) {
  const keys = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        keys.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  routes.push({ regex: new RegExp(`^${source}/?$`), keys, screen });
}

export function notFound(screen) {
  notFoundScreen = screen;
}

/** The current path, e.g. "/contacts" for "#/contacts"; "/" when there is no hash. */
export function currentPath() {
  const hash = location.hash.replace(/^#/, "");
  return hash.startsWith("/") ? hash : "/";
}

export function navigate(path) {
  if (currentPath() === path) render(new Event("navigate"));
  else location.hash = `#${path}`;
}

/** Starts rendering screens into `container`; `ctx` is handed to every screen. */
export function startRouter(container, ctx) {
  outlet = container;
  context = ctx;
  if (!started) window.addEventListener("hashchange", render);
  started = true;
  render();
}

/** Stops rendering (on sign-out); the hash stays, so signing in again returns to the same screen. */
export function stopRouter() {
  if (started) window.removeEventListener("hashchange", render);
  started = false;
  dispose();
  outlet = null;
}

function dispose() {
  if (current && typeof current.dispose === "function") current.dispose();
  current = null;
}

function render(event) {
  if (!outlet) return;
  const path = currentPath();
  let screen = notFoundScreen;
  let params = {};
  for (const candidate of routes) {
    const match = candidate.regex.exec(path);
    if (match) {
      screen = candidate.screen;
      params = Object.fromEntries(candidate.keys.map((key, index) => [key, decodeURIComponent(match[index + 1])]));
      break;
    }
  }
  dispose();
  outlet.replaceChildren();
  current = screen(outlet, params, context) || null;
  if (event) {
    // Moving between screens: put keyboard and screen-reader focus on the new screen's title.
    const heading = outlet.querySelector("h1");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }
  for (const link of document.querySelectorAll("[data-nav]")) {
    const target = link.dataset.nav;
    const active = target === "/" ? path === "/" : path === target || path.startsWith(`${target}/`);
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
