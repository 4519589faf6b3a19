"""Who is calling the agents' API, from the claims the JWT authorizer has already verified.

The page sends the Cognito ID token: it carries the agent's e-mail and groups, and the authorizer
checks its audience against the page's app client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopdesk.core.errors import Forbidden, Unauthorized

ADMIN_GROUP = "admin"
AGENT_GROUP = "agent"


@dataclass(frozen=True)
class Agent:
    sub: str
    username: str
    groups: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups

    def to_dict(self) -> dict[str, Any]:
        return {"sub": self.sub, "username": self.username, "groups": sorted(self.groups), "is_admin": self.is_admin}


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
    return Agent(sub=claims["sub"], username=claims.get("email") or claims.get("cognito:username") or claims.get("username") or claims["sub"], groups=groups)


def require_admin(event: dict[str, Any]) -> Agent:
    agent = agent_from_event(event)
    if not agent.is_admin:
        raise Forbidden()
    return agent
