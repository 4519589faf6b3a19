"""Inbound mail: parse a raw message, classify it, find its thread, and store it exactly once.

Parsing uses the stdlib `email` package with `policy.default`; every header access is guarded so
that a broken message degrades to what can be read instead of stopping the sync. What a
customer wrote is kept as plain text only (HTML-only mail is cleaned with nh3 and flattened).

Exactly once: every message (imported, skipped or bounced) gets an `INBOUND#<id>` item written
with `attribute_not_exists` in the same transaction that stores it (docs/data-model.md).
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import nh3
from pynamodb.exceptions import PutError, TransactWriteError

from shopdesk.core.config import config
from shopdesk.mail import mail
from shopdesk.store import attachments, threads
from shopdesk.store.blocked_senders import blocked_keys
from shopdesk.store.models import BlockedSender, Contact, Delivery, InboundRecord, MailId, OpenThreadClaim, Thread, transaction
from shopdesk.store.models import Message as MessageItem

TEXT_LIMIT = 100_000  # characters kept of one message's text (a DynamoDB item holds 400 KB)
MAX_ATTACHMENTS = 20


# --- parsing ------------------------------------------------------------------------------------


@dataclass
class MailFile:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    record_id: str
    message_id: str | None
    subject: str
    from_name: str
    from_email: str
    recipients: list[str]
    in_reply_to: list[str]
    references: list[str]
    date: datetime | None
    text: str
    new_text: str
    files: list[MailFile] = field(default_factory=list)
    kind: str = "customer"  # customer | own | autoreply | report | bounce
    reason: str | None = None
    bounced_ids: list[str] = field(default_factory=list)


_MSGID = re.compile(r"<([^<>\s]+)>")


def _header(msg: Message, name: str) -> str:
    """A header's decoded value, whatever the message got wrong ('' when absent or unreadable).

    policy.default parses a header on every access: each is read once per message and kept.
    """
    cache: dict[str, str] = msg.__dict__.setdefault("_shopdesk_headers", {})
    key = name.lower()
    if key not in cache:
        cache[key] = _read_header(msg, name) if name in msg else ""
    return cache[key]


def _read_header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a defective header policy.default cannot parse
        value = None
        for key, raw in getattr(msg, "_headers", []):
            if key.lower() == name.lower():
                value = raw
                break
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:
        text = ""
    if "=?" in text:
        try:
            text = str(make_header(decode_header(text)))
        except Exception:
            pass
    # raw 8-bit bytes arrive as surrogates: decode them as UTF-8, else Latin-1
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        raw_bytes = text.encode("utf-8", "surrogateescape")
        try:
            text = raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            text = raw_bytes.decode("latin-1")
    return " ".join(text.split())


def _ids(value: str) -> list[str]:
    found = _MSGID.findall(value or "")
    if not found and value.strip() and " " not in value.strip() and "@" in value:
        found = [value.strip()]
    return [normalize_id(v) for v in found]


def normalize_id(value: str) -> str:
    return value.strip().strip("<>").lower()


def _addresses(msg: Message, *names: str) -> list[tuple[str, str]]:
    values = [_header(msg, name) for name in names]
    try:
        pairs = getaddresses([v for v in values if v])
    except Exception:
        pairs = [parseaddr(v) for v in values if v]
    return [(n, a.strip()) for n, a in pairs if a and "@" in a]


def _charset_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    if charset.lower() in ("unicode-1-1-utf-7",):
        charset = "utf-7"
    for candidate in (charset, "utf-8", "windows-1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1", "replace")


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:
        pass
    return _charset_text(part)


class _TextFromHtml(HTMLParser):
    """Flattens cleaned HTML to text: block elements become line breaks, blockquotes '> ' lines."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote = 0

    def _newline(self) -> None:
        if self.lines[-1].strip(" >"):
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "blockquote":
            self._newline()
            self.quote += 1
        elif tag in self.BLOCKS:
            if tag == "br":
                self.lines.append("")
            else:
                self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._newline()
            self.quote = max(0, self.quote - 1)
        elif tag in self.BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        data = re.sub(r"\s+", " ", data.replace("\xa0", " "))
        if not data.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        self.lines[-1] += data.lstrip() if not self.lines[-1].strip(" >") else data


