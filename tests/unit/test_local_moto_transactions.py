"""The local stack's moto keeps a copy of the items a transaction touches, not of the whole table:
a cancelled transaction must still leave every item as it was, and a committed one write them all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local import moto_transactions


@pytest.fixture
def table() -> Iterator[Any]:
    undo = moto_transactions.install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
            client.create_table(
                TableName="t",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            for number in range(3):
                client.put_item(TableName="t", Item={"pk": {"S": "A"}, "sk": {"S": str(number)}, "n": {"N": "0"}})
            yield client
    finally:
        undo()


def items(client: Any) -> list[dict[str, Any]]:
    return sorted(client.scan(TableName="t")["Items"], key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def writes(condition_holds: bool) -> list[dict[str, Any]]:
    return [
        {"Update": {"TableName": "t", "Key": {"pk": {"S": "A"}, "sk": {"S": "0"}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Put": {"TableName": "t", "Item": {"pk": {"S": "B"}, "sk": {"S": "new"}}}},
        {"Delete": {"TableName": "t", "Key": {"pk": {"S": "A"}, "sk": {"S": "1"}}}},
        {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "A"}, "sk": {"S": "2"}}, "ConditionExpression": "n = :n",
                            "ExpressionAttributeValues": {":n": {"N": "0" if condition_holds else "7"}}}},
    ]


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table: Any) -> None:
    before = items(table)
    with pytest.raises(ClientError, match="TransactionCanceled"):
        table.transact_write_items(TransactItems=writes(condition_holds=False))
    assert items(table) == before


def test_a_committed_transaction_writes_every_item(table: Any) -> None:
    table.transact_write_items(TransactItems=writes(condition_holds=True))
    assert [(item["pk"]["S"], item["sk"]["S"], item.get("n", {}).get("N")) for item in items(table)] == [
        ("A", "0", "1"), ("A", "2", "0"), ("B", "new", None)
    ]


def test_a_transaction_naming_one_item_twice_is_refused_and_changes_nothing(table: Any) -> None:
    before = items(table)
    twice = writes(condition_holds=True)[:1] * 2
    with pytest.raises(ClientError):
        table.transact_write_items(TransactItems=twice)
    assert items(table) == before
