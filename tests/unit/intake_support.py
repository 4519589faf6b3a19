"""The storefront's secrets and helpers on top of the `aws` fixture (tests/unit/conftest.py).

Import into a test module: `from tests.unit.intake_support import shop  # noqa: F401`.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from shopdesk.admin import contacts
from shopdesk.core.aws import forget_secrets
from shopdesk.core.config import config
from shopdesk.intake import antispam

REGION = "eu-west-1"
SIGNING_KEY = "shop-signing-key-0123456789"
FORM_KEY = "form-token-key-abcdef"


@pytest.fixture
def shop(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The `aws` fixture plus the form-token and signing secrets, no minimum fill time by default,
    and the two default contacts."""
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.create_secret(Name="shopdesk/form-token", SecretString=FORM_KEY)
    secrets.create_secret(Name="shopdesk/storefront-signing", SecretString=SIGNING_KEY)
    for name, value in {
        "FORM_TOKEN_SECRET_ID": "shopdesk/form-token",
        "STOREFRONT_SECRET_ID": "shopdesk/storefront-signing",
        "FORM_MIN_FILL_SECONDS": "3",
    }.items():
        monkeypatch.setenv(name, value)
    config.cache_clear()
    forget_secrets()
    contacts.all_contacts()
    yield aws
    forget_secrets()
    config.cache_clear()


def old_token(seconds: int = 30) -> str:
    """A form token issued `seconds` ago: a person took that long to fill the form."""
    return antispam.issue_form_token(time.time() - seconds)


def form_fields(**overrides: Any) -> dict[str, Any]:
    fields = {
        "contact_id": "customer-service",
        "email": "ann@example.com",
        "message": "Where is my order?",
        "lang": "en",
        "form_token": old_token(),
        "website": "",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def event(
    method: str,
    path: str,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    ip: str = "203.0.113.7",
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An HTTP API (v2) event as API Gateway sends it to the public function."""
    raw = body.encode() if isinstance(body, str) else body
    hdrs = {"user-agent": "Mozilla/5.0 (test)"} | {k.lower(): v for k, v in (headers or {}).items()}
    binary = raw is not None and not hdrs.get("content-type", "").startswith(("application/json", "application/x-www-form-urlencoded"))
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": hdrs,
        "queryStringParameters": query,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "test",
            "domainName": "api.test",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": ip, "userAgent": hdrs["user-agent"]},
            "requestId": "r",
            "routeKey": "$default",
            "stage": "$default",
            "time": "22/Nov/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": (base64.b64encode(raw).decode() if binary else raw.decode()) if raw is not None else None,
        "isBase64Encoded": bool(binary and raw is not None),
    }


def call(evt: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    from contact_form_app import handler

    from local.gateway import LambdaContext

    result = handler(evt, LambdaContext())
    body = result.get("body") or "{}"
    return result["statusCode"], json.loads(body) if body.strip().startswith("{") else {"raw": body}, result.get("headers") or {}


def post_json(fields: dict[str, Any], headers: dict[str, str] | None = None, ip: str = "203.0.113.7") -> tuple[int, dict[str, Any]]:
    status, body, _ = call(event("POST", "/v1/messages", json.dumps(fields), {"content-type": "application/json"} | (headers or {}), ip=ip))
    return status, body


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None) -> tuple[bytes, str]:
    boundary = "----shopdesk-test-boundary"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n")
    for name, (filename, data, content_type) in (files or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def sent_mail() -> list[Any]:
    """What moto's SES accepted, oldest first."""
    from moto.ses.models import ses_backends

    return list(ses_backends["123456789012"][REGION].sent_messages)