def html_to_text(html: str) -> str:
    """Clean text from HTML: nh3 drops scripts, styles and every attribute; the rest is flattened."""
    cleaned = nh3.clean(html, tags=_TextFromHtml.BLOCKS | {"blockquote", "span", "a", "b", "i", "strong", "em", "td"}, attributes={})
    parser = _TextFromHtml()
    parser.feed(cleaned)
    parser.close()
    lines = [line.rstrip() for line in parser.lines]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _walk_body(msg: Message) -> tuple[str | None, str | None, list[MailFile]]:
    """The first text/plain and text/html body parts and the files, without entering attached mails."""
    plain: str | None = None
    html: str | None = None
    files: list[MailFile] = []
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack = list(children) + stack
            continue
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:
            disposition = ""
        try:
            filename = part.get_filename()
        except Exception:
            filename = None
        if ctype == "message/rfc822" or ctype.startswith("message/"):
            data = part.as_bytes() if ctype == "message/rfc822" else b""
            try:
                inner = part.get_payload()
                if isinstance(inner, list) and inner:
                    data = inner[0].as_bytes()
            except Exception:
                pass
            if data:
                files.append(MailFile(filename or "message.eml", "message/rfc822", data))
            continue
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        if is_body_text:
            if ctype == "text/plain" and plain is None:
                plain = _part_text(part)
                continue
            if ctype == "text/html" and html is None:
                html = _part_text(part)
                continue
            if ctype == "text/plain":
                plain = (plain or "") + "\n" + _part_text(part)
                continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
        if not data:
            continue
        name = filename or (f"inline.{ctype.split('/')[-1]}" if ctype.startswith("image/") else f"part.{ctype.split('/')[-1]}")
        files.append(MailFile(_clean_filename(name), ctype, data, inline=disposition == "inline" or "Content-ID" in part))
    return plain, html, files


def _clean_filename(name: str) -> str:
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raw = name.encode("utf-8", "surrogateescape")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("latin-1")
    return attachments.display_name(name)


_HEADER_LINE = re.compile(rb"^[!-9;-~]+:|^[ \t]|^From ")


def _repair_header_wrap(raw: bytes) -> bytes:
    """A header line folded without leading whitespace would end the headers early: fold it properly."""
    end = re.search(rb"\r?\n\r?\n", raw)
    if end is None:
        return raw
    lines = raw[: end.start()].split(b"\n")
    if all(_HEADER_LINE.match(line) for line in lines if line.strip(b"\r")):
        return raw
    fixed = [line if _HEADER_LINE.match(line) or not line.strip(b"\r") else b" " + line for line in lines]
    return b"\n".join(fixed) + raw[end.start() :]


def parse(raw: bytes) -> ParsedMail:
    """Reads everything Shopdesk needs from a raw message; raises only when nothing can be read."""
    msg = email.message_from_bytes(_repair_header_wrap(raw), policy=policy.default)
    message_id = next(iter(_ids(_header(msg, "Message-ID"))), None)
    # line endings normalised: servers store LF mail as CRLF, and the digest must not change with them
    record_id = message_id or "sha256:" + hashlib.sha256(re.sub(rb"\r?\n", b"\r\n", raw)).hexdigest()
    from_pairs = _addresses(msg, "From")
    from_name, from_email = (from_pairs[0] if from_pairs else ("", ""))
    from_email = from_email.lower()
    recipients = [a for _, a in _addresses(msg, "To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")]
    try:
        date = parsedate_to_datetime(_header(msg, "Date")) if _header(msg, "Date") else None  # one parse, cached
        if date is not None and date.tzinfo is None:
            date = date.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        date = None
    plain, html, files = _walk_body(msg)
    if plain is not None and plain.strip():
        text = plain
    elif html is not None:
        text = html_to_text(html)
    else:
        text = plain or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "\n[…]"
    parsed = ParsedMail(
        record_id=record_id[:900],
        message_id=message_id,
        subject=_header(msg, "Subject"),
        from_name=from_name.strip(),
        from_email=from_email,
        recipients=recipients,
        in_reply_to=_ids(_header(msg, "In-Reply-To")),
        references=_ids(_header(msg, "References")),
        date=date,
        text=text,
        new_text=strip_quoted(text),
        files=files,
    )
    _classify(msg, parsed)
    return parsed


# --- new text above the quoted history -----------------------------------------------------------

