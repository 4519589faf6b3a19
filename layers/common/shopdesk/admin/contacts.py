"""Contacts (SPEC §2): the destinations a visitor chooses, managed by admins.

All contacts live in one item collection (PK=CONTACTS), so every list is one Query; a shop has a
handful, so ordering by position happens after the read.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError

from shopdesk.core.config import config
from shopdesk.core.errors import NotFound
from shopdesk.core.i18n import pick_language
from shopdesk.core.validation import Checker
from shopdesk.store.models import CONTACTS_PK, Contact, ShopSettings, Stats, transaction
from shopdesk.store.threads import keep_contact_names

if TYPE_CHECKING:
    from shopdesk.admin.requests import ContactInput, ContactOrder, ContactPatch

NAME_LIMIT = 255
DESCRIPTION_LIMIT = 1000

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


def _now() -> datetime:
    return datetime.now(UTC)


def _mirror_box(writes: Any, contact: Contact, exists: bool = True) -> None:
    """The contact's dashboard box lives on its STATS item, beside its open-thread counter, so the
    dashboard is one Query (docs/data-model.md); it is written in the contact's own transaction."""
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


def _query_contacts() -> list[Contact]:
    return sorted(Contact.query(CONTACTS_PK), key=lambda c: (c.position, c.created_at, c.contact_id))


def all_contacts() -> list[Contact]:
    """Every contact by position; creates the two defaults the very first time."""
    contacts = _query_contacts()
    if not contacts:
        contacts = _seed_default_contacts()
    return contacts


def _seed_default_contacts() -> list[Contact]:
    """Seeds once per shop: a settings flag, written in the same transaction, stops a second seed
    (and a shop that deleted every contact is not given them back)."""
    settings_pk, settings_sk = ShopSettings.key()
    now = _now()
    defaults = [
        Contact(
            *Contact.key(spec["contact_id"]),
            contact_id=spec["contact_id"],
            names=dict(spec["names"]),
            descriptions=dict(spec["descriptions"]),
            email=config().sender_email,
            save_messages=True,
            position=position,
            created_at=now,
            updated_at=now,
        )
        for position, spec in enumerate(DEFAULT_CONTACTS)
    ]
    try:
        with transaction() as writes:
            writes.update(
                ShopSettings(settings_pk, settings_sk),
                actions=[ShopSettings.contacts_seeded.set(True), ShopSettings.kind.set(ShopSettings)],
                condition=ShopSettings.contacts_seeded.does_not_exist() | (ShopSettings.contacts_seeded == False),  # noqa: E712
            )
            for contact in defaults:
                writes.save(contact, condition=Contact.pk.does_not_exist())
                _mirror_box(writes, contact)
    except TransactWriteError:
        return _query_contacts()  # seeded already, by us earlier or by a concurrent request
    return defaults


def localized(values: dict[str, str] | None, lang: str) -> str:
    """The text in `lang`, else in the shop's default language, else any we have."""
    values = values or {}
    return values.get(lang) or values.get(config().default_language) or next(iter(values.values()), "")


def public_contacts(lang: str | None) -> dict[str, Any]:
    """What a storefront form shows: names and descriptions in one language, never addresses."""
    language = pick_language(lang)
    return {
        "language": language,
        "contacts": [
            {
                "id": contact.contact_id,
                "name": localized(contact.names.as_dict(), language),
                "description": localized(contact.descriptions.as_dict(), language),
            }
            for contact in all_contacts()
        ],
    }


