"""Every function's handler, observed as Powertools intends: the Lambda context and the request's
correlation id on every log line (the domain logs through `core.observability.logger`), and the
metrics counted during the invocation flushed when it returns, whatever it returns."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from shopdesk.core.observability import logger, metrics

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def observed(correlation_id_path: str) -> Callable[[LambdaHandler], LambdaHandler]:
    """`@observed(correlation_paths.API_GATEWAY_HTTP)` on a handler."""

    def decorate(handler: LambdaHandler) -> LambdaHandler:
        with_context = logger.inject_lambda_context(correlation_id_path=correlation_id_path)(metrics.log_metrics(handler))

        @functools.wraps(handler)
        def run(event: dict[str, Any], context: Any) -> dict[str, Any]:
            if context is None:  # a direct call (a script, a test) has no Lambda context to inject
                return metrics.log_metrics(handler)(event, context)
            return with_context(event, context)

        return run

    return decorate