_ATTRIBUTION_END = re.compile(
    r"\b(wrote|writes|schrieb|a\s+écrit|escribió|ha scritto|geschreven|skrev|napisał|написал|escreveu)(\(a\)|\(а\))?[^\n]{0,200}:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(
    r"^(on|am|le|el|il|op|den|em|dnia|w dniu|\d)\b|\b(schrieb am|wrote on)\b|<[^>]+@[^>]+>|,\s*\d|\S+@\S+", re.IGNORECASE
)
_ORIGINAL = re.compile(
    r"^\s*(-{2,}\s*(original message|ursprüngliche nachricht|mensaje original|message d'origine|messaggio originale|oorspronkelijk bericht|originalmeddelande|wiadomość oryginalna|исходное сообщение)\s*-{2,}|_{10,}|-{10,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(from|von|de|da|från|van|od|от|fra)\s?:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\*?(sent|date|gesendet|enviado|envoyé|inviato|data|skickat|datum|wysłano|отправлено|sendt|to|an|para|à|a|till|aan|do|кому|subject|betreff|asunto|objet|oggetto|ämne|onderwerp|temat|тема|reply-to|risposta)\s?:",
    re.IGNORECASE,
)
# Mail clients' "sent from" footers the reply trimmer removes (the corpus keeps the English one).
_CLIENT_FOOTER = re.compile(r"^(sendt fra min|gesendet von meinem|envoyé de mon|enviado desde mi|inviato da|skickat från min|verzonden vanaf|wysłane z)\b", re.IGNORECASE)


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def _separator_at(lines: list[str], index: int) -> int:
    """How many lines the quoted-history separator starting at `index` spans (0: none)."""
    line = lines[index].strip()
    if not line:
        return 0
    if _ORIGINAL.match(line):
        return 1
    if _HEADER_FROM.match(line):
        following = [candidate for candidate in lines[index + 1 : index + 5] if candidate.strip()]
        if following and _HEADER_NEXT.match(following[0]):
            return 1
    # an attribution line, possibly wrapped over up to three lines
    for span in (1, 2, 3):
        block = lines[index : index + span]
        if len(block) < span or not all(part.strip() for part in block) or any(_is_quote(part) for part in block):
            break
        joined = " ".join(part.strip() for part in block)
        if len(joined) > 300:
            break
        if _ATTRIBUTION_END.search(joined) and _ATTRIBUTION_START.search(block[0]):
            return span
    return 0


