"""The shop's options (PK=SETTINGS, SK=SHOP): read once per request, written by admins."""

from __future__ import annotations

from shopdesk.store.models import Contact, ShopdeskItem, ShopSettings


def load_settings() -> ShopSettings:
    """The stored options, or the defaults when none were ever saved."""
    try:
        return ShopSettings.get(*ShopSettings.key())
    except ShopSettings.DoesNotExist:
        return ShopSettings(*ShopSettings.key())


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
