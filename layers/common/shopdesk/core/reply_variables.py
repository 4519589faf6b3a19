"""The variables of saved replies and how a text is filled: pure rules, shared by
the admins' library (which refuses an unknown variable) and the agents' reply box (which fills
them from the thread's customer and order, and refuses to send one left unfilled).

A variable is `{namespace.name}`. Filling never leaves a raw brace unnoticed: every variable it
could not fill (unknown, or empty for this thread) is listed, and stays in the text as written so
the page can highlight it; the reply route refuses a text that still holds one."""

from __future__ import annotations

import re
from dataclasses import dataclass

VARIABLES = (
    "customer.first_name",
    "customer.name",
    "order.reference",
    "order.status",
    "order.total",
    "order.placed_at",
    "thread.number",
    "agent.name",
    "shop.name",
)
PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_]+\.[A-Za-z_]+)\s*\}")


@dataclass(frozen=True)
class Filled:
    text: str
    unknown: tuple[str, ...]  # not a variable Shopdesk knows (a typo: {order.refrence})
    empty: tuple[str, ...]  # a known variable this thread has no value for (no order…)

    @property
    def complete(self) -> bool:
        return not self.unknown and not self.empty


def fill(template: str, values: dict[str, str | None]) -> Filled:
    """Every `{variable}` with a value replaced by it; the others kept as written and listed."""
    unknown: list[str] = []
    empty: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in VARIABLES:
            unknown.append(name) if name not in unknown else None
            return match.group(0)
        value = values.get(name)
        if value is None or not str(value).strip():
            empty.append(name) if name not in empty else None
            return match.group(0)
        return str(value)

    return Filled(PLACEHOLDER.sub(replace, template), tuple(unknown), tuple(empty))


def placeholders(text: str) -> list[str]:
    """The variables a text still holds (what a reply must not be sent with)."""
    found: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


def unknown_variables(text: str) -> list[str]:
    return [name for name in placeholders(text) if name not in VARIABLES]
