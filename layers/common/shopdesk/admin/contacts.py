"""Contacts (SPEC §2): the destinations a visitor chooses, managed by admins.

All contacts live in one item collection (PK=CONTACTS), so every list is one Query; a shop has a
handful, so ordering by position happens after the read.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from shopdesk.core.config import config
from shopdesk.core.validation import Checker
from shopdesk.store import contacts as store_contacts
from shopdesk.store.contacts import all_contacts, get_contact
from shopdesk.store.models import Contact
from shopdesk.store.threads import keep_contact_names

if TYPE_CHECKING:
    from shopdesk.admin.requests import ContactInput, ContactOrder, ContactPatch

NAME_LIMIT = 255
DESCRIPTION_LIMIT = 1000

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
    contact = store_contacts.new_contact(secrets.token_hex(6), fields)
    store_contacts.save_contact(contact, new=True)
    return contact_view(contact)


def update_contact(contact_id: str, data: ContactPatch | dict[str, Any]) -> dict[str, Any]:
    contact = get_contact(contact_id)
    fields = _validated(_typed(data, new=False), contact)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.updated_at = store_contacts.now()
    store_contacts.save_contact(contact, new=False)
    return contact_view(contact)


def delete_contact(contact_id: str) -> None:
    """Threads keep the contact's last name on themselves, so they stay readable afterwards."""
    contact = get_contact(contact_id)
    keep_contact_names(contact_id, contact.names.as_dict())
    store_contacts.delete_contact_item(contact)


def reorder_contacts(data: ContactOrder | dict[str, Any]) -> dict[str, Any]:
    """Positions follow the given list of ids, written together so no half-reordered list shows."""
    from shopdesk.admin.requests import ContactOrder

    order = (data if isinstance(data, ContactOrder) else ContactOrder.model_validate(data)).order
    contacts = {c.contact_id: c for c in store_contacts.stored_contacts()}
    if sorted(order) != sorted(contacts) or len(set(order)) != len(order):
        check = Checker()
        check.fail("order", "invalid_order")
        check.done()
    for position, contact_id in enumerate(order):
        contacts[contact_id].position = position
    store_contacts.save_positions([contacts[contact_id] for contact_id in order])
    return list_contacts()

