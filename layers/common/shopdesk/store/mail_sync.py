"""The mail sync's data: what was handled (INBOUND records), the cursor, the lease, the status, the
mails set aside, and the raw mails and full texts kept in the private bucket.

The mail room reaches DynamoDB and S3 only through these functions, so every key and condition
of the import lives here. A whole batch's reads are BatchGets (docs/data-model.md: the sync's
access patterns); nothing here scans.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.store.blocked_senders import blocked_keys
from shopdesk.store.conditions import condition_failed
from shopdesk.store.keys import thread_pk
from shopdesk.store.models import (
    BlockedSender,
    Contact,
    Counter,
    Delivery,
    InboundRecord,
    MailId,
    Message,
    OpenThreadClaim,
    SyncCursor,
    SyncError,
    SyncFailure,
    SyncLease,
    SyncStatusItem,
    Thread,
    transaction,
)
from shopdesk.store.threads import now_iso

ORIGINAL_PREFIX = "mail-original/"
FULL_TEXT_PREFIX = "mail-text/"
FAILED_PREFIX = "failed-mail/"
Key = tuple[str, str]
# What AWS as a whole failing looks like (throttled, unreachable, refused credentials): the run stops
# and resumes from its cursor; `refused_for_the_item` tells the one mail's failures apart.
AWS_ERRORS: tuple[type[BaseException], ...] = (PynamoDBException, BotoCoreError, ClientError)


def refused_for_the_item(error: BaseException) -> bool:
    """True when DynamoDB refused *this* write for what it holds (an item over 400 KB, an invalid
    value), not because the table or the service is failing: the mail is set aside, the run goes on."""
    if not isinstance(error, PynamoDBException):
        return False
    if getattr(error, "cause_response_code", None) == "ValidationException":
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(reason is not None and getattr(reason, "code", "") == "ValidationError" for reason in reasons):
        return True
    text = str(error)
    return "ValidationException" in text or "Item size has exceeded" in text or "Item size to update has exceeded" in text


# --- one batch's reads ------------------------------------------------------------------------------


def _batch_get(model: Any, keys: Iterable[Key]) -> list[Any]:
    unique = list(dict.fromkeys(keys))
    items: list[Any] = []
    for start in range(0, len(unique), 100):
        items += list(model.batch_get(unique[start : start + 100], consistent_read=True))
    return items


def inbound_records(record_ids: Iterable[str]) -> dict[str, InboundRecord]:
    """The INBOUND records among these ids, by id."""
    return {item.pk.removeprefix("INBOUND#"): item for item in _batch_get(InboundRecord, (InboundRecord.key(i) for i in record_ids))}


def blocked_among(addresses: Iterable[str]) -> set[str]:
    """The blocked addresses and @domains among these senders' (one read for the batch)."""
    keys = [key for address in addresses for key in blocked_keys(address)]
    return {item.sk for item in _batch_get(BlockedSender, keys)} if keys else set()


def sent_mail_ids(message_ids: Iterable[str]) -> dict[str, MailId]:
    """Which of these Message-IDs are mail we sent, with the thread each belongs to."""
    keys = [MailId.key(i) for i in message_ids]
    return {item.pk.removeprefix("MAILID#"): item for item in _batch_get(MailId, keys)} if keys else {}


def threads_by_number(numbers: Iterable[int]) -> dict[int, Thread]:
    keys = [Thread.key(n) for n in numbers]
    return {int(t.number): t for t in _batch_get(Thread, keys)} if keys else {}


def claim_key(address: str, contact_id: str) -> Key:
    return OpenThreadClaim.key(address, contact_id, None)


def open_claims(keys: Iterable[Key]) -> dict[Key, OpenThreadClaim]:
    return {(c.pk, c.sk): c for c in _batch_get(OpenThreadClaim, list(keys))}


def new_claim(key: Key, number: int) -> OpenThreadClaim:
    return OpenThreadClaim(*key, number=number, status="open")


