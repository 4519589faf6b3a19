"""Field checks that collect every error at once instead of stopping at the first."""

from __future__ import annotations

import json
import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from typing import Any

from shopdesk.core.errors import FieldError, ShopdeskError, ValidationFailed
from shopdesk.core.i18n import register

# Deliberately simple: one @, a dotted domain, no spaces or angle brackets, and no CR/LF that
# could smuggle headers into a mail.
EMAIL_PATTERN = re.compile(r"^[^@\s<>()\[\],;:\"\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


# No request body of ours nests deeper than a few levels; a deeper one is refused before the
# parser (whose recursion a hostile body could exhaust) ever sees it.
register(
    {
        "body_too_large": {
            "en": "The request is too large (at most {limit_kb} KB of text).",
            "es": "La petición es demasiado grande (como máximo {limit_kb} KB de texto).",
            "pl": "Żądanie jest za duże (najwyżej {limit_kb} KB tekstu).",
        },
        "json_too_deep": {
            "en": "The request body is nested too deeply (at most {limit} levels).",
            "es": "El cuerpo de la petición está anidado demasiado (como máximo {limit} niveles).",
            "pl": "Treść żądania jest zagnieżdżona zbyt głęboko (najwyżej {limit} poziomów).",
        },
        "invalid_text": {
            "en": "This text contains characters that are not valid Unicode and cannot be stored.",
            "es": "Este texto contiene caracteres que no son Unicode válido y no se pueden guardar.",
            "pl": "Ten tekst zawiera znaki, które nie są poprawnym Unicode i nie można ich zapisać.",
        },
    }
)

JSON_MAX_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def json_too_deep(body: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether the JSON text nests objects and arrays deeper than `limit` (strings skipped)."""
    depth = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


def json_object(body: bytes | str | None) -> dict[str, Any]:
    """A request body that must be one JSON object (an empty body is an empty object)."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else (body or b"")
    if json_too_deep(raw):
        raise ShopdeskError("json_too_deep", limit=JSON_MAX_DEPTH)
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise ShopdeskError("invalid_json") from None
    if not isinstance(data, dict):
        raise ShopdeskError("invalid_json")
    return data


def is_text(value: str) -> bool:
    """Whether the string can be stored and mailed: JSON's \\ud800 escapes can smuggle in lone
    UTF-16 surrogates, which no UTF-8 encoder accepts."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Providers that deliver `a.n.n@` and `ann@` to the same mailbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(email: str) -> str:
    """The mailbox an address reaches: lower case, without a `+tag`, and without dots where the
    provider ignores them, so `A.n.n+1@GoogleMail.com` and `ann@gmail.com` count as one sender."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def is_valid_email(value: Any) -> bool:
    """One plain address. RFC 2047 encoded words (`=?utf-8?q?…?=`) are decoded first, the way a
    mail program would show the address, so one cannot hide a line break or a second address."""
    if not isinstance(value, str) or len(value) > 254 or not is_text(value) or not EMAIL_PATTERN.match(value):
        return False
    if "=?" in value:
        try:
            decoded = str(make_header(decode_header(value)))
        except (ValueError, LookupError, UnicodeError, HeaderParseError):
            return False
        if decoded != value:
            return False  # an encoded word has no place in an address
    return True


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
