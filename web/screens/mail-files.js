// What the mail import kept of a message that came by mail: the original e-mail as it arrived
// and, when the message keeps only the start of a very long text, the whole text. Each button asks
// for a short-lived link that always downloads (never renders), so the page stays where it is.

import { h } from "../dom.js";
import { messageFor } from "../messages.js";

export function mailFiles({ api, number, message, flash }) {
  if (!message.has_original && !message.text_cut) return null;
  const button = (which, key, testid) =>
    h("button", { type: "button", class: "button small", i18n: key, testid, on: { click: (event) => download(event.currentTarget, which) } });
  async function download(control, which) {
    control.disabled = true;
    try {
      const answer = await api.get(`/v1/threads/${number()}/messages/${encodeURIComponent(message.id)}/${which}`);
      location.assign(answer.url);
    } catch (error) {
      if (error.code !== "session_ended") flash(messageFor(error), true);
    } finally {
      control.disabled = false;
    }
  }
  return h(
    "p",
    { class: "mail-files", testid: "mail-files" },
    message.text_cut ? button("whole-text", "thread.downloadWholeText", "download-whole-text") : null,
    message.text_cut && message.has_original ? " " : null,
    message.has_original ? button("original", "thread.downloadOriginal", "download-original") : null,
  );
}
