// One place that turns a failure into the sentence the agent reads.

import { t } from "./i18n.js";

export function messageFor(error) {
  if (error && error.code === "network") return t("error.network");
  if (error && error.serverMessage) return error.serverMessage; // already in the page's language
  return t("error.unexpected");
}
