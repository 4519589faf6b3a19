"""A raw mail → a typed ParsedMail: headers, sender, references, text, files and kind. No AWS.

Parsing uses the stdlib `email` package with `policy.default` (each header object made once:
`headers.PARSING_POLICY`); every header access is guarded
(`mail.headers`) so a broken message degrades to what can be read instead of stopping the sync.
What a customer wrote is kept as plain text only (HTML-only mail is cleaned and flattened).

Identity: `record_id` is the Message-ID (or, without one, the digest); `digest` is the SHA-256 of
the raw bytes with line endings normalised, so "the same mail" means the same Message-ID *and*
the same content, and a different mail that reuses a Message-ID is still imported.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime

from shopdesk.mail.classify import DeliveryReport, classify
from shopdesk.mail.header_encoding import STORED_ID_LIMIT, bounded_ids
from shopdesk.mail.headers import PARSING_POLICY, addresses, header, ids, normalize_id, original_id, original_ids, undo_surrogates
from shopdesk.mail.legacy import TNEF_TYPES, UU_ENCODINGS, split_uuencoded, unpack_tnef
from shopdesk.mail.quotes import strip_quoted
from shopdesk.mail.text import html_to_text, part_text
from shopdesk.store.attachments import display_name

__all__ = ["MailFile", "ParsedMail", "normalize_id", "parse", "strip_quoted"]


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
    kind: str = "customer"  # customer | own | autoreply | report | bounce | senderless
    reason: str | None = None
    bounced_ids: list[str] = field(default_factory=list)
    digest: str = ""
    size: int = 0
    # The addresses that say which contact a new thread belongs to, in the order they are asked:
    # where the mail was delivered (Delivered-To, X-Original-To, Envelope-To), then To, then Cc.
    delivered_to: list[str] = field(default_factory=list)
    report: DeliveryReport | None = None  # a bounce: the report's status, diagnostic and recipient
    original_message_id: str | None = None  # as the sender wrote it, brackets included
    # The References chain as the sender wrote it (brackets and case kept, each id once, bounded):
    # our answer's References repeats it and adds the mail's own id.
    original_references: list[str] = field(default_factory=list)


def digest_of(raw: bytes) -> str:
    """The content's identity: servers store LF mail as CRLF, and the digest must not change with them."""
    return hashlib.sha256(re.sub(rb"\r?\n", b"\r\n", raw)).hexdigest()


def _walk_body(msg: Message) -> tuple[str | None, str | None, list[MailFile]]:
    """The first text/plain and text/html body parts and the files, without entering attached mails."""
    plain: str | None = None
    html: str | None = None
    files: list[MailFile] = []
    tnef_bodies: list[tuple[str | None, str | None]] = []
    stack: list[Message] = [msg]
    while stack:
        part = stack.pop(0)
        ctype = part.get_content_type()
        if ctype.startswith("message/"):
            _attached_message(part, ctype, files)
            continue
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
        if _unwrapped(part, ctype, filename, files, tnef_bodies):
            continue
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        if is_body_text:
            if ctype == "text/plain" and plain is None:
                plain = part_text(part)
                continue
            if ctype == "text/html" and html is None:
                html = part_text(part)
                continue
            if ctype == "text/plain":
                plain = (plain or "") + "\n" + part_text(part)
                continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
        if not data:
            continue
        name = filename or (f"inline.{ctype.split('/')[-1]}" if ctype.startswith("image/") else f"part.{ctype.split('/')[-1]}")
        files.append(MailFile(_clean_filename(name), ctype, data, inline=disposition == "inline" or "Content-ID" in part))
    for tnef_text, tnef_html in tnef_bodies:  # Outlook's body inside winmail.dat, when the mail has none
        if tnef_text and not (plain or "").strip():
            plain = tnef_text
        if tnef_html and html is None:
            html = tnef_html
    return plain, html, files


