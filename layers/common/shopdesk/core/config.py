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
    # Presigned upload grants of the public form, per network and per form token, in the same window.
    upload_limit_per_ip: int = 20
    upload_limit_per_form: int = 10
    # Visitor confirmations (no relay): per recipient mailbox and per shop, per UTC day.
    confirmation_limit_per_recipient: int = 5
    confirmation_limit_per_shop: int = 500
    # Agents' API: the Cognito pool of agents, the shop's contact page (the link that
    # continues a thread), whether replies carry a plus-address Reply-To.
    user_pool_id: str = ""
    contact_page_url: str = ""
    plus_addressing: bool = False
    # The mailbox may be on this machine (127.0.0.0/8, ::1): local runs and tests only.
    imap_allow_loopback: bool = False
    # mail sync: the first run's window, the batch size, the largest message downloaded
    imap_window_days: int = 30
    imap_batch_size: int = 50
    imap_max_message_bytes: int = 25 * 1024 * 1024
    # several mailboxes: each password's secret is this prefix + the mailbox's id
    mailbox_secret_prefix: str = "shopdesk/mailbox/"
    # SES receiving: where the receipt rule stores raw mail in the private bucket
    inbound_mail_prefix: str = "inbound-mail/"
    # OAuth2 mailboxes: the apps' client ids (their secrets and the state's HMAC key are
    # in Secrets Manager), the callback's URL, where the browser goes afterwards, Microsoft's tenant,
    # and one base URL that replaces every provider endpoint (the local OAuth2 server; "" in AWS).
    oauth2_google_client_id: str = ""
    oauth2_microsoft_client_id: str = ""
    oauth2_microsoft_tenant: str = "organizations"
    oauth2_client_secret_id: str = ""
    oauth2_state_key_secret_id: str = ""
    oauth2_redirect_uri: str = ""
    oauth2_done_url: str = ""
    oauth2_endpoint_base: str = ""
    oauth2_imap_server: str = ""  # host:port a new OAuth2 mailbox defaults to ("": the provider's own; local: loopback)
    oauth2_smtp_server: str = ""  # host:port replies "sent from the account" go to ("": the provider's own; local: loopback, no TLS)


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
        upload_limit_per_ip=int(os.environ.get("UPLOAD_LIMIT_PER_IP", "20")),
        upload_limit_per_form=int(os.environ.get("UPLOAD_LIMIT_PER_FORM", "10")),
        confirmation_limit_per_recipient=int(os.environ.get("CONFIRMATION_LIMIT_PER_RECIPIENT", "5")),
        confirmation_limit_per_shop=int(os.environ.get("CONFIRMATION_LIMIT_PER_SHOP", "500")),
        user_pool_id=os.environ.get("USER_POOL_ID", ""),
        contact_page_url=os.environ.get("CONTACT_PAGE_URL", ""),
        plus_addressing=os.environ.get("PLUS_ADDRESSING", "").lower() in ("1", "true", "yes"),
        imap_allow_loopback=os.environ.get("IMAP_ALLOW_LOOPBACK", "").lower() in ("1", "true", "yes"),
        imap_window_days=int(os.environ.get("IMAP_SYNC_WINDOW_DAYS", "30")),
        imap_batch_size=int(os.environ.get("IMAP_SYNC_BATCH_SIZE", "50")),
        imap_max_message_bytes=int(os.environ.get("IMAP_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024))),
        mailbox_secret_prefix=os.environ.get("MAILBOX_SECRET_PREFIX", "shopdesk/mailbox/"),
        inbound_mail_prefix=os.environ.get("INBOUND_MAIL_PREFIX", "inbound-mail/"),
        oauth2_google_client_id=os.environ.get("OAUTH2_GOOGLE_CLIENT_ID", ""),
        oauth2_microsoft_client_id=os.environ.get("OAUTH2_MICROSOFT_CLIENT_ID", ""),
        oauth2_microsoft_tenant=os.environ.get("OAUTH2_MICROSOFT_TENANT", "") or "organizations",
        oauth2_client_secret_id=os.environ.get("OAUTH2_CLIENT_SECRET_ID", ""),
        oauth2_state_key_secret_id=os.environ.get("OAUTH2_STATE_KEY_SECRET_ID", ""),
        oauth2_redirect_uri=os.environ.get("OAUTH2_REDIRECT_URI", ""),
        oauth2_done_url=os.environ.get("OAUTH2_DONE_URL", ""),
        oauth2_endpoint_base=os.environ.get("OAUTH2_ENDPOINT_BASE", "").rstrip("/"),
        oauth2_imap_server=os.environ.get("OAUTH2_IMAP_SERVER", ""),
        oauth2_smtp_server=os.environ.get("OAUTH2_SMTP_SERVER", ""),
    )
