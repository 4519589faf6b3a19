"""DynamoDB transactions in the local stack's moto that cost the items they touch, not the table.

moto keeps a deep copy of the whole table for rolling a failed transaction back, and takes it once
for every item of the transaction. The cost grows with the table (a reply writes six items, each
copying every item stored so far), so filling the demo shop was quadratic and took most of
`make demo`'s time. Here a transaction keeps a copy of only the items it names (by their keys)
and, if moto cancels it, puts those items back as they were: the same all-or-nothing outcome.
A request whose keys cannot be read is left to moto's own way. Everything else in moto is as is.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

_local = threading.local()


class _Copy:
    """Stands in for the `copy` module inside moto.dynamodb.models: while one of our transactions
    runs, "copying" a table gives the live table, so moto's own rollback changes nothing and ours
    restores the touched items instead."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_local, "items_only", False) and memo is None and isinstance(value, self._table_type):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
    """(table, hash key, range key, a copy of the item or None) for each item the transaction names."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    touched = []
    for entry in transact_items:
        (operation, request), = entry.items()
        table = backend.get_table(request["TableName"])
        key = request["Item"] if operation == "Put" else request["Key"]
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr is not None else None
        current = table.get_item(hash_key, range_key)
        touched.append((table, hash_key, range_key, copy.deepcopy(current)))
    return touched


def _restore(touched: list[tuple[Any, Any, Any, Any]]) -> None:
    for table, hash_key, range_key, before in reversed(touched):
        if range_key is None:
            if before is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = before
            continue
        partition = table.items.get(hash_key)
        if before is not None:
            table.items[hash_key] = partition if partition is not None else {}
            table.items[hash_key][range_key] = before
        elif partition is not None:
            partition.pop(range_key, None)
            if not partition:
                table.items.pop(hash_key, None)


def _transaction(write: Any) -> Any:
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        try:
            touched = _touched(backend, transact_items)
        except Exception:  # a malformed request: moto answers it its own way
            return write(backend, transact_items)
        _local.items_only = True
        try:
            return write(backend, transact_items)
        except Exception:
            _restore(touched)
            raise
        finally:
            _local.items_only = False

    transact_write_items.items_only = True  # type: ignore[attr-defined]
    return transact_write_items


def install() -> Callable[[], None]:
    """Patches moto's DynamoDB backend in this process (the local stack runs moto's server in it);
    returns what undoes it (for the tests, which share a process with other moto tests)."""
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "items_only", False):
        return lambda: None
    original_copy, original_write = models.copy, backend.transact_write_items
    models.copy = _Copy(models.Table)  # type: ignore[assignment]
    backend.transact_write_items = _transaction(original_write)  # type: ignore[method-assign]

    def undo() -> None:
        models.copy = original_copy
        backend.transact_write_items = original_write  # type: ignore[method-assign]

    return undo
