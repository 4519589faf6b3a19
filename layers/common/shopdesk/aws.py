"""Lazily made, reused boto3 clients: nothing talks to AWS at import time."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from shopdesk.config import config

# Presigned S3 URLs must be SigV4 (short expiry, every region); every client gives up quickly
# rather than holding a Lambda until its timeout.
_CLIENT_CONFIG = {
    "s3": Config(signature_version="s3v4", connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"}),
}
_DEFAULT_CONFIG = Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"})


@cache
def client(service: str) -> Any:
    """One client per service and process; the endpoint comes from AWS_ENDPOINT_URL when set."""
    return boto3.session.Session().client(service, region_name=config().region, config=_CLIENT_CONFIG.get(service, _DEFAULT_CONFIG))
