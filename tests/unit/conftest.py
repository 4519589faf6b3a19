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
