// Dates, numbers and amounts in the page's language (Intl), kept up to date when it changes.
//
// Formatted values are <time data-fmt> / <data data-fmt> elements: a language switch re-formats
// them in place, so no screen has to re-render (and no half-typed reply is lost).

import { h } from "./dom.js";
import { language, onLanguageChange } from "./i18n.js";

const LOCALES = { en: "en-GB", es: "es-ES", pl: "pl-PL" };

function locale() {
  return LOCALES[language()] || "en-GB";
}

const STYLES = {
  datetime: { dateStyle: "medium", timeStyle: "short" },
  date: { dateStyle: "medium" },
  short: { dateStyle: "short", timeStyle: "short" },
};

/** "22 Nov 2026, 23:59" (or the language's form) for an ISO string; "" for none. */
export function formatDate(iso, style = "datetime") {
  if (!iso) return "";
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale(), STYLES[style] || STYLES.datetime).format(moment);
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || value === "") return "–";
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(Number(value));
}

export function formatMoney(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "–";
  try {
    return new Intl.NumberFormat(locale(), { style: "currency", currency: currency || "EUR" }).format(Number(amount));
  } catch {
    return `${formatNumber(amount, 2)} ${currency || ""}`.trim();
  }
}

/** A duration in seconds as "3 h 20 min" / "2 d 4 h", with Intl's unit names. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const unit = (value, name) => new Intl.NumberFormat(locale(), { style: "unit", unit: name, unitDisplay: "narrow" }).format(value);
  const total = Math.max(0, Math.round(Number(seconds)));
  if (total < 60) return unit(total, "second");
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return [unit(hours, "hour"), minutes % 60 ? unit(minutes % 60, "minute") : ""].filter(Boolean).join(" ");
  const days = Math.floor(hours / 24);
  return [unit(days, "day"), hours % 24 ? unit(hours % 24, "hour") : ""].filter(Boolean).join(" ");
}

function render(element) {
  const { fmt, value, currency, digits } = element.dataset;
  if (fmt === "money") element.textContent = formatMoney(value, currency);
  else if (fmt === "number") element.textContent = formatNumber(value === "" ? null : value, Number(digits || 0));
  else if (fmt === "duration") element.textContent = formatDuration(value === "" ? null : value);
  else element.textContent = formatDate(element.getAttribute("datetime"), fmt);
}

/** A <time> showing `iso` in the page's language. */
export function dateNode(iso, style = "datetime", props = {}) {
  if (!iso) return h("span", { class: "muted", text: "–", ...props });
  const element = h("time", { datetime: iso, "data-fmt": style, title: iso, ...props });
  render(element);
  return element;
}

/** A <data> showing a number, an amount ("money") or a duration in the page's language. */
export function valueNode(value, fmt = "number", props = {}) {
  const element = h("data", { value: value ?? "", "data-value": value ?? "", "data-fmt": fmt, ...props });
  render(element);
  return element;
}

onLanguageChange(() => {
  for (const element of document.querySelectorAll("[data-fmt]")) render(element);
});
