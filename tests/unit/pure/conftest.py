"""The pure tier: parsing, matching, validation, texts and the page's vocabulary, with no AWS at all.

Every test here is marked `pure` (`make test-pure`, or `-m pure`), and fails if it creates an AWS
client of any kind (boto3, pynamodb, moto's in-process mock: all go through botocore's
`create_client`) or asks for the moto-backed `aws` fixture: a test that needs AWS belongs in
tests/unit, where moto runs in-process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.client
import botocore.session
import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.pure)


@pytest.fixture(autouse=True)
def _no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a pure test created an AWS client: it belongs in tests/unit, with moto in-process")

    monkeypatch.setattr(botocore.session.Session, "create_client", refuse)
    # A client made earlier in the session (pynamodb keeps its connection) must not reach AWS either.
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", refuse)


@pytest.fixture
def aws() -> Any:
    pytest.fail("a pure test asked for AWS (the `aws` fixture): it belongs in tests/unit, with moto in-process")
