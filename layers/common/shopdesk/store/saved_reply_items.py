"""The saved replies admins keep: PK=SAVED_REPLIES, SK=REPLY#<id>, one item per
reply with its text in each language; the whole library is one Query (docs/data-model.md)."""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, UnicodeAttribute

from shopdesk.store.table import ShopdeskItem

SAVED_REPLIES_PK = "SAVED_REPLIES"


class SavedReply(ShopdeskItem, discriminator="saved_reply"):
    reply_id = UnicodeAttribute()
    title = UnicodeAttribute()  # what agents search and pick by
    texts = MapAttribute(default=dict)  # {en|es|pl: text with {variables}}
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(reply_id: str) -> tuple[str, str]:
        return SAVED_REPLIES_PK, f"REPLY#{reply_id}"
