"""`make demo`: the local stack filled with a believable shop, so every screen has something to show.
(`make demo` starts the stack with SHOPDESK_DEMO=1; `python -m local.demo` fills one already running.)

About forty threads over the last three weeks, across the contacts, the four statuses and the
three languages; storefront customers with orders and status histories; agents' replies (mailed
through moto's SES: see the sent-mail page), private notes; and a few customers' answers by
e-mail waiting in the local IMAP mailbox (Dovecot, or pymap), carrying the markers of the reply they answer,
so the next mail sync imports them into their threads — plus one mail from an unknown sender.

It runs inside the stack's process (the functions' environment points at moto), through the same
shopdesk functions the APIs use, so the counters and indexes are exactly what real use makes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from local.demo_texts import (
    AGENTS,
    CUSTOMERS,
    DEFAULT_REPLIES,
    GREETINGS,
    ORDER_STATES,
    PRODUCTS,
    SCENARIOS,
    SHOP_TEAM,
    SIGN_OFFS,
    STREETS,
    UNKNOWN_SENDER,
)

CONTACT_RETURNS = {
    "names": {"en": "Orders and returns", "es": "Pedidos y devoluciones", "pl": "Zamówienia i zwroty"},
    "descriptions": {
        "en": "Delivery, exchanges and refunds",
        "es": "Envíos, cambios y reembolsos",
        "pl": "Dostawa, wymiany i zwroty pieniędzy",
    },
    "email": "orders@shop.example",
    "save_messages": True,
}

THREAD_COUNT = 44  # a few continue an earlier open thread of the same customer: about forty threads


@dataclass(frozen=True)
class Conversation:
    """One customer's question and what is said about it, in the customer's language."""

    customer: tuple[str, str, str]
    scenario: dict[str, Any]
    reference: str | None
    product: tuple[str, str] | None

    @property
    def language(self) -> str:
        return self.customer[2]

    @property
    def first_name(self) -> str:
        return self.customer[1].split()[0]

    def say(self, part: str) -> str:
        product, product_object = self.product or ("", "")
        return self.scenario[part][self.language].format(
            ref=self.reference or "", product=product, product_object=product_object, street=STREETS[self.language]
        )

    def question(self, by_email: bool) -> str:
        """The form's text as typed; a mail ends with the sender's own name, as people sign."""
        return self.say("question") + (f"\n\n{self.first_name}" if by_email else "")

    def reply(self, agent_name: str) -> str:
        """The agent's answer, from the greeting to the agent's own signature."""
        lang = self.language
        greeting = GREETINGS[lang].format(name=self.first_name)
        return f"{greeting}\n\n{self.say('answer')}\n\n{SIGN_OFFS[lang]}\n{agent_name}\n{SHOP_TEAM}"

    def customer_answer(self, reply_text: str) -> str:
        """The customer's answer by mail, signed with her name, above the quoted reply."""
        quoted = "\n".join("> " + line if line else ">" for line in reply_text.splitlines())
        return f"{self.say('customer_answer')}\n\n{self.customer[1]}\n\n{quoted}\n"


def _customers_and_orders(rng: random.Random, now: datetime) -> dict[str, list[tuple[str, str]]]:
    """Storefront data as the signed routes would store it: a profile and one to three orders each,
    written in batches (25 items a request) rather than one request an item."""
    from shopdesk.store.models import Customer, Order, OrderRef, OrderStatusChange

    orders: dict[str, list[tuple[str, str]]] = {}  # e-mail: (reference, its latest state)
    with Customer.batch_write() as customers, Order.batch_write() as order_items, OrderRef.batch_write() as references:
        for position, (email, name, _) in enumerate(CUSTOMERS):
            since = now - timedelta(days=rng.randint(40, 900))
            customers.save(Customer(*Customer.key(email), email=email, customer_id=str(1000 + position), name=name, since=since.isoformat()))
            for _ in range(rng.randint(1, 3)):
                reference = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9))
                placed = now - timedelta(days=rng.randint(2, 30), hours=rng.randint(0, 23))
                steps = rng.randint(1, len(ORDER_STATES))
                history = [OrderStatusChange(status=ORDER_STATES[i], at=(placed + timedelta(hours=20 * i)).isoformat()) for i in range(steps)]
                order_items.save(Order(
                    *Order.key(email, reference), reference=reference, email=email, customer_id=str(1000 + position),
                    total=f"{rng.randint(15, 240)}.{rng.choice(['00', '50', '90', '99'])}", currency="EUR",
                    validated=steps >= 2, placed_at=placed.isoformat(), history=history,
                ))
                # The intake's ORDERREF item: a signed form may name the order.
                references.save(OrderRef(*OrderRef.key(reference), email=email, customer_id=str(1000 + position)))
                orders.setdefault(email, []).append((reference, ORDER_STATES[steps - 1]))
    return orders


