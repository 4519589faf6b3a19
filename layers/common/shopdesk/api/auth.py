"""Who is calling the agents' API, and who each route lets in.

The page sends the Cognito ID token: it carries the agent's e-mail and groups, and the authorizer
checks its audience against the page's app client. Each route declares its audience once, with
`@agent_only` or `@admin_only` under its `@router.<method>(...)`; the resolver checks the
declaration before anything else (before the body is even validated), and a route of a guarded
API that declares nothing is refused: forgetting the decorator closes the route, never opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from shopdesk.core.errors import Forbidden, Unauthorized
from shopdesk.core.vocabulary import ADMIN_GROUP, AGENT_GROUP  # noqa: E402  (re-exported for the routes)

Access = Literal["agent", "admin"]
ACCESS_ATTRIBUTE = "__shopdesk_access__"
CALLER_KEY = "shopdesk_caller"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Agent:
    sub: str
    username: str
    groups: frozenset[str]
    name: str = ""  # the Cognito `name` attribute (the display name); the e-mail when there is none

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups

    def to_dict(self) -> dict[str, Any]:
        return {"sub": self.sub, "username": self.username, "name": self.name or self.username, "groups": sorted(self.groups), "is_admin": self.is_admin}


def _groups(raw: Any) -> frozenset[str]:
    """API Gateway hands list claims over as a string like "[admin agent]"; accept both forms."""
    if isinstance(raw, list):
        return frozenset(str(g) for g in raw)
    if isinstance(raw, str):
        return frozenset(g for g in raw.strip("[]").replace(",", " ").split() if g)
    return frozenset()


def agent_from_event(event: dict[str, Any]) -> Agent:
    """The signed-in agent; the authorizer guarantees a valid token, this guarantees a team member."""
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims") or {}
    # The authorizer accepts the client's access tokens too; only the ID token names the agent.
    if not claims.get("sub") or claims.get("token_use", "id") != "id":
        raise Unauthorized()
    groups = _groups(claims.get("cognito:groups"))
    if not groups & {ADMIN_GROUP, AGENT_GROUP}:
        raise Forbidden("not_an_agent")
    username = claims.get("email") or claims.get("cognito:username") or claims.get("username") or claims["sub"]
    return Agent(sub=claims["sub"], username=username, groups=groups, name=str(claims.get("name") or username))


def require_admin(event: dict[str, Any]) -> Agent:
    agent = agent_from_event(event)
    if not agent.is_admin:
        raise Forbidden()
    return agent


def _declare(access: Access) -> Callable[[F], F]:
    def mark(func: F) -> F:
        setattr(func, ACCESS_ATTRIBUTE, access)
        return func

    return mark


agent_only = _declare("agent")
"""Any signed-in team member (the agent or admin group)."""

admin_only = _declare("admin")
"""Members of the admin group only."""


def access_of(func: Callable[..., Any]) -> Access | None:
    """What a route function declared with `@agent_only` / `@admin_only` (None: nothing)."""
    return getattr(func, ACCESS_ATTRIBUTE, None)


def authorize(func: Callable[..., Any], event: dict[str, Any]) -> Agent:
    """The caller, if the route's declaration lets them in; a route without one lets no one in."""
    access = access_of(func)
    if access == "admin":
        return require_admin(event)
    agent = agent_from_event(event)
    if access != "agent":
        raise Forbidden()
    return agent


_caller: ContextVar[Agent | None] = ContextVar("shopdesk_caller", default=None)


def set_caller(agent: Agent | None, token: Token[Agent | None] | None = None) -> Token[Agent | None]:
    """The resolver records the authorized caller for the request (and forgets it afterwards)."""
    if token is not None:
        _caller.reset(token)
        return token
    return _caller.set(agent)


def caller() -> Agent:
    """The team member the route's guard let in (inside an `@agent_only` / `@admin_only` route)."""
    agent = _caller.get()
    if agent is None:
        raise Unauthorized()
    return agent
