"""What the API answers about saved replies: the library (admins edit it) and the library filled
for one thread (agents insert from it). Domain objects in, JSON-ready dicts out."""

from __future__ import annotations

from typing import Any

from shopdesk.core.reply_variables import VARIABLES
from shopdesk.store.saved_reply_items import SavedReply
from shopdesk.threads.saved_replies import FilledReply


def saved_reply_view(reply: SavedReply) -> dict[str, Any]:
    texts = reply.texts.as_dict() if hasattr(reply.texts, "as_dict") else dict(reply.texts or {})
    return {"id": reply.reply_id, "title": reply.title, "texts": texts, "updated_at": reply.updated_at}


def library_view(replies: list[SavedReply]) -> dict[str, Any]:
    return {"saved_replies": [saved_reply_view(r) for r in replies], "variables": list(VARIABLES)}


def filled_view(replies: list[FilledReply]) -> dict[str, Any]:
    """Each reply ready to insert: its text with what could be filled, and what could not."""
    return {
        "saved_replies": [
            {
                "id": r.reply_id,
                "title": r.title,
                "language": r.language,
                "fallback": r.fallback,
                "text": r.filled.text,
                "unknown": list(r.filled.unknown),
                "empty": list(r.filled.empty),
            }
            for r in replies
        ]
    }
