"""Request bodies of the routes whose rules live in rooms other helpers own (threads, intake):
the types are documented here for the OpenAPI document and unknown fields are kept, while the
domain functions, which take plain dicts, still check each field with their own codes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, WithJsonSchema

STATUS = {"type": "string", "enum": ["open", "closed", "pending1", "pending2"]}


def documented(schema: dict[str, Any]) -> Any:
    """A field the domain validates, documented with `schema`."""
    return Annotated[Any, WithJsonSchema(schema)]


class DomainChecked(BaseModel):
    """A JSON object handed to the domain as a dict (`as_dict()`), fields checked there."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class StatusInput(DomainChecked):
    status: documented(STATUS) = None


class ReplyInput(DomainChecked):
    text: documented({"type": "string"}) = None
    attachments: documented(
        {"type": "array", "maxItems": 5, "items": {"type": "object", "properties": {"upload_key": {"type": "string"}, "filename": {"type": "string"}}}}
    ) = None


class NoteInput(DomainChecked):
    text: documented({"type": "string"}) = None


class ForwardInput(DomainChecked):
    to_agent: documented({"type": "string", "format": "email"}) = None
    to_email: documented({"type": "string", "format": "email"}) = None
    comment: documented({"type": "string"}) = None



def as_dict(body: DomainChecked | None) -> dict[str, Any]:
    """The body for a domain function that takes a dict (an empty body is an empty object)."""
    return body.as_dict() if body is not None else {}
