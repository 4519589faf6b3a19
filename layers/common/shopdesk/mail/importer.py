"""A parsed mail → its thread: match it (SPEC's order) and store it exactly once, through `store`.

Exactly once: every mail (imported, skipped or bounced) gets an INBOUND record written with
`attribute_not_exists`, in the same transaction as the message it stores. A mail is "already
handled" when a record with its Message-ID *and* its content digest exists; a different mail
reusing a Message-ID is recorded under `<Message-ID>#<digest>` and imported.

Sizes are bytes: a DynamoDB item holds 400 KB of UTF-8, so the texts are cut by bytes (never
mid-character), and the raw mail and the whole text are kept in the private bucket.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.observability import logger
from shopdesk.mail import assignee_mail
from shopdesk.mail.parse import ParsedMail
from shopdesk.mail.send import find_plus_address, find_subject_markers
from shopdesk.store import attachments, mail_sync, threads
from shopdesk.store.blocked_senders import blocked_keys
from shopdesk.store.conditions import TransactWriteError, condition_failed
from shopdesk.store.models import Contact, InboundRecord, MailId, OpenThreadClaim, Thread
from shopdesk.store.settings import load_settings

MAX_ATTACHMENTS = 20
# What a message item keeps of a mail's texts, in UTF-8 bytes: together far below 400 KB.
TEXT_BYTES = 150_000
NEW_TEXT_BYTES = 60_000
CUT_MARK = "\n[…]"


class SetAside(Exception):
    """This mail (and only it) cannot be imported: it is kept raw and listed, the run goes on."""


@dataclass
class Outcome:
    outcome: str  # imported | skipped | bounced | duplicate
    reason: str | None = None
    thread_number: int | None = None
    match_rule: str | None = None
    new_thread: bool = False


@dataclass
class BatchContext:
    """What a batch reads once for all its messages: known records, outbound ids, threads, contacts."""

    contacts: list[Contact]
    create_new_threads: bool
    language: str
    done: set[str] = field(default_factory=set)
    records: dict[str, InboundRecord] = field(default_factory=dict)
    mail_ids: dict[str, MailId] = field(default_factory=dict)
    threads: dict[int, Thread] = field(default_factory=dict)
    reserved_numbers: list[int] = field(default_factory=list)
    claims: dict[tuple[str, str], OpenThreadClaim] = field(default_factory=dict)
    claims_read: set[tuple[str, str]] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)  # blocked addresses and @domains among the senders
    ignore_matching: bool = False  # an admin imports a set-aside mail as a new conversation
    # The shop's option to mail a thread's assignee when its customer answers; read (once per
    # batch) only when an owned thread gets an answer. None: not read yet.
    notify_assignee: bool | None = None
    contact_id: str | None = None  # the mailbox's contact: its new threads go there
    # The originals of the mails the batch will import, put in the bucket while the transactions of
    # the mails before them run (by content digest; `keep_originals_ahead`).
    originals: dict[str, Future[dict[str, Any]]] = field(default_factory=dict)


def cut_utf8(text: str, limit: int) -> tuple[str, bool]:
    """The longest start of `text` whose UTF-8 fits in `limit` bytes (never half a character)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text, False
    room = max(0, limit - len(CUT_MARK.encode("utf-8")))
    return data[:room].decode("utf-8", "ignore") + CUT_MARK, True


def _alternate_id(parsed: ParsedMail) -> str:
    return f"{parsed.record_id[:800]}#{parsed.digest}"


def _resolve_identity(parsed: ParsedMail, records: dict[str, InboundRecord]) -> bool:
    """Settles the mail's record id; True when this very mail (same id, same content) was handled."""
    first = records.get(parsed.record_id)
    if first is None or not parsed.digest or not parsed.message_id:
        return first is not None
    if first.digest is None or first.digest == parsed.digest:
        return True  # the same mail (a record older than digests counts as the same)
    parsed.record_id = _alternate_id(parsed)
    return parsed.record_id in records