def strip_quoted(text: str) -> str:
    """The new text of a reply: what the customer wrote above (or, bottom-posted, below) the quote."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = None
    for index in range(len(lines)):
        if _is_quote(lines[index]):
            cut = index
            break
        if _separator_at(lines, index):
            cut = index
            break
    if cut is None:
        return "\n".join(lines).strip()
    above = lines[:cut]
    if "\n".join(above).strip():
        new = _without_signature(above)
    else:
        # bottom-posting: the text after the quoted block(s), without attribution lines
        below: list[str] = []
        index = cut
        while index < len(lines):
            span = _separator_at(lines, index)
            if span:
                index += span
                continue
            if not _is_quote(lines[index]):
                below.append(lines[index])
            index += 1
        new = below
    result = "\n".join(new).strip()
    return result or "\n".join(lines).strip()


def _without_signature(lines: list[str]) -> list[str]:
    """Drops a '--' signature block (a bare delimiter) and a localized mobile footer before the quote."""
    for index, line in enumerate(lines):
        if line.rstrip("\n") == "--":
            lines = lines[:index]
            break
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if lines and _CLIENT_FOOTER.match(lines[-1].strip()):
        lines = lines[:-1]
    return lines


# --- classification -------------------------------------------------------------------------------

_OUT_OF_OFFICE = re.compile(
    r"^\s*(auto(matic|matische|matique|matyczna)?[\s-]*(reply|response|antwort|réponse|respuesta|risposta|odpowiedź|svar)|"
    r"out of (the )?office|abwesenheit|absence|fuera de la oficina|respuesta automática|réponse automatique|"
    r"risposta automatica|nieobecność|autosvar|vacation|on vacation|away from)",
    re.IGNORECASE,
)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mail delivery (sub)?system)", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|delivery status notification|delivery (has )?failed|mail delivery fail|returned mail|failure notice|"
    r"delivery failure|non-?delivery|could not be delivered|undelivered mail|warning: could not send|nicht zustellbar|"
    r"unzustellbar|message not delivered|delayed mail|mail system error|rejected|配信|送信できません)",
    re.IGNORECASE,
)


def _classify(msg: Message, parsed: ParsedMail) -> None:
    sender = config().sender_email.lower()
    ctype = msg.get_content_type()
    report_type = (msg.get_param("report-type") or "").lower() if ctype == "multipart/report" else ""
    if mail.SHOPDESK_HEADER in msg or (parsed.from_email and parsed.from_email == sender):
        parsed.kind, parsed.reason = "own", "own_mail"
        return
    from_local = parsed.from_email.split("@")[0] if parsed.from_email else ""
    from_field = _header(msg, "From")
    is_dsn = report_type == "delivery-status" or any(p.get_content_type() == "message/delivery-status" for p in msg.walk())
    looks_bounce = bool(_BOUNCE_SENDER.match(from_local) or _BOUNCE_SENDER.match(from_field)) and bool(
        _BOUNCE_SUBJECT.search(parsed.subject) or msg.is_multipart() or "delivery" in parsed.text.lower()[:2000]
    )
    if is_dsn or looks_bounce or (_BOUNCE_SUBJECT.search(parsed.subject) and _auto_submitted(msg)):
        parsed.kind, parsed.reason = "bounce", "delivery_report"
        parsed.bounced_ids = _bounced_ids(msg, parsed)
        return
    if report_type or ctype == "multipart/report":
        parsed.kind, parsed.reason = "report", f"report:{report_type or 'unknown'}"
        return
    if _auto_submitted(msg):
        parsed.kind, parsed.reason = "autoreply", "auto_submitted"
        return
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        parsed.kind, parsed.reason = "autoreply", f"precedence_{precedence}"
        return
    if any(name in msg for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse")):
        parsed.kind, parsed.reason = "autoreply", "x_autoreply"
        return
    if _header(msg, "X-Auto-Response-Suppress") and _OUT_OF_OFFICE.search(parsed.subject):
        parsed.kind, parsed.reason = "autoreply", "out_of_office"
        return
    if _OUT_OF_OFFICE.search(parsed.subject):
        parsed.kind, parsed.reason = "autoreply", "out_of_office"
        return
    if any(name in msg for name in ("List-Id", "List-Unsubscribe", "Mailing-List", "List-Post")):
        parsed.kind, parsed.reason = "autoreply", "mailing_list"
        return
    if not parsed.from_email:
        parsed.kind, parsed.reason = "report", "no_sender"


def _auto_submitted(msg: Message) -> bool:
    value = _header(msg, "Auto-Submitted").lower()
    return bool(value) and not value.startswith("no")


def _bounced_ids(msg: Message, parsed: ParsedMail) -> list[str]:
    """The Message-IDs of the mail a delivery report is about: from its returned message or headers."""
    found: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            try:
                payload = part.get_payload()
                inner = payload[0] if isinstance(payload, list) and payload else None
                if inner is not None:
                    found += _ids(_header(inner, "Message-ID"))
                else:
                    found += [normalize_id(m) for m in re.findall(r"(?im)^message-id:\s*(<[^>]+>)", _charset_text(part))]
            except Exception:
                continue
    found += [normalize_id(m) for m in re.findall(r"(?im)^\s*message-id:\s*(<[^>\s]+>)", parsed.text)]
    found += parsed.in_reply_to + parsed.references
    unique: list[str] = []
    for value in found:
        if value and value not in unique and value != parsed.message_id:
            unique.append(value)
    return unique[:20]


# --- matching and storing ---------------------------------------------------------------------------


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
    mail_ids: dict[str, MailId] = field(default_factory=dict)
    threads: dict[int, Thread] = field(default_factory=dict)
    reserved_numbers: list[int] = field(default_factory=list)
    claims: dict[tuple[str, str], OpenThreadClaim] = field(default_factory=dict)
    claims_read: set[tuple[str, str]] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)  # blocked addresses and @domains among the senders


def _batch_get(model: type, keys: list[tuple[str, str]]) -> list[Any]:
    unique = list(dict.fromkeys(keys))
    items: list[Any] = []
    for start in range(0, len(unique), 100):
        items += list(model.batch_get(unique[start : start + 100], consistent_read=True))
    return items


def prepare_batch(mails: list[ParsedMail], contacts: list[Contact], create_new_threads: bool) -> BatchContext:
    """Three BatchGets for the whole batch: what was already handled, the references, the threads."""
    context = BatchContext(contacts=contacts, create_new_threads=create_new_threads, language=config().default_language)
    if not mails:
        return context
    for record in _batch_get(InboundRecord, [InboundRecord.key(m.record_id) for m in mails]):
        context.done.add(record.pk.removeprefix("INBOUND#"))
    senders = [m.from_email for m in mails if m.kind == "customer" and m.from_email]
    if senders:  # the blocked-sender list stops mail as it stops the form (SPEC §3)
        for item in _batch_get(BlockedSender, [key for sender in senders for key in blocked_keys(sender)]):
            context.blocked.add(item.sk)
    refs = [ref for m in mails for ref in (m.in_reply_to + m.references + m.bounced_ids)]
    if refs:
        for item in _batch_get(MailId, [MailId.key(ref) for ref in refs]):
            context.mail_ids[item.pk.removeprefix("MAILID#")] = item
    numbers: set[int] = {int(item.thread_number) for item in context.mail_ids.values()}
    for m in mails:
        for found in (mail.find_subject_markers(m.subject), mail.find_plus_address(m.recipients)):
            if found:
                numbers.add(found[0])
    if numbers:
        for thread in _batch_get(Thread, [Thread.key(n) for n in numbers]):
            context.threads[int(thread.number)] = thread
    if create_new_threads:
        # the open threads the unmatched senders may continue, read once for the batch
        keys = {}
        for m in mails:
            contact = _contact_for(m, contacts)
            if m.kind == "customer" and m.from_email and contact is not None and match(m, context)[0] is None:
                keys[OpenThreadClaim.key(m.from_email, contact.contact_id, None)] = True
        context.claims_read = set(keys)
        for claim in _batch_get(OpenThreadClaim, list(keys)):
            context.claims[(claim.pk, claim.sk)] = claim
    return context


def new_threads_expected(mails: list[ParsedMail], context: BatchContext) -> int:
    """How many threads the batch will start: unmatched senders with no open thread, each once."""
    senders = set()
    for m in mails:
        contact = _contact_for(m, context.contacts)
        if m.kind != "customer" or m.record_id in context.done or contact is None or match(m, context)[0] is not None:
            continue
        key = OpenThreadClaim.key(m.from_email, contact.contact_id, None)
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
    for rule, found in (("subject_markers", mail.find_subject_markers(parsed.subject)), ("plus_address", mail.find_plus_address(parsed.recipients))):
        if found:
            thread = context.threads.get(found[0])
            if thread is not None and threads.token_matches(thread, found[1]):
                return thread, rule
    return None, None


def _record(parsed: ParsedMail, outcome: str, reason: str | None = None, thread_number: int | None = None) -> InboundRecord:
    return InboundRecord(
        *InboundRecord.key(parsed.record_id), outcome=outcome, reason=reason, thread_number=thread_number, at=threads.now_iso()
    )


def put_record(record: InboundRecord) -> bool:
    """A skipped mail's record on its own; False when it was already there."""
    try:
        record.save(condition=InboundRecord.pk.does_not_exist())
        return True
    except PutError as error:
        if "ConditionalCheckFailed" in str(error):
            return False
        raise


