"""What admins send: the typed requests of contacts and shop settings. Each field's own rules are
here (pydantic, with Shopdesk's error codes); the rules that span fields or need the stored item
stay with the domain (admin/contacts.py, admin/shop_settings.py). A module of its own so that
only the APIs import pydantic: the mail sync reads contacts and settings without it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shopdesk.core.config import LANGUAGES
from shopdesk.core.requests import RequestModel, coded, rule
from shopdesk.core.validation import is_valid_email

FORBIDDEN_NAME_CHARACTERS = set("<>={}")
# Lengths are checked after trimming, by the domain (admin/contacts.py, admin/shop_settings.py);
# these are the bounds past which a request is not worth reading.
DEFAULT_MESSAGE_LIMIT = 5000
IMAP_TEXT_LIMIT = 255


def _known_language(lang: str) -> bool:
    return lang in LANGUAGES


def _no_markup(text: str) -> bool:
    return not FORBIDDEN_NAME_CHARACTERS & set(text)


Language = Annotated[str, rule(_known_language, "unknown_language")]
Name = Annotated[str | None, rule(_no_markup, "name_invalid_characters")]
Email = Annotated[str, rule(lambda value: not value.strip() or is_valid_email(value.strip()), "invalid_email")]
Position = Annotated[int, Field(ge=0), coded("invalid_position")]


class ContactInput(RequestModel):
    """A contact as an admin writes it; on an update, only the fields sent change."""

    names: dict[Language, Name] | None = Field(default=None, description="per language (en, es, pl); the shop's default language is required")
    descriptions: dict[Language, str | None] | None = Field(default=None, description="per language (en, es, pl)")
    email: Email | None = None
    save_messages: bool = True
    position: Position | None = None


class ContactOrder(RequestModel):
    """Every contact id, once each, in the new order."""

    order: Annotated[list[str], coded("invalid_order")] = Field(default_factory=list)


Switch = bool


class ImapInput(RequestModel):
    """The mailbox the sync reads; `password` is write-only (it goes to Secrets Manager)."""

    host: str | None = Field(default=None, max_length=IMAP_TEXT_LIMIT)
    port: Annotated[int, Field(ge=1, le=65535), coded("invalid_port")] = 993
    user: str | None = Field(default=None, max_length=IMAP_TEXT_LIMIT)
    security: Annotated[Literal["tls", "starttls", "none"], coded("invalid_security")] = "tls"
    verify_certificate: Switch = True
    folder: str | None = Field(default=None, max_length=IMAP_TEXT_LIMIT)
    delete_after_sync: Switch = False
    create_new_threads: Switch = True
    password: Annotated[str, Field(max_length=1024), coded("validation_failed")] | None = Field(default=None, json_schema_extra={"writeOnly": True})


class SettingsInput(RequestModel):
    """PATCH /v1/settings: the fields sent change, the others keep their value."""

    allow_uploads: Switch = True
    default_messages: dict[Language, Annotated[str, Field(max_length=DEFAULT_MESSAGE_LIMIT)]] | None = Field(
        default=None, description="the reply's starting text per language (en, es, pl)"
    )
    notify_contact: Switch = False
    confirm_visitor: Switch = True
    imap: ImapInput | None = None