def prepare_batch(mails: list[ParsedMail], contacts: list[Contact], create_new_threads: bool, contact_id: str | None = None) -> BatchContext:
    """A few BatchGets for the whole batch: what was handled, blocked senders, references, threads, claims.
    `contact_id`: the contact the mailbox names for its new threads (None: by recipient address)."""
    context = BatchContext(contacts=contacts, create_new_threads=create_new_threads, language=config().default_language, contact_id=contact_id)
    if not mails:
        return context
    wanted = [m.record_id for m in mails] + [_alternate_id(m) for m in mails if m.message_id and m.digest]
    context.records = mail_sync.inbound_records(wanted)
    for m in mails:
        if _resolve_identity(m, context.records):
            context.done.add(m.record_id)
    senders = [m.from_email for m in mails if m.kind == "customer" and m.from_email]
    context.blocked = mail_sync.blocked_among(senders)  # the list stops mail as it stops the form (SPEC §3)
    context.mail_ids = mail_sync.sent_mail_ids(ref for m in mails for ref in (m.in_reply_to + m.references + m.bounced_ids))
    numbers: set[int] = {int(item.thread_number) for item in context.mail_ids.values()}
    for m in mails:
        for found in (find_subject_markers(m.subject), find_plus_address(m.recipients)):
            if found:
                numbers.add(found[0])
    context.threads = mail_sync.threads_by_number(numbers)
    if create_new_threads:
        # the open threads the unmatched senders may continue, read once for the batch
        keys: dict[tuple[str, str], bool] = {}
        for m in mails:
            contact = _contact_for(m, contacts, contact_id)
            if m.kind == "customer" and m.from_email and contact is not None and match(m, context)[0] is None:
                keys[mail_sync.claim_key(m.from_email, contact.contact_id)] = True
        context.claims_read = set(keys)
        context.claims = mail_sync.open_claims(keys)
    return context


def will_import(parsed: ParsedMail, context: BatchContext) -> bool:
    """What `store` is about to import, as far as the batch's reads tell: a customer's mail not yet
    handled, from a sender not blocked, that continues a thread or may start one."""
    if parsed.record_id in context.done or parsed.kind != "customer" or not parsed.from_email:
        return False
    if {key[1] for key in blocked_keys(parsed.from_email)} & context.blocked:
        return False
    if match(parsed, context)[0] is not None:
        return True
    return context.create_new_threads and _contact_for(parsed, context.contacts, context.contact_id) is not None


def keep_originals_ahead(mails: list[tuple[ParsedMail, bytes]], context: BatchContext, pool: Executor) -> None:
    """Starts the PutObject of each original the batch will import on `pool`, so the bucket's
    round trips overlap the batch's transactions instead of adding to them. Each mail's transaction
    still waits for its own original (`_original`): the raw is stored before the message naming it,
    and before the cursor moves. A guess that proves wrong (the mail is skipped after all) only
    stored a raw under its digest, as a retry would."""
    wanted = [(parsed, raw) for parsed, raw in mails if raw and parsed.digest and will_import(parsed, context)]
    if not wanted:
        return
    client("s3")  # made once, here, before the pool's threads share it
    for parsed, raw in wanted:
        if parsed.digest not in context.originals:
            context.originals[parsed.digest] = pool.submit(mail_sync.keep_original, parsed.digest, raw)


def _original(parsed: ParsedMail, context: BatchContext, raw: bytes) -> dict[str, Any]:
    """The mail's original, stored: the one put ahead (its failure is this call's), else put now."""
    ahead = context.originals.pop(parsed.digest, None)
    if ahead is not None:
        return ahead.result()
    return mail_sync.keep_original(parsed.digest, raw)


def give_back_numbers(context: BatchContext) -> None:
    """The thread numbers the batch reserved and did not use (set-aside mail, a run stopped by AWS)."""
    if not context.reserved_numbers:
        return
    try:
        mail_sync.give_back_thread_numbers(context.reserved_numbers)
    except mail_sync.AWS_ERRORS:
        logger.warning("unused thread numbers could not be given back", extra={"count": len(context.reserved_numbers)})
    context.reserved_numbers.clear()


def new_threads_expected(mails: list[ParsedMail], context: BatchContext) -> int:
    """How many threads the batch will start: unmatched senders with no open thread, each once."""
    senders = set()
    for m in mails:
        contact = _contact_for(m, context.contacts, context.contact_id)
        if m.kind != "customer" or m.record_id in context.done or contact is None or match(m, context)[0] is not None:
            continue
        key = mail_sync.claim_key(m.from_email, contact.contact_id)
        if key not in context.claims:
            senders.add(key)
    return len(senders) if context.create_new_threads else 0


def match(parsed: ParsedMail, context: BatchContext) -> tuple[Thread | None, str | None]:
    """The SPEC's order: In-Reply-To / References, then the subject markers, then the plus-address."""
    for rule, refs in (("in_reply_to", parsed.in_reply_to), ("references", list(reversed(parsed.references)))):
        for ref in refs:
            known = context.mail_ids.get(ref)
            if known is not None and int(known.thread_number) in context.threads:
                return context.threads[int(known.thread_number)], rule
    for rule, found in (("subject_markers", find_subject_markers(parsed.subject)), ("plus_address", find_plus_address(parsed.recipients))):
        if found:
            thread = context.threads.get(found[0])
            if thread is not None and threads.token_matches(thread, found[1]):
                return thread, rule
    return None, None


