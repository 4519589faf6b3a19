"""What admins send: the typed requests of contacts and shop settings. Each field's own rules are
here (pydantic, with Shopdesk's error codes); the rules that span fields or need the stored item
stay with the domain (admin/contacts.py, admin/shop_settings.py). A module of its own so that
only the APIs import pydantic: the mail sync reads contacts and settings without it."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from shopdesk.core.config import LANGUAGES, config
from shopdesk.core.i18n import register
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


def _one_line(text: str) -> bool:
    """No control character (CR, LF, NUL, C1…) nor line separator: these values go into mail
    headers, IMAP commands and the page, where a line break would start something else."""
    return not _CONTROL.search(text)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
register(
    {
        "invalid_abuse_limit": {
            "en": "A limit must be a whole number from {min} to {max}.",
            "es": "Un límite debe ser un número entero de {min} a {max}.",
            "pl": "Limit musi być liczbą całkowitą od {min} do {max}.",
        },
        "control_characters": {
            "en": "Line breaks and other control characters are not allowed here.",
            "es": "Aquí no se permiten saltos de línea ni otros caracteres de control.",
            "pl": "Podziały wierszy i inne znaki sterujące są tu niedozwolone.",
        },
    }
)

Language = Annotated[str, rule(_known_language, "unknown_language")]
OneLine = Annotated[str | None, rule(_one_line, "control_characters")]
Name = Annotated[str | None, rule(_no_markup, "name_invalid_characters"), rule(_one_line, "control_characters")]
Email = Annotated[str, rule(lambda value: not value.strip() or is_valid_email(value.strip()), "invalid_email")]
Position = Annotated[int, Field(ge=0), coded("invalid_position")]


class ContactPatch(RequestModel):
    """A contact's changes: only the fields sent change (the rules spanning fields are checked on
    the contact they produce, by admin/contacts.py)."""

    names: dict[Language, Name] | None = Field(default=None, description="per language (en, es, pl); the shop's default language is required")
    descriptions: dict[Language, str | None] | None = Field(default=None, description="per language (en, es, pl)")
    email: Email | None = None
    save_messages: bool = True
    position: Position | None = None


class ContactInput(ContactPatch):
    """A new contact. Its rules that span fields need nothing stored, so they are checked with the
    fields' own rules and a form shows every error at once."""

    @model_validator(mode="wrap")
    @classmethod
    def _every_error_at_once(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as error:
            located = {".".join(str(part) for part in e["loc"] if part != "[key]") for e in error.errors()}
            spanning = _spanning_errors(data, located) if isinstance(data, dict) else []
            if not spanning:
                raise
            details: list[Any] = [
                {"type": PydanticCustomError(e["type"], e["type"], e.get("ctx") or {}), "loc": e["loc"], "input": e.get("input")}
                for e in error.errors()
            ]
            raise ValidationError.from_exception_data(cls.__name__, details + spanning) from None


def _spanning_errors(data: dict[str, Any], located: set[str]) -> list[Any]:
    """A new contact's rules over several fields, read from the request as sent: a name in the
    shop's default language, and an address when messages are not saved."""
    found: list[Any] = []
    default = config().default_language
    names = data.get("names")
    name = names.get(default) if isinstance(names, dict) else None
    if f"names.{default}" not in located and not (isinstance(name, str) and name.strip()):
        found.append({"type": PydanticCustomError("name_required", "name_required"), "loc": ("names", default), "input": name})
    email = data.get("email")
    if data.get("save_messages") is False and "email" not in located and not (isinstance(email, str) and email.strip()):
        found.append({"type": PydanticCustomError("email_required_without_saving", "email_required_without_saving"), "loc": ("email",), "input": email})
    return found


class ContactOrder(RequestModel):
    """Every contact id, once each, in the new order."""

    order: Annotated[list[str], coded("invalid_order")] = Field(default_factory=list)


Switch = bool


class ImapInput(RequestModel):
    """The mailbox the sync reads; `password` is write-only (it goes to Secrets Manager)."""

    host: OneLine = Field(default=None, max_length=IMAP_TEXT_LIMIT)
    port: Annotated[int, Field(ge=1, le=65535), coded("invalid_port")] = 993
    user: OneLine = Field(default=None, max_length=IMAP_TEXT_LIMIT)
    security: Annotated[Literal["tls", "starttls", "none"], coded("invalid_security")] = "tls"
    verify_certificate: Switch = True
    folder: OneLine = Field(default=None, max_length=IMAP_TEXT_LIMIT)
    delete_after_sync: Switch = False
    create_new_threads: Switch = True
    password: Annotated[str, Field(max_length=1024), coded("validation_failed"), rule(_one_line, "control_characters")] | None = Field(default=None, json_schema_extra={"writeOnly": True})


# The storefront's abuse limits an admin may set: whole numbers in their ranges (null: the default).
PostsLimit = Annotated[int, Field(ge=1, le=10000), coded("invalid_abuse_limit", min=1, max=10000)]
MailboxPostsLimit = Annotated[int, Field(ge=1, le=1000), coded("invalid_abuse_limit", min=1, max=1000)]
FormUploadsLimit = Annotated[int, Field(ge=1, le=100), coded("invalid_abuse_limit", min=1, max=100)]
RecipientConfirmationsLimit = Annotated[int, Field(ge=0, le=100), coded("invalid_abuse_limit", min=0, max=100)]
ShopConfirmationsLimit = Annotated[int, Field(ge=0, le=100000), coded("invalid_abuse_limit", min=0, max=100000)]
RateWindowSeconds = Annotated[int, Field(ge=60, le=86400), coded("invalid_abuse_limit", min=60, max=86400)]


class AbuseLimitsInput(RequestModel):
    """The storefront's abuse limits of this shop; a field sent as null goes back to the default."""

    rate_limit_per_ip: PostsLimit | None = Field(default=None, description="posts per IPv4 address or IPv6 /64 in the rate window")
    rate_limit_per_email: MailboxPostsLimit | None = Field(default=None, description="posts per sender mailbox in the rate window")
    upload_limit_per_ip: PostsLimit | None = Field(default=None, description="upload grants per network in the rate window")
    upload_limit_per_form: FormUploadsLimit | None = Field(default=None, description="upload grants per form token in the rate window")
    confirmation_limit_per_recipient: RecipientConfirmationsLimit | None = Field(
        default=None, description="visitor confirmations per recipient mailbox per UTC day (0: none)"
    )
    confirmation_limit_per_shop: ShopConfirmationsLimit | None = Field(
        default=None, description="visitor confirmations for the whole shop per UTC day (0: none)"
    )
    rate_window_seconds: RateWindowSeconds | None = Field(default=None, description="the rate window's length in seconds (posts and upload grants)")


class SettingsInput(RequestModel):
    """PATCH /v1/settings: the fields sent change, the others keep their value."""

    allow_uploads: Switch = True
    default_messages: dict[Language, Annotated[str, Field(max_length=DEFAULT_MESSAGE_LIMIT)]] | None = Field(
        default=None, description="the reply's starting text per language (en, es, pl)"
    )
    notify_contact: Switch = False
    confirm_visitor: Switch = True
    assign_on_first_reply: Switch = False
    notify_assignee: Switch = False
    # Documented as a pattern: "open" here is an action, not the status every status enum lists.
    after_send_default: Annotated[Literal["close", "open"], WithJsonSchema({"type": "string", "pattern": "^(close|open)$"})] = Field(
        default="close", description="what Send does unless the agent chooses: close or keep open"
    )
    imap: ImapInput | None = None
    abuse_limits: AbuseLimitsInput | None = None
