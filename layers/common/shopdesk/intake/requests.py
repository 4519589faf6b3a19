"""What the public API hands to intake, typed: the HTTP request of a post, the signed customer,
the handler's answer, and the small JSON requests (an upload URL, a blocked sender, a spam mark)
as pydantic models, so domain functions never take `Any`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, WithJsonSchema, field_validator
from pydantic import ValidationError as PydanticError

from shopdesk.core.errors import FieldError, ShopdeskError, ValidationFailed
from shopdesk.core.requests import coded
from shopdesk.core.validation import is_text


@dataclass
class IntakeRequest:
    """What the handler hands over from the HTTP event."""

    content_type: str
    body: bytes
    ip: str | None = None
    user_agent: str | None = None
    accept: str = ""
    language_hint: str | None = None  # ?lang= or Accept-Language
    referer: str | None = None
    origin: str | None = None
    idempotency_key: str | None = None
    lambda_context: Any = None  # lets the idempotency record expire an interrupted attempt in time


@dataclass
class SignedIdentity:
    """A logged-in customer, as the storefront's signed call names them (storefront.py)."""

    email: str
    customer_id: str | None = None
    name: str | None = None


@dataclass
class Answer:
    """The handler's answer: JSON (status + body) or, for a plain HTML form, a 303 to `location`."""

    status: int
    body: dict[str, Any]
    location: str | None = None


class _Request(BaseModel):
    """The routes take these models as their bodies (the OpenAPI document is made from them), so
    what the document says is what is checked; `defer_build` keeps the cold start short."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class UploadRequest(_Request):
    """POST /v1/uploads: the name of the file the visitor is about to upload."""

    # A name that is not text, or blank, is refused by the domain as a file type it does not take.
    filename: Annotated[str, WithJsonSchema({"type": "string", "minLength": 1, "description": "the file's name; its extension is its type"})] = ""

    @field_validator("filename", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> str:
        """A name that is not text is no name: refused with the file-type error, as a blank one is."""
        return value if isinstance(value, str) and is_text(value) else ""


class BlockedSenderRequest(_Request):
    """POST /v1/blocked-senders: an address or a domain starting with @."""

    value: Annotated[StrictStr, coded("invalid_blocked_sender")] = Field(default="", description="an address, or a domain as @example.com")


class SpamMarkRequest(_Request):
    """PUT /v1/threads/{number}/spam: mark (or unmark), and optionally block the sender."""

    spam: StrictBool
    block_sender: StrictBool = False


M = TypeVar("M", bound=_Request)

# Which field error a pydantic failure becomes, per model (the stable codes of the answers).
_FIELD_CODES: dict[type[_Request], str] = {
    BlockedSenderRequest: "invalid_blocked_sender",
    SpamMarkRequest: "validation_failed",
}


def parse[M: _Request](model: type[M], data: object) -> M:
    """A JSON body as `model`: a body that is not an object is `invalid_json`; a wrong field is a
    field error in the usual shape, every field at once."""
    if not isinstance(data, dict):
        raise ShopdeskError("invalid_json")
    try:
        return model.model_validate(data)
    except PydanticError as error:
        code = _FIELD_CODES.get(model, "validation_failed")
        fields = list(dict.fromkeys(str(e["loc"][0]) if e["loc"] else "body" for e in error.errors()))
        raise ValidationFailed([FieldError(name, code) for name in fields]) from None
