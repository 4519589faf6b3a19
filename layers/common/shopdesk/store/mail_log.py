"""The mail log: every mail's INBOUND record, newest first, read by one Query on an index by time
(GSI1 `MAILLOG`, or GSI2 `MAILLOG#<outcome>` for one outcome), and the set-aside mails an admin
retries or imports as a new thread (docs/data-model.md, "The mail log")."""

from __future__ import annotations

from itertools import islice
from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.store.conditions import condition_failed
from shopdesk.store.models import InboundRecord, SyncFailure
from shopdesk.store.threads import now_iso

OUTCOMES = ("imported", "skipped", "bounced", "failed")


def cursor_keys(outcome: str | None) -> set[str]:
    """The key names a resumed log Query carries (anything else is not our cursor)."""
    index = 2 if outcome else 1
    return {"PK", "SK", f"GSI{index}PK", f"GSI{index}SK"}


def log_page(outcome: str | None, limit: int, cursor: dict[str, Any] | None = None) -> tuple[list[InboundRecord], dict[str, Any] | None]:
    """One page of the log, newest first: one Query reading `limit + 1` entries (the extra one
    says whether there is a next page); the cursor resumes after the page's last entry."""
    index_number = 2 if outcome else 1
    index = getattr(InboundRecord, f"gsi{index_number}")
    rows = iter(index.query(InboundRecord.log_partition(outcome), scan_index_forward=False, last_evaluated_key=cursor, page_size=limit + 1, limit=limit + 1))
    page = list(islice(rows, limit))
    more = len(page) == limit and next(rows, None) is not None
    if not more:
        return page, None
    last = page[-1]
    return page, {
        "PK": {"S": last.pk},
        "SK": {"S": last.sk},
        f"GSI{index_number}PK": {"S": getattr(last, f"gsi{index_number}pk")},
        f"GSI{index_number}SK": {"S": getattr(last, f"gsi{index_number}sk")},
    }


def sender_entries(sender: str) -> list[InboundRecord]:
    """The log entries of one sender's mails (GSI7 `MAILLOG#E#<address>`), every page: for erasure."""
    return list(InboundRecord.gsi7.query(InboundRecord.sender_partition(sender)))


def forget_sender(entry: InboundRecord) -> None:
    """Erasure: the entry keeps the mail's identity (so the sync never imports it again) and
    forgets who sent it and what it said (the sender's index key goes with the address)."""
    entry.update(
        actions=[InboundRecord.sender.remove(), InboundRecord.subject.remove(), InboundRecord.gsi7pk.remove(), InboundRecord.gsi7sk.remove()],
        condition=InboundRecord.pk.exists(),
    )


# --- set-aside mails ----------------------------------------------------------------------------------


def failure(name: str) -> SyncFailure | None:
    """The set-aside mail of this name (`<uidvalidity>.<uid>`), or None."""
    key = SyncFailure.key_of(name)
    if key is None:
        return None
    try:
        return SyncFailure.get(*key, consistent_read=True)
    except SyncFailure.DoesNotExist:
        return None


def failure_raw(item: SyncFailure) -> bytes | None:
    """The set-aside mail as it came (None for one too large to be downloaded)."""
    if not item.raw_key:
        return None
    return client("s3").get_object(Bucket=config().attachments_bucket, Key=item.raw_key)["Body"].read()


def release_failed_record(record_id: str) -> bool:
    """Deletes the mail's `failed` record so its import can write the real one (only a failed record:
    a mail imported meanwhile stays as it is). False when there was no failed record to release."""
    try:
        InboundRecord(*InboundRecord.key(record_id)).delete(condition=InboundRecord.outcome == "failed")
        return True
    except DeleteError as error:
        if condition_failed(error):
            return False
        raise


def put_failed_record(record: InboundRecord) -> None:
    """The failed record back (a retry that failed again), unless something else was recorded meanwhile."""
    try:
        record.save(condition=InboundRecord.pk.does_not_exist())
    except PutError as error:
        if not condition_failed(error):
            raise


def resolve_failure(item: SyncFailure) -> None:
    """The set-aside mail is imported: its failure item goes (the raw stays under the original's key)."""
    SyncFailure(item.pk, item.sk).delete()


def note_retry_failed(item: SyncFailure, error: str) -> None:
    item.update(actions=[SyncFailure.error.set(error[:500] or "unknown"), SyncFailure.at.set(now_iso())])