def _conversation(rng: random.Random, customer: tuple[str, str, str], orders: list[tuple[str, str]]) -> Conversation:
    """A scenario that fits the customer: a question about an order names one of hers (one not yet
    delivered when she asks where it is), a question about a product names one in her language."""
    scenario = rng.choice(SCENARIOS)
    reference = None
    if scenario["order"]:
        fitting = {
            "waiting": [ref for ref, state in orders if state != "Delivered"],
            "delivered": [ref for ref, state in orders if state == "Delivered"],
        }.get(scenario["order"])
        reference = rng.choice(fitting or [ref for ref, _ in orders])
    product = rng.choice(PRODUCTS[customer[2]]) if scenario["product"] else None
    return Conversation(customer, scenario, reference, product)


def _mail_answer(state: dict[str, Any], thread: Any, reply_ses_id: str, conversation: Conversation, reply_text: str, region: str) -> bytes:
    """A customer's answer to our reply, as her mail program would write it."""
    email, name, _ = conversation.customer
    mail = EmailMessage()
    mail["From"] = f"{name} <{email}>"
    mail["To"] = state["imap"]["user"]
    mail["Subject"] = f"Re: [{_shop_name()}] #ct{int(thread.number)} #tc{thread.token}"
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain=email.partition("@")[2])
    mail["In-Reply-To"] = f"<{reply_ses_id}@{region}.amazonses.com>"
    mail["References"] = mail["In-Reply-To"]
    mail.set_content(conversation.customer_answer(reply_text))
    return mail.as_bytes()


def _unknown_sender_mail(state: dict[str, Any]) -> bytes:
    mail = EmailMessage()
    mail["From"] = UNKNOWN_SENDER["from"]
    mail["To"] = state["imap"]["user"]
    mail["Subject"] = UNKNOWN_SENDER["subject"]
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain="example.de")
    mail.set_content(UNKNOWN_SENDER["text"])
    return mail.as_bytes()


def _shop_name() -> str:
    from shopdesk.core.config import config

    return config().shop_name


def _append_to_mailbox(state: dict[str, Any], messages: list[bytes]) -> None:
    """APPEND to the local IMAP mailbox, unseen, as a mail server would deliver them."""
    from imapclient import IMAPClient

    imap = state["imap"]
    with IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=10) as client:
        client.login(imap["user"], imap["password"])
        for raw in messages:
            client.append("INBOX", raw, flags=())
        client.logout()


