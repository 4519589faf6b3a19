"""The house rules of docs/architecture.md, checked on the source itself (no AWS needed)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "common" / "shopdesk"
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"

# Lower floors may be imported by higher ones, never the other way round. The three feature
# rooms share a floor and do not import one another: what they share is data, in `store`.
FLOORS = {"core": 0, "store": 1, "mail": 2, "admin": 3, "intake": 3, "threads": 3, "views": 4, "api": 5}
MAX_LINES = 420
KEY_LITERAL = re.compile(r"""["'](THREAD|TL|OPEN|MSG|CUSTOMER|ORDER|ORDERREF|CUSTOMERID|MAILID|INBOUND|RATE|RECENT|SIGNED|STATS|CONTACT|CONTACTS|SETTINGS|IMAPSYNC|CURSOR|LEASE|FAILED|BLOCKED)#""")


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def room_of(path: Path) -> str | None:
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 else None


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_every_module_lives_in_a_room() -> None:
    loose = [p.name for p in modules() if room_of(p) is None and p.name != "__init__.py"]
    assert loose == []
    assert {room_of(p) for p in modules()} - {None} <= set(FLOORS)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_one_way(path: Path) -> None:
    room = room_of(path)
    if room is None:
        return
    wrong = []
    for name in imported_modules(path):
        parts = name.split(".")
        if parts[0] != "shopdesk" or len(parts) < 2 or parts[1] not in FLOORS or parts[1] == room:
            continue
        other = parts[1]
        if FLOORS[other] > FLOORS[room] or (FLOORS[other] == FLOORS[room]):
            wrong.append(name)
    assert wrong == [], f"{room} may not import {sorted(set(wrong))}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_store_talks_to_dynamodb_and_spells_keys(path: Path) -> None:
    if room_of(path) == "store":
        return
    assert not [n for n in imported_modules(path) if n.split(".")[0] == "pynamodb"]
    source = path.read_text()
    assert not KEY_LITERAL.search(source), KEY_LITERAL.search(source)
    assert "ConditionalCheckFailed" not in source


@pytest.mark.parametrize("path", [*modules(), *sorted(FUNCTIONS.rglob("*.py"))], ids=lambda p: p.name)
def test_modules_fit_in_a_head(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_core_reads_the_environment_and_makes_clients(path: Path) -> None:
    relative = str(path.relative_to(PACKAGE))
    source = path.read_text()
    if relative != "core/config.py":
        assert "os.environ" not in source and "os.getenv" not in source
    if relative != "core/aws.py":
        assert "boto3.client(" not in source and ".Session().client(" not in source


@pytest.mark.parametrize("path", sorted(FUNCTIONS.rglob("*.py")), ids=lambda p: str(p.relative_to(FUNCTIONS)))
def test_handlers_do_not_reach_into_the_store(path: Path) -> None:
    names = imported_modules(path)
    assert not [n for n in names if n.split(".")[0] in ("pynamodb", "boto3")]
