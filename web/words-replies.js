// The words of drafts, saved replies, snooze and the forward fixes (issue 13 §3–6), in every
// language of the page, merged into i18n.js's tables like words.js. Keep the three tables' keys identical.

export const REPLY_KIT_WORDS = {
  en: {
    "drafts.colleague": "{agent} has a draft",
  },
  es: {
    "drafts.colleague": "{agent} tiene un borrador",
  },
  pl: {
    "drafts.colleague": "{agent} ma wersję roboczą",
  },
};
