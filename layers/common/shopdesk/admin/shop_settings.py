"""The settings screen (SPEC §5): GET/PATCH /v1/settings, for admins.

The IMAP password is write-only: it goes to Secrets Manager, and the settings item keeps only
whether one was set.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shopdesk.core.aws import client
from shopdesk.core.config import LANGUAGES, config
from shopdesk.core.errors import Conflict
from shopdesk.core.i18n import register
from shopdesk.core.validation import Checker
from shopdesk.mail import mailboxes, outbound_hosts
from shopdesk.store.models import AbuseLimitSettings, ImapSettings, ShopSettings
from shopdesk.store.settings import ABUSE_LIMIT_NAMES, SettingsChanged, abuse_limits, default_abuse_limits, load_settings, save_settings

if TYPE_CHECKING:
    from shopdesk.admin.requests import AbuseLimitsInput, ImapInput, SettingsInput

register(
    {
        "invalid_port": {
            "en": "The port must be a whole number from 1 to 65535.",
            "es": "El puerto debe ser un número entero de 1 a 65535.",
            "pl": "Port musi być liczbą całkowitą od 1 do 65535.",
        },
        "settings_changed": {
            "en": "The settings were being changed by someone else at the same time. Please save again.",
            "es": "Otra persona estaba cambiando los ajustes al mismo tiempo. Guarde de nuevo.",
            "pl": "Ktoś inny zmieniał ustawienia w tym samym czasie. Zapisz ponownie.",
        },
        "invalid_security": {
            "en": "Security must be tls, starttls or none.",
            "es": "La seguridad debe ser tls, starttls o none.",
            "pl": "Zabezpieczenie musi mieć wartość tls, starttls lub none.",
        },
    }
)

DEFAULT_MESSAGE_LIMIT = 5000
SAVE_ATTEMPTS = 3
SWITCHES = ("allow_uploads", "notify_contact", "confirm_visitor", "assign_on_first_reply", "notify_assignee")
IMAP_TEXT_FIELDS = {"host": 255, "user": 255, "folder": 255}
IMAP_SWITCHES = ("verify_certificate", "delete_after_sync", "create_new_threads")


def settings_view(settings: ShopSettings | None = None) -> dict[str, Any]:
    """What the settings screen shows: never the IMAP password, only whether one was set."""
    settings = settings or load_settings()
    imap = settings.imap or ImapSettings()
    defaults = settings.default_messages.as_dict() if settings.default_messages else {}
    return {
        "allow_uploads": bool(settings.allow_uploads),
        "default_messages": {lang: defaults.get(lang, "") for lang in LANGUAGES},
        "notify_contact": bool(settings.notify_contact),
        "confirm_visitor": bool(settings.confirm_visitor),
        "assign_on_first_reply": bool(settings.assign_on_first_reply),
        "notify_assignee": bool(settings.notify_assignee),
        "after_send_default": settings.after_send_default or "close",
        "imap": {
            "host": imap.host or "",
            "port": int(imap.port or 993),
            "user": imap.user or "",
            "security": imap.security or "tls",
            "verify_certificate": bool(imap.verify_certificate),
            "folder": imap.folder or "INBOX",
            "delete_after_sync": bool(imap.delete_after_sync),
            "create_new_threads": bool(imap.create_new_threads),
            "password_set": bool(imap.password_set),
        },
        # The storefront's limits in force, and the deployment's defaults a null goes back to.
        "abuse_limits": asdict(abuse_limits(settings)),
        "abuse_limit_defaults": asdict(default_abuse_limits()),
    }


def _apply(data: SettingsInput, settings: ShopSettings) -> str | None:
    """Sets the sent fields on `settings`; returns the new IMAP password, if one was sent."""
    check = Checker()
    sent = data.given()
    for name in SWITCHES:
        if name in sent:
            setattr(settings, name, getattr(data, name))
    if "after_send_default" in sent:
        settings.after_send_default = data.after_send_default
    if "default_messages" in sent and data.default_messages is not None:
        current = settings.default_messages.as_dict() if settings.default_messages else {}
        for lang, text in data.default_messages.items():
            current[lang] = check.text(f"default_messages.{lang}", text, DEFAULT_MESSAGE_LIMIT)
        settings.default_messages = current
    password: str | None = None
    if "imap" in sent and data.imap is not None:
        password = _apply_imap(check, settings, data.imap)
    if "abuse_limits" in sent and data.abuse_limits is not None:
        _apply_abuse_limits(settings, data.abuse_limits)
    check.done()
    return password


def update_settings(data: SettingsInput | dict[str, Any]) -> dict[str, Any]:
    """PATCH /v1/settings: the sent fields only; `imap.password` goes to Secrets Manager.

    Two admins saving at once must not undo each other: the write is conditional on the settings
    as read, and when another save came in between, the sent fields are applied again to the new
    settings (a field-wise merge). Only a shop under a stream of saves answers 409."""
    from shopdesk.admin.requests import SettingsInput

    if not isinstance(data, SettingsInput):  # a script's dict is checked by the same model
        data = SettingsInput.model_validate(data)
    for _ in range(SAVE_ATTEMPTS):
        settings = load_settings()
        read_at = settings.updated_at
        password = _apply(data, settings)
        if password is not None:
            client("secretsmanager").put_secret_value(SecretId=config().imap_secret_id, SecretString=password)
            settings.imap.password_set = True
        settings.updated_at = datetime.now(UTC)
        try:
            save_settings(settings, read_at)
        except SettingsChanged:
            continue
        if data.imap is not None:  # the settings' mailbox is the mailbox `primary`
            mailboxes.mirror_settings(settings.imap)
        return settings_view(settings)
    raise Conflict("settings_changed")


def _apply_imap(check: Checker, settings: ShopSettings, given: ImapInput) -> str | None:
    imap = settings.imap or ImapSettings()
    sent = given.given()
    for name, limit in IMAP_TEXT_FIELDS.items():
        if name in sent:
            setattr(imap, name, check.text(f"imap.{name}", getattr(given, name), limit))
    if "host" in sent and imap.host and outbound_hosts.refused_without_dns(imap.host):
        check.fail("imap.host", outbound_hosts.HostNotAllowed.code)  # a name is checked where it is resolved: on connecting
    for name in (*IMAP_SWITCHES, "port", "security"):
        if name in sent:
            setattr(imap, name, getattr(given, name))
    settings.imap = imap
    return given.password or None


def _apply_abuse_limits(settings: ShopSettings, given: AbuseLimitsInput) -> None:
    """The sent limits only (their ranges are the request model's); null goes back to the default."""
    chosen = settings.abuse_limits or AbuseLimitSettings()
    for name in ABUSE_LIMIT_NAMES:
        if name in given.given():
            setattr(chosen, name, getattr(given, name))
    settings.abuse_limits = chosen
