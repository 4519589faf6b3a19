"""Configuration read from the environment, which the template (or the local stack) sets in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

LANGUAGES: tuple[str, ...] = ("en", "es", "pl")


@dataclass(frozen=True)
class Config:
    table_name: str
    attachments_bucket: str
    region: str
    default_language: str
    shop_name: str
    sender_email: str
    imap_secret_id: str
    imap_sync_function: str
    # Agents' API (issue 4): the Cognito pool of agents, the shop's contact page (the link that
    # continues a thread), whether replies carry a plus-address Reply-To.
    user_pool_id: str = ""
    contact_page_url: str = ""
    plus_addressing: bool = False


@cache
def config() -> Config:
    """Read once per process; tests that change the environment call `config.cache_clear()`."""
    default_language = os.environ.get("DEFAULT_LANGUAGE", "en")
    if default_language not in LANGUAGES:
        default_language = "en"
    return Config(
        table_name=os.environ.get("TABLE_NAME", "shopdesk"),
        attachments_bucket=os.environ.get("ATTACHMENTS_BUCKET", "shopdesk-attachments"),
        region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1",
        default_language=default_language,
        shop_name=os.environ.get("SHOP_NAME", "Shopdesk demo shop"),
        sender_email=os.environ.get("SENDER_EMAIL", "support@shop.example"),
        imap_secret_id=os.environ.get("IMAP_SECRET_ID", "shopdesk/imap-password"),
        imap_sync_function=os.environ.get("IMAP_SYNC_FUNCTION", ""),
        user_pool_id=os.environ.get("USER_POOL_ID", ""),
        contact_page_url=os.environ.get("CONTACT_PAGE_URL", ""),
        plus_addressing=os.environ.get("PLUS_ADDRESSING", "").lower() in ("1", "true", "yes"),
    )
