"""The settings screen (SPEC §5, issue 4): GET/PATCH /v1/settings, for admins.

The IMAP password is write-only: it goes to Secrets Manager, and the settings item keeps only
whether one was set.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import LANGUAGES, config
from shopdesk.core.i18n import register
from shopdesk.core.validation import Checker
from shopdesk.store.models import ImapSettings, ShopSettings
from shopdesk.store.settings import load_settings

register(
    {
        "invalid_port": {
            "en": "The port must be a whole number from 1 to 65535.",
            "es": "El puerto debe ser un número entero de 1 a 65535.",
            "pl": "Port musi być liczbą całkowitą od 1 do 65535.",
        },
        "invalid_security": {
            "en": "Security must be tls, starttls or none.",
            "es": "La seguridad debe ser tls, starttls o none.",
            "pl": "Zabezpieczenie musi mieć wartość tls, starttls lub none.",
        },
    }
)

DEFAULT_MESSAGE_LIMIT = 5000
SECURITY_MODES = ("tls", "starttls", "none")
SWITCHES = ("allow_uploads", "notify_contact", "confirm_visitor")
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
    }


def update_settings(data: Any) -> dict[str, Any]:
    """PATCH /v1/settings: the given fields only; `imap.password` goes to Secrets Manager."""
    check = Checker()
    if not isinstance(data, dict):
        check.fail("body", "validation_failed")
        check.done()
    check.unknown_fields(data, {*SWITCHES, "default_messages", "imap"})
    settings = load_settings()
    for name in SWITCHES:
        if name in data:
            setattr(settings, name, check.boolean(name, data[name]))
    if "default_messages" in data:
        given = data["default_messages"]
        if not isinstance(given, dict):
            check.fail("default_messages", "validation_failed")
        else:
            current = settings.default_messages.as_dict() if settings.default_messages else {}
            for lang, text in given.items():
                if lang not in LANGUAGES:
                    check.fail(f"default_messages.{lang}", "unknown_language")
                    continue
                current[lang] = check.text(f"default_messages.{lang}", text, DEFAULT_MESSAGE_LIMIT)
            settings.default_messages = current
    password: str | None = None
    if "imap" in data:
        password = _apply_imap(check, settings, data["imap"])
    check.done()
    if password is not None:
        client("secretsmanager").put_secret_value(SecretId=config().imap_secret_id, SecretString=password)
        settings.imap.password_set = True
    settings.updated_at = datetime.now(UTC)
    settings.save()
    return settings_view(settings)


def _apply_imap(check: Checker, settings: ShopSettings, given: Any) -> str | None:
    if not isinstance(given, dict):
        check.fail("imap", "validation_failed")
        return None
    check.unknown_fields({f"imap.{k}": v for k, v in given.items()}, {f"imap.{k}" for k in (*IMAP_TEXT_FIELDS, *IMAP_SWITCHES, "port", "security", "password")})
    imap = settings.imap or ImapSettings()
    for name, limit in IMAP_TEXT_FIELDS.items():
        if name in given:
            setattr(imap, name, check.text(f"imap.{name}", given[name], limit))
    for name in IMAP_SWITCHES:
        if name in given:
            setattr(imap, name, check.boolean(f"imap.{name}", given[name]))
    if "port" in given:
        port = given["port"]
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            check.fail("imap.port", "invalid_port")
        else:
            imap.port = port
    if "security" in given:
        if given["security"] not in SECURITY_MODES:
            check.fail("imap.security", "invalid_security")
        else:
            imap.security = given["security"]
    settings.imap = imap
    password = given.get("password")
    if password is None or password == "":
        return None
    if not isinstance(password, str) or len(password) > 1024:
        check.fail("imap.password", "validation_failed")
        return None
    return password
