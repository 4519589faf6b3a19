"""The errors domain code raises: each kind says what went wrong, with a stable code and a human
message. Which HTTP status a kind becomes is decided in one place, `shopdesk.api.http`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shopdesk.core.i18n import message


@dataclass
class FieldError:
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: str | None) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": message(self.code, lang, **self.params)}


class ShopdeskError(Exception):
    """A request Shopdesk refuses: bad input that is not a field error (invalid JSON, say)."""

    code = "bad_request"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
        self.params = params
        # The language the answer must speak when it differs from the request's (a form's own `lang`).
        self.lang: str | None = None

    def body(self, lang: str | None) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": message(self.code, lang, **self.params)}}


class NotFound(ShopdeskError):
    code = "not_found"


class Unauthorized(ShopdeskError):
    code = "unauthorized"


class Forbidden(ShopdeskError):
    code = "forbidden"


class Conflict(ShopdeskError):
    """The thing changed or is in a state that forbids this (already sent, in progress…)."""

    code = "conflict"


class Unprocessable(ShopdeskError):
    """Well-formed but refused as a whole (spam suspected, an idempotency key reused…)."""

    code = "unprocessable"


class UnsupportedMedia(ShopdeskError):
    code = "unsupported_body"


class TooLarge(ShopdeskError):
    code = "too_large"


class RateLimited(ShopdeskError):
    code = "rate_limited"


class UpstreamFailed(ShopdeskError):
    """A service we depend on refused (SES would not send, the mailbox would not answer)."""

    code = "upstream_failed"


class Unavailable(ShopdeskError):
    """Try again later: the work could not be started now."""

    code = "unavailable"


class ValidationFailed(Unprocessable):
    """Carries every field error at once, so a form can show them all together."""

    code = "validation_failed"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = errors

    def body(self, lang: str | None) -> dict[str, Any]:
        answer = super().body(lang)
        answer["error"]["fields"] = [error.to_dict(lang) for error in self.errors]
        return answer
