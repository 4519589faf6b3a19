"""What a route answers, for the OpenAPI document generated from the routes: each status names a
shape (`"Contact"` → `#/components/schemas/Contact`, defined beside the generator in
local/openapi.py), a JSON schema, or None (no body). Nothing here runs on a request."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

Shape = str | dict[str, Any] | None


def answers(shapes: dict[int, Shape]) -> dict[int, dict[str, Any]]:
    """Powertools' `responses=` for a route: status → description and JSON body."""
    documented: dict[int, dict[str, Any]] = {}
    for status, shape in shapes.items():
        answer: dict[str, Any] = {"description": _DESCRIPTIONS.get(status) or HTTPStatus(status).phrase}
        if shape is not None:
            schema = {"$ref": f"#/components/schemas/{shape}"} if isinstance(shape, str) else shape
            answer["content"] = {"application/json": {"schema": schema}}
        documented[status] = answer
    return documented


_DESCRIPTIONS = {
    303: "Redirect back to the form's page (plain HTML forms)",
    401: "No valid token or signature",
    403: "Not allowed (admins only, or not a team member)",
    409: "Conflict",
    413: "The body is too large",
    415: "The body's Content-Type is not one this route reads",
    422: "Invalid fields (every error at once)",
    502: "An AWS service (SES) failed: retry",
}


BODY_ATTRIBUTE = "__shopdesk_request_body__"


def reads_raw_body(content: dict[str, Any]) -> Any:
    """For a route that reads its body itself (several formats, or a signature over the raw bytes):
    documents what it reads, media type → {"schema": ...}, since no model parameter says it."""

    def mark(func: Any) -> Any:
        setattr(func, BODY_ATTRIBUTE, content)
        return func

    return mark
