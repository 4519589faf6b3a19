"""The shop's mailboxes: several IMAP mailboxes, each with its own settings, password
(its own Secrets Manager secret), cursor, lease, status and set-aside mail, synced in isolation.

The single mailbox of the settings (`ShopSettings.imap`, from before mailboxes) becomes the mailbox
`primary` the first time mailboxes are read: its settings and its cursor are copied (so nothing is
imported twice), its password stays in the secret it was in. PATCH /v1/settings `imap` keeps
working for scripts and writes through to `primary`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import NotFound
from shopdesk.core.i18n import message, register
from shopdesk.mail import oauth2_tokens, smtp_send
from shopdesk.mail.imap import SECURITIES, Mailbox, MailboxError, MailboxSettings, check_connection
from shopdesk.store import mailboxes as store
from shopdesk.store.mailboxes import MailboxItem
from shopdesk.store.settings import load_settings, save_reply_senders

register(
    {
        "mailbox_not_found": {
            "en": "There is no such mailbox (it may have been removed).",
            "es": "Ese buzón no existe (puede que se haya eliminado).",
            "pl": "Nie ma takiej skrzynki (mogła zostać usunięta).",
        },
        "mailbox_paused": {
            "en": "This mailbox is paused: it is not synced until it is resumed.",
            "es": "Este buzón está en pausa: no se sincroniza hasta que se reanude.",
            "pl": "Ta skrzynka jest wstrzymana: nie jest synchronizowana, dopóki nie zostanie wznowiona.",
        },
    }
)

PRIMARY = "primary"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def secret_id_for(mailbox_id: str) -> str:
    """Each mailbox's password has its own secret (the migrated one keeps the shop's first secret)."""
    return f"{config().mailbox_secret_prefix}{mailbox_id}"


def is_mailbox_id(value: str) -> bool:
    return bool(_ID.match(value))


# --- the migration of the single mailbox -------------------------------------------------------------


def migrate() -> bool:
    """Copies the settings' single mailbox and its cursor into the mailbox `primary`, once per shop.
    True when this call did it. A shop that never configured a mailbox is marked migrated too."""
    if store.migrated():
        return False
    imap = load_settings().imap
    if imap is not None and imap.host and imap.user:
        folder = imap.folder or "INBOX"
        old = store.legacy_cursor(imap.host, imap.user, folder)
        cursor = (store.folder_label(imap.host, imap.user, folder), old[0], old[1]) if old else None
        store.create(PRIMARY, config().imap_secret_id, _fields_of_legacy(imap), cursor)
    return store.mark_migrated()


def _fields_of_legacy(imap: Any) -> dict[str, Any]:
    return {
        "name": imap.user or "",
        "host": imap.host or "",
        "port": int(imap.port or 993),
        "user": imap.user or "",
        "security": imap.security if imap.security in SECURITIES else "tls",
        "verify_certificate": bool(imap.verify_certificate),
        "folder": imap.folder or "INBOX",
        "delete_after_sync": bool(imap.delete_after_sync),
        "create_new_threads": bool(imap.create_new_threads),
        "password_set": bool(imap.password_set),
    }


def mirror_settings(imap: Any) -> None:
    """PATCH /v1/settings `imap`: the same change on the mailbox `primary` (created if missing)."""
    migrate()
    fields = _fields_of_legacy(imap)
    if store.update_settings(PRIMARY, fields) is None and imap.host and imap.user:
        store.create(PRIMARY, config().imap_secret_id, fields)


def mailboxes() -> list[MailboxItem]:
    """Every mailbox (migrating the single one first, once)."""
    migrate()
    return store.all_mailboxes()


def mailbox(mailbox_id: str) -> MailboxItem:
    item = store.get_mailbox(mailbox_id) if is_mailbox_id(mailbox_id) else None
    if item is None:
        raise NotFound("mailbox_not_found")
    return item


# --- what the sync needs ---------------------------------------------------------------------------


def password_of(item: MailboxItem) -> str:
    try:
        return client("secretsmanager").get_secret_value(SecretId=item.secret_id)["SecretString"]
    except Exception as error:
        if "ResourceNotFound" in str(error):
            raise MailboxError("imap_not_configured") from None
        raise


def settings_of(item: MailboxItem, password: str | None = None, fresh_token: bool = False) -> MailboxSettings:
    if not item.host or not item.user:
        raise MailboxError("imap_not_configured")
    oauth = item.auth == "oauth2"
    return MailboxSettings(
        host=item.host,
        port=int(item.port),
        user=item.user,
        password="" if oauth else password if password is not None else password_of(item),
        access_token=oauth2_tokens.access_token(item, force_refresh=fresh_token) if oauth else "",
        security=item.security if item.security in SECURITIES else "tls",
        verify_certificate=bool(item.verify_certificate),
        folder=item.folder or "INBOX",
        private_network=bool(item.private_network),
    )


def connected_box(item: MailboxItem, factory: Callable[[MailboxSettings], Mailbox] = Mailbox) -> Mailbox:
    """A logged-in connection. An OAuth2 mailbox whose cached access token is refused (revoked
    before it expired) refreshes once and tries again; a refused refresh is "needs reconnecting"."""
    box = factory(settings_of(item))
    try:
        box.connect()
    except MailboxError as error:
        if item.auth != "oauth2" or error.code != "imap_login_failed":
            raise
        oauth2_tokens.forget(item.mailbox_id)
        box = factory(settings_of(item, fresh_token=True))
        box.connect()
    return box


def label_of(item: MailboxItem) -> str:
    return store.folder_label(item.host, item.user, item.folder or "INBOX")


# --- admins: add, change, pause, test, remove ---------------------------------------------------------


def _store_password(secret_id: str, password: str) -> None:
    secrets = client("secretsmanager")
    try:
        secrets.put_secret_value(SecretId=secret_id, SecretString=password)
    except Exception as error:
        if "ResourceNotFound" not in str(error):
            raise
        secrets.create_secret(Name=secret_id, SecretString=password, Description="A Shopdesk mailbox's IMAP password")


def add(fields: dict[str, Any], password: str | None) -> dict[str, Any]:
    """A new mailbox: its settings item and, when given, its password in its own secret."""
    migrate()
    mailbox_id = uuid.uuid4().hex[:12]
    secret_id = secret_id_for(mailbox_id)
    if password:
        _store_password(secret_id, password)
    item = store.create(mailbox_id, secret_id, {**fields, "password_set": bool(password)})
    assert item is not None  # a fresh random id
    return view(item)


def change(mailbox_id: str, fields: dict[str, Any], password: str | None) -> dict[str, Any]:
    item = mailbox(mailbox_id)
    if password:
        _store_password(item.secret_id, password)
        fields = {**fields, "password_set": True}
    if fields and store.update_settings(mailbox_id, fields) is None:
        raise NotFound("mailbox_not_found")
    if {"send_replies", "contact_id"} & fields.keys():
        refresh_reply_senders()
    return view(mailbox(mailbox_id))


def refresh_reply_senders() -> None:
    """Rewrites which mailbox sends which contact's replies (the settings' `reply_senders`), from
    every mailbox as it is now: after a change of a mailbox's option or contact, or its removal."""
    save_reply_senders(smtp_send.senders_of(store.all_mailboxes()))


