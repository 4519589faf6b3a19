"""template.yaml's shape matches the code, read live from both (other features add models and routes):
the pynamodb models' keys and indexes are the table's, and each API's routes in the template are
exactly the routes its handler's resolver serves.

How the template is deployed (IAM, alarms, checkov…) is tests/test_template_production.py's business.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model
from shopdesk.store import models

from local.template import load_template

DYNAMO_TYPES = {UnicodeAttribute: "S", NumberAttribute: "N"}


def table() -> dict[str, Any]:
    return load_template()["Resources"]["Table"]["Properties"]


def key_schema(schema: list[dict[str, str]]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in schema}


def model_classes() -> list[type[Model]]:
    return [c for _, c in inspect.getmembers(models, inspect.isclass) if issubclass(c, Model) and c is not Model]


# --- the table ----------------------------------------------------------------------------------------------


def test_every_model_lives_in_the_table_the_functions_are_given() -> None:
    environment = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert environment["TABLE_NAME"] == {"Ref": "Table"}
    assert model_classes()
    for model in model_classes():
        assert issubclass(model, models.ShopdeskItem), f"{model.__name__} is not an item of the one table"
        assert model.Meta.table_name == models.ShopdeskItem.Meta.table_name


def test_the_models_keys_are_the_tables_keys() -> None:
    declared = key_schema(table()["KeySchema"])
    hash_key = models.ShopdeskItem._hash_key_attribute()
    range_key = models.ShopdeskItem._range_key_attribute()
    assert {"HASH": hash_key.attr_name, "RANGE": range_key.attr_name} == declared


def test_the_models_indexes_are_the_tables_indexes() -> None:
    declared = {i["IndexName"]: i for i in table()["GlobalSecondaryIndexes"]}
    in_code = {
        index.Meta.index_name: index
        for _, index in inspect.getmembers(models.ShopdeskItem)
        if isinstance(index, GlobalSecondaryIndex)
    }
    assert set(in_code) == set(declared), "an index is in the code but not the template, or the other way round"
    for name, index in in_code.items():
        key_attributes = index.Meta.attributes.values()
        keys = {("HASH" if a.is_hash_key else "RANGE"): a.attr_name for a in key_attributes if a.is_hash_key or a.is_range_key}
        assert keys == key_schema(declared[name]["KeySchema"]), name
        projection = {AllProjection: "ALL", KeysOnlyProjection: "KEYS_ONLY"}.get(type(index.Meta.projection), "INCLUDE")
        assert projection == declared[name]["Projection"]["ProjectionType"], name


def test_every_key_attribute_has_the_type_the_table_declares() -> None:
    declared = {a["AttributeName"]: a["AttributeType"] for a in table()["AttributeDefinitions"]}
    attributes = models.ShopdeskItem.get_attributes()
    by_name = {a.attr_name: a for a in attributes.values()}
    for name, kind in declared.items():
        assert name in by_name, f"the table declares {name}, which no model attribute writes"
        assert DYNAMO_TYPES[type(by_name[name])] == kind, name
    key_names = {k["AttributeName"] for i in table()["GlobalSecondaryIndexes"] for k in i["KeySchema"]}
    key_names |= {k["AttributeName"] for k in table()["KeySchema"]}
    assert key_names == set(declared), "AttributeDefinitions must list exactly the key attributes"


def test_the_time_to_live_attribute_is_the_models_expiry_in_epoch_seconds() -> None:
    ttl = table()["TimeToLiveSpecification"]
    attribute = models.ShopdeskItem.get_attributes()["expires_at"]
    assert ttl == {"AttributeName": attribute.attr_name, "Enabled": True}
    assert isinstance(attribute, NumberAttribute)


# --- routes ---------------------------------------------------------------------------------------------------

PATH_PARAMETER = re.compile(r"<(\w+)>")


def _api_functions() -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """{api resource: [(function resource, function properties)]} from the functions' HttpApi events."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        apis = {e["Properties"]["ApiId"]["Ref"] for e in resource["Properties"].get("Events", {}).values() if e["Type"] == "HttpApi"}
        for api in apis:
            found.setdefault(api, []).append((name, resource["Properties"]))
    return found


def template_routes(function: dict[str, Any], api: str) -> set[str]:
    return {
        f"{e['Properties']['Method'].upper()} {e['Properties']['Path']}"
        for e in function.get("Events", {}).values()
        if e["Type"] == "HttpApi" and e["Properties"]["ApiId"] == {"Ref": api}
    }


def code_routes(handler: str) -> set[str]:
    """The routes the handler's Powertools resolver serves, with API Gateway's {param} syntax."""
    module = importlib.import_module(handler.rsplit(".", 1)[0])
    routes = module.app._static_routes + module.app._dynamic_routes
    found = set()
    for route in routes:
        methods = route.method if isinstance(route.method, list | tuple) else [route.method]
        found |= {f"{m.upper()} {PATH_PARAMETER.sub(r'{\1}', route.path)}" for m in methods}
    return found


API_FUNCTIONS = _api_functions()


def test_each_api_is_served_by_one_function() -> None:
    assert set(API_FUNCTIONS) == {"PublicApi", "AgentsApi"}
    for api, served_by in API_FUNCTIONS.items():
        assert len(served_by) == 1, f"{api} routes go to {[n for n, _ in served_by]}: one resolver per API"
    handlers = {api: served_by[0][1]["Handler"] for api, served_by in API_FUNCTIONS.items()}
    assert handlers == {"PublicApi": "contact_form_app.handler", "AgentsApi": "threads_api_app.handler"}


@pytest.mark.parametrize("api", sorted(API_FUNCTIONS))
def test_the_template_declares_exactly_the_routes_the_code_serves(api: str) -> None:
    ((name, function),) = API_FUNCTIONS[api]
    in_template = template_routes(function, api)
    in_code = code_routes(function["Handler"])
    assert in_code, f"{name}'s resolver has no route"
    missing = sorted(in_code - in_template)
    extra = sorted(in_template - in_code)
    assert not missing, f"routes served by {name} but not declared on {api} in template.yaml (add an HttpApi event): {missing}"
    assert not extra, f"routes declared on {api} in template.yaml that {name} does not serve: {extra}"


def test_the_agents_api_protects_every_route_by_default() -> None:
    auth = load_template()["Resources"]["AgentsApi"]["Properties"]["Auth"]
    assert auth["DefaultAuthorizer"] == "CognitoAuthorizer"
    ((_, function),) = API_FUNCTIONS["AgentsApi"]
    for name, event in function["Events"].items():
        if name == "MailboxOAuthCallback":  # the provider's redirect: no JWT; the route accepts only its own signed state
            assert event["Properties"]["Auth"] == {"Authorizer": "NONE"} and event["Properties"]["Path"] == "/v1/mailboxes/oauth2/callback"
            continue
        assert "Auth" not in event["Properties"], f"{name} overrides the agents' API authorizer"
