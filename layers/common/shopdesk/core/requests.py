"""What a typed request is made of: pydantic models that refuse unknown fields and coercion, and
field rules that answer with Shopdesk's own error codes (`core.i18n` has their messages), so the
API edge can turn pydantic's errors into Shopdesk's field errors without a table per route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError


class RequestModel(BaseModel):
    """A request body: strict types (no "2" for 2, no 1 for true), no field it does not name."""

    # defer_build: the schema is built on the first request that uses it, not on the cold start.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    def given(self) -> set[str]:
        """The fields the caller sent (a PATCH changes these only)."""
        return set(self.model_fields_set)


def coded(code: str, **params: Any) -> WrapValidator:
    """Any failure of the annotated field (type, bounds, choice) becomes this one Shopdesk code."""

    def wrap(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(code, code, params) from None

    return WrapValidator(wrap)


def rule(holds: Callable[[Any], bool], code: str, **params: Any) -> AfterValidator:
    """A check on the already-typed value; when it does not hold, the field fails with `code`."""

    def check(value: Any) -> Any:
        if value is not None and not holds(value):
            raise PydanticCustomError(code, code, params)
        return value

    return AfterValidator(check)
