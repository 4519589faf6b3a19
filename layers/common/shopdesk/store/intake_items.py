"""The contact form's guards: blocked senders, rate windows, recent posts (duplicates) and signed
storefront calls already accepted (replays)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from shopdesk.store.table import ShopdeskItem


class BlockedSender(ShopdeskItem, discriminator="blocked_sender"):
    """A sender whose form posts and mails are refused: PK=BLOCKED, SK=<e-mail or @domain>."""

    value = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(value: str) -> tuple[str, str]:
        return "BLOCKED", value.strip().lower()


class RateWindow(ShopdeskItem, discriminator="rate_window"):
    """Posts counted for one IP or address in one window: PK=RATE#<ip or e-mail>, SK=<window start>; TTL."""

    count = NumberAttribute(default=0)

    @staticmethod
    def key(subject: str, window_start: int) -> tuple[str, str]:
        return f"RATE#{subject.lower()}", str(window_start)


class RecentPost(ShopdeskItem, discriminator="recent_post"):
    """A form message just stored, by digest of who wrote what where: PK=RECENT#<digest>, SK=RECENT; TTL minutes.

    A second identical post finds it and gets the first one's answer instead of a second message.
    """

    thread_number = NumberAttribute()
    at = UnicodeAttribute()

    @staticmethod
    def key(digest: str) -> tuple[str, str]:
        return f"RECENT#{digest}", "RECENT"


class SignedRequest(ShopdeskItem, discriminator="signed_request"):
    """A signed storefront call already accepted (replay protection): PK=SIGNED#<signature>, SK=SIGNED; TTL."""

    at = UnicodeAttribute()

    @staticmethod
    def key(signature: str) -> tuple[str, str]:
        return f"SIGNED#{signature.lower()}", "SIGNED"