def _unwrapped(part: Message, ctype: str, filename: str | None, files: list[MailFile], tnef_bodies: list[tuple[str | None, str | None]]) -> bool:
    """A part that wraps files the old ways (an x-uuencode part, application/x-uuencode, winmail.dat)
    becomes the files it holds; False when the part is not one (or cannot be unpacked: it stays a file)."""
    try:
        encoding = str(part.get("Content-Transfer-Encoding", "") or "").strip().lower()
    except Exception:
        encoding = ""
    if encoding in UU_ENCODINGS or ctype in ("application/x-uuencode", "application/uuencode", "text/x-uuencode"):
        payload = part.get_payload()
        _, found = split_uuencoded(payload if isinstance(payload, str) else "")
        if not found:
            return False
        for file in found:
            name = filename if filename and len(found) == 1 else file.filename
            files.append(MailFile(_clean_filename(name), file.content_type, file.data))
        return True
    if ctype in TNEF_TYPES or (filename or "").lower() == "winmail.dat":
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            return False
        content = unpack_tnef(data)
        if content is None:
            return False
        files.extend(MailFile(_clean_filename(f.filename), f.content_type, f.data) for f in content.files)
        tnef_bodies.append((content.text, content.html))
        return True
    return False


def _attached_message(part: Message, ctype: str, files: list[MailFile]) -> None:
    """An attached mail stays a file (`<its subject>.eml`), never merged into the text."""
    inner: Message | None = None
    try:
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            inner = payload[0]
    except Exception:
        inner = None
    data = b""
    if inner is not None:
        try:
            data = inner.as_bytes()
        except Exception:
            data = b""
    if not data:
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
    if not data or ctype not in ("message/rfc822", "message/global"):
        return
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    if not filename:
        subject = header(inner, "Subject") if inner is not None else ""
        filename = f"{subject[:150]}.eml" if subject else "message.eml"
    elif not filename.lower().endswith(".eml"):
        filename += ".eml"
    files.append(MailFile(_clean_filename(filename), "message/rfc822", data))


def _clean_filename(name: str) -> str:
    return display_name(undo_surrogates(name))


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


ROUTING_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def _sender(msg: Message) -> tuple[str, str]:
    """Who wrote: the first real address of every From, then Sender, then Reply-To, with its display name."""
    for name in ("From", "Sender", "Reply-To"):
        found = addresses(msg, name)
        if found:
            return person_name(found[0][0], found[0][1]), found[0][1].lower()
    return "", ""


def person_name(display: str, address: str) -> str:
    """The From line's display name as a person's name: without the quotes some clients leave in
    it, and empty when it is only the address again ("ann@example.com" <ann@example.com>)."""
    name = " ".join(display.split()).strip().strip("'\"").strip()
    if not name or "@" in name and name.strip("<>").lower() in (address.lower(), address.lower().rstrip(".")):
        return ""
    return name[:200]


def _date(msg: Message) -> datetime | None:
    value = header(msg, "Date")
    if not value:
        return None
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return date.replace(tzinfo=UTC) if date.tzinfo is None else date


def parse(raw: bytes) -> ParsedMail:
    """Reads everything Shopdesk needs from a raw message; raises only when nothing can be read."""
    msg = email.message_from_bytes(_repair_header_wrap(raw), policy=PARSING_POLICY)
    message_id = next(iter(ids(header(msg, "Message-ID"))), None)
    original_message_id = original_id(header(msg, "Message-ID"))
    digest = digest_of(raw)
    from_name, from_email = _sender(msg)
    delivered_to = [a for _, a in addresses(msg, *ROUTING_HEADERS)]
    recipients = [a for _, a in addresses(msg, "To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")]
    plain, html, files = _walk_body(msg)
    if plain is not None and plain.strip():
        text = plain
    elif html is not None:
        text = html_to_text(html)
    else:
        text = plain or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    text, uuencoded = split_uuencoded(text)  # `begin 644 name` blocks in the text are files
    files += [MailFile(_clean_filename(f.filename), f.content_type, f.data) for f in uuencoded]
    text = text.strip("\n") if uuencoded else text
    subject = header(msg, "Subject")
    in_reply_to, references = ids(header(msg, "In-Reply-To")), ids(header(msg, "References"))
    kind = classify(msg, from_email=from_email, subject=subject, text=text, message_id=message_id, in_reply_to=in_reply_to, references=references)
    return ParsedMail(
        record_id=(message_id or "sha256:" + digest)[:900],
        message_id=message_id,
        subject=subject,
        from_name=from_name,
        from_email=from_email,
        recipients=recipients,
        in_reply_to=in_reply_to,
        references=references,
        date=_date(msg),
        text=text,
        new_text=strip_quoted(text),
        files=files,
        kind=kind.kind,
        reason=kind.reason,
        bounced_ids=kind.bounced_ids,
        digest=digest,
        size=len(raw),
        delivered_to=delivered_to,
        report=kind.report,
        original_message_id=original_message_id,
        original_references=bounded_ids(original_ids(header(msg, "References")), id_limit=STORED_ID_LIMIT),
    )
