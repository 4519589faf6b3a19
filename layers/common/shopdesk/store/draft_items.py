"""An agent's unsent reply or note on a thread (docs/data-model.md, "Drafts").

PK=THREAD#<number>, SK=DRAFT#<agent sub>#<reply|note>: in the thread's partition, so the thread
view's one Query returns every draft with the messages (no extra request), and a save is one
PutItem. Kept 30 days after the last save (TTL) if never sent."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from shopdesk.store import keys
from shopdesk.store.table import ShopdeskItem


class Draft(ShopdeskItem, discriminator="draft"):
    agent_sub = UnicodeAttribute()
    agent = UnicodeAttribute()  # the agent's e-mail (what colleagues see: "X has a draft")
    draft_kind = UnicodeAttribute()  # reply | note
    text = UnicodeAttribute(default="")
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(number: int, agent_sub: str, kind: str) -> tuple[str, str]:
        return keys.thread_pk(number), keys.draft_sk(agent_sub, kind)
