"""The HTTP edge shared by both APIs: the resolver, hostile bodies refused before they are parsed,
Powertools' validation errors in Shopdesk's own shape, and errors mapped to statuses in one place."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError

from shopdesk.api.auth import authorize, set_caller
from shopdesk.core.errors import (
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    RateLimited,
    ShopdeskError,
    TooLarge,
    Unauthorized,
    Unavailable,
    Unprocessable,
    UnsupportedMedia,
    UpstreamFailed,
    ValidationFailed,
)
from shopdesk.core.i18n import MESSAGES, message, register
from shopdesk.core.observability import logger
from shopdesk.core.validation import JSON_MAX_DEPTH, is_text, json_too_deep
from shopdesk.core.vocabulary import LANGUAGES

register(
    {
        "required": {
            "en": "This field is required.",
            "es": "Este campo es obligatorio.",
            "pl": "To pole jest wymagane.",
        },
    }
)

# The one place where a kind of error becomes an HTTP status (the most specific class wins).
HTTP_STATUS: dict[type[ShopdeskError], int] = {
    NotFound: 404,
    Unauthorized: 401,
    Forbidden: 403,
    Conflict: 409,
    Unprocessable: 422,
    UnsupportedMedia: 415,
    TooLarge: 413,
    RateLimited: 429,
    UpstreamFailed: 502,
    Unavailable: 503,
}

# JSON bodies are checked before json.loads sees them: a body nested 100,000 deep would exhaust
# the parser's recursion (a 500), and nothing the APIs take is deeper than a few levels.
MAX_JSON_CHARACTERS = 1_000_000
MAX_JSON_DEPTH = JSON_MAX_DEPTH
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

# Pydantic's error types in Shopdesk's codes (a custom error whose type is a message code keeps it).
_CODES = {
    "extra_forbidden": "unknown_field",
    "missing": "required",
    "bool_type": "invalid_boolean",
    "bool_parsing": "invalid_boolean",
    "string_too_long": "too_long",
}


def status_of(error: ShopdeskError) -> int:
    """The HTTP status of a domain error: its nearest kind in HTTP_STATUS, else 400."""
    for kind in type(error).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]
    return 400


def error_response(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body, ensure_ascii=False))


def json_response(body: Any, status: int = 200) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body, ensure_ascii=False))


def request_language(app: Any) -> str | None:
    """The language the caller asked for: `lang` in the query, else Accept-Language."""
    event = app.current_event
    return (event.query_string_parameters or {}).get("lang") or event.headers.get("accept-language")


def _lone_surrogates(value: Any, path: str = "") -> Iterator[str]:
    """The fields whose text holds half a UTF-16 pair (`"\\ud800"`): no store or mail can keep it."""
    if isinstance(value, str):
        if not is_text(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if any(True for _ in _lone_surrogates(key)):
                yield path or "body"
            yield from _lone_surrogates(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, f"{path}.{index}" if path else str(index))


def parse_json_body(text: str) -> Any:
    """A JSON body, refused before parsing when too large or too deep, and after when its text is
    not Unicode; each refusal is a 4xx with its own code, never the parser's crash."""
    if len(text) > MAX_JSON_CHARACTERS:
        raise TooLarge("body_too_large", limit_kb=MAX_JSON_CHARACTERS // 1000)
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and json_too_deep(text.encode("utf-8", "surrogatepass"), MAX_JSON_DEPTH):
        raise ShopdeskError("json_too_deep", limit=MAX_JSON_DEPTH)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ShopdeskError("invalid_json") from None
    if _SURROGATE_ESCAPE.search(text):
        fields = sorted(set(_lone_surrogates(data)))
        if fields:
            raise ValidationFailed([FieldError(field, "invalid_text") for field in fields])
    return data


def field_errors(errors: Any) -> list[FieldError]:
    """Powertools' (pydantic's) validation errors as Shopdesk field errors: the field's dotted
    path without its location (`names.en`, not `body.names.en`), a Shopdesk code and its params."""
    found: list[FieldError] = []
    for error in errors:
        # A dict key's own error is located at `names.fr.[key]`: the field is `names.fr`.
        location = [str(part) for part in error.get("loc", ()) if part != "[key]"]
        where, path = (location[0], location[1:]) if location else ("body", [])
        field = ".".join(path) or where
        kind = str(error.get("type", ""))
        context = error.get("ctx") or {}
        code = kind if kind in MESSAGES else _CODES.get(kind, "validation_failed")
        params = {"limit": context["max_length"]} if code == "too_long" and "max_length" in context else {}
        if kind in MESSAGES and kind != "too_long":  # a Shopdesk code's own parameters (`coded(code, min=…)`)
            params = dict(context)
        found.append(FieldError(field, code, params))
    return found


def checked_language(app: Any) -> None:
    """The agents' API documents `lang` as one of the languages and holds to it: another value is
    a field error (the public API lets a storefront's page pass its own and falls back instead)."""
    lang = (app.current_event.query_string_parameters or {}).get("lang")
    if lang is not None and lang not in LANGUAGES:
        raise ValidationFailed([FieldError("lang", "unknown_language")])


class _GuardThenValidate(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, preceded on a guarded API by the route's authorization:
    a stranger learns nothing from a validation answer, and the check exists once, here."""

    def __init__(self, guarded: bool) -> None:
        super().__init__()
        self.guarded = guarded

    def _get_body(self, app: Any) -> Any:
        """A route with a request model reads JSON, as its document says (or a body sent without a
        Content-Type); a form or multipart body, boundary or not, is a 415 like any other type."""
        content_type = app.current_event.headers.get("content-type", "").strip().lower()
        if content_type and not content_type.startswith("application/json"):
            raise RequestUnsupportedContentType(
                "Unsupported content type",
                errors=[{"type": "unsupported_content_type", "loc": ("body",), "msg": "Unsupported content type", "input": {}, "ctx": {}}],
            )
        body = super()._get_body(app)
        if body is not None and not isinstance(body, dict):  # every request model is an object: 422 on `body`
            raise RequestValidationError([{"type": "model_attributes_type", "loc": ("body",), "msg": "Input should be an object", "input": None}])
        return body

    def handler(self, app: Any, next_middleware: NextMiddleware) -> Response:
        if not self.guarded:
            return super().handler(app, next_middleware)
        token = set_caller(authorize(app.context["_route"].func, app.current_event.raw_event))
        try:
            checked_language(app)
            return super().handler(app, next_middleware)
        finally:
            set_caller(None, token)


class ShopdeskResolver(APIGatewayHttpResolver):
    """An HTTP API resolver with Powertools' validation (pydantic models on bodies and queries, the
    OpenAPI document from the routes), hostile JSON refused before parsing, every failure a JSON
    answer with a stable code and a human message; `guarded`: every route declares who may call it."""

    def __init__(self, guarded: bool = False) -> None:
        super().__init__(enable_validation=True, json_body_deserializer=parse_json_body)
        self.guarded = guarded
        # Powertools runs request validation first; ours authorizes first, then validates.
        self._request_validation_middleware = _GuardThenValidate(guarded)
        self._register_error_answers()

    def _register_error_answers(self) -> None:
        app = self

        @app.exception_handler(ShopdeskError)
        def _shopdesk_error(error: ShopdeskError) -> Response:
            return error_response(status_of(error), error.body(error.lang or request_language(app)))

        @app.exception_handler(RequestUnsupportedContentType)
        def _unsupported(_: RequestUnsupportedContentType) -> Response:
            return _shopdesk_error(UnsupportedMedia())

        @app.exception_handler(RequestValidationError)
        def _invalid(error: RequestValidationError) -> Response:
            errors = list(error.errors())
            if any(e.get("type") == "json_invalid" for e in errors):
                return _shopdesk_error(ShopdeskError("invalid_json"))
            return _shopdesk_error(ValidationFailed(field_errors(errors)))

        @app.not_found
        def _not_found(_: NotFoundError) -> Response:
            return error_response(404, {"error": {"code": "not_found", "message": message("not_found", request_language(app))}})

        @app.exception_handler(Exception)
        def _unexpected(error: Exception) -> Response:
            logger.exception("unexpected error", extra={"error_type": type(error).__name__})
            code = "internal_error"
            return error_response(500, {"error": {"code": code, "message": message(code, request_language(app))}})


def make_resolver(guarded: bool = False) -> ShopdeskResolver:
    return ShopdeskResolver(guarded=guarded)
