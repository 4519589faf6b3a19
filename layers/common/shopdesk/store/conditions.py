"""Conditional writes: the one place that knows how DynamoDB (through pynamodb) says "your
condition did not hold", so callers branch on a boolean instead of parsing error strings."""

from __future__ import annotations

from pynamodb.exceptions import PutError, PynamoDBException, TransactWriteError, UpdateError

CONDITION_FAILED = "ConditionalCheckFailed"


def condition_failed(error: PynamoDBException) -> bool:
    """True when a put, update, delete or transaction was refused because a condition failed
    (and not because of throttling, a missing table or anything else)."""
    if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
        return True
    if isinstance(error, TransactWriteError):
        reasons = getattr(error, "cancellation_reasons", None) or []
        if any(reason is not None and getattr(reason, "code", "") == CONDITION_FAILED for reason in reasons):
            return True
    return CONDITION_FAILED in str(error)


__all__ = ["ATTEMPTS", "CONDITION_FAILED", "PutError", "TransactWriteError", "UpdateError", "condition_failed"]

# A write whose condition lost a race is retried this many times before the caller hears of it.
ATTEMPTS = 4