def _contact_for(parsed: ParsedMail, contacts: list[Contact]) -> Contact | None:
    for contact in contacts:
        if contact.email and contact.email.lower() in {r.lower() for r in parsed.recipients}:
            return contact
    return contacts[0] if contacts else None


def store(parsed: ParsedMail, context: BatchContext) -> Outcome:
    """Stores one parsed mail (or records why not), with its INBOUND record in the same write."""
    if parsed.record_id in context.done:
        return Outcome("duplicate")
    context.done.add(parsed.record_id)
    if parsed.kind == "bounce":
        return _store_bounce(parsed, context)
    if parsed.kind != "customer":
        return _skip(parsed, parsed.reason or parsed.kind)
    if {key[1] for key in blocked_keys(parsed.from_email or "")} & context.blocked:
        return _skip(parsed, "blocked_sender")
    thread, rule = match(parsed, context)
    contact: Contact | None = None
    if thread is None:
        if not context.create_new_threads:
            return _skip(parsed, "unmatched")
        contact = _contact_for(parsed, context.contacts)
        if contact is None:
            return _skip(parsed, "no_contact")
        rule = "new_thread"
    else:
        contact = next((c for c in context.contacts if c.contact_id == thread.contact_id), None) or Contact(
            *Contact.key(thread.contact_id), contact_id=thread.contact_id
        )
    files = [f for f in parsed.files if len(f.data) <= attachments.MAX_SIZE][:MAX_ATTACHMENTS]
    stored_files = [attachments.store_bytes(f.data, f.filename, f.content_type).to_dict() for f in files]
    incoming = threads.CustomerMessage(
        email=(thread.email if thread is not None else parsed.from_email),
        text=parsed.text or parsed.subject or "",
        source="email",
        language=thread.language if thread is not None else context.language,
        customer_name=parsed.from_name or None,
        new_text=parsed.new_text if parsed.new_text != parsed.text else None,
        attachments=stored_files,
        match_rule=rule,
        mail_message_id=parsed.message_id,
        order_ref=thread.order_ref if thread is not None else None,
    )
    record = _record(parsed, "imported", rule)

    def extra(writes: Any) -> None:
        writes.save(record, condition=InboundRecord.pk.does_not_exist())

    claim_key = OpenThreadClaim.key(parsed.from_email, contact.contact_id, None)
    claim_read: dict[str, Any] = {}  # the batch read the sender's claim: hand it over instead of reading it again
    if thread is None and claim_key in context.claims_read:
        claim_read["claim"] = claim = context.claims.get(claim_key)
        if claim is not None:  # the sender's open thread, as the intake would continue it
            incoming.match_rule = record.reason = "open_thread"
    number = context.reserved_numbers.pop(0) if thread is None and not claim_read.get("claim") and context.reserved_numbers else None
    try:
        stored = threads.store_customer_message(contact, incoming, thread=thread, extra_writes=extra, thread_number=number, **claim_read)
    except (TransactWriteError, threads.ThreadChanged):
        if _already_recorded(parsed.record_id):
            return Outcome("duplicate")
        raise
    context.threads[int(stored.thread.number)] = stored.thread
    if incoming.match_rule in ("new_thread", "open_thread"):
        context.claims[claim_key] = OpenThreadClaim(*claim_key, number=int(stored.thread.number), status="open")
    rule = incoming.match_rule
    return Outcome("imported", reason=rule, thread_number=int(stored.thread.number), match_rule=rule, new_thread=stored.created)