def remove(mailbox_id: str) -> None:
    """The mailbox goes; so does its password (unless it is the shop's first secret, which the
    template owns). An OAuth2 mailbox's grant is first revoked at the provider (never failing the
    removal), then its secret is deleted without a recovery window: a grant is not something to
    restore, and a Microsoft refresh token (which cannot be revoked) must not outlive the mailbox.
    The threads it imported stay."""
    item = store.remove(mailbox_id) if is_mailbox_id(mailbox_id) else None
    if item is None:
        raise NotFound("mailbox_not_found")
    if item.send_replies:
        refresh_reply_senders()
    oauth2_tokens.forget(item.mailbox_id)
    if item.auth == "oauth2":
        oauth2_tokens.revoke_at_provider(item)
    if (item.password_set or item.auth == "oauth2") and item.secret_id != config().imap_secret_id:
        window: dict[str, Any] = {"ForceDeleteWithoutRecovery": True} if item.auth == "oauth2" else {"RecoveryWindowInDays": 7}
        try:
            client("secretsmanager").delete_secret(SecretId=item.secret_id, **window)
        except Exception as error:
            if "ResourceNotFound" not in str(error):
                raise


def test(mailbox_id: str) -> dict[str, Any]:
    """The settings page's "Test": logs in and selects the folder, with this mailbox's password."""
    try:
        return check_connection(settings_of(mailbox(mailbox_id)))
    except MailboxError as error:
        return {"ok": False, "code": error.code, "message": message(error.code, None, **error.params)}


# --- the answer -------------------------------------------------------------------------------------


def view(item: MailboxItem) -> dict[str, Any]:
    """The Mailbox shape: settings (never the password), and its last sync's state and errors."""
    return {
        "id": item.mailbox_id,
        "name": item.name or item.user or "",
        "host": item.host or "",
        "port": int(item.port or 993),
        "user": item.user or "",
        "security": item.security or "tls",
        "verify_certificate": bool(item.verify_certificate),
        "folder": item.folder or "INBOX",
        "delete_after_sync": bool(item.delete_after_sync),
        "create_new_threads": bool(item.create_new_threads),
        "contact_id": item.contact_id,
        "paused": bool(item.paused),
        "private_network": bool(item.private_network),
        "private_network_set_by": item.private_network_set_by,
        "private_network_set_at": item.private_network_set_at,
        "password_set": bool(item.password_set),
        "auth": item.auth or "password",
        "provider": item.provider,
        "needs_reconnect": bool(item.needs_reconnect),
        "send_replies": smtp_send.can_send(item),
        "sync": {
            "state": "paused" if item.paused and item.state != "running" else item.state,
            "last_run_at": item.last_run_at,
            "checked_at": item.checked_at or item.last_run_at,
            "finished_at": item.finished_at,
            **{name: int(getattr(item, name) or 0) for name in ("imported", "matched", "new_threads", "skipped", "bounced", "unknown_reports", "failed")},
            "errors": [{"at": e.at, "code": e.code, "message": e.message} for e in item.errors or []],
        },
    }


def list_view() -> dict[str, Any]:
    return {"mailboxes": [view(item) for item in mailboxes()]}
