"""`make demo`'s shop reads like a real one: every conversation exists in the three languages, a
question about an order names one of the customer's orders, the agent answers that question,
and every message is signed by whoever sends it."""

from __future__ import annotations

import random
import re

import pytest
from shopdesk.core.vocabulary import LANGUAGES

from local.demo import Conversation, _conversation
from local.demo_texts import AGENTS, CUSTOMERS, PRODUCTS, SCENARIOS

ORDERS = [("WAITINGAA", "Shipped"), ("DELIVERED", "Delivered")]
PARTS = ("question", "answer", "customer_answer", "follow_up")


def conversations() -> list[Conversation]:
    rng = random.Random(1)
    return [_conversation(rng, customer, ORDERS) for customer in CUSTOMERS for _ in range(12)]


def test_every_scenario_is_written_in_every_language_and_the_demo_uses_all_three() -> None:
    for scenario in SCENARIOS:
        for part in PARTS:
            assert set(scenario[part]) == set(LANGUAGES), part
    assert {language for _, _, language in CUSTOMERS} == set(LANGUAGES) == set(PRODUCTS)


@pytest.mark.parametrize("part", PARTS)
def test_every_text_is_filled_in(part: str) -> None:
    for conversation in conversations():
        text = conversation.say(part)
        assert "{" not in text and "  " not in text and not re.search(r"\s[.,?]", text), text


def test_a_question_about_an_order_names_one_of_the_customers_orders_and_so_does_the_answer() -> None:
    for conversation in conversations():
        if conversation.scenario["order"]:
            assert conversation.reference in conversation.say("question") and conversation.reference in conversation.say("answer")
        else:
            assert conversation.reference is None
        if conversation.scenario["order"] == "waiting":  # "where is it?" is asked of an order not yet delivered
            assert conversation.reference == "WAITINGAA"
        if conversation.scenario["product"]:
            assert conversation.product in PRODUCTS[conversation.language]


def test_every_message_is_signed_by_whoever_sends_it() -> None:
    for conversation in conversations():
        _, name, _ = conversation.customer
        first = name.split()[0]
        assert conversation.question(by_email=True).endswith("\n\n" + first)
        for _, agent_name in AGENTS:
            reply = conversation.reply(agent_name)
            assert first in reply.splitlines()[0] or conversation.language == "pl"
            assert reply.splitlines()[-2] == agent_name
            answer = conversation.customer_answer(reply)
            above_quote = answer.split("\n>")[0].rstrip()
            assert above_quote.endswith("\n" + name)
            assert all(line.startswith(">") for line in answer.split("\n\n" + name + "\n\n", 1)[1].splitlines())