def _already_recorded(record_id: str) -> bool:
    try:
        InboundRecord.get(*InboundRecord.key(record_id), consistent_read=True)
        return True
    except InboundRecord.DoesNotExist:
        return False


def _skip(parsed: ParsedMail, reason: str) -> Outcome:
    if not put_record(_record(parsed, "skipped", reason)):
        return Outcome("duplicate")
    return Outcome("skipped", reason=reason)


def _store_bounce(parsed: ParsedMail, context: BatchContext) -> Outcome:
    """Marks the outbound message a delivery report names as bounced, with the report's record."""
    known = next((context.mail_ids[i] for i in parsed.bounced_ids if i in context.mail_ids), None)
    record = _record(parsed, "bounced", "delivery_report", int(known.thread_number) if known else None)
    if known is None:
        if not put_record(record):
            return Outcome("duplicate")
        return Outcome("bounced", reason="unknown_message")
    target = MessageItem(f"THREAD#{int(known.thread_number)}", known.message_sk)
    try:
        with transaction() as writes:
            writes.save(record, condition=InboundRecord.pk.does_not_exist())
            writes.update(
                target,
                actions=[MessageItem.delivery.set(Delivery(state="bounced", error=(parsed.subject or "bounced")[:500], at=threads.now_iso()))],
                condition=MessageItem.pk.exists(),
            )
    except TransactWriteError:
        if _already_recorded(parsed.record_id):
            return Outcome("duplicate")
        # the message was deleted since: the report is still recorded
        if not put_record(record):
            return Outcome("duplicate")
    return Outcome("bounced", reason="delivery_report", thread_number=int(known.thread_number))


def failed_record(record_id: str, error: str) -> InboundRecord:
    return InboundRecord(*InboundRecord.key(record_id), outcome="failed", reason=error[:500], at=threads.now_iso())

