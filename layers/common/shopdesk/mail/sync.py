"""One mail sync run: new mail from the shop's IMAP folder into its threads, exactly once.

- Incremental: the cursor item keeps UIDVALIDITY and the last UID stored; only UIDs above it are
  fetched, in batches of one FETCH each. A run with nothing new (STATUS's UIDNEXT unchanged: no
  SELECT) costs the same few IMAP commands and two DynamoDB requests (the lease taken, answering
  with the mailbox; the lease released with the quiet run's record) whatever the mailbox holds.
- The first run, and a run after UIDVALIDITY changed, start over from a window of days; what was
  already imported is recognised by its INBOUND record.
- A message is flagged \\Seen (or deleted) only after it is stored, and the cursor moves after
  each batch, so a crash, a timeout or a dropped connection only means re-reading one batch.
- One run at a time: a lease item with an expiry, taken with a conditional put.
- Nothing stops: a failure that belongs to one mail (unreadable, too large, no sender, refused by
  DynamoDB for its size, any unexpected error) sets that mail aside (raw kept in the private
  bucket, a failure record with its UID, sender, subject, size and error) and the run goes on.
  Only the mailbox or AWS as a whole failing stops a run; the next one resumes from the cursor.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import Unavailable
from shopdesk.core.i18n import message, register
from shopdesk.core.observability import count, duration_ms, logger
from shopdesk.mail import imap, importer, mailboxes, parse
from shopdesk.mail.imap import Envelope, Mailbox, MailboxError, MailboxSettings, settings_from
from shopdesk.store import mail_sync, threads
from shopdesk.store import mailboxes as mailbox_store
from shopdesk.store.contacts import all_contacts
from shopdesk.store.mailboxes import MailboxItem
from shopdesk.store.models import Contact
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
        "message_set_aside": {
            "en": "A message could not be imported; it is kept as it came and listed.",
            "es": "Un mensaje no se pudo importar; se conserva tal como llegó y figura en la lista.",
            "pl": "Nie udało się zaimportować wiadomości; zachowano ją w oryginalnej postaci i wymieniono na liście.",
        },
        "imap_password_needed": {
            "en": "Type the mailbox password to test another server or user; the saved one is only used for the saved mailbox.",
            "es": "Escriba la contraseña del buzón para probar otro servidor u otro usuario; la guardada solo se usa con el buzón guardado.",
            "pl": "Wpisz hasło skrzynki, aby sprawdzić inny serwer lub użytkownika; zapisane hasło służy tylko zapisanej skrzynce.",
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
MAX_PARALLEL_MAILBOXES = 8
ORIGINALS_AHEAD = 4  # a batch's originals put in the bucket at once, ahead of their transactions


@dataclass
class RunResult:
    state: str = "ok"  # ok | failed | busy | partial
    imported: int = 0
    matched: int = 0
    new_threads: int = 0
    skipped: int = 0
    bounced: int = 0
    unknown_reports: int = 0  # delivery reports about mail we never sent: not bounces of ours
    failed: int = 0
    duplicates: int = 0
    batches: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, outcome: importer.Outcome) -> None:
        if outcome.outcome == "imported":
            self.imported += 1
            if outcome.new_thread:
                self.new_threads += 1
            elif outcome.match_rule != "open_thread":  # matched by a rule, not merely by its sender
                self.matched += 1
        elif outcome.outcome == "skipped":
            self.skipped += 1
        elif outcome.outcome == "bounced" and outcome.reason == "unknown_message":
            self.unknown_reports += 1
        elif outcome.outcome == "bounced":
            self.bounced += 1
        elif outcome.outcome == "duplicate":
            self.duplicates += 1

    def error(self, code: str, text: str) -> None:
        self.errors.append({"at": threads.now_iso(), "code": code, "message": text[:500]})

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


Remaining = Callable[[], int]


# --- status ------------------------------------------------------------------------------------------


def sync_status() -> dict[str, Any]:
    """The SyncStatus shape of docs/api.md: every mailbox's last run together (the figures summed,
    the errors each prefixed by its mailbox), and `mailboxes`, each mailbox's own."""
    items = mailboxes.mailboxes()
    if not items:  # no mailbox: the last run's "not configured", as before mailboxes
        item = mail_sync.read_status()
        return {
            "state": item.state, "last_run_at": item.last_run_at, "checked_at": item.checked_at or item.last_run_at, "finished_at": item.finished_at,
            **{name: int(getattr(item, name) or 0) for name in COUNTS},
            "errors": [{"at": e.at, "code": e.code, "message": e.message} for e in item.errors or []],
            "mailboxes": [],
        }
    views = [mailboxes.view(item) for item in items]
    states = {v["sync"]["state"] for v in views}
    state = next((s for s in ("running", "failed", "ok", "paused") if s in states), "never")
    many = len(views) > 1
    errors = [{**e, "message": f"{v['name']}: {e['message']}" if many else e["message"]} for v in views for e in v["sync"]["errors"]]
    return {
        "state": state,
        "last_run_at": max((v["sync"]["last_run_at"] or "" for v in views), default="") or None,
        "checked_at": max((v["sync"]["checked_at"] or "" for v in views), default="") or None,
        "finished_at": max((v["sync"]["finished_at"] or "" for v in views), default="") or None,
        **{name: sum(v["sync"][name] for v in views) for name in COUNTS},
        "errors": sorted(errors, key=lambda e: e["at"])[-MAX_ERRORS:],
        "mailboxes": [{"id": v["id"], "name": v["name"], **v["sync"]} for v in views],
    }


