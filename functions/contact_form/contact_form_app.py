"""The public storefront API: what a shop's contact form, the widget and the shop's back end call.
One Router per feature (public_routes/), assembled here."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from public_routes import form, storefront
from shopdesk.api.http import make_resolver
from shopdesk.api.lambda_handler import observed

app = make_resolver(guarded=False)
for feature in (form, storefront):
    app.include_router(feature.router)


@observed(correlation_paths.API_GATEWAY_HTTP)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
