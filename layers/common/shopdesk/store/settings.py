"""The shop's options (PK=SETTINGS, SK=SHOP): read once per request, written by admins."""

from __future__ import annotations

from datetime import datetime

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
    condition = ShopSettings.updated_at.does_not_exist() if read_at is None else ShopSettings.updated_at == read_at
    try:
        settings.update(actions=actions, condition=condition)
    except UpdateError as error:
        if condition_failed(error):
            raise SettingsChanged() from None
        raise


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
