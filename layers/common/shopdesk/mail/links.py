"""The continue link: the shop's contact page with a thread's number and token, so the widget on
that page posts into the same thread instead of starting a new one.

Its one home: every mail that carries it (an agent's reply, the visitor's confirmation) builds
it here, and the widget (web/widget.js) and docs/storefront.md read the same two parameters.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shopdesk.core.config import config

THREAD_PARAMETER = "shopdesk_thread"
TOKEN_PARAMETER = "shopdesk_token"
ANCHOR = "shopdesk-contact"


def continue_link(number: int, token: str, page: str | None = None) -> str | None:
    """`<contact page>?shopdesk_thread=<number>&shopdesk_token=<token>#shopdesk-contact`, the
    page's own parameters kept; None when the shop has no contact page configured."""
    base = (page if page is not None else config().contact_page_url).strip()
    if not base or not token:
        return None
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in (THREAD_PARAMETER, TOKEN_PARAMETER)]
    query = urlencode([*kept, (THREAD_PARAMETER, str(int(number))), (TOKEN_PARAMETER, token)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment or ANCHOR))