def contact_stub(contact_id: str) -> Contact:
    return Contact(*Contact.key(contact_id), contact_id=contact_id)


def give_back_thread_numbers(numbers: list[int]) -> bool:
    """Numbers a batch reserved and did not use go back to the counter when they are its last ones
    (one UpdateItem, on the condition that no one took a number since): a failed or partly set-aside
    run uses no thread number. False when they cannot go back (then they are skipped, as ever)."""
    if not numbers:
        return True
    ordered = sorted(numbers)
    if ordered != list(range(ordered[0], ordered[-1] + 1)):
        return False
    try:
        Counter(*Counter.thread_number_key()).update(actions=[Counter.value.set(ordered[0] - 1)], condition=Counter.value == ordered[-1])
        return True
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise


# --- INBOUND records: each mail handled once ----------------------------------------------------------


def inbound_record(
    record_id: str,
    outcome: str,
    reason: str | None = None,
    thread_number: int | None = None,
    digest: str | None = None,
    **shown: Any,
) -> InboundRecord:
    """The mail's record, which is also its mail log entry. `shown`: sender, subject, size,
    message_sk (a bounce's reply), failure_sk (a set-aside mail's item)."""
    at = now_iso()
    sender = (shown.get("sender") or None) and str(shown["sender"])[:320]
    return InboundRecord(
        *InboundRecord.key(record_id),
        outcome=outcome,
        reason=(reason or None) and reason[:500],
        thread_number=thread_number,
        digest=digest or None,
        at=at,
        sender=sender,
        subject=(shown.get("subject") or None) and str(shown["subject"])[:300],
        size=shown.get("size"),
        message_sk=shown.get("message_sk"),
        failure_sk=shown.get("failure_sk"),
        **InboundRecord.log_keys(record_id, outcome, at, sender),
    )


def put_record(record: InboundRecord) -> bool:
    """A record on its own; False when it was already there."""
    try:
        record.save(condition=InboundRecord.pk.does_not_exist())
        return True
    except PutError as error:
        if condition_failed(error):
            return False
        raise


def record_in(record: InboundRecord) -> Callable[[Any], None]:
    """The extra write that puts the record in the transaction storing its message."""

    def extra(writes: Any) -> None:
        writes.save(record, condition=InboundRecord.pk.does_not_exist())

    return extra


def already_recorded(record_id: str) -> bool:
    try:
        InboundRecord.get(*InboundRecord.key(record_id), consistent_read=True)
        return True
    except InboundRecord.DoesNotExist:
        return False


def _delivery_paths(fields: dict[str, str | None]) -> list[Action]:
    """Sets (or removes, for None) paths inside the reply's `delivery` map, so what the report does
    not say (SES's Message-ID, the sending time) stays."""
    delivery = Message.delivery
    return [getattr(delivery, name).set(value) if value is not None else getattr(delivery, name).remove() for name, value in fields.items()]


def _record_with_reply(record: InboundRecord, thread_number: int, message_sk: str, actions: list[Action], condition: Condition) -> bool:
    """The report's record and the change to our reply in one transaction; False (nothing written)
    when the reply is not as `condition` wants it."""
    try:
        with transaction() as writes:
            writes.save(record, condition=InboundRecord.pk.does_not_exist())
            writes.update(Message(thread_pk(int(thread_number)), message_sk), actions=actions, condition=condition)
        return True
    except TransactWriteError as failure:
        if not condition_failed(failure):
            raise
    return False


