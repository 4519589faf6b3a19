"""The mail log agents read: what the sync did with every mail (imported → its thread, skipped →
why, set aside → the error, bounced → which reply), newest first, one outcome or all; and what an
admin does with a set-aside mail: retry it, or import it as a new conversation.

The log is the INBOUND records themselves (each mail has exactly one), read by one Query on an
index by time (`store.mail_log`); nothing is written twice to keep it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shopdesk.core.errors import NotFound, ShopdeskError, Unprocessable
from shopdesk.core.i18n import register
from shopdesk.core.observability import count, logger
from shopdesk.mail import importer, parse
from shopdesk.store import mail_log, mail_sync
from shopdesk.store.contacts import all_contacts
from shopdesk.store.models import Contact, InboundRecord
from shopdesk.store.settings import load_settings

register(
    {
        "invalid_cursor": {
            "en": "This page link is not valid any more. Please start again from the first page.",
            "es": "Este enlace de página ya no es válido. Vuelva a empezar desde la primera página.",
            "pl": "Ten link do strony jest już nieważny. Zacznij od pierwszej strony.",
        },
        "invalid_limit": {
            "en": "The page size must be a whole number from 1 to 100.",
            "es": "El tamaño de página debe ser un número entero de 1 a 100.",
            "pl": "Rozmiar strony musi być liczbą całkowitą od 1 do 100.",
        },
        "invalid_outcome": {
            "en": "Choose imported, skipped, bounced or failed.",
            "es": "Elija importado, omitido, rebotado o fallido.",
            "pl": "Wybierz: zaimportowane, pominięte, odbite lub nieudane.",
        },
        "mail_not_set_aside": {
            "en": "This e-mail is not among the set-aside e-mails (it may have been imported already).",
            "es": "Este correo no está entre los apartados (quizá ya se importó).",
            "pl": "Tej wiadomości nie ma wśród odłożonych (mogła już zostać zaimportowana).",
        },
        "mail_not_downloaded": {
            "en": "This e-mail was too large to download; it is still in the mailbox.",
            "es": "Este correo era demasiado grande para descargarlo; sigue en el buzón.",
            "pl": "Ta wiadomość była za duża, by ją pobrać; nadal jest w skrzynce.",
        },
        "mail_still_failing": {
            "en": "The e-mail could not be imported again: {error}",
            "es": "El correo no se pudo importar de nuevo: {error}",
            "pl": "Nie udało się ponownie zaimportować wiadomości: {error}",
        },
    }
)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


@dataclass
class LogPage:
    entries: list[InboundRecord]
    next_cursor: str | None


def _decode_cursor(raw: str | None, outcome: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error):
        raise ShopdeskError("invalid_cursor") from None
    valid = isinstance(key, dict) and set(key) == mail_log.cursor_keys(outcome)
    valid = valid and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
    if not valid:
        raise ShopdeskError("invalid_cursor")
    return key


def _encode_cursor(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=") if key else None


def read_log(outcome: str | None = None, cursor: str | None = None, limit: str | None = None) -> LogPage:
    """GET /v1/mail-log: one page, newest first (one Query reading the page and one entry more)."""
    if outcome is not None and outcome not in mail_log.OUTCOMES:
        raise Unprocessable("invalid_outcome")
    size = int(limit) if limit and limit.isdigit() and len(limit) <= 3 else (PAGE_SIZE if not limit else 0)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise Unprocessable("invalid_limit")
    entries, next_key = mail_log.log_page(outcome, size, _decode_cursor(cursor, outcome))
    return LogPage(entries, _encode_cursor(next_key))


# --- set-aside mails: retry, or import as a new conversation --------------------------------------------


Contacts = Callable[[], list[Contact]]


def handle_set_aside(name: str, as_new_thread: bool, contacts: Contacts = all_contacts) -> InboundRecord:
    """Imports a set-aside mail again, from its raw copy: `as_new_thread` ignores the matching rules
    (In-Reply-To, references, the thread markers) and lets it start a conversation even when the
    shop does not create threads from mail; the sender's open thread with the contact is continued,
    as the contact form would. Answers the mail's new log entry; a mail that fails again stays set
    aside with the new error (422 `mail_still_failing`)."""
    failure = mail_log.failure(name)
    if failure is None:
        raise NotFound("mail_not_set_aside")
    raw = mail_log.failure_raw(failure)
    if raw is None:
        raise Unprocessable("mail_not_downloaded")
    try:
        parsed = parse.parse(raw)
    except Exception as error:  # still unreadable: it stays set aside, with today's error
        return _still_failing(failure, f"{type(error).__name__}: {error}")
    old_record = failure.record_id or parsed.record_id
    mail_log.release_failed_record(old_record)
    create = as_new_thread or bool(load_settings().imap.create_new_threads)
    context = importer.prepare_batch([parsed], contacts(), create)
    context.ignore_matching = as_new_thread
    try:
        outcome = importer.store(parsed, context, raw)
    except importer.SetAside as error:
        return _still_failing(failure, str(error), parsed, old_record)
    except mail_sync.AWS_ERRORS as error:
        if not mail_sync.refused_for_the_item(error):
            _put_back(failure, parsed, old_record, f"{type(error).__name__}: {error}")
            raise
        return _still_failing(failure, f"{type(error).__name__}: {error}", parsed, old_record)
    except Exception as error:  # anything unexpected belongs to this mail alone
        return _still_failing(failure, f"{type(error).__name__}: {error}", parsed, old_record)
    mail_log.resolve_failure(failure)
    count("MailsRetried")
    logger.info("a set-aside mail was handled again", extra={"outcome": outcome.outcome, "as_new_thread": as_new_thread})
    record = mail_sync.inbound_records([parsed.record_id]).get(parsed.record_id)
    if record is None:  # a duplicate of a mail imported meanwhile: nothing new was written
        raise NotFound("mail_not_set_aside")
    return record


def _put_back(failure: Any, parsed: parse.ParsedMail | None, record_id: str | None, error: str) -> None:
    mail_log.note_retry_failed(failure, error)
    if parsed is None or record_id is None:
        return
    shown = {"sender": parsed.from_email, "subject": parsed.subject, "size": failure.size, "failure_sk": failure.sk}
    mail_log.put_failed_record(mail_sync.inbound_record(record_id, "failed", error, digest=parsed.digest, **shown))


def _still_failing(failure: Any, error: str, parsed: parse.ParsedMail | None = None, record_id: str | None = None) -> InboundRecord:
    _put_back(failure, parsed, record_id, error)
    raise Unprocessable("mail_still_failing", error=error[:300])
