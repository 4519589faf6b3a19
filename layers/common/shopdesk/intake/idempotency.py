"""A retried POST with the same Idempotency-Key gets the first answer (Powertools, same table)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from shopdesk.core.errors import Conflict, Unprocessable
from shopdesk.core.i18n import register
from shopdesk.intake.requests import IntakeRequest
from shopdesk.store import intake_data

register(
    {
        "request_in_progress": {
            "en": "This message is already being sent. Please wait a moment.",
            "es": "Este mensaje ya se está enviando. Espere un momento.",
            "pl": "Ta wiadomość jest już wysyłana. Poczekaj chwilę.",
        },
        "idempotency_key_reused": {
            "en": "This Idempotency-Key was already used for a different message.",
            "es": "Esta Idempotency-Key ya se usó para otro mensaje.",
            "pl": "Ten Idempotency-Key został już użyty dla innej wiadomości.",
        },
    }
)

EXPIRES_AFTER_SECONDS = 24 * 3600


def record_key(idempotency_key: str) -> str:
    """What the record is found by: a hash of the whole key as sent, so two long keys that share
    a beginning never meet in one record (and any key, however long or strange, fits the item)."""
    return hashlib.sha256(idempotency_key.strip().encode("utf-8", "surrogatepass")).hexdigest()


def once(request: IntakeRequest, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Runs `work` once per Idempotency-Key; a retry gets the first answer, a reuse with another
    body is refused, a retry while the first is still running is told to wait."""
    if not request.idempotency_key:
        return work()
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError, IdempotencyValidationError

    layer = intake_data.idempotency_store()
    # The key finds the record; the body's hash must match it, so a reused key with other content is refused.
    settings = IdempotencyConfig(event_key_jmespath="key", payload_validation_jmespath="body", expires_after_seconds=EXPIRES_AFTER_SECONDS)
    if request.lambda_context is not None:
        settings.register_lambda_context(request.lambda_context)

    def run(request_key: dict[str, str]) -> dict[str, Any]:
        return work()

    wrapped = idempotent_function(
        run, data_keyword_argument="request_key", persistence_store=layer, config=settings, key_prefix="IDEMPOTENCY"
    )
    try:
        return wrapped(request_key={"key": record_key(request.idempotency_key), "body": hashlib.sha256(request.body).hexdigest()})
    except IdempotencyAlreadyInProgressError:
        raise Conflict("request_in_progress") from None
    except IdempotencyValidationError:
        raise Unprocessable("idempotency_key_reused") from None
