"""The shop's options (PK=SETTINGS, SK=SHOP): read once per request, written by admins."""

from __future__ import annotations

from shopdesk.store.models import ShopSettings


def load_settings() -> ShopSettings:
    """The stored options, or the defaults when none were ever saved."""
    try:
        return ShopSettings.get(*ShopSettings.key())
    except ShopSettings.DoesNotExist:
        return ShopSettings(*ShopSettings.key())
