"""The storefront form's own items: the one batched read of a post, rate windows, recent posts,
single-use form tokens and signed calls already seen (docs/data-model.md, "Storefront intake").

Intake decides; this module only reads and writes, so the form's rules never touch pynamodb.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import Conflict
from shopdesk.core.i18n import register
from shopdesk.core.validation import mailbox_of
from shopdesk.store.conditions import condition_failed
from shopdesk.store.models import RateWindow, RecentPost, ShopdeskItem, SignedRequest
from shopdesk.store.threads import now_iso

T = TypeVar("T")


class UsedFormToken(ShopdeskItem, discriminator="used_form_token"):
    """A form token already spent on a post: PK=FORMTOKEN#<signature>, SK=FORMTOKEN; TTL at the
    token's own expiry, so a replay is refused for as long as the token would otherwise be good."""

    at = UnicodeAttribute()
    digest = UnicodeAttribute(null=True)  # the post that spent it: the same post sent again is no replay

    @staticmethod
    def key(signature: str) -> tuple[str, str]:
        return f"FORMTOKEN#{signature.lower()}", "FORMTOKEN"


def read_items(keys: list[tuple[str, str]]) -> list[ShopdeskItem]:
    """One consistent BatchGetItem for every item a post needs (duplicates asked once)."""
    unique = list(dict.fromkeys(keys))
    return list(ShopdeskItem.batch_get(unique, consistent_read=True))


# --- rate windows ------------------------------------------------------------------------------


def count_in_window(subject: str, window_seconds: int, now: float | None = None) -> int:
    """Adds one post to the subject's current window and answers the window's count. One UpdateItem."""
    start = int((now if now is not None else time.time()) // window_seconds * window_seconds)
    item = RateWindow(*RateWindow.key(subject, start))
    item.update(actions=[RateWindow.count.add(1), RateWindow.kind.set(RateWindow), RateWindow.expires_at.set(start + 2 * window_seconds)])
    return int(item.count)


def email_rate_subject(email: str) -> str:
    """The window's subject for a sender: their mailbox (`+tags` and ignored dots folded)."""
    return f"email:{mailbox_of(email)}"


def rate_windows_of_email(email: str) -> list[RateWindow]:
    """The rate windows that count an address's posts (an erasure removes them): one Query on
    the subject the form counts it under, the mailbox `email_rate_subject` names."""
    return list(RateWindow.query(RateWindow.key(email_rate_subject(email), 0)[0]))


# --- recent posts (duplicate suppression) -------------------------------------------------------


def recent_thread(recent: RecentPost | None, window: timedelta) -> int | None:
    """The thread a post with this digest went to, if that was within `window`."""
    if recent is None or datetime.fromisoformat(recent.at) <= datetime.now(UTC) - window:
        return None
    return int(recent.thread_number)


def recent_thread_of(digest: str, window: timedelta) -> int | None:
    """As `recent_thread`, read now (consistently): after losing a race to an identical post."""
    try:
        return recent_thread(RecentPost.get(*RecentPost.key(digest), consistent_read=True), window)
    except RecentPost.DoesNotExist:
        return None


def remember_post(digest: str, window: timedelta, thread_number: Callable[[], int | None]) -> Callable[[TransactWrite], None]:
    """The write that records a post in its message's own transaction: of two identical posts
    racing, the second's transaction fails on this condition and answers with the first's thread."""

    def write(writes: TransactWrite) -> None:
        now = datetime.now(UTC)
        recent = RecentPost(
            *RecentPost.key(digest), thread_number=thread_number(), at=now_iso(now), expires_at=int((now + window).timestamp()) + 60
        )
        writes.save(recent, condition=RecentPost.pk.does_not_exist() | (RecentPost.at < now_iso(now - window)))

    return write


# --- single-use records: form tokens, signed calls ----------------------------------------------


def _first_use(item: ShopdeskItem) -> bool:
    try:
        item.save(condition=type(item).pk.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True


def spend_form_token(signature: str, digest: str, expires_at: int) -> str | None:
    """Records a form token as spent by the post `digest`: None when it was not spent before, else
    the digest of the post that spent it. One conditional PutItem (and a read when it was spent)."""
    item = UsedFormToken(*UsedFormToken.key(signature), at=datetime.now(UTC).isoformat(), digest=digest, expires_at=expires_at)
    if _first_use(item):
        return None
    try:
        return str(UsedFormToken.get(*UsedFormToken.key(signature), consistent_read=True).digest or "")
    except UsedFormToken.DoesNotExist:
        return ""  # released in between: still not this post's to take


def release_form_token(signature: str, digest: str) -> None:
    """Gives a token back when the post it was spent on could not be stored or sent, so the
    visitor's retry is not taken for a replay (only the post that spent it can release it)."""
    try:
        UsedFormToken(*UsedFormToken.key(signature)).delete(condition=UsedFormToken.digest == digest)
    except DeleteError as error:
        if not condition_failed(error):
            raise


def first_signed_call(signature: str, expires_at: int) -> bool:
    """Records a signed call; False when it was seen before (a replay). One conditional PutItem."""
    return _first_use(SignedRequest(*SignedRequest.key(signature), at=datetime.now(UTC).isoformat(), expires_at=expires_at))


# --- idempotency records (Powertools, in the same table) ----------------------------------------


def idempotency_store() -> Any:
    """Powertools' persistence layer on the table: PK=IDEMPOTENCY, SK=<hash of the key>; TTL."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=config().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value="IDEMPOTENCY",
        expiry_attr="expires_at",
        boto3_client=client("dynamodb"),
    )


# --- transactions that collide ------------------------------------------------------------------

CONFLICT_ATTEMPTS = 6


def is_transaction_conflict(error: Exception) -> bool:
    """DynamoDB cancelled a transaction because another one was writing the same item at the
    same instant (not because a condition failed): trying again a moment later succeeds."""
    if not isinstance(error, TransactWriteError):
        return False
    reasons = getattr(error, "cancellation_reasons", None) or []
    codes = {getattr(reason, "code", None) for reason in reasons if reason is not None}
    return (
        "TransactionConflict" in codes
        or getattr(error, "cause_response_code", None) == "TransactionInProgressException"
        or (not codes and "TransactionConflict" in str(error))
    )


class StillBusy(Conflict):
    """The item stayed busy with other writers through every attempt: the caller may try again."""

    code = "busy_try_again"


register(
    {
        "busy_try_again": {
            "en": "Many messages are arriving at once. Please send yours again in a moment.",
            "es": "Están llegando muchos mensajes a la vez. Vuelva a enviar el suyo en un momento.",
            "pl": "Dociera wiele wiadomości naraz. Wyślij swoją ponownie za chwilę.",
        },
    }
)


def retry_conflicts[T](work: Callable[[], T], attempts: int = CONFLICT_ATTEMPTS, base_delay: float = 0.02) -> T:
    """Runs `work`, again after a short jittered pause while its transaction collides with another
    (at most `attempts` times, the pauses growing: a conflict that persists is StillBusy, a 409)."""
    for attempt in range(attempts):
        try:
            return work()
        except TransactWriteError as error:
            if not is_transaction_conflict(error):
                raise
            if attempt == attempts - 1:
                raise StillBusy() from None
            time.sleep(random.uniform(0, base_delay * 2**attempt))  # noqa: S311 - jitter, not a secret
    raise AssertionError("unreachable")
