"""The committed OpenAPI documents (docs/openapi/*.json) are what the routes generate: a route added
to an app, a changed request model or description, fails here until `make openapi` is run and
committed. Each route of each app is also an event of its function in template.yaml."""

from __future__ import annotations

import json
from typing import Any

import pytest

from local import openapi
from local.template import load_template

FUNCTIONS = {"agents": ("ThreadsApiFunction", "AgentsApi"), "public": ("ContactFormFunction", "PublicApi")}


@pytest.mark.parametrize("api", sorted(openapi.APIS))
def test_the_committed_document_is_what_the_code_generates(api: str) -> None:
    committed = (openapi.OUTPUT / f"{api}.json").read_text()
    assert json.loads(committed) == openapi.document(api), f"docs/openapi/{api}.json is stale: run `make openapi` and commit it"
    assert committed == openapi.render(api)


@pytest.mark.parametrize("api", sorted(openapi.APIS))
def test_every_route_of_the_app_is_in_the_document(api: str) -> None:
    spec = openapi.APIS[api]
    module = openapi._import(spec["folder"], spec["module"])
    committed: dict[str, Any] = json.loads((openapi.OUTPUT / f"{api}.json").read_text())
    for method, path, _ in openapi.app_routes(module):
        assert method.lower() in committed["paths"].get(path, {}), f"{method} {path} is missing from docs/openapi/{api}.json"


@pytest.mark.parametrize("api", sorted(openapi.APIS))
def test_every_route_of_the_app_is_an_event_of_its_function_in_the_template(api: str) -> None:
    function, api_resource = FUNCTIONS[api]
    spec = openapi.APIS[api]
    module = openapi._import(spec["folder"], spec["module"])
    events = load_template()["Resources"][function]["Properties"].get("Events", {}).values()
    declared = {
        (e["Properties"]["Method"].upper(), e["Properties"]["Path"])
        for e in events
        if e["Type"] == "HttpApi" and e["Properties"].get("ApiId") == {"Ref": api_resource}
    }
    for method, path, _ in openapi.app_routes(module):
        assert (method, path) in declared, f"{method} {path} has no HttpApi event on {function} in template.yaml"


def test_every_schema_a_document_names_is_defined() -> None:
    for api in openapi.APIS:
        document = openapi.document(api)
        assert openapi.used_refs(document) <= set(document["components"]["schemas"])


def test_request_bodies_come_from_the_routes_models() -> None:
    paths = openapi.document("agents")["paths"]
    body = paths["/v1/contacts"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/ContactInput"} in body["anyOf"]
    schemas = openapi.document("agents")["components"]["schemas"]
    assert schemas["ContactInput"]["additionalProperties"] is False
    assert "password" in schemas["ImapInput"]["properties"]


def test_errors_are_documented_in_shopdesks_shape_not_powertools() -> None:
    for api in openapi.APIS:
        document = openapi.document(api)
        assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])
        for operations in document["paths"].values():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    schema = answer.get("content", {}).get("application/json", {}).get("schema")
                    if status == "401" and api == "agents":  # API Gateway's JWT authorizer, or the function's guard
                        assert schema == {"anyOf": [{"$ref": "#/components/schemas/Error"}, {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}]}
                    elif status.startswith(("4", "5")) and status != "502":
                        assert schema == {"$ref": "#/components/schemas/Error"}


def test_admin_routes_are_tagged_from_their_declaration() -> None:
    paths = openapi.document("agents")["paths"]
    assert paths["/v1/settings"]["patch"]["tags"] == ["admin"]
    assert paths["/v1/threads"]["get"]["tags"] == ["team"]


def test_the_public_form_documents_its_three_body_formats_and_its_303_and_415() -> None:
    operation = openapi.document("public")["paths"]["/v1/messages"]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}
    assert {"201", "303", "415", "422"} <= set(operation["responses"])
    assert "content" not in operation["responses"]["303"]
