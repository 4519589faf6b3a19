"""Configuration read from the environment, which the template (or the local stack) sets in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from shopdesk.core.vocabulary import LANGUAGES  # one list: core/vocabulary.py


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
    # Storefront intake: secret ids (never the secrets), anti-spam limits.
    form_token_secret_id: str = ""
    storefront_secret_id: str = ""
    captcha_secret_id: str = ""
    captcha_provider: str = ""  # turnstile | hcaptcha | "" (off)
    captcha_site_key: str = ""
    # Overridable for tests and for a self-hosted verifier; "" is the provider's own.
    captcha_verify_url: str = ""
    min_fill_seconds: int = 3
    rate_limit_per_ip: int = 10
    rate_limit_per_email: int = 5
    rate_window_seconds: int = 600
    # Agents' API: the Cognito pool of agents, the shop's contact page (the link that
    # continues a thread), whether replies carry a plus-address Reply-To.
    user_pool_id: str = ""
    contact_page_url: str = ""
    plus_addressing: bool = False
    # mail sync: the first run's window, the batch size, the largest message downloaded
    imap_window_days: int = 30
    imap_batch_size: int = 50
    imap_max_message_bytes: int = 25 * 1024 * 1024


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
        form_token_secret_id=os.environ.get("FORM_TOKEN_SECRET_ID", ""),
        storefront_secret_id=os.environ.get("STOREFRONT_SECRET_ID", ""),
        captcha_secret_id=os.environ.get("CAPTCHA_SECRET_ID", ""),
        captcha_provider=os.environ.get("CAPTCHA_PROVIDER", "").strip().lower(),
        captcha_site_key=os.environ.get("CAPTCHA_SITE_KEY", ""),
        captcha_verify_url=os.environ.get("CAPTCHA_VERIFY_URL", ""),
        min_fill_seconds=int(os.environ.get("FORM_MIN_FILL_SECONDS", "3")),
        rate_limit_per_ip=int(os.environ.get("RATE_LIMIT_PER_IP", "10")),
        rate_limit_per_email=int(os.environ.get("RATE_LIMIT_PER_EMAIL", "5")),
        rate_window_seconds=int(os.environ.get("RATE_WINDOW_SECONDS", "600")),
        user_pool_id=os.environ.get("USER_POOL_ID", ""),
        contact_page_url=os.environ.get("CONTACT_PAGE_URL", ""),
        plus_addressing=os.environ.get("PLUS_ADDRESSING", "").lower() in ("1", "true", "yes"),
        imap_window_days=int(os.environ.get("IMAP_SYNC_WINDOW_DAYS", "30")),
        imap_batch_size=int(os.environ.get("IMAP_SYNC_BATCH_SIZE", "50")),
        imap_max_message_bytes=int(os.environ.get("IMAP_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024))),
    )