def mark_bounced(record: InboundRecord, thread_number: int, message_sk: str, error: str, report: dict[str, str | None] | None = None) -> bool:
    """Marks our sent message bounced with the report's record; False when the message is gone.
    The reply's delivery keeps SES's Message-ID and its sending time: the bounce adds its subject
    (`error`), status code, diagnostic, recipient and time to them (one transaction; a reply with
    no delivery yet is given a whole one in a second)."""
    moment = now_iso()
    fields = {"state": "bounced", "error": error[:500], "bounced_at": moment, **{k: (v or None) for k, v in (report or {}).items()}}
    delivery = Message.delivery
    attempts = (
        (Message.pk.exists() & delivery.exists(), _delivery_paths(fields)),
        (Message.pk.exists() & delivery.does_not_exist(), [delivery.set(Delivery(at=moment, **fields))]),
    )
    return any(_record_with_reply(record, thread_number, message_sk, actions, condition) for condition, actions in attempts)


def mark_delayed(record: InboundRecord, thread_number: int, message_sk: str, report: dict[str, str | None] | None = None) -> bool:
    """Marks our sent reply "delayed" (a delivery report with Action: delayed: the receiving side is
    still retrying) with the report's status and diagnostic, in one transaction with the report's
    record. Only a reply whose delivery is "sent" or already "delayed" changes: a bounce or a
    not-sent reply keeps its state (a delay never hides a failure), and a later real failure still
    marks it bounced. False when the reply was not changed (the record is then not written)."""
    fields = {"state": "delayed", "delayed_at": now_iso(), **{k: (v or None) for k, v in (report or {}).items()}}
    condition = Message.pk.exists() & Message.delivery.state.is_in("sent", "delayed")
    return _record_with_reply(record, thread_number, message_sk, _delivery_paths(fields), condition)


# --- files in the private bucket ------------------------------------------------------------------------


def _put(key: str, body: bytes, content_type: str) -> dict[str, Any]:
    client("s3").put_object(Bucket=config().attachments_bucket, Key=key, Body=body, ContentType=content_type)
    return {"key": key, "content_type": content_type, "size": len(body)}


def keep_original(digest: str, raw: bytes) -> dict[str, Any]:
    """The raw mail, named by its content: storing it again on a retry writes the same object."""
    return {**_put(f"{ORIGINAL_PREFIX}{digest}.eml", raw, "message/rfc822"), "filename": "original.eml"}


def keep_full_text(digest: str, text: str) -> dict[str, Any]:
    return {**_put(f"{FULL_TEXT_PREFIX}{digest}.txt", text.encode("utf-8"), "text/plain; charset=utf-8"), "filename": "message.txt"}


# --- the run: lease, cursor, status, set-aside mail ------------------------------------------------------


def acquire_lease(owner: str, seconds: int) -> bool:
    """Takes the lease unless another run holds one that has not expired."""
    now = int(time.time())
    lease = SyncLease(*SyncLease.key(), owner=owner, expires_at=now + seconds)
    try:
        lease.save(condition=SyncLease.pk.does_not_exist() | (SyncLease.expires_at < now))
        return True
    except PutError as error:
        if condition_failed(error):
            return False
        raise


def release_lease(owner: str) -> None:
    try:
        SyncLease(*SyncLease.key()).delete(condition=SyncLease.owner == owner)
    except DeleteError:
        pass  # expired and taken over by another run: not ours to delete


def read_cursor(host: str, user: str, folder: str) -> tuple[int, int] | None:
    """(UIDVALIDITY, last UID handled) of the folder, or None before the first run."""
    try:
        cursor = SyncCursor.get(*SyncCursor.key(host, user, folder), consistent_read=True)
    except SyncCursor.DoesNotExist:
        return None
    return int(cursor.uidvalidity), int(cursor.last_uid)


def save_cursor(host: str, user: str, folder: str, uidvalidity: int, last_uid: int) -> None:
    SyncCursor(*SyncCursor.key(host, user, folder), uidvalidity=uidvalidity, last_uid=last_uid, updated_at=now_iso()).save()


def read_status() -> SyncStatusItem:
    try:
        return SyncStatusItem.get(*SyncStatusItem.key())
    except SyncStatusItem.DoesNotExist:
        return SyncStatusItem(*SyncStatusItem.key())