COUNTS = ("imported", "matched", "new_threads", "skipped", "bounced", "unknown_reports", "failed")


# --- the run ---------------------------------------------------------------------------------------


Contacts = Callable[[], list[Contact]]
Factory = Callable[[MailboxSettings], Mailbox]


def run(remaining_ms: Remaining | None = None, mailbox_factory: Factory = Mailbox, contacts: Contacts = all_contacts) -> RunResult:
    """Every mailbox that is not paused, each in its own thread with its own lease, cursor and
    status: a mailbox that fails ends only its own run, and one that hangs until its timeout holds
    only its own thread, so no mailbox waits on another."""
    items = [item for item in mailboxes.mailboxes() if not item.paused]
    if not items:
        return _not_configured()
    if len(items) == 1:
        return run_mailbox(items[0].mailbox_id, remaining_ms, mailbox_factory, contacts)
    with ThreadPoolExecutor(max_workers=min(len(items), MAX_PARALLEL_MAILBOXES), thread_name_prefix="mailbox") as pool:
        runs = [pool.submit(run_mailbox, item.mailbox_id, remaining_ms, mailbox_factory, contacts) for item in items]
    results = []
    for item, future in zip(items, runs, strict=True):
        try:
            results.append(future.result())
        except Exception as error:  # one mailbox's unexpected failure is its own
            logger.exception("a mailbox's sync failed", extra={"mailbox": item.mailbox_id})
            failed = RunResult(state="failed")
            failed.error("aws_error", f"{type(error).__name__}: {error}")
            results.append(failed)
    return _together(results)


