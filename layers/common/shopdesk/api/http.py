"""The HTTP edge shared by both APIs: routing, JSON bodies, and errors mapped to answers in one place."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from shopdesk.core.errors import (
    Conflict,
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
)
from shopdesk.core.i18n import message
from shopdesk.core.observability import logger
from shopdesk.core.validation import json_too_deep

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


def status_of(error: ShopdeskError) -> int:
    """The HTTP status of a domain error: its nearest kind in HTTP_STATUS, else 400."""
    for kind in type(error).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]
    return 400


def error_response(status: int, body: dict[str, Any]) -> Response:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body, ensure_ascii=False))


def json_response(body: Any, status: int = 200) -> Response:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body, ensure_ascii=False))


def request_language(app: APIGatewayHttpResolver) -> str | None:
    """The language the caller asked for: `lang` in the query, else Accept-Language."""
    event = app.current_event
    return (event.query_string_parameters or {}).get("lang") or event.headers.get("accept-language")


def json_body(app: APIGatewayHttpResolver) -> Any:
    """The decoded JSON body; an empty body is an empty object."""
    raw = app.current_event.decoded_body
    if not raw:
        return {}
    if json_too_deep(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw):
        raise ShopdeskError("invalid_json")  # before the parser, whose recursion it would exhaust
    try:
        return json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        raise ShopdeskError("invalid_json") from None


def make_resolver() -> APIGatewayHttpResolver:
    """A resolver whose every failure is a JSON answer with a stable code and a human message."""
    app = APIGatewayHttpResolver()

    @app.exception_handler(ShopdeskError)
    def _shopdesk_error(error: ShopdeskError) -> Response:
        return error_response(status_of(error), error.body(error.lang or request_language(app)))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response:
        return error_response(404, {"error": {"code": "not_found", "message": message("not_found", request_language(app))}})

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unexpected error", extra={"error_type": type(error).__name__})
        code = "internal_error"
        return error_response(500, {"error": {"code": code, "message": message(code, request_language(app))}})

    return app
