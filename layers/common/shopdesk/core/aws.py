"""Lazily made, reused boto3 clients: nothing talks to AWS at import time."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.handlers import add_expect_header

from shopdesk.core.config import config

# Presigned S3 URLs must be SigV4 (short expiry, every region); every client gives up quickly
# rather than holding a Lambda until its timeout.
_CLIENT_CONFIG = {
    "s3": Config(signature_version="s3v4", connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),
}
_DEFAULT_CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})


@cache
def client(service: str) -> Any:
    """One client per service and process; the endpoint comes from AWS_ENDPOINT_URL when set."""
    made = boto3.session.Session().client(service, region_name=config().region, config=_CLIENT_CONFIG.get(service, _DEFAULT_CONFIG))
    if service == "s3":
        # Uploads go out whole: `Expect: 100-continue` (botocore's default for every upload) holds
        # each PutObject for a round trip, waiting for a go-ahead, and the mail sync keeps one
        # original a mail; our uploads are small enough that a refused one costs nothing to send.
        made.meta.events.unregister("before-call.s3", add_expect_header)
    return made


_secrets: dict[str, str] = {}


def secret_value(secret_id: str) -> str:
    """A Secrets Manager secret, read on first use and kept for the life of the process."""
    if secret_id not in _secrets:
        _secrets[secret_id] = client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    return _secrets[secret_id]


def forget_secrets() -> None:
    """Tests and rotations: the next `secret_value` reads Secrets Manager again."""
    _secrets.clear()
