"""The customer page's answer (GET /v1/customers/{email or customer id}, docs/api.md): the card,
the orders and a page of the address's threads, each as a row of the list."""

from __future__ import annotations

from typing import Any

from shopdesk.threads.customer_story import CustomerStory
from shopdesk.views.threads import customer_view, orders_view, thread_summary


def customer_story_view(story: CustomerStory) -> dict[str, Any]:
    return {
        "email": story.email,
        "customer": customer_view(story.card),
        "orders": orders_view(story.card),
        "threads": [{**thread_summary(t, unread), "order_ref": t.order_ref} for t, unread in story.threads],
        "next_cursor": story.next_cursor,
    }