def _contact_for(parsed: ParsedMail, contacts: list[Contact], contact_id: str | None = None) -> Contact | None:
    named = next((c for c in contacts if c.contact_id == contact_id), None) if contact_id else None
    if named is not None:  # the mailbox names its contact: its new threads go there
        return named
    return contact_for(parsed.delivered_to, contacts)


def contact_for(delivered_to: list[str], contacts: list[Contact]) -> Contact | None:
    """A new thread's contact: the first address the mail was delivered to (Delivered-To,
    X-Original-To, Envelope-To, then To, then Cc) that is a contact's, a plus-tag ignored
    (support+anything@ is support@). Contacts sharing an address: the first in the contact list's
    order (position, then the earliest created, then the id) takes it. No address is a contact's:
    the first contact, as SPEC says."""
    owners: dict[str, Contact] = {}
    for contact in contacts:  # already in the list's order: the first keeps a shared address
        if contact.email:
            owners.setdefault(contact.email.strip().lower(), contact)
    for address in delivered_to:
        address = address.lower()
        local, _, domain = address.partition("@")
        for candidate in (address, f"{local.split('+', 1)[0]}@{domain}"):
            if candidate in owners:
                return owners[candidate]
    return contacts[0] if contacts else None


def _record(parsed: ParsedMail, outcome: str, reason: str | None = None, thread_number: int | None = None, **shown: str) -> InboundRecord:
    """The mail's record and log entry: what happened, to which thread, and who sent what."""
    size = parsed.size or None
    return mail_sync.inbound_record(parsed.record_id, outcome, reason, thread_number, parsed.digest, sender=parsed.from_email, subject=parsed.subject, size=size, **shown)


def store(parsed: ParsedMail, context: BatchContext, raw: bytes | None = None) -> Outcome:
    """Stores one parsed mail (or records why not), with its INBOUND record in the same write.
    Raises SetAside when this mail cannot be imported (no sender, refused by DynamoDB)."""
    if parsed.record_id in context.done:
        return Outcome("duplicate")
    if parsed.kind == "senderless":
        raise SetAside("no sender: neither From, Sender nor Reply-To holds an address")
    context.done.add(parsed.record_id)
    if parsed.kind == "bounce":
        return _store_bounce(parsed, context)
    if parsed.kind != "customer":
        return _skip(parsed, parsed.reason or parsed.kind)
    if {key[1] for key in blocked_keys(parsed.from_email)} & context.blocked:
        return _skip(parsed, "blocked_sender")
    thread, rule = (None, None) if context.ignore_matching else match(parsed, context)
    if thread is None:
        if not context.create_new_threads:
            return _skip(parsed, "unmatched")
        contact = _contact_for(parsed, context.contacts, context.contact_id)
        if contact is None:
            return _skip(parsed, "no_contact")
        rule = "new_thread"
    else:
        contact = next((c for c in context.contacts if c.contact_id == thread.contact_id), None) or mail_sync.contact_stub(thread.contact_id)
    try:
        return _import(parsed, context, thread, contact, rule, raw)
    except TransactWriteError as error:
        context.done.discard(parsed.record_id)
        if condition_failed(error) and mail_sync.already_recorded(parsed.record_id):
            return Outcome("duplicate")
        if mail_sync.refused_for_the_item(error):
            raise SetAside(f"DynamoDB refused the message: {error}") from error
        raise
    except threads.ThreadChanged:
        if mail_sync.already_recorded(parsed.record_id):
            return Outcome("duplicate")
        raise


