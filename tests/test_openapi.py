"""The committed OpenAPI documents (docs/openapi/*.json) are what the code generates: a route added
to an app, or a changed description, fails here until `make openapi` is run and committed. Each
route of each app is also an event of its function in template.yaml."""

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
        found: set[str] = set()
        openapi._used_refs(document["paths"], found)
        assert found <= set(document["components"]["schemas"])
