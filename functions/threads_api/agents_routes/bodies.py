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
    snooze_until: documented(
        {"type": "string", "format": "date-time", "description": "with pending1 or pending2: open again at this time (or when the customer writes)"}
    ) = None


class ReplyInput(DomainChecked):
    last_seen: documented({"type": "string", "description": "id of the last message the agent saw: a newer one refuses the send (409 reply_outdated)"}) = None
    force: documented({"type": "boolean", "default": False, "description": "send anyway, after seeing the newer messages"}) = None
    # A pattern, not an enum: these are actions, not the thread statuses every status enum lists.
    after_send: documented({"type": "string", "pattern": "^(close|open)$", "description": "close the thread or keep it open; default: the shop's"}) = None
    text: documented({"type": "string"}) = None
    attachments: documented(
        {"type": "array", "maxItems": 5, "items": {"type": "object", "properties": {"upload_key": {"type": "string"}, "filename": {"type": "string"}}}}
    ) = None
    after_send: documented(
        {"type": "string", "default": "close", "description": "close (Send and close), open (Send and keep open) or snooze (pending 1 until snooze_until)"}
    ) = None
    snooze_until: documented({"type": "string", "format": "date-time", "description": "with after_send=snooze: open again at this time"}) = None


class AssigneeInput(DomainChecked):
    assignee: documented({"type": "string", "description": "an agent's sub: the caller's own takes the thread; null releases it"}) = None
    note: documented({"type": "string", "description": "a hand-over's note, kept as a private entry"}) = None


class PresenceInput(DomainChecked):
    state: documented({"type": "string", "enum": ["viewing", "writing"]}) = None


class NoteInput(DomainChecked):
    text: documented({"type": "string"}) = None


class ForwardInput(DomainChecked):
    to_agent: documented({"type": "string", "format": "email"}) = None
    to_email: documented({"type": "string", "format": "email"}) = None
    comment: documented({"type": "string"}) = None


class DraftInput(DomainChecked):
    text: documented({"type": "string", "description": "as typed; blank discards the draft"}) = None


class SavedReplyInput(DomainChecked):
    title: documented({"type": "string", "maxLength": 120}) = None
    texts: documented(
        {"type": "object", "description": "the text per language (en, es, pl), with {variables}", "properties": {"en": {"type": "string"}, "es": {"type": "string"}, "pl": {"type": "string"}}}
    ) = None


class MergeInput(DomainChecked):
    source: documented({"type": "integer", "description": "the thread merged into this one; its number then forwards here"}) = None


class SplitInput(DomainChecked):
    message_id: documented({"type": "string", "description": "the message that leaves for a new thread of its own"}) = None



def as_dict(body: DomainChecked | None) -> dict[str, Any]:
    """The body for a domain function that takes a dict (an empty body is an empty object)."""
    return body.as_dict() if body is not None else {}
