"""The team (SPEC §5): the agents of the Cognito user pool, the targets of "forward to an agent".

The user pool is where the team is stored, so this is the store's door to it (ListUsersInGroup)."""

from __future__ import annotations

from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.errors import ShopdeskError
from shopdesk.core.vocabulary import ADMIN_GROUP, AGENT_GROUP
from shopdesk.store.assignment import AgentRef


def _email(user: dict[str, Any]) -> str:
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    return (attributes.get("email") or user.get("Username") or "").lower()


def _identity(user: dict[str, Any]) -> tuple[str, str]:
    """The user's sub and display name (the `name` attribute; the e-mail when there is none)."""
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    return attributes.get("sub") or user.get("Username") or "", attributes.get("name") or _email(user)


def list_agents() -> dict[str, Any]:
    """Every enabled member of the admin and agent groups, with their groups (ListUsersInGroup per group)."""
    cognito = client("cognito-idp")
    groups_of: dict[str, set[str]] = {}
    identity_of: dict[str, tuple[str, str]] = {}
    for group in (ADMIN_GROUP, AGENT_GROUP):
        token: str | None = None
        while True:
            try:
                page = cognito.list_users_in_group(
                    UserPoolId=config().user_pool_id, GroupName=group, Limit=60, **({"NextToken": token} if token else {})
                )
            except cognito.exceptions.ResourceNotFoundException:
                break  # a pool without this group has no one in it
            for user in page.get("Users", []):
                if user.get("Enabled", True):
                    groups_of.setdefault(_email(user), set()).add(group)
                    identity_of[_email(user)] = _identity(user)
            token = page.get("NextToken")
            if not token:
                break
    return {
        "agents": [
            {"email": email, "sub": identity_of[email][0], "name": identity_of[email][1], "groups": sorted(groups)}
            for email, groups in sorted(groups_of.items())
            if email
        ]
    }


def agent_ref(sub: str) -> AgentRef:
    """One enabled member of the team by Cognito sub, as a thread names them (ListUsersInGroup);
    anyone else is `unknown_agent`."""
    member = next((agent for agent in list_agents()["agents"] if agent["sub"] == sub), None)
    if member is None:
        raise ShopdeskError("unknown_agent")
    return AgentRef(member["sub"], member["name"], member["email"])


def team_addresses() -> list[str]:
    return [agent["email"] for agent in list_agents()["agents"]]
