"""Admins' mailboxes: the typed requests of adding and changing one, and the checks that
need the stored contacts. What a mailbox is and how it syncs lives in the mail room
(mail/mailboxes.py); this module only turns an admin's request into its fields."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from shopdesk.core.errors import FieldError, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.core.requests import RequestModel, coded
from shopdesk.core.thread_rules import now_iso
from shopdesk.core.validation import Checker
from shopdesk.mail import mailboxes, outbound_hosts
from shopdesk.store.contacts import stored_contacts

register(
    {
        "unknown_contact": {
            "en": "There is no such contact.",
            "es": "Ese contacto no existe.",
            "pl": "Nie ma takiego kontaktu.",
        },
        "send_replies_oauth_only": {
            "en": "Only a mailbox connected with Google or Microsoft can send replies from its account.",
            "es": "Solo un buzón conectado con Google o Microsoft puede enviar respuestas desde su cuenta.",
            "pl": "Tylko skrzynka połączona z Google lub Microsoft może wysyłać odpowiedzi ze swojego konta.",
        },
    }
)

TEXT_LIMIT = 255
TEXT_FIELDS = ("name", "host", "user", "folder")


class MailboxPatch(RequestModel):
    """A mailbox's changes: the fields sent change; `password` is write-only (Secrets Manager)."""

    name: str | None = Field(default=None, max_length=TEXT_LIMIT)
    host: str | None = Field(default=None, max_length=TEXT_LIMIT)
    port: Annotated[int, Field(ge=1, le=65535), coded("invalid_port")] | None = None
    user: str | None = Field(default=None, max_length=TEXT_LIMIT)
    security: Annotated[Literal["tls", "starttls", "none"], coded("invalid_security")] | None = None
    verify_certificate: bool | None = None
    folder: str | None = Field(default=None, max_length=TEXT_LIMIT)
    delete_after_sync: bool | None = None
    create_new_threads: bool | None = None
    contact_id: str | None = Field(default=None, max_length=100, description="the contact its new threads go to; empty: by recipient address")
    paused: bool | None = None
    private_network: bool | None = Field(
        default=None,
        description="the mail server is on the shop's private network: a private or loopback address is allowed (link-local never)",
    )
    password: Annotated[str, Field(max_length=1024), coded("validation_failed")] | None = Field(default=None, json_schema_extra={"writeOnly": True})
    send_replies: bool | None = Field(
        default=None,
        description="replies on this mailbox's threads (its contact's) go from its account by SMTP instead of SES; OAuth2 mailboxes only",
    )


class MailboxInput(MailboxPatch):
    """A new mailbox: host and user are required."""

    host: str = Field(max_length=TEXT_LIMIT)
    user: str = Field(max_length=TEXT_LIMIT)


def _fields(data: MailboxPatch, sent: set[str], by: str | None = None, private_network: bool = False) -> dict[str, Any]:
    """The admin's changes as the mailbox's fields; `private_network` is the stored option, used
    for checking the host when the request does not change it (who changes it is recorded)."""
    check = Checker()
    fields: dict[str, Any] = {}
    for name in sent - {"password"}:
        value = getattr(data, name)
        if name in TEXT_FIELDS:
            value = check.text(name, value or "", TEXT_LIMIT)
        if name == "contact_id":
            value = (value or "").strip() or None
        if value is None and name not in ("contact_id",):
            continue
        fields[name] = value
    if "private_network" in fields:
        private_network = bool(fields["private_network"])
        fields["private_network_set_by"], fields["private_network_set_at"] = by or "", now_iso()
    if fields.get("host") and outbound_hosts.refused_without_dns(fields["host"], private_network):
        check.fail("host", outbound_hosts.HostNotAllowed.code)  # a name is checked where it is resolved: on connecting
    check.done()
    if "host" in fields and not fields["host"] or "user" in fields and not fields["user"]:
        raise ValidationFailed([FieldError("host" if not fields.get("host") else "user", "required")])
    if fields.get("contact_id") and fields["contact_id"] not in {c.contact_id for c in stored_contacts()}:
        raise ValidationFailed([FieldError("contact_id", "unknown_contact")])
    return fields


def list_mailboxes() -> dict[str, Any]:
    return mailboxes.list_view()


def _refuse_send_replies(data: MailboxPatch, auth: str) -> None:
    if data.send_replies and auth != "oauth2":
        raise ValidationFailed([FieldError("send_replies", "send_replies_oauth_only")])


def add_mailbox(data: MailboxInput, by: str | None = None) -> dict[str, Any]:
    _refuse_send_replies(data, "password")  # a mailbox added here logs in with a password
    fields = _fields(data, data.given() | {"host", "user"}, by)
    fields.setdefault("name", fields["user"])
    return mailboxes.add(fields, data.password)


def change_mailbox(mailbox_id: str, data: MailboxPatch, by: str | None = None) -> dict[str, Any]:
    sent = data.given()
    host_check = "host" in sent and "private_network" not in sent
    item = mailboxes.mailbox(mailbox_id) if host_check or data.send_replies else None  # read only when needed
    if item is not None:
        _refuse_send_replies(data, item.auth or "password")
    # A new host is checked against the option as stored (unless this request changes it too).
    stored = item.private_network if item is not None and host_check else False
    return mailboxes.change(mailbox_id, _fields(data, sent, by, bool(stored)), data.password)


def remove_mailbox(mailbox_id: str) -> None:
    mailboxes.remove(mailbox_id)


def test_mailbox(mailbox_id: str) -> dict[str, Any]:
    return mailboxes.test(mailbox_id)