def mark_running(started_at: str) -> None:
    """The run has started: `checked_at` moves; the last run's figures stay until this one did something."""
    SyncStatusItem(*SyncStatusItem.key()).update(
        actions=[SyncStatusItem.kind.set(SyncStatusItem), SyncStatusItem.state.set("running"), SyncStatusItem.checked_at.set(started_at)]
    )


def write_status(state: str, started_at: str, counts: dict[str, int], errors: list[dict[str, str]]) -> None:
    """A run that did something (or failed): its figures replace the last ones."""
    SyncStatusItem(
        *SyncStatusItem.key(), state=state, last_run_at=started_at, checked_at=started_at, finished_at=now_iso(), errors=[SyncError(**e) for e in errors], **counts
    ).save()


def write_quiet_run(started_at: str) -> None:
    """A run that found nothing to do: the state and `checked_at` only, so the minute timer never
    replaces the figures of the last run that did something (an admin's Run sync, say)."""
    SyncStatusItem(*SyncStatusItem.key()).update(
        actions=[SyncStatusItem.kind.set(SyncStatusItem), SyncStatusItem.state.set("ok"), SyncStatusItem.checked_at.set(started_at)]
    )


def failure_sk(uidvalidity: int, uid: int, scope: str = "") -> str:
    """How a set-aside mail is named (its item's sort key): the mail log's entry points to it."""
    return SyncFailure.key(uidvalidity, uid, scope)[1]


def set_aside(uidvalidity: int, uid: int, raw: bytes, facts: dict[str, Any], scope: str = "") -> str:
    """A mail that cannot be imported: raw in the bucket, a failure record the settings page lists.
    `facts`: record_id, sender, subject, error. `scope`: the mailbox it came from. Returns the raw's key."""
    key = f"{FAILED_PREFIX}{scope + '/' if scope else ''}{uidvalidity}/{uid}.eml"
    if raw:
        _put(key, raw, "message/rfc822")
    SyncFailure(
        *SyncFailure.key(uidvalidity, uid, scope),
        mailbox_id=scope or None,
        uid=uid,
        uidvalidity=uidvalidity,
        record_id=facts.get("record_id"),
        raw_key=key if raw else None,
        sender=(facts.get("sender") or None) and str(facts["sender"])[:320],
        subject=(facts.get("subject") or None) and str(facts["subject"])[:500],
        size=facts.get("size"),
        error=str(facts.get("error") or "")[:500] or "unknown",
        at=now_iso(),
    ).save()
    return key


def read_received(key: str) -> bytes:
    """A raw mail SES stored in the private bucket (its receipt rule's S3 action)."""
    return bytes(client("s3").get_object(Bucket=config().attachments_bucket, Key=key)["Body"].read())


def received_failure_sk(ses_message_id: str) -> str:
    """How a mail SES received and that is set aside is named: the mail log's entry points to it."""
    return SyncFailure.received_key(ses_message_id)[1]


def set_aside_received(ses_message_id: str, raw_key: str, facts: dict[str, Any]) -> None:
    """A mail SES received that is not imported: its raw stays where SES put it, listed once per
    SES message id (SES invoking twice writes the same item)."""
    SyncFailure(
        *SyncFailure.received_key(ses_message_id),
        uid=0,
        uidvalidity=0,
        mailbox_id="ses",
        record_id=facts.get("record_id"),
        raw_key=raw_key,
        sender=(facts.get("sender") or None) and str(facts["sender"])[:320],
        subject=(facts.get("subject") or None) and str(facts["subject"])[:500],
        size=facts.get("size"),
        error=str(facts.get("error") or "")[:500] or "unknown",
        at=now_iso(),
    ).save()


def failures() -> list[SyncFailure]:
    """Every mail set aside, oldest UID first (one Query)."""
    return list(SyncFailure.query(SyncFailure.key(0, 0)[0], SyncFailure.sk.startswith("FAILED#")))
