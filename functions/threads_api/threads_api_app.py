"""The agents' API, behind the Cognito JWT authorizer: one Router per feature (agents_routes/),
each route declaring who may call it (`@agent_only` / `@admin_only`), assembled here."""

from __future__ import annotations

from typing import Any

from agents_routes import (
    blocked_senders,
    contacts,
    customers,
    drafts,
    mail_log,
    mailbox_oauth,
    mailboxes,
    me,
    ownership,
    privacy,
    replies,
    saved_replies,
    sync,
    tags,
    team,
    threads,
)
from aws_lambda_powertools.logging import correlation_paths
from shopdesk.api.http import make_resolver
from shopdesk.api.lambda_handler import observed

app = make_resolver(guarded=True)
for feature in (me, contacts, threads, replies, ownership, drafts, saved_replies, team, blocked_senders, customers, privacy, sync, mail_log, mailbox_oauth, mailboxes, tags):
    app.include_router(feature.router)


@observed(correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
