"""Daily limits on visitor confirmations (no relay): one counter item per recipient
mailbox and one for the shop, per UTC day, each taken with one conditional UpdateItem and
expired by TTL (docs/data-model.md, "Confirmation limits")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import UpdateError

from shopdesk.store.conditions import condition_failed
from shopdesk.store.table import ShopdeskItem

KEPT = timedelta(days=2)  # a day's counter outlives its day, then TTL removes it


class ConfirmationCount(ShopdeskItem, discriminator="confirmation_count"):
    """Confirmations sent on one UTC day: PK=CONFIRMS#<mailbox> or CONFIRMS#SHOP, SK=<YYYY-MM-DD>; TTL."""

    count = NumberAttribute(default=0)

    @staticmethod
    def key(subject: str, day: str) -> tuple[str, str]:
        return f"CONFIRMS#{subject.lower()}", day


SHOP = "SHOP"


def recipient_subject(mailbox: str) -> str:
    return f"to:{mailbox}"


def take(subject: str, limit: int, moment: datetime | None = None) -> bool:
    """Counts one confirmation for `subject` today if fewer than `limit` went out; False (and
    nothing written) when the day's limit is reached. One UpdateItem."""
    moment = moment or datetime.now(UTC)
    day = moment.astimezone(UTC).date()
    item = ConfirmationCount(*ConfirmationCount.key(subject, day.isoformat()))
    expires = int((datetime(day.year, day.month, day.day, tzinfo=UTC) + KEPT).timestamp())
    try:
        item.update(
            actions=[ConfirmationCount.count.add(1), ConfirmationCount.kind.set(ConfirmationCount), ConfirmationCount.expires_at.set(expires)],
            condition=ConfirmationCount.count.does_not_exist() | (ConfirmationCount.count < limit),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
