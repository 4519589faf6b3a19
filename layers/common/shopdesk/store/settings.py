"""The shop's options (PK=SETTINGS, SK=SHOP): read once per request, written by admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shopdesk.core.config import config
from shopdesk.store.conditions import UpdateError, condition_failed
from shopdesk.store.models import Contact, ShopdeskItem, ShopSettings


def load_settings() -> ShopSettings:
    """The stored options, or the defaults when none were ever saved."""
    try:
        return ShopSettings.get(*ShopSettings.key())
    except ShopSettings.DoesNotExist:
        return ShopSettings(*ShopSettings.key())


class SettingsChanged(Exception):
    """Someone saved the settings between our read and our write."""


def save_settings(settings: ShopSettings, read_at: datetime | None) -> None:
    """Writes the admins' fields with one UpdateItem, only if the item is still as it was read
    (`updated_at` is the version); fields others write (`contacts_seeded`) are left alone."""
    fields = (ShopSettings.allow_uploads, ShopSettings.default_messages, ShopSettings.notify_contact, ShopSettings.confirm_visitor, ShopSettings.imap, ShopSettings.updated_at,
              ShopSettings.assign_on_first_reply, ShopSettings.notify_assignee, ShopSettings.after_send_default)
    actions = [ShopSettings.kind.set(ShopSettings)] + [field.set(getattr(settings, field.attr_name)) for field in fields]
    if settings.abuse_limits is not None:
        actions.append(ShopSettings.abuse_limits.set(settings.abuse_limits))
    condition = ShopSettings.updated_at.does_not_exist() if read_at is None else ShopSettings.updated_at == read_at
    try:
        settings.update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            raise SettingsChanged() from None
        raise


def save_reply_senders(senders: dict[str, str]) -> None:
    """The mailboxes' sending map (one UpdateItem of that field alone; the admins' fields and their
    version are left as they are)."""
    settings = ShopSettings(*ShopSettings.key())
    settings.update(actions=[ShopSettings.kind.set(ShopSettings), ShopSettings.reply_senders.set(senders)])


def contact_and_settings(contact_id: str) -> tuple[Contact | None, ShopSettings]:
    """A contact and the shop's options in one BatchGetItem (the thread view shows both)."""
    contact: Contact | None = None
    settings: ShopSettings | None = None
    for item in ShopdeskItem.batch_get([Contact.key(contact_id), ShopSettings.key()]):
        if isinstance(item, Contact):
            contact = item
        elif isinstance(item, ShopSettings):
            settings = item
    return contact, settings or ShopSettings(*ShopSettings.key())


# --- the storefront's abuse limits: the shop's own, else the deployment's defaults ---------------

ABUSE_LIMIT_NAMES = (
    "rate_limit_per_ip",
    "rate_limit_per_email",
    "upload_limit_per_ip",
    "upload_limit_per_form",
    "confirmation_limit_per_recipient",
    "confirmation_limit_per_shop",
    "rate_window_seconds",
)


@dataclass(frozen=True)
class AbuseLimits:
    """The limits the storefront applies: posts per network and per mailbox in a window, upload
    grants per network and per form in the same window, confirmations per recipient and per shop
    in a UTC day; the window's length in seconds. Read from the settings item the route already
    read (no request of its own)."""

    rate_limit_per_ip: int
    rate_limit_per_email: int
    upload_limit_per_ip: int
    upload_limit_per_form: int
    confirmation_limit_per_recipient: int
    confirmation_limit_per_shop: int
    rate_window_seconds: int


def default_abuse_limits() -> AbuseLimits:
    """The deployment's defaults (the environment, `core.config`)."""
    return AbuseLimits(**{name: int(getattr(config(), name)) for name in ABUSE_LIMIT_NAMES})


def abuse_limits(settings: ShopSettings | None) -> AbuseLimits:
    """The shop's limits: each one an admin set, else the default."""
    defaults = default_abuse_limits()
    chosen = settings.abuse_limits if settings is not None else None
    if chosen is None:
        return defaults
    values = {}
    for name in ABUSE_LIMIT_NAMES:
        value = getattr(chosen, name, None)
        values[name] = int(value) if value is not None else getattr(defaults, name)
    return AbuseLimits(**values)
