"""Logging, metrics and tracing as Powertools intends: one Logger and one Metrics per process,
shared by every room, so a log line from the domain carries the Lambda context and the request's
correlation id that the handler injected.

Handlers decorate themselves with `logger.inject_lambda_context(correlation_id_path=...)` and
`metrics.log_metrics`; domain code only calls `logger.info(...)` or `count(...)`.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "shopdesk"
NAMESPACE = "Shopdesk"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# Most requests count nothing: that is normal, not worth a warning on every invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


def count(name: str, value: int = 1) -> None:
    """Adds to a count metric (EMF) flushed when the handler returns."""
    if value:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def duration_ms(name: str, milliseconds: float) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=milliseconds)
