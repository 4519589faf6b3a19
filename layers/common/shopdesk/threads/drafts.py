"""Drafts: what an agent is writing on a thread, saved as they type (the page
debounces, and saves on leaving), restored when they come back, shown to colleagues as "X has a
draft", and deleted when the reply or note is sent.

Saving is one write (PutItem of the agent's own item); the thread view reads the drafts in its
Query of the thread's partition, so drafts add no request to it."""

from __future__ import annotations

from shopdesk.core.validation import Checker
from shopdesk.store import drafts as store
from shopdesk.store.draft_items import Draft
from shopdesk.threads.outbound import TEXT_LIMIT


def checked_kind(raw: str) -> str:
    check = Checker()
    if raw not in store.KINDS:
        check.fail("kind", "validation_failed")
    check.done()
    return raw


def save(agent_sub: str, agent_email: str, number: int, kind: str, text: object) -> Draft | None:
    """PUT /v1/threads/{n}/drafts/{kind}: the text as typed (blank: the draft is discarded)."""
    kind = checked_kind(kind)
    check = Checker()
    value = text if isinstance(text, str) else ""  # kept as typed: restored exactly
    if not isinstance(text, str | None):
        check.fail("text", "validation_failed")
    elif len(value) > TEXT_LIMIT:
        check.fail("text", "too_long", limit=TEXT_LIMIT)
    check.done()
    if not value.strip():
        store.delete_draft(number, agent_sub, kind)
        return None
    return store.save_draft(number, agent_sub, agent_email.lower(), kind, value)


def discard(agent_sub: str, number: int, kind: str) -> None:
    """DELETE /v1/threads/{n}/drafts/{kind}, and what a sent reply or added note does."""
    store.delete_draft(number, agent_sub, checked_kind(kind))
