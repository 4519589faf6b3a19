"""The team (SPEC §5): the agents of the Cognito user pool, the targets of "forward to an agent".

The user pool is where the team is stored, so this is the store's door to it (ListUsersInGroup)."""

from __future__ import annotations

from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.vocabulary import ADMIN_GROUP, AGENT_GROUP


def _email(user: dict[str, Any]) -> str:
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    return (attributes.get("email") or user.get("Username") or "").lower()


def list_agents() -> dict[str, Any]:
    """Every enabled member of the admin and agent groups, with their groups (ListUsersInGroup per group)."""
    cognito = client("cognito-idp")
    groups_of: dict[str, set[str]] = {}
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
            token = page.get("NextToken")
            if not token:
                break
    return {"agents": [{"email": email, "groups": sorted(groups)} for email, groups in sorted(groups_of.items()) if email]}


def team_addresses() -> list[str]:
    return [agent["email"] for agent in list_agents()["agents"]]
