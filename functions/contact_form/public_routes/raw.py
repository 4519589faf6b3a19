"""What the form and signed routes read from the request as it came (they parse their bodies
themselves: JSON, urlencoded or multipart), and how an intake answer becomes an HTTP one."""

from __future__ import annotations

import base64
import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from shopdesk.api.http import json_response, request_language
from shopdesk.intake import intake


def raw_body(router: Any) -> bytes:
    event = router.current_event.raw_event
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")


def signed_target(router: Any) -> tuple[str, str]:
    """The method and the path exactly as requested (not decoded): what a storefront signature covers."""
    event = router.current_event
    return event.http_method, event.raw_event.get("rawPath") or event.path


def intake_request(router: Any) -> intake.IntakeRequest:
    event = router.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    http = (event.raw_event.get("requestContext") or {}).get("http") or {}
    return intake.IntakeRequest(
        content_type=headers.get("content-type", ""),
        body=raw_body(router),
        ip=http.get("sourceIp"),
        user_agent=headers.get("user-agent") or http.get("userAgent"),
        accept=headers.get("accept", ""),
        language_hint=request_language(router),
        referer=headers.get("referer"),
        origin=headers.get("origin"),
        idempotency_key=headers.get("idempotency-key"),
        lambda_context=router.lambda_context,
    )


def answer(result: intake.Answer) -> Response[str]:
    if result.location:
        return Response(
            status_code=303,
            content_type="application/json",
            body=json.dumps(result.body, ensure_ascii=False),
            headers={"Location": result.location},
        )
    return json_response(result.body, status=result.status)
