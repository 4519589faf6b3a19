"""`make openapi`: the OpenAPI documents of both APIs, generated from the routes.

Powertools builds each document from its resolver (`app.get_openapi_schema()`): paths, summaries,
query and path parameters, and the request bodies from the routes' pydantic models. What the
routes answer are views' shapes, named by `shopdesk.api.docs.answers` and defined below (they
follow docs/api.md). This module then puts the document in Shopdesk's terms: every error answer is
the `Error` shape (Powertools' 422 schema is not what Shopdesk answers), each agents' route is
tagged `admin` or `team` from its `@admin_only` / `@agent_only`, and a route that reads its body
itself documents it with `@reads_raw_body`. tests/test_openapi.py fails when
the committed documents (docs/openapi/agents.json, docs/openapi/public.json) differ from this.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from typing import Any

from local.openapi_schemas import SCHEMAS, STRING, obj, ref
from local.template import ROOT

OUTPUT = ROOT / "docs" / "openapi"

APIS = {
    "agents": {
        "folder": "functions/threads_api",
        "module": "threads_api_app",
        "title": "Shopdesk agents' API",
        "description": "The agents' page's API (functions/threads_api). Every route needs a Cognito ID token (API Gateway's JWT "
        "authorizer); routes tagged admin need the admin group (403 `forbidden` otherwise). docs/api.md is the overview.",
        "secured": True,
    },
    "public": {
        "folder": "functions/contact_form",
        "module": "contact_form_app",
        "title": "Shopdesk public (storefront) API",
        "description": "What a shop's contact form and back end call (functions/contact_form). docs/api.md is the overview.",
        "secured": False,
    },
}

_POWERTOOLS_ERRORS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
_ERROR = {"description": "", "content": {"application/json": {"schema": ref("Error")}}}
_STANDARD_ERRORS = {"401": "No valid token or signature", "403": "Not allowed (admins only, or not a team member)"}
# API Gateway's JWT authorizer refuses a missing or invalid token itself, with its own body; the
# function's guard answers Shopdesk's Error. A 401 is either.
_UNAUTHORIZED = {
    "description": _STANDARD_ERRORS["401"],
    "content": {"application/json": {"schema": {"anyOf": [ref("Error"), obj({"message": STRING})]}}},
}
# The agents' API refuses a `lang` it does not speak (422 unknown_language); the public API lets a
# storefront's page pass its own and falls back to Accept-Language, then the shop's default.
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["en", "es", "pl"]},
    "description": "the language of the answer's messages (else Accept-Language)",
}
_PUBLIC_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "en, es or pl; another value falls back to Accept-Language, then the shop's default",
}
# What the resolver answers on any route, whatever the route declares: a body it cannot read, a
# path naming nothing, a query it refuses.
_BODY_ERRORS = {
    "400": "The body is not JSON (invalid_json, json_too_deep)",
    "413": "The body is too large",
    "415": "The body's Content-Type is not one this route reads",
    "422": "Invalid fields (every error at once)",
}


def _import(folder: str, name: str) -> Any:
    for path in (str(ROOT / "layers/common"), str(ROOT / folder)):
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def app_routes(module: Any) -> list[tuple[str, str, Any]]:
    """(method, OpenAPI path, handler function) of every route the app's resolver has."""
    table = module.app._static_routes + module.app._dynamic_routes
    return sorted({(r.method.upper(), re.sub(r"<(\w+)>", r"{\1}", r.path), r.func) for r in table}, key=lambda r: (r[1], r[0]))


def used_refs(node: Any) -> set[str]:
    """The component names a part of a document refers to."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            found |= used_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= used_refs(value)
    return found


def _operation(operation: dict[str, Any], func: Any, secured: bool) -> dict[str, Any]:
    """One Powertools operation in Shopdesk's terms (see the module's docstring)."""
    from shopdesk.api.auth import access_of
    from shopdesk.api.docs import BODY_ATTRIBUTE

    operation["operationId"] = func.__name__
    if secured:
        operation["tags"] = ["admin" if access_of(func) == "admin" else "team"]
    if not any(p.get("name") == "lang" for p in operation.get("parameters", [])):
        operation.setdefault("parameters", []).append(_LANG if secured else _PUBLIC_LANG)
    body = getattr(func, BODY_ATTRIBUTE, None)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": body}
    responses = operation.setdefault("responses", {})
    for status in ("204", "303"):  # no body, whatever the return annotation says
        if status in responses:
            responses[status].pop("content", None)
    for status, answer in list(responses.items()):
        if used_refs(answer) & set(_POWERTOOLS_ERRORS):  # what Powertools would answer; Shopdesk answers Error
            responses[status] = {**_ERROR, "description": "Invalid fields (every error at once)"}
    if operation.get("requestBody") or any(
        p.get("in") == "query" and (secured or p.get("name") != "lang") for p in operation.get("parameters", [])
    ):
        responses.setdefault("422", {**_ERROR, "description": _BODY_ERRORS["422"]})
    if operation.get("requestBody"):
        for status, text in _BODY_ERRORS.items():
            responses.setdefault(status, {**_ERROR, "description": text})
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        responses.setdefault("404", {**_ERROR, "description": "Not found"})
    if secured:
        for status, text in _STANDARD_ERRORS.items():
            responses.setdefault(status, {**_ERROR, "description": text})
        responses["401"] = _UNAUTHORIZED
    responses.setdefault("500", {**_ERROR, "description": "Something failed on our side"})
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def document(api: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of one API ("agents" or "public"), from its resolver's routes."""
    spec = APIS[api]
    module = _import(spec["folder"], spec["module"])
    generated = json.loads(module.app.get_openapi_json_schema(title=spec["title"], version="1", description=spec["description"]))
    functions = {(method.lower(), path): func for method, path, func in app_routes(module)}
    paths: dict[str, Any] = {}
    for path, operations in sorted(generated["paths"].items()):
        for method, operation in sorted(operations.items()):
            paths.setdefault(path, {})[method] = _operation(operation, functions[(method, path)], spec["secured"])
    models = {name: schema for name, schema in generated.get("components", {}).get("schemas", {}).items() if name not in _POWERTOOLS_ERRORS}
    shapes: dict[str, Any] = {"Error": SCHEMAS["Error"]}
    pending = used_refs(paths) - set(models)
    while pending:
        name = pending.pop()
        shapes[name] = SCHEMAS[name]
        pending |= used_refs(SCHEMAS[name]) - set(shapes) - set(models)
    result: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": spec["title"], "version": "1", "description": spec["description"]},
        "paths": paths,
        "components": {"schemas": dict(sorted({**models, **shapes}.items()))},
    }
    if spec["secured"]:
        result["components"]["securitySchemes"] = {
            "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (Cognito ID token)"}
        }
        result["security"] = [{"cognito": []}]
    return result


def render(api: str) -> str:
    return json.dumps(document(api), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for api in APIS:
        target = OUTPUT / f"{api}.json"
        target.write_text(render(api))
        print(f"wrote {target.relative_to(ROOT)} ({len(document(api)['paths'])} paths)")


if __name__ == "__main__":
    main()
