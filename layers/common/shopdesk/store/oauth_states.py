"""The one-time `state` of a mailbox's OAuth2 connection: PK=OAUTHSTATE#<nonce>, SK=STATE.

It holds what the callback needs and must never travel through the browser (the PKCE verifier),
the mailbox it connects and the provider. It lives a few minutes (`expires_at`, also the table's
TTL) and is consumed by one conditional write, so a replayed or late callback finds nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from shopdesk.store.conditions import condition_failed
from shopdesk.store.table import ShopdeskItem
from shopdesk.store.threads import now_iso


class OAuthStateItem(ShopdeskItem, discriminator="oauth_state"):
    """PK=OAUTHSTATE#<nonce>, SK=STATE: a connection under way; `consumed_at` once its callback came."""

    mailbox_id = UnicodeAttribute()
    provider = UnicodeAttribute()
    code_verifier = UnicodeAttribute()
    created_by = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    consumed_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(nonce: str) -> tuple[str, str]:
        return f"OAUTHSTATE#{nonce}", "STATE"


@dataclass(frozen=True)
class PendingConnection:
    mailbox_id: str
    provider: str
    code_verifier: str


def save_state(nonce: str, pending: PendingConnection, seconds: int, created_by: str = "") -> None:
    """One PutItem; a nonce is random, so an existing one is a bug, refused by the condition."""
    item = OAuthStateItem(
        *OAuthStateItem.key(nonce),
        mailbox_id=pending.mailbox_id,
        provider=pending.provider,
        code_verifier=pending.code_verifier,
        created_by=created_by,
        created_at=now_iso(),
        expires_at=int(time.time()) + seconds,
    )
    try:
        item.save(condition=OAuthStateItem.pk.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            raise RuntimeError("an OAuth2 state nonce was reused") from None
        raise


def consume_state(nonce: str) -> PendingConnection | None:
    """The pending connection, once: one UpdateItem conditional on the state existing, not consumed
    and not expired (the TTL deletes late, so the time is checked here). None otherwise."""
    now = int(time.time())
    item = OAuthStateItem(*OAuthStateItem.key(nonce))
    condition = OAuthStateItem.pk.exists() & OAuthStateItem.consumed_at.does_not_exist() & (OAuthStateItem.expires_at > now)
    try:
        item.update(actions=[OAuthStateItem.consumed_at.set(now_iso())], condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return PendingConnection(item.mailbox_id, item.provider, item.code_verifier)
