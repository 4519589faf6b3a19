"""Unit tests run the shopdesk package against moto in-process: the table the template declares,
the attachments bucket, a verified SES identity and the IMAP secret, fresh for every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from shopdesk import aws as shopdesk_aws
from shopdesk.config import config
from shopdesk.models import _connection

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
}


def _reset_clients() -> None:
    """Clients are cached per process; each test gets new ones inside its own moto."""
    config.cache_clear()
    shopdesk_aws.client.cache_clear()
    _connection.cache_clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for key, value in ENVIRONMENT.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    _reset_clients()
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(TableName="shopdesk", **table_definition())
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="shopdesk-attachments", CreateBucketConfiguration={"LocationConstraint": REGION})
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress="support@shop.example")
        boto3.client("secretsmanager", region_name=REGION).create_secret(Name="shopdesk/imap-password", SecretString="imap-secret")
        yield dict(ENVIRONMENT)
    _reset_clients()
