"""What kind of mail this is: a customer's, our own copy, an auto-reply, a delivery report (bounce).

Only a customer's mail becomes a message; the rest is recorded with its reason so it is never
read again, and a bounce marks the reply it names. Pure: headers and text in, a kind out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from shopdesk.core.config import config
from shopdesk.mail.headers import header, ids, normalize_id, raw_header
from shopdesk.mail.send import SHOPDESK_HEADER
from shopdesk.mail.text import part_text


@dataclass
class DeliveryReport:
    """What a delivery report says: the enhanced status code (RFC 3463, "5.1.1"), the remote server's
    diagnostic ("550 5.1.1 <ann@example.com>: user unknown") and the recipient it is about."""

    status: str | None = None
    diagnostic: str | None = None
    recipient: str | None = None
    action: str | None = None  # RFC 3464 Action: failed | delayed | delivered | relayed | expanded

    @property
    def delayed(self) -> bool:
        """A warning that the mail is still being retried (Action: delayed), not a failure."""
        return (self.action or "").startswith("delayed")


@dataclass
class Kind:
    kind: str = "customer"  # customer | own | autoreply | report | bounce
    reason: str | None = None
    bounced_ids: list[str] = field(default_factory=list)
    report: DeliveryReport | None = None  # a bounce: what the report says about the failed recipient


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


def classify(msg: Message, *, from_email: str, subject: str, text: str, message_id: str | None, in_reply_to: list[str], references: list[str]) -> Kind:
    """The kind of a parsed mail; `text` is its body as text (a bounce's report is read from it)."""
    found = _kind(msg, from_email, subject, text)
    if found.kind == "bounce":
        found.bounced_ids = _bounced_ids(msg, text, message_id, in_reply_to + references)
        found.report = delivery_report(msg, text)
    return found


def _kind(msg: Message, from_email: str, subject: str, text: str) -> Kind:
    sender = config().sender_email.lower()
    ctype = msg.get_content_type()
    report_type = (msg.get_param("report-type") or "").lower() if ctype == "multipart/report" else ""
    if SHOPDESK_HEADER in msg or (from_email and from_email == sender):
        return Kind("own", "own_mail")
    from_local = from_email.split("@")[0] if from_email else ""
    from_field = raw_header(msg, "From").lstrip("\"' ")  # "Mail Delivery System" <…>, MAILER-DAEMON (…)
    is_dsn = report_type == "delivery-status" or any(p.get_content_type() == "message/delivery-status" for p in msg.walk())
    looks_bounce = bool(_BOUNCE_SENDER.match(from_local) or _BOUNCE_SENDER.match(from_field)) and bool(
        _BOUNCE_SUBJECT.search(subject) or msg.is_multipart() or "delivery" in text.lower()[:2000]
    )
    if is_dsn or looks_bounce or (_BOUNCE_SUBJECT.search(subject) and _auto_submitted(msg)):
        return Kind("bounce", "delivery_report")
    if report_type or ctype == "multipart/report":
        return Kind("report", f"report:{report_type or 'unknown'}")
    if _auto_submitted(msg):
        return Kind("autoreply", "auto_submitted")
    precedence = header(msg, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return Kind("autoreply", f"precedence_{precedence}")
    if any(name in msg for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse")):
        return Kind("autoreply", "x_autoreply")
    if header(msg, "X-Auto-Response-Suppress") and _OUT_OF_OFFICE.search(subject):
        return Kind("autoreply", "out_of_office")
    if _OUT_OF_OFFICE.search(subject):
        return Kind("autoreply", "out_of_office")
    if any(name in msg for name in ("List-Id", "List-Unsubscribe", "Mailing-List", "List-Post")):
        return Kind("autoreply", "mailing_list")
    if not from_email:  # no From, Sender or Reply-To held an address: set aside, visibly
        return Kind("senderless", "no_sender")
    return Kind()


def _auto_submitted(msg: Message) -> bool:
    value = header(msg, "Auto-Submitted").lower()
    return bool(value) and not value.startswith("no")


def _bounced_ids(msg: Message, text: str, message_id: str | None, named: list[str]) -> list[str]:
    """The Message-IDs of the mail a delivery report is about: from its returned message or headers."""
    found: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            try:
                payload = part.get_payload()
                inner = payload[0] if isinstance(payload, list) and payload else None
                if inner is not None:
                    found += ids(header(inner, "Message-ID"))
                else:
                    found += [normalize_id(m) for m in re.findall(r"(?im)^message-id:\s*(<[^>]+>)", part_text(part))]
            except Exception:
                continue
    found += [normalize_id(m) for m in re.findall(r"(?im)^\s*message-id:\s*(<[^>\s]+>)", text)]
    found += named
    unique: list[str] = []
    for value in found:
        if value and value not in unique and value != message_id:
            unique.append(value)
    return unique[:20]


_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_SMTP_REPLY = re.compile(r"^\s*([45]\d\d[ -].{3,})$", re.MULTILINE)


def delivery_report(msg: Message, text: str) -> DeliveryReport:
    """The failed recipient's Status and Diagnostic-Code from the machine-readable part (RFC 3464),
    else what a plain-text bounce says (an enhanced status code, the server's 4xx/5xx line)."""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = _status_blocks(part)
        chosen = next((b for b in blocks if b.get("action", "").startswith("failed")), None)
        chosen = chosen or next((b for b in blocks if "status" in b or "diagnostic-code" in b), None)
        if chosen is not None:
            diagnostic = chosen.get("diagnostic-code", "")
            diagnostic = diagnostic.split(";", 1)[1].strip() if ";" in diagnostic[:12] else diagnostic
            recipient = chosen.get("final-recipient") or chosen.get("original-recipient") or ""
            recipient = recipient.split(";", 1)[1].strip() if ";" in recipient else recipient
            action = (chosen.get("action") or "").split(" ")[0].lower()[:20] or None
            status = (chosen.get("status") or "").split(" ")[0][:20] or None
            return DeliveryReport(status=status, diagnostic=diagnostic[:500] or None, recipient=recipient.strip("<> ")[:320] or None, action=action)
    status = _STATUS.search(text[:20000])
    reply = _SMTP_REPLY.search(text[:20000])
    return DeliveryReport(status=status.group(1) if status else None, diagnostic=" ".join(reply.group(1).split())[:500] if reply else None)


def _status_blocks(part: Message) -> list[dict[str, str]]:
    """The per-message and per-recipient field blocks of a message/delivery-status part."""
    try:
        payload = part.get_payload()
    except Exception:
        return []
    raw = payload if isinstance(payload, str) else None
    if isinstance(payload, list):
        try:
            return [{key.lower(): " ".join(str(value).split()) for key, value in block.items()} for block in payload if isinstance(block, Message)]
        except Exception:
            raw = None
    if raw is None:
        raw = part_text(part)
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\r?\n\s*\r?\n", raw):
        fields: dict[str, str] = {}
        last = ""
        for line in chunk.splitlines():
            if line[:1] in (" ", "\t") and last:
                fields[last] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                last = key.strip().lower()
                fields[last] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks
