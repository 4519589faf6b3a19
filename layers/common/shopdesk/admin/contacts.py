"""Contacts (SPEC §2): the destinations a visitor chooses, managed by admins.

All contacts live in one item collection (PK=CONTACTS), so every list is one Query; a shop has a
handful, so ordering by position happens after the read.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from shopdesk.core.config import LANGUAGES, config
from shopdesk.core.errors import NotFound
from shopdesk.core.i18n import pick_language
from shopdesk.core.validation import Checker, is_valid_email
from shopdesk.store.models import CONTACTS_PK, Contact, ShopSettings, Stats, transaction
from shopdesk.store.threads import keep_contact_names

NAME_LIMIT = 255
DESCRIPTION_LIMIT = 1000
FORBIDDEN_NAME_CHARACTERS = set("<>={}")
EDITABLE_FIELDS = {"names", "descriptions", "email", "save_messages", "position"}

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


def _per_language(check: Checker, field: str, value: Any, limit: int, is_name: bool) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.fail(field, "validation_failed")
        return {}
    cleaned: dict[str, str] = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            check.fail(f"{field}.{lang}", "unknown_language")
            continue
        text = check.text(f"{field}.{lang}", text, limit)
        if is_name and FORBIDDEN_NAME_CHARACTERS & set(text):
            check.fail(f"{field}.{lang}", "name_invalid_characters")
        if text:
            cleaned[lang] = text
    return cleaned


def _validated(data: Any, current: Contact | None) -> dict[str, Any]:
    """The full, checked state of a contact after applying `data` to `current`."""
    check = Checker()
    if not isinstance(data, dict):
        check.fail("body", "validation_failed")
        check.done()
    check.unknown_fields(data, EDITABLE_FIELDS)

    def given(name: str, fallback: Any) -> Any:
        return data[name] if name in data else fallback

    names = _per_language(check, "names", given("names", current.names.as_dict() if current else None), NAME_LIMIT, True)
    descriptions = _per_language(
        check, "descriptions", given("descriptions", current.descriptions.as_dict() if current else None), DESCRIPTION_LIMIT, False
    )
    default_language = config().default_language
    if not names.get(default_language) and not any(e.field == f"names.{default_language}" for e in check.errors):
        check.fail(f"names.{default_language}", "name_required")

    email = given("email", current.email if current else None)
    if isinstance(email, str):
        email = email.strip() or None
    if email is not None and not is_valid_email(email):
        check.fail("email", "invalid_email")
        email = None
        email_was_invalid = True
    else:
        email_was_invalid = False

    save_messages = check.boolean("save_messages", given("save_messages", current.save_messages if current else True))
    if not save_messages and email is None and not email_was_invalid and "save_messages" not in {e.field for e in check.errors}:
        check.fail("email", "email_required_without_saving")

    position = given("position", int(current.position) if current else None)
    if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 0):
        check.fail("position", "invalid_position")
    check.done()
    return {"names": names, "descriptions": descriptions, "email": email, "save_messages": save_messages, "position": position}


def create_contact(data: Any) -> dict[str, Any]:
    fields = _validated(data, None)
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


def update_contact(contact_id: str, data: Any) -> dict[str, Any]:
    contact = get_contact(contact_id)
    fields = _validated(data, contact)
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


def reorder_contacts(data: Any) -> dict[str, Any]:
    """Positions follow the given list of ids, written together so no half-reordered list shows."""
    order = data.get("order") if isinstance(data, dict) else None
    contacts = {c.contact_id: c for c in _query_contacts()}
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(contacts) or len(set(order)) != len(order):
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

