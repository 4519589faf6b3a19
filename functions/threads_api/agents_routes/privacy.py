"""A customer's data on request (SPEC §10: export and erasure), admins only."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from shopdesk.api.auth import admin_only
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response

router = Router()


@router.get(
    "/v1/customers/<email>/export",
    summary="Everything held about an address as one JSON document (GDPR access request): profile, orders, threads with messages "
    "and internal notes, file links",
    responses=answers({200: "CustomerExport", 422: "Error"}),
)
@admin_only
def export_customer(email: str) -> Response[str]:
    from shopdesk.admin import privacy  # only admins' rare requests pay for its imports

    return json_response(privacy.export_customer(email))


@router.delete(
    "/v1/customers/<email>",
    summary="Erase an address's threads (with messages and files), profile, orders, aliases and claims; counts of what went "
    "(erasing twice answers zeros)",
    responses=answers({200: "CustomerErased", 409: "Error", 422: "Error"}),
)
@admin_only
def erase_customer(email: str) -> Response[str]:
    from shopdesk.admin import privacy

    context = router.lambda_context
    return json_response(privacy.erase_customer(email, context.get_remaining_time_in_millis if context is not None else None))