def _together(results: list[RunResult]) -> RunResult:
    total = RunResult(state=next((s for s in ("failed", "partial", "busy") if any(r.state == s for r in results)), "ok"))
    for r in results:
        for name in (*COUNTS, "duplicates", "batches"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        total.errors += r.errors
    return total


def _not_configured() -> RunResult:
    result = RunResult(state="failed")
    result.error("imap_not_configured", message("imap_not_configured"))
    started_at = threads.now_iso()
    mail_sync.mark_running(started_at)
    mail_sync.write_status("failed", started_at, result.counts(), result.errors)
    return result


def run_mailbox(mailbox_id: str, remaining_ms: Remaining | None = None, mailbox_factory: Factory = Mailbox, contacts: Contacts = all_contacts) -> RunResult:
    """One mailbox's sync: takes its lease, imports what is new batch by batch, records its status."""
    remaining = remaining_ms or (lambda: 900_000)
    owner = uuid.uuid4().hex
    result = RunResult()
    item = mailbox_store.take_lease(mailbox_id, owner, remaining() // 1000 + LEASE_MARGIN_SECONDS) if mailboxes.is_mailbox_id(mailbox_id) else None
    if item is None:
        result.state = "busy"  # another run holds it, or the mailbox was removed
        return result
    started = time.monotonic()
    try:
        quiet = _run_locked(item, result, remaining, mailbox_factory, contacts)
    except Exception:
        mailbox_store.release_lease(mailbox_id, owner)
        raise
    # Not in a `finally`: a run killed mid-way (a timeout, SystemExit) keeps the lease until it expires.
    if quiet:  # the minute timer's usual run: its record and the lease's release are one write
        mailbox_store.release_lease_after_quiet_run(mailbox_id, owner)
    else:
        mailbox_store.release_lease(mailbox_id, owner)
    count("MailsImported", result.imported)
    count("MailsSkipped", result.skipped + result.bounced + result.unknown_reports)
    count("MailsFailed", result.failed)
    duration_ms("MailSyncDurationMs", (time.monotonic() - started) * 1000)
    return result


def _run_locked(item: MailboxItem, result: RunResult, remaining: Remaining, mailbox_factory: Factory, contacts: Contacts) -> bool:
    """The run under its lease; True when it found nothing to do (its record is left to the lease's release)."""
    mailbox_id = item.mailbox_id
    try:
        box = mailboxes.connected_box(item, mailbox_factory)
        try:
            _sync(box, item, result, remaining, contacts)
        finally:
            box.close()
    except MailboxError as error:
        result.state = "failed"
        result.error(error.code, message(error.code, None, **error.params))
    except mail_sync.AWS_ERRORS as error:
        result.state = "failed"
        result.error("aws_error", f"{type(error).__name__}: {error}")
        logger.exception("mail sync stopped by an AWS error")
    codes = [e["code"] for e in result.errors]
    if result.state == "failed" and codes != ["imap_not_configured"]:
        logger.error("mail sync failed", extra={"codes": codes, "mailbox": mailbox_id})  # counted by the imap-sync-failures alarm
    elif codes:
        logger.warning("mail sync finished with errors", extra={"codes": codes, "mailbox": mailbox_id})
    if result.state != "failed" and not result.errors and not any(result.counts().values()):
        return True  # the last run that did something stays visible: a quiet run records only when it looked
    mailbox_store.write_status(mailbox_id, "failed" if result.state == "failed" else "ok", result.counts(), result.errors[-MAX_ERRORS:])
    return False


def _sync(box: Mailbox, item: MailboxItem, result: RunResult, remaining: Remaining, contacts: Contacts) -> None:
    cfg = config()
    label = mailboxes.label_of(item)
    cursor = mailbox_store.cursor_of(item, label)
    if cursor is not None and _nothing_new(box.status(), cursor):
        return  # one STATUS, whatever the folder holds: no SELECT, SEARCH, FETCH or DynamoDB read
    uidvalidity, uidnext = box.select()
    if cursor is not None and cursor[0] == uidvalidity:
        last_uid = cursor[1]
        if _nothing_new((uidvalidity, uidnext), cursor):
            return  # a message came and went between STATUS and SELECT
        found = box.sizes(f"{last_uid + 1}:*")
        found = {uid: value for uid, value in found.items() if uid > last_uid}
    else:
        if cursor is not None:
            logger.warning("UIDVALIDITY changed: starting over from the window; imported mail is recognised")
        last_uid = 0
        found = box.sizes(box.search_since(cfg.imap_window_days))
    if not found:
        if last_uid == 0:  # a first run with nothing in its window: start after what is there
            mailbox_store.save_cursor(item.mailbox_id, label, uidvalidity, max(0, (uidnext or 1) - 1))
        return
    shop_contacts = contacts()
    uids = sorted(found)
    for start in range(0, len(uids), cfg.imap_batch_size):
        if remaining() < SAFETY_MARGIN_MS:
            result.state = "partial"
            logger.info("stopping before the time runs out; the next run resumes", extra={"next_uid": uids[start]})
            return
        batch = uids[start : start + cfg.imap_batch_size]
        _sync_batch(box, item, batch, found, shop_contacts, result)
        mailbox_store.save_cursor(item.mailbox_id, label, uidvalidity, batch[-1])
        result.batches += 1


def _nothing_new(status: tuple[int, int | None], cursor: tuple[int, int]) -> bool:
    return status[0] == cursor[0] and status[1] is not None and status[1] <= cursor[1] + 1


def _sync_batch(box: Mailbox, item: MailboxItem, batch: list[int], found: dict[int, Envelope], contacts: list[Contact], result: RunResult) -> None:
    limit = config().imap_max_message_bytes
    scope = "" if item.mailbox_id == mailboxes.PRIMARY else item.mailbox_id  # the first mailbox's keys are as before
    too_large = [uid for uid in batch if found[uid].size > limit]
    for uid in too_large:
        _too_large(box.uidvalidity, uid, found[uid], limit, result, scope)
    raws = box.fetch_raw([uid for uid in batch if uid not in too_large])
    parsed: list[tuple[int, parse.ParsedMail]] = []
    for uid in sorted(raws):
        try:
            parsed.append((uid, parse.parse(raws[uid])))
        except Exception as error:  # any message, however broken, must not stop the sync
            _set_aside(box.uidvalidity, uid, raws[uid], error, result, envelope=found.get(uid), scope=scope)
    context = importer.prepare_batch([p for _, p in parsed], contacts, bool(item.create_new_threads), contact_id=item.contact_id)
    wanted = importer.new_threads_expected([p for _, p in parsed], context)
    if wanted:
        context.reserved_numbers = threads.reserve_thread_numbers(wanted)
    with ThreadPoolExecutor(max_workers=ORIGINALS_AHEAD, thread_name_prefix="original") as pool:  # left once every put has ended
        importer.keep_originals_ahead([(mail, raws[uid]) for uid, mail in parsed], context, pool)
        _store_batch(box.uidvalidity, parsed, raws, context, result, scope)
    box.mark_done(batch, delete=bool(item.delete_after_sync))


def _store_batch(uidvalidity: int, parsed: list[tuple[int, parse.ParsedMail]], raws: dict[int, bytes], context: importer.BatchContext, result: RunResult, scope: str) -> None:
    try:
        for uid, mail in parsed:
            try:
                result.add(importer.store(mail, context, raws[uid]))
            except importer.SetAside as error:
                _set_aside(uidvalidity, uid, raws[uid], error, result, mail=mail, scope=scope)
            except mail_sync.AWS_ERRORS as error:
                if not mail_sync.refused_for_the_item(error):
                    raise  # AWS is failing: stop here, the cursor stays before this batch
                _set_aside(uidvalidity, uid, raws[uid], error, result, mail=mail, scope=scope)
            except Exception as error:  # anything unexpected belongs to this mail alone
                _set_aside(uidvalidity, uid, raws[uid], error, result, mail=mail, scope=scope)
    finally:
        importer.give_back_numbers(context)


def _too_large(uidvalidity: int, uid: int, envelope: Envelope, limit: int, result: RunResult, scope: str = "") -> None:
    """Not downloaded: listed with what its header said, recorded so it is not looked at again."""
    record_id = envelope.message_id or f"uid:{uidvalidity}:{uid}"
    text = f"{envelope.size} bytes, more than {limit}; not downloaded"
    facts = {"record_id": record_id, "sender": envelope.sender, "subject": envelope.subject, "size": envelope.size, "error": text}
    shown = {"sender": envelope.sender, "subject": envelope.subject, "size": envelope.size, "failure_sk": mail_sync.failure_sk(uidvalidity, uid, scope)}
    if mail_sync.put_record(mail_sync.inbound_record(record_id, "failed", "too_large", **shown)):
        mail_sync.set_aside(uidvalidity, uid, b"", facts, scope)
        result.failed += 1
        result.error("message_too_large", f"UID {uid}: {text}")


def _set_aside(
    uidvalidity: int, uid: int, raw: bytes, error: BaseException, result: RunResult, mail: parse.ParsedMail | None = None, envelope: Envelope | None = None,
    scope: str = "",
) -> None:
    """A message that cannot be imported: kept raw in the bucket, listed, and never retried."""
    text = f"{type(error).__name__}: {error}"[:500] if not isinstance(error, importer.SetAside) else str(error)[:500]
    record_id = mail.record_id if mail is not None else "sha256:" + parse.digest_of(raw)
    facts = {
        "record_id": record_id,
        "sender": mail.from_email if mail is not None else (envelope.sender if envelope else ""),
        "subject": mail.subject if mail is not None else (envelope.subject if envelope else ""),
        "size": len(raw),
        "error": text,
    }
    mail_sync.set_aside(uidvalidity, uid, raw, facts, scope)
    shown = {"sender": facts["sender"], "subject": facts["subject"], "size": len(raw), "failure_sk": mail_sync.failure_sk(uidvalidity, uid, scope)}
    mail_sync.put_record(mail_sync.inbound_record(record_id, "failed", text, digest=mail.digest if mail is not None else None, **shown))
    result.failed += 1
    result.error("message_unreadable" if mail is None else "message_set_aside", f"UID {uid}: {text}")
    # An error the importer did not expect carries its traceback to the log: the mail is set aside,
    # the operator still learns where the code failed.
    unexpected = not isinstance(error, importer.SetAside)
    logger.warning("a message was set aside", extra={"uid": uid, "error_type": type(error).__name__}, exc_info=error if unexpected else None)


def run_handler(context: Any, contacts: Contacts = all_contacts, event: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the Lambda handler calls: every mailbox (`run`), or the one an event names."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    mailbox_id = (event or {}).get("mailbox_id")
    if isinstance(mailbox_id, str):
        return run_mailbox(mailbox_id, remaining, contacts=contacts).to_dict()
    return run(remaining, contacts=contacts).to_dict()


def check_connection(typed: Any | None = None, password: str | None = None) -> dict[str, Any]:
    """The settings page's "Test connection": the values the admin typed (`typed`, with `host`,
    `port`, `user`, `security`, `verify_certificate`, `folder`), nothing saved; without them, the
    stored settings. A password typed is used for this test only; without one, the stored password
    is used only for the stored host and user (it is never sent to another server)."""
    try:
        stored = load_settings().imap
        if typed is None:
            return imap.check_connection(settings_from(stored))
        if password is None and not _same_mailbox(typed, stored):
            raise MailboxError("imap_password_needed")
        return imap.check_connection(settings_from(typed, password))
    except MailboxError as error:
        return {"ok": False, "code": error.code, "message": message(error.code, None, **error.params)}


def _same_mailbox(typed: Any, stored: Any) -> bool:
    return bool(stored.host) and (typed.host or "").strip().lower() == stored.host.strip().lower() and (typed.user or "").strip() == (stored.user or "").strip()


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
