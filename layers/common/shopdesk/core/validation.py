"""Field checks that collect every error at once instead of stopping at the first."""

from __future__ import annotations

import json
import re
from typing import Any

from shopdesk.core.errors import FieldError, ShopdeskError, ValidationFailed

# Deliberately simple: one @, a dotted domain, no spaces or angle brackets, and no CR/LF that
# could smuggle headers into a mail.
EMAIL_PATTERN = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def json_object(body: bytes | str | None) -> dict[str, Any]:
    """A request body that must be one JSON object (an empty body is an empty object)."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise ShopdeskError("invalid_json") from None
    if not isinstance(data, dict):
        raise ShopdeskError("invalid_json")
    return data


def is_valid_email(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 254 and bool(EMAIL_PATTERN.match(value))


class Checker:
    """Accumulates field errors; `done()` raises them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, code: str, **params: Any) -> None:
        self.errors.append(FieldError(field, code, params))

    def text(self, field: str, value: Any, limit: int) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(field, "validation_failed")
            return ""
        value = value.strip()
        if len(value) > limit:
            self.fail(field, "too_long", limit=limit)
        return value

    def boolean(self, field: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        self.fail(field, "invalid_boolean")
        return False

    def unknown_fields(self, data: dict[str, Any], allowed: set[str]) -> None:
        for name in sorted(set(data) - allowed):
            self.fail(name, "unknown_field")

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