def contact_view(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.contact_id,
        "names": contact.names.as_dict(),
        "descriptions": contact.descriptions.as_dict(),
        "email": contact.email,
        "save_messages": contact.save_messages,
        "position": int(contact.position),
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


def list_contacts() -> dict[str, Any]:
    return {"contacts": [contact_view(c) for c in all_contacts()]}


def get_contact(contact_id: str) -> Contact:
    try:
        return Contact.get(*Contact.key(contact_id))
    except Contact.DoesNotExist:
        raise NotFound("contact_not_found") from None


def _typed(data: ContactPatch | dict[str, Any], new: bool) -> ContactPatch:
    """A contact as a model; a dict (seeds, scripts) is checked by the same model on the way in."""
    from shopdesk.admin.requests import ContactInput, ContactPatch  # pydantic stays out of the mail sync's cold start

    if isinstance(data, ContactPatch):
        return data
    return (ContactInput if new else ContactPatch).model_validate(data)


def _per_language(check: Checker, field: str, value: dict[str, str | None] | None, limit: int) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for lang, text in (value or {}).items():
        text = check.text(f"{field}.{lang}", text, limit)
        if text:
            cleaned[lang] = text
    return cleaned


def _validated(data: ContactPatch, current: Contact | None) -> dict[str, Any]:
    """The full, checked state of a contact after applying `data` to `current` (the types and
    each field's own rules were checked with the request; what is left spans fields)."""
    check = Checker()
    sent = data.given()

    def given(name: str, fallback: Any) -> Any:
        return getattr(data, name) if name in sent else fallback

    names = _per_language(check, "names", given("names", current.names.as_dict() if current else None), NAME_LIMIT)
    descriptions = _per_language(check, "descriptions", given("descriptions", current.descriptions.as_dict() if current else None), DESCRIPTION_LIMIT)
    default_language = config().default_language
    if not names.get(default_language) and not any(e.field == f"names.{default_language}" for e in check.errors):
        check.fail(f"names.{default_language}", "name_required")
    email = given("email", current.email if current else None)
    email = email.strip() or None if isinstance(email, str) else None
    save_messages = bool(given("save_messages", current.save_messages if current else True))
    if not save_messages and email is None:
        check.fail("email", "email_required_without_saving")
    # A null position keeps the contact where it is (a new one goes last).
    position = data.position if "position" in sent and data.position is not None else (int(current.position) if current else None)
    check.done()
    return {"names": names, "descriptions": descriptions, "email": email, "save_messages": save_messages, "position": position}


def create_contact(data: ContactInput | dict[str, Any]) -> dict[str, Any]:
    fields = _validated(_typed(data, new=True), None)
    existing = all_contacts()  # a shop's first contact comes after the two defaults, never instead of them
    if fields["position"] is None:
        fields["position"] = max((int(c.position) + 1 for c in existing), default=0)
    contact_id = secrets.token_hex(6)
    now = _now()
    contact = Contact(*Contact.key(contact_id), contact_id=contact_id, created_at=now, updated_at=now, **fields)
    with transaction() as writes:
        writes.save(contact, condition=Contact.pk.does_not_exist())
        _mirror_box(writes, contact)
    return contact_view(contact)


def update_contact(contact_id: str, data: ContactPatch | dict[str, Any]) -> dict[str, Any]:
    contact = get_contact(contact_id)
    fields = _validated(_typed(data, new=False), contact)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.updated_at = _now()
    with transaction() as writes:
        writes.save(contact, condition=Contact.pk.exists())
        _mirror_box(writes, contact)
    return contact_view(contact)


def delete_contact(contact_id: str) -> None:
    """Threads keep the contact's last name on themselves, so they stay readable afterwards."""
    contact = get_contact(contact_id)
    keep_contact_names(contact_id, contact.names.as_dict())
    with transaction() as writes:
        writes.delete(contact, condition=Contact.pk.exists())
        _mirror_box(writes, contact, exists=False)


def reorder_contacts(data: ContactOrder | dict[str, Any]) -> dict[str, Any]:
    """Positions follow the given list of ids, written together so no half-reordered list shows."""
    from shopdesk.admin.requests import ContactOrder

    order = (data if isinstance(data, ContactOrder) else ContactOrder.model_validate(data)).order
    contacts = {c.contact_id: c for c in _query_contacts()}
    if sorted(order) != sorted(contacts) or len(set(order)) != len(order):
        check = Checker()
        check.fail("order", "invalid_order")
        check.done()
    now = _now()
    with transaction() as writes:
        for position, contact_id in enumerate(order):
            writes.update(
                contacts[contact_id],
                actions=[Contact.position.set(position), Contact.updated_at.set(now)],
                condition=Contact.pk.exists(),
            )
            contacts[contact_id].position = position
            _mirror_box(writes, contacts[contact_id])
    return list_contacts()

