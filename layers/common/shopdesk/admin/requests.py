"""What admins send: the typed requests of contacts and shop settings. Each field's own rules are
here (pydantic, with Shopdesk's error codes); the rules that span fields or need the stored item
stay with the domain (admin/contacts.py, admin/shop_settings.py). A module of its own so that
only the APIs import pydantic: the mail sync reads contacts and settings without it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from shopdesk.core.config import LANGUAGES, config
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
    assign_on_first_reply: Switch = False
    notify_assignee: Switch = False
    # Documented as a pattern: "open" here is an action, not the status every status enum lists.
    after_send_default: Annotated[Literal["close", "open"], WithJsonSchema({"type": "string", "pattern": "^(close|open)$"})] = Field(
        default="close", description="what Send does unless the agent chooses: close or keep open"
    )
    imap: ImapInput | None = None
