"""Outbound mail through SES, and the thread markers that let answers find their thread.

Every mail Shopdesk sends is built here with the stdlib `email` package and sent as raw MIME, so
attachments, Reply-To and our own headers survive. Every header value and file name is written
through `mail.header_encoding` (the one encoder), so nothing anyone typed can add or split a
header or a MIME part.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import UpstreamFailed
from shopdesk.core.i18n import register
from shopdesk.mail import header_encoding as encode

register(
    {
        "mail_not_sent": {
            "en": "The e-mail could not be sent. Nothing was lost: please try again in a moment.",
            "es": "No se pudo enviar el correo. No se ha perdido nada: inténtelo de nuevo en un momento.",
            "pl": "Nie udało się wysłać wiadomości e-mail. Nic nie zginęło: spróbuj ponownie za chwilę.",
        },
    }
)

# Marks every mail we send, so mail sync recognises (and skips) our own copies and notifications.
SHOPDESK_HEADER = "X-Shopdesk"
MARKERS = re.compile(r"#ct(?P<number>\d+)\s+#tc(?P<token>[A-Za-z0-9_-]{8,64})")
PLUS_MARKER = re.compile(r"\+ct(?P<number>\d+)\.tc(?P<token>[A-Za-z0-9_-]{8,64})@", re.IGNORECASE)


class MailNotSent(UpstreamFailed):
    """SES refused or failed; the caller decides what is kept (a reply is stored as "not sent")."""

    code = "mail_not_sent"

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def subject_markers(number: int, token: str) -> str:
    """PrestaShop's form, kept so answers to mail it sent before a migration still match."""
    return f"#ct{number} #tc{token}"


def find_subject_markers(subject: str) -> tuple[int, str] | None:
    """The thread number and token in a (decoded) subject, if it carries our markers."""
    found = MARKERS.search(subject or "")
    return (int(found["number"]), found["token"]) if found else None


def plus_address(mailbox: str, number: int, token: str) -> str:
    """support@shop → support+ct1042.tc<token>@shop: a Reply-To that names its thread."""
    local, _, domain = mailbox.partition("@")
    return f"{local}+ct{number}.tc{token}@{domain}"


def find_plus_address(addresses: list[str]) -> tuple[int, str] | None:
    for address in addresses:
        found = PLUS_MARKER.search(address or "")
        if found:
            return int(found["number"]), found["token"]
    return None


@dataclass
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class OutgoingMail:
    to: list[str]
    subject: str
    text: str
    html: str | None = None
    reply_to: list[str] = field(default_factory=list)
    sender_name: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[OutgoingAttachment] = field(default_factory=list)
    kind: str = "reply"  # reply | forward | notification | confirmation | contact-form
    from_address: str | None = None  # a connected mailbox's account (mail/smtp_send.py); None: the shop's sender


@dataclass
class SentMail:
    ses_message_id: str
    # Every Message-ID an answer may reference: the one we set and the ones SES may substitute.
    message_ids: list[str]
    via: str = "ses"  # ses | smtp (a connected mailbox's own submission server)
    sent_from: str | None = None  # smtp: the account it went from


# Headers whose value is a list of Message-IDs, written byte for byte with their brackets.
_ID_HEADERS = {"in-reply-to", "references"}
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,76}$")
_MIME_TOKEN = re.compile(r"^[A-Za-z0-9!#$&^_.+-]{1,64}$")


def build(mail: OutgoingMail) -> tuple[EmailMessage, str]:
    """The MIME message and the Message-ID we gave it. Raises NotAHeaderValue when an address
    cannot be written as it is (`send` reports it as a mail not sent)."""
    message = EmailMessage()
    sender = mail.from_address or config().sender_email
    message["From"] = Address(display_name=encode.header_text(mail.sender_name or config().shop_name), addr_spec=sender)
    message["To"] = encode.address_list(mail.to)
    if mail.reply_to:
        message["Reply-To"] = encode.address_list(mail.reply_to)
    message["Subject"] = encode.header_text(mail.subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message_id = make_msgid(idstring=secrets.token_hex(6), domain=sender.partition("@")[2] or "shopdesk.local")
    message["Message-ID"] = message_id
    message[SHOPDESK_HEADER] = mail.kind
    message["Auto-Submitted"] = "auto-generated" if mail.kind in ("notification", "confirmation") else "no"
    for name, value in mail.headers.items():
        if not _HEADER_NAME.match(name):
            raise encode.NotAHeaderValue(f"not a header name: {name!r}")
        written = encode.message_ids(value.split()) if name.lower() in _ID_HEADERS else encode.header_text(value)
        del message[name]  # one of each: a mail's own header replaces the default
        if written:
            message[name] = written
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if not (_MIME_TOKEN.match(maintype) and _MIME_TOKEN.match(subtype)):
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(attachment.data, maintype=maintype or "application", subtype=subtype or "octet-stream", filename=encode.filename(attachment.filename))
    return message, message_id


def destinations(addresses: list[str]) -> list[str]:
    """One SES destination per recipient: "Ann <ann@x>", "ANN@x" and "ann@x" are one person."""
    unique: dict[str, str] = {}
    for value in addresses:
        address = parseaddr(value)[1] or value.strip()
        unique.setdefault(address.lower(), address)
    return list(unique.values())


def send(mail: OutgoingMail) -> SentMail:
    """Sends through SES; raises MailNotSent with the reason when SES refuses or cannot be reached."""
    try:
        message, message_id = build(mail)
    except encode.NotAHeaderValue as error:
        raise MailNotSent(f"NotAHeaderValue: {error}") from error
    try:
        answer = client("ses").send_raw_email(
            Source=config().sender_email,
            Destinations=destinations(mail.to),
            RawMessage={"Data": message.as_bytes()},
        )
    except Exception as error:  # botocore ClientError, endpoint and credential errors alike
        raise MailNotSent(f"{type(error).__name__}: {error}") from error
    ses_id = answer["MessageId"]
    region = config().region
    return SentMail(
        ses_message_id=ses_id,
        message_ids=[message_id, f"<{ses_id}@{region}.amazonses.com>", f"<{ses_id}@email.amazonses.com>"],
    )
