// Drafts: what the agent types in the reply and note boxes is saved server-side
// (debounced, one PUT per pause), restored when they come back, saved at once on leaving the
// thread or closing the tab (keepalive), and shown to colleagues as "X has a draft". Sending
// deletes the draft on the server (in the send's own write): the page only forgets its pending save.

import { h } from "../dom.js";

const SAVE_AFTER_MS = 800;

/**
 * boxes: { reply: textarea, note: textarea }. Returns { restore(detail), sent(kind), flush(),
 * others(detail) → node, dispose() }.
 */
export function draftKeeper(api, number, boxes) {
  const state = {};
  for (const [kind, box] of Object.entries(boxes)) {
    state[kind] = { timer: null, saved: null, restored: false };
    box.addEventListener("input", () => schedule(kind));
  }

  function schedule(kind) {
    clearTimeout(state[kind].timer);
    state[kind].timer = setTimeout(() => save(kind), SAVE_AFTER_MS);
  }

  async function save(kind, keepalive = false) {
    const entry = state[kind];
    clearTimeout(entry.timer);
    entry.timer = null;
    const text = boxes[kind].value;
    if (text === entry.saved) return;
    entry.saved = text;
    try {
      await api.put(`/v1/threads/${number}/drafts/${kind}`, { text }, { keepalive });
    } catch {
      entry.saved = null; // the next keystroke or leaving tries again
    }
  }

  function flush(keepalive = true) {
    for (const kind of Object.keys(boxes)) if (state[kind].timer || (state[kind].saved !== null && boxes[kind].value !== state[kind].saved)) save(kind, keepalive);
  }

  const onUnload = () => flush(true);
  window.addEventListener("pagehide", onUnload);
  window.addEventListener("beforeunload", onUnload);

  return {
    /** Puts the agent's own drafts back into the boxes (once per screen); returns the kinds restored. */
    restore(detail) {
      const restored = [];
      for (const draft of detail.drafts || []) {
        const entry = state[draft.kind];
        if (!draft.mine || !entry || entry.restored || typeof draft.text !== "string") continue;
        entry.restored = true;
        entry.saved = draft.text;
        boxes[draft.kind].value = draft.text;
        restored.push(draft.kind);
      }
      for (const entry of Object.values(state)) entry.restored = true;
      return restored;
    },
    /** The reply or note went out: its draft is gone on the server; nothing is pending here. */
    sent(kind) {
      clearTimeout(state[kind].timer);
      state[kind].timer = null;
      state[kind].saved = "";
    },
    flush,
    /** "X has a draft" for each colleague writing on this thread. */
    others(detail) {
      const writers = [...new Set((detail.drafts || []).filter((d) => !d.mine).map((d) => d.agent))];
      if (!writers.length) return null;
      return h(
        "ul",
        { class: "drafts-others muted", testid: "colleague-drafts" },
        writers.map((agent) => h("li", { testid: "colleague-draft", i18n: "drafts.colleague", params: { agent } })),
      );
    },
    dispose() {
      flush(true);
      window.removeEventListener("pagehide", onUnload);
      window.removeEventListener("beforeunload", onUnload);
    },
  };
}
