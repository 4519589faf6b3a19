"""The customer page: an address's profile, orders and threads, found by e-mail
or by the storefront's customer id. Export and erasure (admins) are in privacy.py."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from shopdesk.api.auth import agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.threads import customer_story
from shopdesk.views import customers as views

router = Router()


@router.get(
    "/v1/customers/<email>",
    summary="A customer's profile, orders and threads (newest first, a page at a time), by e-mail or storefront customer id",
    responses=answers({200: "CustomerStory", 400: "Error", 404: "Error"}),
)
@agent_only
def get_customer(email: str, cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None) -> Response[str]:
    return json_response(views.customer_story_view(customer_story.customer_story(caller().sub, email, router.current_event.query_string_parameters)))
