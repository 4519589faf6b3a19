"""The errors Shopdesk answers with: each has an HTTP status, a stable code and a human message."""

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
    """Raised by domain code; the HTTP layer maps it to a JSON answer in one place."""

    status = 400
    code = "bad_request"

    def __init__(self, code: str | None = None, status: int | None = None, **params: Any) -> None:
        super().__init__(code or self.code)
        if code:
            self.code = code
        if status:
            self.status = status
        self.params = params

    def body(self, lang: str | None) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": message(self.code, lang, **self.params)}}


class NotFound(ShopdeskError):
    status = 404
    code = "not_found"


class Unauthorized(ShopdeskError):
    status = 401
    code = "unauthorized"


class Forbidden(ShopdeskError):
    status = 403
    code = "forbidden"


class ValidationFailed(ShopdeskError):
    """Carries every field error at once, so a form can show them all together."""

    status = 422
    code = "validation_failed"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = errors

    def body(self, lang: str | None) -> dict[str, Any]:
        answer = super().body(lang)
        answer["error"]["fields"] = [error.to_dict(lang) for error in self.errors]
        return answer
