"""The saved-reply library: listed with one Query on PK=SAVED_REPLIES, written one item at a time."""

from __future__ import annotations

import secrets

from pynamodb.exceptions import DeleteError, PutError

from shopdesk.core.errors import NotFound
from shopdesk.core.thread_rules import now_iso
from shopdesk.store.conditions import condition_failed
from shopdesk.store.saved_reply_items import SAVED_REPLIES_PK, SavedReply


def library() -> list[SavedReply]:
    """Every saved reply, by title (one Query)."""
    return sorted(SavedReply.query(SAVED_REPLIES_PK), key=lambda r: r.title.lower())


def put_saved_reply(reply_id: str | None, title: str, texts: dict[str, str]) -> SavedReply:
    """Creates (no id) or replaces (an existing id: 404 if it was deleted meanwhile) one reply."""
    new = reply_id is None
    reply_id = reply_id or secrets.token_hex(6)
    item = SavedReply(*SavedReply.key(reply_id), reply_id=reply_id, title=title, texts=dict(texts), updated_at=now_iso())
    try:
        item.save(condition=SavedReply.pk.does_not_exist() if new else SavedReply.pk.exists())
    except PutError as error:
        if condition_failed(error) and not new:
            raise NotFound("saved_reply_not_found") from None
        raise
    return item


def delete_saved_reply(reply_id: str) -> None:
    try:
        SavedReply(*SavedReply.key(reply_id)).delete(condition=SavedReply.pk.exists())
    except DeleteError as error:
        if condition_failed(error):
            raise NotFound("saved_reply_not_found") from None
        raise
