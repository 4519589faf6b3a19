"""Drafts: an agent's unsent reply or note, one item per agent, thread and kind, in the thread's
partition (store/draft_items.py). A save is one PutItem, a discard one DeleteItem; the thread
view reads them with the thread (store.thread_reads.thread_partition_items)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shopdesk.core.thread_rules import now_iso
from shopdesk.store.draft_items import Draft

DRAFT_TTL = timedelta(days=30)
KINDS = ("reply", "note")


def save_draft(number: int, agent_sub: str, agent: str, kind: str, text: str) -> Draft:
    """One PutItem: the newest text replaces the last (the agent's own item, no read needed)."""
    moment = datetime.now(UTC)
    draft = Draft(
        *Draft.key(number, agent_sub, kind),
        agent_sub=agent_sub,
        agent=agent,
        draft_kind=kind,
        text=text,
        updated_at=now_iso(moment),
        expires_at=int((moment + DRAFT_TTL).timestamp()),
    )
    draft.save()
    return draft


def delete_draft(number: int, agent_sub: str, kind: str) -> None:
    """One DeleteItem (nothing happens if there was none)."""
    Draft(*Draft.key(number, agent_sub, kind)).delete()


def delete_drafts(drafts: list[Draft]) -> None:
    """The drafts of a deleted thread (BatchWriteItem)."""
    with Draft.batch_write() as batch:
        for draft in drafts:
            batch.delete(draft)
