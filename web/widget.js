/*
 * Shopdesk's contact form for any storefront: ONE tag renders it where the tag is.
 *
 *   <script src="https://desk.example/widget.js" data-api="https://api.example" defer></script>
 *
 * Attributes: data-api (the public API's base URL; give it on a storefront — without it the widget
 * reads `publicApi` from the config.json next to this script, which needs the same origin, as on
 * the demo page), and, optional, data-lang (default: the page's <html lang>, then the
 * browser's), data-target (the id of an element to render into; default: right after the tag).
 * A continue link (?shopdesk_thread=N&shopdesk_token=T on the page, built by mail/links.py for every
 * mail that carries it) joins the form to that thread.
 *
 * Everything shown is built with DOM APIs and textContent: no innerHTML, no inline script or
 * style, so it runs under a strict Content-Security-Policy and nothing a server or a customer
 * wrote can become markup.
 */
(function () {
  "use strict";

  var CAPTCHA = {
    turnstile: { script: "https://challenges.cloudflare.com/turnstile/v0/api.js", className: "cf-turnstile", field: "cf-turnstile-response" },
    hcaptcha: { script: "https://js.hcaptcha.com/1/api.js", className: "h-captcha", field: "h-captcha-response" },
  };
  var script = document.currentScript;
  if (!script) return;
  var scriptUrl = new URL(script.src, document.baseURI);

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = String(value);
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function pageLanguage() {
    var lang = script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en";
    return lang.slice(0, 2).toLowerCase();
  }

  function apiBase() {
    var given = script.getAttribute("data-api");
    if (given) return Promise.resolve(given.replace(/\/+$/, ""));
    return fetch(new URL("config.json", scriptUrl).href, { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (config) { return String(config.publicApi || "").replace(/\/+$/, ""); });
  }

  function addStyles() {
    if (document.querySelector("link[data-shopdesk-widget]")) return;
    document.head.appendChild(el("link", { rel: "stylesheet", href: new URL("widget.css", scriptUrl).href, "data-shopdesk-widget": true }));
  }

  function mount() {
    var targetId = script.getAttribute("data-target");
    var target = targetId && document.getElementById(targetId);
    var root = el("section", { className: "shopdesk-widget", id: "shopdesk-contact", "aria-live": "polite", "data-testid": "shopdesk-widget" });
    if (target) target.appendChild(root);
    else script.parentNode.insertBefore(root, script.nextSibling);
    return root;
  }

  function randomKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }

  function render(root, api, config) {
    var labels = config.labels;
    var ids = {};
    function id(name) { return (ids[name] = ids[name] || "shopdesk-" + name + "-" + Math.random().toString(36).slice(2, 8)); }
    function errorSlot(name) { return el("p", { className: "shopdesk-error", id: id(name) + "-error", "data-error-for": name, hidden: true }); }
    function row(name, label, control) {
      control.id = id(name);
      control.setAttribute("aria-describedby", id(name) + "-error");
      return el("div", { className: "shopdesk-row" }, [el("label", { for: id(name), text: label }), control, errorSlot(name)]);
    }

    var contact = el("select", { name: "contact_id", required: true }, [el("option", { value: "", text: labels.choose })]);
    config.contacts.forEach(function (c) {
      contact.appendChild(el("option", { value: c.id, text: c.name, title: c.description || null }));
    });
    var email = el("input", { type: "email", name: "email", required: true, autocomplete: "email", maxlength: 254 });
    var orderRef = el("input", { type: "text", name: "order_ref", maxlength: 64 });
    var product = el("input", { type: "text", name: "product", maxlength: 255 });
    var message = el("textarea", { name: "message", required: true, rows: 6, maxlength: 10000 });
    var file = config.allow_uploads
      ? el("input", { type: "file", name: "attachment", accept: config.allowed_extensions.map(function (e) { return "." + e; }).join(",") })
      : null;
    // The honeypot: hidden from people (and from screen readers), filled by form robots.
    var website = el("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" });
    var honeypot = el("div", { className: "shopdesk-hp", "aria-hidden": "true" }, [el("label", { text: labels.website }, [website])]);
    // The optional CAPTCHA: the provider's own script renders it and adds its answer to the form.
    var captchaBox = null;
    if (config.captcha && CAPTCHA[config.captcha.provider]) {
      var provider = CAPTCHA[config.captcha.provider];
      captchaBox = el("div", { className: provider.className, "data-sitekey": config.captcha.site_key });
      if (!document.querySelector('script[src="' + provider.script + '"]')) {
        document.head.appendChild(el("script", { src: provider.script, async: true, defer: true }));
      }
    }
    var send = el("button", { type: "submit", className: "shopdesk-send", text: labels.send });
    var formError = errorSlot("form");

    var form = el("form", { className: "shopdesk-form", novalidate: true, lang: config.language }, [
      el("h2", { text: labels.title }),
      row("contact_id", labels.contact, contact),
      row("email", labels.email, email),
      row("order_ref", labels.order_ref, orderRef),
      row("product", labels.product, product),
      file ? row("attachment", labels.attachment + " (" + config.allowed_extensions.join(", ") + ")", file) : null,
      row("message", labels.message, message),
      honeypot,
      captchaBox,
      formError,
      send,
    ]);
    root.textContent = "";
    root.appendChild(form);

    var params = new URLSearchParams(location.search);
    var idempotencyKey = null;
    var sentBody = null;

    function clearErrors() {
      Array.prototype.forEach.call(form.querySelectorAll(".shopdesk-error"), function (p) { p.hidden = true; p.textContent = ""; });
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (c) { c.removeAttribute("aria-invalid"); });
    }

    function showErrors(error) {
      var fields = (error && error.fields) || [{ field: "form", message: (error && error.message) || "Error" }];
      fields.forEach(function (f) {
        var slot = form.querySelector('[data-error-for="' + (ids[f.field] ? f.field : "form") + '"]');
        slot.textContent = slot.textContent ? slot.textContent + " " + f.message : f.message;
        slot.hidden = false;
        var control = ids[f.field] && document.getElementById(ids[f.field]);
        if (control) control.setAttribute("aria-invalid", "true");
      });
      var first = form.querySelector("[aria-invalid]");
      if (first) first.focus();
    }

    function upload(chosen) {
      return fetch(api + "/v1/uploads?lang=" + encodeURIComponent(config.language), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ filename: chosen.name, form_token: config.form_token }),
      }).then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw body.error;
          if (chosen.size > body.max_size) throw { fields: [{ field: "attachment", message: labels.too_large }] };
          var data = new FormData();
          Object.keys(body.fields).forEach(function (k) { data.append(k, body.fields[k]); });
          data.append("file", chosen);
          return fetch(body.url, { method: "POST", body: data }).then(function (s3) {
            if (!s3.ok) throw { fields: [{ field: "attachment", message: labels.upload_failed }] };
            return { upload_key: body.upload_key, filename: body.filename };
          });
        });
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      send.disabled = true;
      send.textContent = labels.sending;
      var payload = {
        contact_id: contact.value,
        email: email.value,
        order_ref: orderRef.value,
        product: product.value,
        message: message.value,
        lang: config.language,
        form_token: config.form_token,
        website: website.value,
      };
      if (captchaBox) {
        var answer = form.querySelector('[name="' + CAPTCHA[config.captcha.provider].field + '"]');
        payload.captcha = answer ? answer.value : "";
      }
      if (params.get("shopdesk_thread") && params.get("shopdesk_token")) {
        payload.thread = params.get("shopdesk_thread");
        payload.token = params.get("shopdesk_token");
      }
      var chosen = file && file.files && file.files[0];
      (chosen ? upload(chosen) : Promise.resolve(null))
        .then(function (uploaded) {
          if (uploaded) { payload.upload_key = uploaded.upload_key; payload.filename = uploaded.filename; }
          var body = JSON.stringify(payload);
          // The same key only for the very same body: a retry after a lost answer, never an edited message.
          if (!idempotencyKey || body !== sentBody) { idempotencyKey = randomKey(); sentBody = body; }
          return fetch(api + "/v1/messages?lang=" + encodeURIComponent(config.language), {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": idempotencyKey },
            body: body,
          });
        })
        .then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) throw body.error;
            var done = el("div", { className: "shopdesk-success", role: "status", "data-testid": "shopdesk-success" }, [
              el("p", { text: body.message }),
              body.thread ? el("p", { className: "shopdesk-thread", text: "#" + body.thread.number }) : null,
            ]);
            root.textContent = "";
            root.appendChild(done);
          });
        })
        .catch(function (error) {
          if (error && (error.fields || error.code)) idempotencyKey = null; // answered: a corrected post is a new one
          showErrors(error && (error.fields || error.message) ? error : { message: labels.network_error });
        })
        .then(function () {
          send.disabled = false;
          send.textContent = labels.send;
        });
    });
  }

  addStyles();
  var root = mount();
  apiBase()
    .then(function (api) {
      return fetch(api + "/v1/form?lang=" + encodeURIComponent(pageLanguage()), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (config) { render(root, api, config); });
    })
    .catch(function () {
      root.appendChild(el("p", { className: "shopdesk-error", text: "The contact form could not be loaded. Please try again later." }));
    });
})();