def _import(parsed: ParsedMail, context: BatchContext, thread: Thread | None, contact: Contact, rule: str | None, raw: bytes | None) -> Outcome:
    files = [f for f in parsed.files if len(f.data) <= attachments.MAX_SIZE][:MAX_ATTACHMENTS]
    # the form's type checks: a file not allowed by name and content is kept as an opaque download
    stored_files = [attachments.store_bytes(f.data, f.filename, attachments.mail_file_type(f.filename, f.data)).to_dict() for f in files]
    whole = parsed.text or parsed.subject or ""
    text, cut = cut_utf8(whole, TEXT_BYTES)
    new_text, _ = cut_utf8(parsed.new_text, NEW_TEXT_BYTES) if parsed.new_text != parsed.text else (None, False)
    incoming = threads.CustomerMessage(
        email=(thread.email if thread is not None else parsed.from_email),
        text=text,
        source="email",
        language=thread.language if thread is not None else context.language,
        customer_name=parsed.from_name or None,
        new_text=new_text,
        attachments=stored_files,
        match_rule=rule,
        mail_message_id=parsed.message_id,
        mail_message_id_written=parsed.original_message_id,  # our answer repeats it byte for byte
        mail_references=parsed.original_references or None,  # and its References before it
        order_ref=thread.order_ref if thread is not None else None,
        original=_original(parsed, context, raw) if raw else None,
        full_text=mail_sync.keep_full_text(parsed.digest, whole) if cut else None,
        subject=parsed.subject or None,
    )
    record = _record(parsed, "imported", rule)  # its thread number is set once the thread is known
    key = mail_sync.claim_key(parsed.from_email, contact.contact_id)
    claim_read: dict[str, OpenThreadClaim | None] = {}  # the batch read the sender's claim: hand it over
    if thread is None and key in context.claims_read:
        claim_read["claim"] = claim = context.claims.get(key)
        if claim is not None:  # the sender's open thread, as the intake would continue it
            incoming.match_rule = record.reason = "open_thread"
    number = context.reserved_numbers.pop(0) if thread is None and not claim_read.get("claim") and context.reserved_numbers else None
    def record_with_its_thread(writes: object) -> None:
        record.thread_number = incoming.thread_number  # known once the store chose or started the thread
        mail_sync.record_in(record)(writes)

    try:
        stored = threads.store_customer_message(contact, incoming, thread=thread, extra_writes=record_with_its_thread, thread_number=number, **claim_read)
    except BaseException:
        if number is not None:  # not used: the next new thread of the batch takes it, or it goes back
            context.reserved_numbers.insert(0, number)
        raise
    context.threads[int(stored.thread.number)] = stored.thread
    if stored.thread.assignee:
        if context.notify_assignee is None:
            context.notify_assignee = bool(load_settings().notify_assignee)
        assignee_mail.customer_answered(context.notify_assignee, stored.thread, stored.message)
    if incoming.match_rule in ("new_thread", "open_thread"):
        context.claims[key] = mail_sync.new_claim(key, int(stored.thread.number))
    rule = incoming.match_rule
    return Outcome("imported", reason=rule, thread_number=int(stored.thread.number), match_rule=rule, new_thread=stored.created)


def _skip(parsed: ParsedMail, reason: str) -> Outcome:
    if not mail_sync.put_record(_record(parsed, "skipped", reason)):
        return Outcome("duplicate")
    return Outcome("skipped", reason=reason)


def _store_bounce(parsed: ParsedMail, context: BatchContext) -> Outcome:
    """Marks the outbound message a delivery report names as bounced, with the report's record."""
    known = next((context.mail_ids[i] for i in parsed.bounced_ids if i in context.mail_ids), None)
    reason = "delivery_report" if known else "unknown_message"  # a report about mail we never sent: its own count
    record = _record(parsed, "bounced", reason, int(known.thread_number) if known else None, message_sk=known.message_sk if known else None)
    if known is None:
        if not mail_sync.put_record(record):
            return Outcome("duplicate")
        return Outcome("bounced", reason="unknown_message")
    number = int(known.thread_number)
    linked = context.threads.get(number)
    if linked is not None and linked.merged_into is not None:  # the message moved with its thread's merge
        number = int(threads.follow_merges(linked).number)
    report = parsed.report
    details = {"status": report.status, "diagnostic": report.diagnostic, "recipient": report.recipient} if report else None
    if report is not None and report.action and not report.action.startswith("failed"):
        return _store_notice(parsed, known, number, details, delayed=report.delayed)
    if not mail_sync.mark_bounced(record, number, known.message_sk, parsed.subject or "bounced", details):
        if mail_sync.already_recorded(parsed.record_id):
            return Outcome("duplicate")
        if not mail_sync.put_record(record):  # the message was deleted since: the report is still recorded
            return Outcome("duplicate")
    return Outcome("bounced", reason="delivery_report", thread_number=number)


def _store_notice(parsed: ParsedMail, known: MailId, number: int, details: dict[str, str | None] | None, *, delayed: bool) -> Outcome:
    """A report that is not a failure (Action: delayed, delivered, relayed): never a bounce. A delay
    shows on the reply as "delayed" (a bounce already there stays); the report is logged as skipped."""
    reason = "delivery_delayed" if delayed else "delivery_notice"
    record = _record(parsed, "skipped", reason, int(known.thread_number), message_sk=known.message_sk)
    if delayed and mail_sync.mark_delayed(record, number, known.message_sk, details):
        return Outcome("skipped", reason=reason, thread_number=number)
    if not mail_sync.put_record(record):
        return Outcome("duplicate")
    return Outcome("skipped", reason=reason, thread_number=number)


def record_failure(parsed: ParsedMail, error: str) -> bool:
    """A set-aside mail's record, so it is not read again; False when it was already recorded."""
    return mail_sync.put_record(_record(parsed, "failed", error))
