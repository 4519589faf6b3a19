"""Reads template.yaml with its CloudFormation tags, so the local stack builds what AWS would."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """Keeps intrinsic functions (!Ref, !Sub, !GetAtt…) as {"Ref": …} / {"Fn::…": …} mappings."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@cache
def load_template() -> dict[str, Any]:
    return yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)


def table_definition() -> dict[str, Any]:
    """The table's key schema and indexes exactly as the template declares them."""
    properties = load_template()["Resources"]["Table"]["Properties"]
    return {
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "GlobalSecondaryIndexes": properties["GlobalSecondaryIndexes"],
        "BillingMode": properties["BillingMode"],
    }


@cache
def open_routes(api: str = "AgentsApi") -> set[tuple[str, str]]:
    """(method, path) of the routes of `api` that the template gives no authorizer (`Auth:
    Authorizer: NONE`), so the local gateway asks those for no token, as API Gateway does."""
    found: set[tuple[str, str]] = set()
    for resource in load_template()["Resources"].values():
        for event in ((resource.get("Properties") or {}).get("Events") or {}).values():
            props = event.get("Properties") or {}
            if event.get("Type") == "HttpApi" and props.get("ApiId") == {"Ref": api} and (props.get("Auth") or {}).get("Authorizer") == "NONE":
                found.add((str(props["Method"]).upper(), str(props["Path"])))
    return found
