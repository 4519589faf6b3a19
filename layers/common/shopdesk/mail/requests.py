"""The bodies admins send about mail, typed (strict, no unknown field)."""

from __future__ import annotations

from shopdesk.core.requests import RequestModel


class SetAsideRequest(RequestModel):
    """POST /v1/mail-log/set-aside/{name}: import a set-aside mail again; `as_new_thread` ignores
    the matching rules and lets it start a conversation."""

    as_new_thread: bool = False
