"""Contacts (SPEC §2): every team member reads them, admins change them."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.admin import contacts
from shopdesk.admin.requests import ContactInput, ContactOrder, ContactPatch
from shopdesk.api.auth import admin_only, agent_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response

router = Router()


@router.get("/v1/contacts", summary="Every contact, by position", responses=answers({200: "ContactList"}))
@agent_only
def list_contacts() -> Response[str]:
    return json_response(contacts.list_contacts())


@router.post("/v1/contacts", summary="Create a contact", responses=answers({201: "Contact", 422: "Error"}))
@admin_only
def create_contact(body: ContactInput | None = None) -> Response[str]:
    return json_response(contacts.create_contact(body or ContactInput()), status=201)


@router.put("/v1/contact-order", summary="Reorder the contacts", responses=answers({200: "ContactList", 422: "Error"}))
@admin_only
def reorder_contacts(body: ContactOrder | None = None) -> Response[str]:
    return json_response(contacts.reorder_contacts(body or ContactOrder()))


@router.get("/v1/contacts/<contact_id>", summary="One contact", responses=answers({200: "Contact", 404: "Error"}))
@agent_only
def get_contact(contact_id: str) -> Response[str]:
    return json_response(contacts.contact_view(contacts.get_contact(contact_id)))


@router.patch("/v1/contacts/<contact_id>", summary="Edit a contact", responses=answers({200: "Contact", 404: "Error", 422: "Error"}))
@admin_only
def update_contact(contact_id: str, body: ContactPatch | None = None) -> Response[str]:
    return json_response(contacts.update_contact(contact_id, body or ContactPatch()))


@router.delete("/v1/contacts/<contact_id>", summary="Delete a contact (its threads keep its last name)", responses=answers({204: None, 404: "Error"}))
@admin_only
def delete_contact(contact_id: str) -> Response[None]:
    contacts.delete_contact(contact_id)
    return Response(status_code=204)
