"""Mail pushed by SES receiving: the shop points its MX (or a forwarding rule) at SES, a
receipt rule stores the raw mail in the private bucket and invokes the inbound function with the
SES event, and this runs the same pipeline as the IMAP sync (matching, skipping, set-aside).

- Exactly once: by the mail's identity (its Message-ID and content digest, the INBOUND record the
  importer writes in the same transaction as the message), so SES invoking twice, or the same mail
  arriving both by SES and by IMAP, imports it once; a mail set aside is listed once per SES
  message id.
- SES's spam and virus verdicts are recorded; a mail either verdict failed is set aside (kept in
  the bucket, listed with the verdicts), never imported. SPF, DKIM and DMARC are logged.
- Nothing stops: a mail that cannot be read or stored is set aside; only AWS failing raises, and
  Lambda's retry of the asynchronous invocation then finds what was already stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shopdesk.core.config import config
from shopdesk.core.observability import count, logger
from shopdesk.mail import importer, parse
from shopdesk.store import mail_sync, threads
from shopdesk.store.contacts import all_contacts
from shopdesk.store.models import Contact

VERDICTS = ("spam", "virus", "spf", "dkim", "dmarc")
BLOCKING = ("spam", "virus")  # a FAIL here sets the mail aside


@dataclass
class Received:
    ses_message_id: str
    raw_key: str
    verdicts: dict[str, str] = field(default_factory=dict)

    @property
    def refused_by(self) -> list[str]:
        return [name for name in BLOCKING if self.verdicts.get(name) == "FAIL"]


def records_of(event: dict[str, Any]) -> list[Received]:
    """The mails of an SES receipt event (the Lambda action's event: one record per mail)."""
    found: list[Received] = []
    for record in event.get("Records") or []:
        ses = record.get("ses") or {}
        message_id = str((ses.get("mail") or {}).get("messageId") or "")
        if not message_id or "/" in message_id:
            logger.warning("an SES record without a usable message id was ignored")
            continue
        receipt = ses.get("receipt") or {}
        verdicts = {name: str((receipt.get(f"{name}Verdict") or {}).get("status") or "") for name in VERDICTS}
        found.append(Received(message_id, config().inbound_mail_prefix + message_id, verdicts))
    return found


Contacts = Callable[[], list[Contact]]


def handle(event: dict[str, Any], contacts: Contacts = all_contacts) -> dict[str, Any]:
    """Every mail of the event through the pipeline; the outcome of each by SES message id."""
    outcomes = {received.ses_message_id: receive(received, contacts) for received in records_of(event)}
    return {"outcomes": outcomes}


def receive(received: Received, contacts: Contacts = all_contacts) -> str:
    raw = mail_sync.read_received(received.raw_key)
    logger.info("mail received by SES", extra={"ses_message_id": received.ses_message_id, "verdicts": received.verdicts})
    try:
        mail = parse.parse(raw)
    except Exception as error:  # any mail, however broken, is kept and listed
        return _set_aside(received, raw, None, f"{type(error).__name__}: {error}")
    if received.refused_by:
        verdicts = ", ".join(f"{name} {received.verdicts[name]}" for name in received.refused_by)
        return _set_aside(received, raw, mail, f"SES verdict: {verdicts}", reason="ses_verdict")
    context = importer.prepare_batch([mail], contacts(), create_new_threads=True)
    wanted = importer.new_threads_expected([mail], context)
    if wanted:
        context.reserved_numbers = threads.reserve_thread_numbers(wanted)
    try:
        outcome = importer.store(mail, context, raw)
    except importer.SetAside as error:
        return _set_aside(received, raw, mail, str(error))
    except mail_sync.AWS_ERRORS as error:
        if not mail_sync.refused_for_the_item(error):
            raise  # AWS is failing: Lambda retries the invocation; what was stored is recognised
        return _set_aside(received, raw, mail, f"{type(error).__name__}: {error}")
    count("MailsImported" if outcome.outcome == "imported" else "MailsSkipped", 1 if outcome.outcome != "duplicate" else 0)
    return outcome.outcome


def _set_aside(received: Received, raw: bytes, mail: parse.ParsedMail | None, error: str, reason: str = "failed") -> str:
    record_id = mail.record_id if mail is not None else "sha256:" + parse.digest_of(raw)
    facts = {
        "record_id": record_id,
        "sender": mail.from_email if mail is not None else "",
        "subject": mail.subject if mail is not None else "",
        "size": len(raw),
        "error": error,
    }
    # the mail log's entry shows who wrote what and points to the set-aside item, so an admin sees
    # the verdict and can import a mail SES misjudged (POST /v1/mail-log/set-aside/ses.<id>)
    shown = {"sender": facts["sender"], "subject": facts["subject"], "size": len(raw), "failure_sk": mail_sync.received_failure_sk(received.ses_message_id)}
    first = mail_sync.put_record(mail_sync.inbound_record(record_id, "failed", f"{reason}: {error}", digest=mail.digest if mail is not None else None, **shown))
    mail_sync.set_aside_received(received.ses_message_id, received.raw_key, facts)
    if not first:
        return "duplicate"
    count("MailsFailed", 1)
    logger.warning("a received mail was set aside", extra={"ses_message_id": received.ses_message_id, "reason": reason})
    return "set_aside"
