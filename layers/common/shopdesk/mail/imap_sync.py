"""One mail sync run: new mail from the shop's IMAP folder into its threads, exactly once.

- Incremental: the cursor item keeps UIDVALIDITY and the last UID stored; only UIDs above it are
  fetched, in batches of one FETCH each. A run with nothing new (UIDNEXT unchanged) costs the same
  few IMAP commands and DynamoDB requests whatever the mailbox holds.
- The first run, and a run after UIDVALIDITY changed, start over from a window of days; what was
  already imported is recognised by its INBOUND record.
- A message is flagged \\Seen (or deleted) only after it is stored, and the cursor moves after
  each batch, so a crash, a timeout or a dropped connection only means re-reading one batch.
- One run at a time: a lease item with an expiry, taken with a conditional put.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException

from shopdesk.admin.contacts import all_contacts
from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import Unavailable
from shopdesk.core.i18n import message, register
from shopdesk.core.observability import logger
from shopdesk.mail import inbound, mailbox
from shopdesk.mail.mailbox import Mailbox, MailboxError, MailboxSettings, settings_from
from shopdesk.store import threads
from shopdesk.store.models import InboundRecord, SyncCursor, SyncError, SyncFailure, SyncLease, SyncStatusItem
from shopdesk.store.settings import load_settings

register(
    {
        "sync_not_started": {
            "en": "The mail sync could not be started. Please try again in a moment.",
            "es": "No se pudo iniciar la sincronización del correo. Inténtelo de nuevo en un momento.",
            "pl": "Nie udało się uruchomić synchronizacji poczty. Spróbuj ponownie za chwilę.",
        },
        "message_too_large": {
            "en": "A message was larger than the size limit and was not imported.",
            "es": "Un mensaje superaba el tamaño máximo y no se importó.",
            "pl": "Wiadomość przekraczała limit rozmiaru i nie została zaimportowana.",
        },
        "message_unreadable": {
            "en": "A message could not be read; it is kept as it came.",
            "es": "Un mensaje no se pudo leer; se conserva tal como llegó.",
            "pl": "Nie udało się odczytać wiadomości; zachowano ją w oryginalnej postaci.",
        },
        "aws_error": {
            "en": "The sync stopped because the database or storage failed; the next run resumes.",
            "es": "La sincronización se detuvo por un fallo de la base de datos o del almacenamiento; la próxima continuará.",
            "pl": "Synchronizacja zatrzymała się z powodu błędu bazy danych lub magazynu; następna ją wznowi.",
        },
    }
)

# Stop starting batches when less than this is left of the Lambda's time.
SAFETY_MARGIN_MS = 30_000
LEASE_MARGIN_SECONDS = 60
MAX_ERRORS = 10
FAILED_PREFIX = "failed-mail/"


@dataclass
class RunResult:
    state: str = "ok"  # ok | failed | busy | partial
    imported: int = 0
    matched: int = 0
    new_threads: int = 0
    skipped: int = 0
    bounced: int = 0
    failed: int = 0
    duplicates: int = 0
    batches: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, outcome: inbound.Outcome) -> None:
        if outcome.outcome == "imported":
            self.imported += 1
            if outcome.new_thread:
                self.new_threads += 1
            elif outcome.match_rule != "open_thread":  # matched by a rule, not merely by its sender
                self.matched += 1
        elif outcome.outcome == "skipped":
            self.skipped += 1
        elif outcome.outcome == "bounced":
            self.bounced += 1
        elif outcome.outcome == "duplicate":
            self.duplicates += 1

    def error(self, code: str, text: str) -> None:
        self.errors.append({"at": threads.now_iso(), "code": code, "message": text[:500]})

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Remaining = Callable[[], int]


# --- lease, cursor and status items --------------------------------------------------------------


def acquire_lease(owner: str, seconds: int) -> bool:
    """Takes the lease unless another run holds one that has not expired."""
    now = int(time.time())
    lease = SyncLease(*SyncLease.key(), owner=owner, expires_at=now + seconds)
    try:
        lease.save(condition=SyncLease.pk.does_not_exist() | (SyncLease.expires_at < now))
        return True
    except PutError as error:
        if "ConditionalCheckFailed" in str(error):
            return False
        raise


def release_lease(owner: str) -> None:
    try:
        SyncLease(*SyncLease.key()).delete(condition=SyncLease.owner == owner)
    except DeleteError:
        pass  # expired and taken over by another run: not ours to delete


def read_cursor(settings: MailboxSettings) -> SyncCursor | None:
    try:
        return SyncCursor.get(*SyncCursor.key(settings.host, settings.user, settings.folder), consistent_read=True)
    except SyncCursor.DoesNotExist:
        return None


def save_cursor(settings: MailboxSettings, uidvalidity: int, last_uid: int) -> None:
    SyncCursor(
        *SyncCursor.key(settings.host, settings.user, settings.folder), uidvalidity=uidvalidity, last_uid=last_uid, updated_at=threads.now_iso()
    ).save()


def sync_status() -> dict[str, Any]:
    """The SyncStatus shape of docs/api.md."""
    try:
        item = SyncStatusItem.get(*SyncStatusItem.key())
    except SyncStatusItem.DoesNotExist:
        item = SyncStatusItem(*SyncStatusItem.key())
    return {
        "state": item.state,
        "last_run_at": item.last_run_at,
        "finished_at": item.finished_at,
        "imported": int(item.imported),
        "matched": int(item.matched),
        "new_threads": int(item.new_threads),
        "skipped": int(item.skipped),
        "bounced": int(item.bounced),
        "failed": int(item.failed),
        "errors": [{"at": e.at, "code": e.code, "message": e.message} for e in item.errors or []],
    }


def _mark_running(started_at: str) -> None:
    SyncStatusItem(*SyncStatusItem.key()).update(
        actions=[SyncStatusItem.kind.set(SyncStatusItem), SyncStatusItem.state.set("running"), SyncStatusItem.last_run_at.set(started_at)]
    )


def _write_status(result: RunResult, started_at: str) -> None:
    SyncStatusItem(
        *SyncStatusItem.key(),
        state="failed" if result.state == "failed" else "ok",
        last_run_at=started_at,
        finished_at=threads.now_iso(),
        imported=result.imported,
        matched=result.matched,
        new_threads=result.new_threads,
        skipped=result.skipped,
        bounced=result.bounced,
        failed=result.failed,
        errors=[SyncError(**e) for e in result.errors[-MAX_ERRORS:]],
    ).save()


# --- the run ---------------------------------------------------------------------------------------


def run(remaining_ms: Remaining | None = None, mailbox_factory: Callable[[MailboxSettings], Mailbox] = Mailbox) -> RunResult:
    """One sync: takes the lease, imports what is new batch by batch, records the status."""
    remaining = remaining_ms or (lambda: 900_000)
    owner = uuid.uuid4().hex
    result = RunResult()
    if not acquire_lease(owner, remaining() // 1000 + LEASE_MARGIN_SECONDS):
        result.state = "busy"
        return result
    started_at = threads.now_iso()
    try:
        _run_locked(result, started_at, remaining, mailbox_factory)
    except Exception:
        release_lease(owner)
        raise
    # Not in a `finally`: a run killed mid-way (a timeout, SystemExit) keeps the lease until it expires.
    release_lease(owner)
    return result


def _run_locked(result: RunResult, started_at: str, remaining: Remaining, mailbox_factory: Callable[[MailboxSettings], Mailbox]) -> None:
    _mark_running(started_at)
    try:
        settings = load_settings()
        mailbox_settings = settings_from(settings.imap)
        box = mailbox_factory(mailbox_settings)
        box.connect()
        try:
            _sync(box, settings, result, remaining)
        finally:
            box.close()
    except MailboxError as error:
        result.state = "failed"
        result.error(error.code, message(error.code, None, **error.params))
    except (PynamoDBException, BotoCoreError, ClientError) as error:
        result.state = "failed"
        result.error("aws_error", f"{type(error).__name__}: {error}")
        logger.exception("mail sync stopped by an AWS error")
    codes = [e["code"] for e in result.errors]
    if result.state == "failed" and codes != ["imap_not_configured"]:
        logger.error("mail sync failed", extra={"codes": codes})  # counted by the imap-sync-failures alarm
    elif codes:
        logger.warning("mail sync finished with errors", extra={"codes": codes})
    _write_status(result, started_at)


def _sync(box: Mailbox, settings: Any, result: RunResult, remaining: Remaining) -> None:
    cfg = config()
    uidvalidity, uidnext = box.select()
    cursor = read_cursor(box.settings)
    if cursor is not None and int(cursor.uidvalidity) == uidvalidity:
        last_uid = int(cursor.last_uid)
        if uidnext is not None and uidnext <= last_uid + 1:
            return  # nothing new: SELECT told us, no FETCH
        found = box.sizes(f"{last_uid + 1}:*")
        found = {uid: value for uid, value in found.items() if uid > last_uid}
    else:
        if cursor is not None:
            logger.warning("UIDVALIDITY changed: starting over from the window; imported mail is recognised")
        last_uid = 0
        found = box.sizes(box.search_since(cfg.imap_window_days))
    if not found:
        if last_uid == 0:  # a first run with nothing in its window: start after what is there
            save_cursor(box.settings, uidvalidity, max(0, (uidnext or 1) - 1))
        return
    contacts = all_contacts()
    uids = sorted(found)
    for start in range(0, len(uids), cfg.imap_batch_size):
        if remaining() < SAFETY_MARGIN_MS:
            result.state = "partial"
            logger.info("stopping before the time runs out; the next run resumes", extra={"next_uid": uids[start]})
            return
        batch = uids[start : start + cfg.imap_batch_size]
        _sync_batch(box, settings, batch, found, contacts, result)
        save_cursor(box.settings, uidvalidity, batch[-1])
        result.batches += 1


def _sync_batch(
    box: Mailbox, settings: Any, batch: list[int], found: dict[int, tuple[int, str | None]], contacts: list[Any], result: RunResult
) -> None:
    limit = config().imap_max_message_bytes
    too_large = [uid for uid in batch if found[uid][0] > limit]
    for uid in too_large:
        record_id = found[uid][1] or f"uid:{box.uidvalidity}:{uid}"
        if inbound.put_record(InboundRecord(*InboundRecord.key(record_id), outcome="skipped", reason="too_large", at=threads.now_iso())):
            result.skipped += 1
            result.error("message_too_large", f"UID {uid}: {found[uid][0]} bytes, more than {limit}; not downloaded")
    raws = box.fetch_raw([uid for uid in batch if uid not in too_large])
    parsed: list[tuple[int, inbound.ParsedMail]] = []
    for uid in sorted(raws):
        try:
            parsed.append((uid, inbound.parse(raws[uid])))
        except Exception as error:  # any message, however broken, must not stop the sync
            _record_failure(box.uidvalidity, uid, raws[uid], error, result)
    context = inbound.prepare_batch([p for _, p in parsed], contacts, bool(settings.imap.create_new_threads))
    wanted = inbound.new_threads_expected([p for _, p in parsed], context)
    if wanted:
        context.reserved_numbers = threads.reserve_thread_numbers(wanted)
    for uid, mail in parsed:
        try:
            result.add(inbound.store(mail, context))
        except (PynamoDBException, BotoCoreError, ClientError):
            raise  # AWS is failing: stop here, the cursor stays before this batch
        except Exception as error:
            _record_failure(box.uidvalidity, uid, raws[uid], error, result, record_id=mail.record_id)
    box.mark_done(batch, delete=bool(settings.imap.delete_after_sync))


def _record_failure(uidvalidity: int, uid: int, raw: bytes, error: BaseException, result: RunResult, record_id: str | None = None) -> None:
    """A message that cannot be imported: kept raw in the bucket, listed, and never retried."""
    key = f"{FAILED_PREFIX}{uidvalidity}/{uid}.eml"
    client("s3").put_object(Bucket=config().attachments_bucket, Key=key, Body=raw, ContentType="message/rfc822")
    text = f"{type(error).__name__}: {error}"[:500]
    SyncFailure(*SyncFailure.key(uidvalidity, uid), uid=uid, uidvalidity=uidvalidity, record_id=record_id, raw_key=key, error=text, at=threads.now_iso()).save()
    if record_id:
        inbound.put_record(inbound.failed_record(record_id, text))
    result.failed += 1
    result.error("message_unreadable", f"UID {uid}: {text}")
    logger.warning("a message could not be imported", extra={"uid": uid, "error_type": type(error).__name__})


def run_handler(context: Any) -> dict[str, Any]:
    """What the Lambda handler calls: the run, bounded by the invocation's remaining time."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return run(remaining).to_dict()


def check_connection() -> dict[str, Any]:
    """The settings page's check of the stored mailbox settings (the password from Secrets Manager)."""
    try:
        return mailbox.check_connection(settings_from(load_settings().imap))
    except MailboxError as error:
        return {"ok": False, "code": error.code, "message": message(error.code, None, **error.params)}


def start_async() -> dict[str, Any]:
    """"Run sync": invokes the sync function asynchronously; the page never waits on the mailbox."""
    if not config().imap_sync_function:
        raise Unavailable("sync_not_started")
    try:
        client("lambda").invoke(FunctionName=config().imap_sync_function, InvocationType="Event", Payload=b'{"source": "agents-api"}')
    except (BotoCoreError, ClientError) as error:
        logger.warning("the sync could not be started", extra={"error_type": type(error).__name__})
        raise Unavailable("sync_not_started") from error
    return {"started": True}
