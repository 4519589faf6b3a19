"""Lazily made, reused boto3 clients: nothing talks to AWS at import time."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3

from shopdesk.config import config


@cache
def client(service: str) -> Any:
    """One client per service and process; the endpoint comes from AWS_ENDPOINT_URL when set."""
    return boto3.session.Session().client(service, region_name=config().region)