def fill(state: dict[str, Any], seed: int = 4) -> dict[str, int]:
    """Fills the running stack (`state` is its stack.json); returns what it made."""
    from shopdesk.admin import contacts
    from shopdesk.store import threads
    from shopdesk.store.models import ShopSettings
    from shopdesk.store.settings import load_settings
    from shopdesk.threads import outbound
    from shopdesk.threads.requests import NoteRequest, ReplyRequest

    rng = random.Random(seed)
    now = datetime.now(UTC)
    known = contacts.all_contacts()
    if not any(c.names.as_dict().get("en") == CONTACT_RETURNS["names"]["en"] for c in known):
        contacts.create_contact(CONTACT_RETURNS)
        known = contacts.all_contacts()
    settings: ShopSettings = load_settings()
    settings.default_messages = dict(DEFAULT_REPLIES)
    settings.save()
    destinations = [c for c in known if c.save_messages]
    orders = _customers_and_orders(rng, now)

    started_threads: list[tuple[int, Conversation, int]] = []
    # A message to the same contact about the same order (or none) continues the customer's open
    # thread (OpenThreadClaim): it is then that conversation's follow-up, not a new question.
    open_threads: dict[tuple[str, str, str | None], Conversation] = {}
    asked_at: dict[int, datetime] = {}  # id(conversation): when its question was asked
    for index in range(THREAD_COUNT):
        customer = CUSTOMERS[index % len(CUSTOMERS)] if index < len(CUSTOMERS) else rng.choice(CUSTOMERS)
        email, name, lang = customer
        conversation = _conversation(rng, customer, orders[email])
        contact = destinations[index % len(destinations)]
        earlier = open_threads.setdefault((email, contact.contact_id, conversation.reference), conversation)
        # The threads answered below (every 8th, 8th+1, 8th+2) are recent: replies go out now, and a
        # believable first-response time is hours, not weeks.
        age_days = rng.uniform(0.05, 1.2) if index % 8 in (0, 1, 2) else rng.uniform(0.2, 21)
        started = now - timedelta(days=age_days, minutes=index)
        if earlier is conversation:
            asked_at[id(conversation)] = started
        else:  # a follow-up comes after the question it follows, hours later at most
            first = asked_at[id(earlier)]
            started = first + min(timedelta(hours=rng.uniform(2, 30)), (now - first) / 2)
        source = rng.choice(["form", "form", "email"])
        incoming = threads.CustomerMessage(
            email=email, text=conversation.question(by_email=source == "email") if earlier is conversation else earlier.say("follow_up"),
            source=source, language=lang, customer_name=name,
            customer_id=None, order_ref=conversation.reference, product=conversation.product[0] if conversation.product else None,
            ip="203.0.113." + str(rng.randint(2, 250)), user_agent="Mozilla/5.0 (demo)", created_at=started,
        )
        stored = threads.store_customer_message(contact, incoming)
        number = int(stored.thread.number)
        if earlier is conversation and rng.random() < 0.3:
            later = started + timedelta(hours=rng.uniform(2, 30))
            if later < now:
                follow = threads.CustomerMessage(email=email, text=conversation.say("follow_up"), source="form", language=lang,
                                                 customer_name=name, order_ref=conversation.reference, created_at=later)
                threads.store_customer_message(contact, follow, thread=threads.get_thread(number))
        if stored.created:
            started_threads.append((number, conversation, index))

    made = {"threads": len(started_threads), "replies": 0, "notes": 0, "mail_answers": 0}
    mail_answers: list[bytes] = []
    region = state["resources"]["region"]
    for number, conversation, position in started_threads:
        roll = position % 8
        if roll in (0, 1, 2):  # answered (and so closed)
            agent_email, agent_name = AGENTS[position % 2]
            text = conversation.reply(agent_name)
            answer = outbound.reply(agent_email, number, ReplyRequest(text=text))
            made["replies"] += 1
            if roll == 0 and len(mail_answers) < 4:
                ses_id = answer.message.delivery.message_id
                mail_answers.append(_mail_answer(state, threads.get_thread(number), ses_id, conversation, text, region))
        elif roll == 3:
            threads.change_status(number, "pending1")
        elif roll == 4:
            threads.change_status(number, "pending2")
        elif roll == 5:
            threads.change_status(number, "closed")
        if position % 5 == 1:
            outbound.add_note(AGENTS[1][0], number, NoteRequest(text=conversation.scenario["note"]))
            made["notes"] += 1
    mail_answers.append(_unknown_sender_mail(state))
    _append_to_mailbox(state, mail_answers)
    made["mail_answers"] = len(mail_answers)
    return made


def main() -> None:
    """`python -m local.demo [stack.json]`: fills a stack that is already running (`make run`)."""
    import json
    import os
    import sys
    from pathlib import Path

    from local.aws_setup import AwsResources, function_environment
    from local.template import ROOT

    state_file = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(os.environ.get("SHOPDESK_STATE_DIR", ROOT / ".local")) / "stack.json"
    state = json.loads(state_file.read_text())
    os.environ.update(function_environment(AwsResources(**state["resources"])))
    sys.path.insert(0, str(ROOT / "layers" / "common"))
    print(f"Demo data: {fill(state)}", flush=True)


if __name__ == "__main__":
    main()
