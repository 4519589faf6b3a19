"""What a tag is: free text, normalised so `Late  Delivery` and `late delivery` are one tag."""

from __future__ import annotations

import unicodedata

MAX_TAG = 40


def normal_tag(text: str) -> str:
    """Lower case, NFC, spaces collapsed, at most MAX_TAG characters (empty: no tag)."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())[:MAX_TAG].strip()
