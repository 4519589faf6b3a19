"""AWS through moto in-process, as the template provisions it: the table, the attachments bucket,
a verified SES identity and the IMAP secret. Shared by the unit tests' `aws` fixture and the mail
sync tests, which add a real IMAP server to it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from moto import mock_aws
from shopdesk.core import aws as shopdesk_aws
from shopdesk.core.config import config
from shopdesk.store.models import _connection

from local import moto_transactions
from local.template import table_definition

REGION = "eu-west-1"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "TABLE_NAME": "shopdesk",
    "ATTACHMENTS_BUCKET": "shopdesk-attachments",
    "SHOP_NAME": "Ann's shop",
    "SENDER_EMAIL": "support@shop.example",
    "DEFAULT_LANGUAGE": "en",
    "IMAP_SECRET_ID": "shopdesk/imap-password",
    # Tests only ever reach loopback, where their mail servers listen (the host check's own tests turn it off).
    "IMAP_ALLOW_LOOPBACK": "true",
}


_MOTO_LOCK = threading.RLock()


def _one_request_at_a_time() -> Callable[[], None]:
    """moto in-process is not thread-safe, and the sync runs each mailbox (and the originals'
    puts) on threads of its own, as it does in Lambda: requests are answered one at a time, as a
    moto server with one worker would. Returns what undoes it."""
    from moto.core.botocore_stubber import BotocoreStubber

    original = BotocoreStubber.__call__
    if getattr(original, "one_at_a_time", False):
        return lambda: None

    def one_at_a_time(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        with _MOTO_LOCK:
            return original(self, event_name, request, **kwargs)

    one_at_a_time.one_at_a_time = True  # type: ignore[attr-defined]
    BotocoreStubber.__call__ = one_at_a_time  # type: ignore[method-assign]

    def undo() -> None:
        BotocoreStubber.__call__ = original  # type: ignore[method-assign]

    return undo


def reset_clients() -> None:
    """Clients are cached per process; each test gets new ones inside its own moto."""
    config.cache_clear()
    shopdesk_aws.client.cache_clear()
    _connection.cache_clear()


@contextmanager
def in_process_aws(monkeypatch: pytest.MonkeyPatch, imap_password: str = "imap-secret", **environment: str) -> Iterator[dict[str, Any]]:
    """A fresh moto with the shop's resources; `environment` adds or overrides variables."""
    variables = {**ENVIRONMENT, **environment}
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    reset_clients()
    # A transaction copies the items it names, not the whole table (moto's way makes a test that
    # fills the table quadratic: the mail corpus took minutes); the outcome is the same.
    undo_transactions = moto_transactions.install()
    undo_serialising = _one_request_at_a_time()
    try:
        with mock_aws():
            boto3.client("dynamodb", region_name=REGION).create_table(TableName="shopdesk", **table_definition())
            boto3.client("s3", region_name=REGION).create_bucket(
                Bucket="shopdesk-attachments", CreateBucketConfiguration={"LocationConstraint": REGION}
            )
            boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress="support@shop.example")
            boto3.client("secretsmanager", region_name=REGION).create_secret(Name="shopdesk/imap-password", SecretString=imap_password)
            yield variables
    finally:
        undo_serialising()
        undo_transactions()
        reset_clients()


def count_dynamodb_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The DynamoDB operations moto receives from now on, from every client and thread of the process."""
    from moto.core.botocore_stubber import BotocoreStubber

    seen: list[str] = []
    original = BotocoreStubber.__call__

    def counting(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        target = request.headers.get("X-Amz-Target") or b""
        target = target.decode() if isinstance(target, bytes) else target
        if target.startswith("DynamoDB_"):
            seen.append(target.rsplit(".", 1)[-1])
        return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", counting)
    return seen
