"""Signed server-to-server calls from the shop's back end (SPEC §7, docs/storefront.md).

Every call carries `X-Shopdesk-Timestamp` (Unix seconds) and `X-Shopdesk-Signature`
(`sha256=` + hex HMAC-SHA256 of `<timestamp>\n<METHOD>\n<path>\n<raw body>` with the shop's key
from Secrets Manager): the method, the path as sent and the body are all covered, so a captured
call cannot be re-targeted to another customer, order or route. A call older or newer than five
minutes, with a bad signature, or seen before is 401.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shopdesk.core.aws import secret_value
from shopdesk.core.config import config
from shopdesk.core.errors import FieldError, NotFound, Unauthorized, ValidationFailed
from shopdesk.core.i18n import register
from shopdesk.core.validation import is_text, is_valid_email, json_object
from shopdesk.intake.requests import Answer, IntakeRequest, SignedIdentity
from shopdesk.store import intake_data, storefront_writes
from shopdesk.store.customers import project_card

register(
    {
        "bad_signature": {
            "en": "The request's signature is missing, wrong, too old or already used.",
            "es": "La firma de la petición falta, es incorrecta, es demasiado antigua o ya se usó.",
            "pl": "Podpis żądania jest brakujący, błędny, zbyt stary lub już użyty.",
        },
        "customer_not_found": {
            "en": "This customer is not known: send it to /v1/storefront/customers first.",
            "es": "Este cliente no se conoce: envíelo antes a /v1/storefront/customers.",
            "pl": "Ten klient jest nieznany: najpierw wyślij go do /v1/storefront/customers.",
        },
        "invalid_amount": {
            "en": "The total must be a decimal amount such as 123.40.",
            "es": "El total debe ser un importe decimal como 123.40.",
            "pl": "Suma musi być kwotą dziesiętną, np. 123.40.",
        },
        "invalid_value": {
            "en": "This value is not valid.",
            "es": "Este valor no es válido.",
            "pl": "Ta wartość jest nieprawidłowa.",
        },
    }
)

WINDOW_SECONDS = 300
TIMESTAMP_HEADER = "x-shopdesk-timestamp"
SIGNATURE_HEADER = "x-shopdesk-signature"
ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def string_to_sign(timestamp: str, method: str, path: str, body: bytes) -> bytes:
    """`<timestamp>\n<METHOD>\n<path>\n<body>`: the method in capitals, the path exactly as
    requested (percent-encoded as sent, no query string); none of the first three holds a line
    break, so no two requests share a string."""
    return f"{timestamp}\n{method.upper()}\n{path}\n".encode() + body


def signature(secret: str, timestamp: str, method: str, path: str, body: bytes) -> str:
    """What the shop computes: `sha256=` + hex(HMAC-SHA256(secret, string_to_sign(...)))."""
    digest = hmac.new(secret.encode(), string_to_sign(timestamp, method, path, body), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(headers: dict[str, str], method: str, path: str, body: bytes, now: float | None = None) -> None:
    """401 unless the signature over method, path and body is right, the timestamp within five
    minutes, and the call new."""
    lowered = {k.lower(): v for k, v in headers.items()}
    timestamp = (lowered.get(TIMESTAMP_HEADER) or "").strip()
    given = (lowered.get(SIGNATURE_HEADER) or "").strip().lower()
    moment = now if now is not None else time.time()
    if not timestamp.isdigit() or abs(moment - int(timestamp)) > WINDOW_SECONDS:
        raise Unauthorized("bad_signature")
    if any(ch in path for ch in "\r\n") or "?" in path:
        raise Unauthorized("bad_signature")
    expected = signature(secret_value(config().storefront_secret_id), timestamp, method, path, body)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("bad_signature")
    if not intake_data.first_signed_call(expected, expires_at=int(timestamp) + 2 * WINDOW_SECONDS):
        raise Unauthorized("bad_signature")  # a replay


def _text(data: dict[str, Any], name: str, errors: list[FieldError], limit: int = 255, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            errors.append(FieldError(name, "invalid_value"))
        return None
    if not isinstance(value, str) or len(value) > limit or any(ch in value for ch in "\r\n\x00") or not is_text(value):
        errors.append(FieldError(name, "invalid_value"))
        return None
    return value.strip()


def _when(data: dict[str, Any], name: str, errors: list[FieldError]) -> str | None:
    value = _text(data, name, errors, 40)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).isoformat()
    except ValueError:
        errors.append(FieldError(name, "invalid_value"))
        return None


def customer_email(customer_id: str) -> str:
    email = storefront_writes.email_of_customer(customer_id)
    if email is None:
        raise NotFound("customer_not_found")
    return email


def upsert_customer(customer_id: str, body: bytes) -> dict[str, Any]:
    """PUT /v1/storefront/customers/{id}: `{email, name?, since?}` → the profile and the id alias, one transaction."""
    data = json_object(body)
    errors: list[FieldError] = []
    if not ID_PATTERN.match(customer_id or ""):
        errors.append(FieldError("customer_id", "invalid_value"))
    email = _text(data, "email", errors, 254, required=True)
    if email is not None and not is_valid_email(email):
        errors.append(FieldError("email", "invalid_email"))
    name = _text(data, "name", errors)
    since = _when(data, "since", errors)
    if errors:
        raise ValidationFailed(errors)
    assert email is not None
    email = email.lower()
    storefront_writes.save_customer(customer_id, email, name, since)
    project_card(email)  # the address's threads keep the card the thread view shows
    return {"customer": {"customer_id": customer_id, "email": email, "name": name, "since": since}}


def upsert_order(reference: str, body: bytes) -> dict[str, Any]:
    """PUT /v1/storefront/orders/{reference}: `{customer_id | email, total, currency, validated,
    placed_at?, status?, history?: [{status, at}]}`. `history` replaces the list; a lone `status`
    is appended to it (with `status_at`, else now)."""
    data = json_object(body)
    errors: list[FieldError] = []
    if not ID_PATTERN.match(reference or ""):
        errors.append(FieldError("reference", "invalid_value"))
    customer_id = _text(data, "customer_id", errors, 64)
    email = _text(data, "email", errors, 254)
    if email is not None and not is_valid_email(email):
        errors.append(FieldError("email", "invalid_email"))
    total_text = data.get("total")
    try:
        total = Decimal(str(total_text))
        if not total.is_finite() or isinstance(total_text, bool):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(FieldError("total", "invalid_amount"))
        total = Decimal(0)
    currency = _text(data, "currency", errors, 3, required=True)
    if currency is not None and not re.fullmatch(r"[A-Za-z]{3}", currency):
        errors.append(FieldError("currency", "invalid_value"))
    validated = data.get("validated", False)
    if not isinstance(validated, bool):
        errors.append(FieldError("validated", "invalid_boolean"))
    placed_at = _when(data, "placed_at", errors)
    history: list[tuple[str, str]] | None = None
    if "history" in data:
        if not isinstance(data["history"], list):
            errors.append(FieldError("history", "invalid_value"))
        else:
            history = []
            for index, entry in enumerate(data["history"]):
                entry = entry if isinstance(entry, dict) else {}
                status = _text(entry, "status", errors, 64, required=True)
                at = _when(entry, "at", errors)
                if status and at:
                    history.append((status, at))
                else:
                    errors.append(FieldError(f"history.{index}", "invalid_value"))
    status = _text(data, "status", errors, 64)
    status_at = _when(data, "status_at", errors) or datetime.now(UTC).isoformat()
    if errors:
        raise ValidationFailed(errors)
    if email is None:
        if customer_id is None:
            raise ValidationFailed([FieldError("customer_id", "invalid_value")])
        email = customer_email(customer_id)
    email = email.lower()
    saved = storefront_writes.save_order(
        storefront_writes.OrderUpdate(
            reference=reference,
            email=email,
            total=f"{total:.2f}",
            currency=str(currency).upper(),
            validated=bool(validated),
            customer_id=customer_id,
            placed_at=placed_at,
            history=history,
            append=(status, status_at) if status else None,
        )
    )
    project_card(email)
    return {
        "order": {
            "reference": reference,
            "email": email,
            "customer_id": saved.customer_id,
            "total": saved.total,
            "currency": saved.currency,
            "validated": saved.validated,
            "placed_at": saved.placed_at,
            "history": [{"status": h.status, "at": h.at} for h in saved.history],
        }
    }


def signed_customer(headers: dict[str, str], target: tuple[str, str], customer_id: str, body: bytes) -> dict[str, Any]:
    """The signed route: verify (`target`: the method and path requested), then upsert the customer."""
    verify(headers, *target, body)
    return upsert_customer(customer_id, body)


def signed_order(headers: dict[str, str], target: tuple[str, str], reference: str, body: bytes) -> dict[str, Any]:
    """The signed route: verify (`target`: the method and path requested), then upsert the order."""
    verify(headers, *target, body)
    return upsert_order(reference, body)


def signed_identity(data: dict[str, Any]) -> SignedIdentity:
    """The logged-in customer a signed form names, and a check that the order is theirs."""
    customer_id = data.get("customer_id")
    if not isinstance(customer_id, str) or not ID_PATTERN.match(customer_id):
        raise ValidationFailed([FieldError("customer_id", "invalid_value")])
    email = customer_email(customer_id)
    order_ref = data.get("order_ref")
    if isinstance(order_ref, str) and order_ref.strip():
        if storefront_writes.owner_of_order(order_ref.strip()) != email:
            raise ValidationFailed([FieldError("order_ref", "order_not_of_customer")])
    return SignedIdentity(email=email, customer_id=customer_id, name=storefront_writes.customer_name(email))


def post_signed_message(headers: dict[str, str], target: tuple[str, str], body: bytes, request: IntakeRequest) -> Answer:
    """POST /v1/storefront/messages: the form on behalf of a logged-in customer (no anti-spam: it is the shop)."""
    from shopdesk.intake import intake  # the signed post is the form's own path, entered after the signature

    verify(headers, *target, body)
    data = json_object(body)
    identity = signed_identity(data)
    request.content_type = "application/json"
    request.accept = "application/json"
    return intake.post_message(request, identity)

