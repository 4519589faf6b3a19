"""Contacts in the table (PK=CONTACTS, SK=CONTACT#<id>) and their dashboard boxes.

Every write of a contact also writes its box (the STATS/CONTACT#<id> item), in the same
transaction, so the dashboard stays one Query. The two default contacts are seeded once per shop,
the first time anyone reads the contacts (the form, the page or the mail sync)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from shopdesk.core.config import config
from shopdesk.core.errors import NotFound
from shopdesk.store.models import CONTACTS_PK, Contact, ShopSettings, Stats, transaction

DEFAULT_CONTACTS: tuple[dict[str, Any], ...] = (
    {
        "contact_id": "webmaster",
        "names": {"en": "Webmaster", "es": "Webmaster", "pl": "Webmaster"},
        "descriptions": {
            "en": "If a technical problem occurs on this website",
            "es": "Si se produce un problema técnico en este sitio web",
            "pl": "Jeśli wystąpi problem techniczny na tej stronie",
        },
    },
    {
        "contact_id": "customer-service",
        "names": {"en": "Customer service", "es": "Servicio al cliente", "pl": "Obsługa klienta"},
        "descriptions": {
            "en": "For any question about a product or an order",
            "es": "Para cualquier pregunta sobre un producto o un pedido",
            "pl": "W razie pytań dotyczących produktu lub zamówienia",
        },
    },
)


def now() -> datetime:
    return datetime.now(UTC)


def _mirror_box(writes: Any, contact: Contact, exists: bool = True) -> None:
    """The contact's dashboard box lives on its STATS item, beside its open-thread counter."""
    writes.update(
        Stats(*Stats.contact_key(contact.contact_id)),
        actions=[
            Stats.kind.set(Stats),
            Stats.names.set(contact.names.as_dict() if hasattr(contact.names, "as_dict") else dict(contact.names or {})),
            Stats.save_messages.set(bool(contact.save_messages)),
            Stats.position.set(int(contact.position or 0)),
            Stats.contact_exists.set(exists),
        ],
    )


def stored_contacts() -> list[Contact]:
    """Every stored contact by position (one Query on PK=CONTACTS), without seeding."""
    return sorted(Contact.query(CONTACTS_PK, consistent_read=True), key=lambda c: (c.position, c.created_at, c.contact_id))


def all_contacts() -> list[Contact]:
    """Every contact by position; creates the two defaults the very first time."""
    contacts = stored_contacts()
    if not contacts:
        contacts = _seed_default_contacts()
    return contacts


def _seed_default_contacts() -> list[Contact]:
    """Seeds once per shop: a settings flag, written in the same transaction, stops a second seed
    (and a shop that deleted every contact is not given them back)."""
    moment = now()
    defaults = [
        Contact(
            *Contact.key(spec["contact_id"]),
            contact_id=spec["contact_id"],
            names=dict(spec["names"]),
            descriptions=dict(spec["descriptions"]),
            email=config().sender_email,
            save_messages=True,
            position=position,
            created_at=moment,
            updated_at=moment,
        )
        for position, spec in enumerate(DEFAULT_CONTACTS)
    ]
    try:
        with transaction() as writes:
            writes.update(
                ShopSettings(*ShopSettings.key()),
                actions=[ShopSettings.contacts_seeded.set(True), ShopSettings.kind.set(ShopSettings)],
                condition=ShopSettings.contacts_seeded.does_not_exist() | (ShopSettings.contacts_seeded == False),  # noqa: E712
            )
            for contact in defaults:
                writes.save(contact, condition=Contact.pk.does_not_exist())
                _mirror_box(writes, contact)
    except TransactWriteError:
        return stored_contacts()  # seeded already, by us earlier or by a concurrent request
    return defaults


def get_contact(contact_id: str) -> Contact:
    try:
        return Contact.get(*Contact.key(contact_id))
    except Contact.DoesNotExist:
        raise NotFound("contact_not_found") from None


def new_contact(contact_id: str, fields: dict[str, Any]) -> Contact:
    """A contact item not stored yet (save it with `save_contact(…, new=True)`)."""
    moment = now()
    return Contact(*Contact.key(contact_id), contact_id=contact_id, created_at=moment, updated_at=moment, **fields)


def save_contact(contact: Contact, new: bool) -> None:
    """Creates (`new`) or rewrites a contact, with its box."""
    with transaction() as writes:
        writes.save(contact, condition=Contact.pk.does_not_exist() if new else Contact.pk.exists())
        _mirror_box(writes, contact)


def delete_contact_item(contact: Contact) -> None:
    """Deletes the contact; its box stays (its counters are history) marked as gone."""
    with transaction() as writes:
        writes.delete(contact, condition=Contact.pk.exists())
        _mirror_box(writes, contact, exists=False)


def save_positions(contacts: list[Contact]) -> None:
    """Writes every contact's position together, so no half-reordered list shows."""
    moment = now()
    with transaction() as writes:
        for contact in contacts:
            writes.update(contact, actions=[Contact.position.set(int(contact.position)), Contact.updated_at.set(moment)], condition=Contact.pk.exists())
            _mirror_box(writes, contact)
