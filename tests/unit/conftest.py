"""Unit tests run the shopdesk package against moto in-process: the table the template declares,
the attachments bucket, a verified SES identity and the IMAP secret, fresh for every test.
(moto is imported by the fixture, not here: the pure tier below, tests/unit/pure, runs without it.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    from tests.in_process_aws import in_process_aws

    with in_process_aws(monkeypatch) as environment:
        yield environment


@pytest.fixture
def atomic_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process moto is not thread-safe within one request (its transaction copies the table
    while another thread writes it); DynamoDB is. One lock per AWS request gives moto the
    service's atomicity and leaves the races between requests, which are what is tested."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    real = BotocoreStubber.__call__

    def atomic(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        with lock:
            return real(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", atomic)
