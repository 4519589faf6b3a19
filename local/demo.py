"""`make demo`: the local stack filled with a believable shop, so every screen has something to show.
(`make demo` starts the stack with SHOPDESK_DEMO=1; `python -m local.demo` fills one already running.)

About forty threads over the last three weeks, across the contacts, the four statuses and the
three languages; storefront customers with orders and status histories; agents' replies (mailed
through moto's SES: see the sent-mail page), private notes; and a few customers' answers by
e-mail waiting in the local IMAP mailbox (pymap), carrying the markers of the reply they answer,
so the next mail sync imports them into their threads — plus one mail from an unknown sender.

It runs inside the stack's process (the functions' environment points at moto), through the same
shopdesk functions the APIs use, so the counters and indexes are exactly what real use makes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

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

DEFAULT_REPLIES = {
    "en": "Hello,\n\nThank you for your message.\n\n",
    "es": "Hola:\n\nGracias por su mensaje.\n\n",
    "pl": "Dzień dobry,\n\nDziękujemy za wiadomość.\n\n",
}

CUSTOMERS = [
    ("emma.wilson@example.com", "Emma Wilson", "en"),
    ("oliver.brown@example.co.uk", "Oliver Brown", "en"),
    ("sophia.miller@example.com", "Sophia Miller", "en"),
    ("james.taylor@example.org", "James Taylor", "en"),
    ("lucia.garcia@example.es", "Lucía García", "es"),
    ("mateo.fernandez@example.es", "Mateo Fernández", "es"),
    ("sofia.martinez@example.mx", "Sofía Martínez", "es"),
    ("diego.lopez@example.es", "Diego López", "es"),
    ("zofia.kowalska@example.pl", "Zofia Kowalska", "pl"),
    ("jakub.nowak@example.pl", "Jakub Nowak", "pl"),
    ("anna.wisniewska@example.pl", "Anna Wiśniewska", "pl"),
    ("piotr.wojcik@example.pl", "Piotr Wójcik", "pl"),
    ("noah.davies@example.com", "Noah Davies", "en"),
    ("carmen.ruiz@example.es", "Carmen Ruiz", "es"),
]

QUESTIONS = {
    "en": [
        "Hello, my order {ref} has not arrived yet. Could you tell me where it is?",
        "Is the {product} available in size M? I would like to order two.",
        "I received the {product} but it is damaged. How can I return it?",
        "Could you send me an invoice for order {ref}, please?",
        "The payment page shows an error when I try to pay by card.",
        "Can I change the delivery address of order {ref}?",
    ],
    "es": [
        "Hola, mi pedido {ref} todavía no ha llegado. ¿Pueden decirme dónde está?",
        "¿Tienen el {product} en talla M? Quiero pedir dos.",
        "He recibido el {product} pero está dañado. ¿Cómo puedo devolverlo?",
        "¿Me pueden enviar la factura del pedido {ref}, por favor?",
        "La página de pago da un error cuando intento pagar con tarjeta.",
        "¿Puedo cambiar la dirección de entrega del pedido {ref}?",
    ],
    "pl": [
        "Dzień dobry, moje zamówienie {ref} jeszcze nie dotarło. Gdzie ono jest?",
        "Czy {product} jest dostępny w rozmiarze M? Chciałbym zamówić dwa.",
        "Otrzymałam {product}, ale jest uszkodzony. Jak mogę go zwrócić?",
        "Czy mogą Państwo przesłać fakturę do zamówienia {ref}?",
        "Strona płatności pokazuje błąd, gdy próbuję zapłacić kartą.",
        "Czy mogę zmienić adres dostawy zamówienia {ref}?",
    ],
}
FOLLOW_UPS = {
    "en": ["Any news, please?", "I am still waiting for an answer.", "Thanks, one more question: do you ship to Ireland?"],
    "es": ["¿Alguna novedad, por favor?", "Sigo esperando una respuesta.", "Gracias, otra pregunta: ¿envían a Portugal?"],
    "pl": ["Czy są jakieś wieści?", "Nadal czekam na odpowiedź.", "Dziękuję, jeszcze jedno pytanie: czy wysyłacie do Niemiec?"],
}
ANSWERS = {
    "en": ["Your parcel left our warehouse yesterday; you will receive it within two days.", "Yes, it is in stock. You can order it now."],
    "es": ["Su paquete salió ayer de nuestro almacén; lo recibirá en dos días.", "Sí, está disponible. Puede pedirlo ahora."],
    "pl": ["Paczka wyjechała wczoraj z magazynu; dotrze w ciągu dwóch dni.", "Tak, jest dostępny. Można go już zamówić."],
}
CUSTOMER_MAIL_ANSWERS = {
    "en": "Thank you! It arrived this morning.\n\nEmma",
    "es": "¡Gracias! Ha llegado esta mañana.",
    "pl": "Dziękuję! Paczka dotarła dziś rano.",
}
NOTES = ["Customer called too: priority.", "Checked with the warehouse: parcel scanned in Madrid.", "VIP: third order this month."]
PRODUCTS = ["Linen shirt", "Wool scarf", "Leather wallet", "Canvas backpack", "Rain jacket"]
ORDER_STATES = ["Awaiting payment", "Payment accepted", "Processing in progress", "Shipped", "Delivered"]

THREAD_COUNT = 44  # a few continue an earlier open thread of the same customer: about forty threads
AGENTS = ("agent@shop.example", "admin@shop.example")


def _customers_and_orders(rng: random.Random, now: datetime) -> dict[str, list[str]]:
    """Storefront data as the signed routes would store it: a profile and one to three orders each."""
    from shopdesk.store.models import Customer, Order, OrderStatusChange

    order_reference = _order_reference_model()  # the intake's ORDERREF item (a signed form may name the order)
    references: dict[str, list[str]] = {}
    for position, (email, name, _) in enumerate(CUSTOMERS):
        since = now - timedelta(days=rng.randint(40, 900))
        Customer(*Customer.key(email), email=email, customer_id=str(1000 + position), name=name, since=since.isoformat()).save()
        for _ in range(rng.randint(1, 3)):
            reference = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9))
            placed = now - timedelta(days=rng.randint(2, 30), hours=rng.randint(0, 23))
            steps = rng.randint(1, len(ORDER_STATES))
            history = [OrderStatusChange(status=ORDER_STATES[i], at=(placed + timedelta(hours=20 * i)).isoformat()) for i in range(steps)]
            Order(
                *Order.key(email, reference),
                reference=reference,
                email=email,
                customer_id=str(1000 + position),
                total=f"{rng.randint(15, 240)}.{rng.choice(['00', '50', '90', '99'])}",
                currency="EUR",
                validated=steps >= 2,
                placed_at=placed.isoformat(),
                history=history,
            ).save()
            if order_reference is not None:
                order_reference(*order_reference.key(reference), email=email).save()
            references.setdefault(email, []).append(reference)
    return references


def _mail_answer(state: dict[str, Any], thread: Any, reply_ses_id: str, customer: tuple[str, str, str], region: str) -> bytes:
    """A customer's answer to our reply, as her mail program would write it."""
    email, name, lang = customer
    mail = EmailMessage()
    mail["From"] = f"{name} <{email}>"
    mail["To"] = state["imap"]["user"]
    mail["Subject"] = f"Re: [{_shop_name()}] #ct{int(thread.number)} #tc{thread.token}"
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain=email.partition("@")[2])
    mail["In-Reply-To"] = f"<{reply_ses_id}@{region}.amazonses.com>"
    mail["References"] = mail["In-Reply-To"]
    mail.set_content(CUSTOMER_MAIL_ANSWERS[lang] + "\n\n> " + ANSWERS[lang][0])
    return mail.as_bytes()


def _unknown_sender_mail(state: dict[str, Any]) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Hannah Schmidt <hannah.schmidt@example.de>"
    mail["To"] = state["imap"]["user"]
    mail["Subject"] = "Wholesale prices?"
    mail["Date"] = format_datetime(datetime.now(UTC))
    mail["Message-ID"] = make_msgid(domain="example.de")
    mail.set_content("Hello, we run a small shop in Berlin. Do you offer wholesale prices for 50 scarves?\n\nHannah")
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
    contacts.all_contacts()
    if not any(c.names.as_dict().get("en") == CONTACT_RETURNS["names"]["en"] for c in contacts.all_contacts()):
        contacts.create_contact(CONTACT_RETURNS)
    settings: ShopSettings = load_settings()
    settings.default_messages = dict(DEFAULT_REPLIES)
    settings.save()
    destinations = [c for c in contacts.all_contacts() if c.save_messages]
    references = _customers_and_orders(rng, now)

    stored_numbers: list[tuple[int, tuple[str, str, str], int]] = []
    for index in range(THREAD_COUNT):
        customer = CUSTOMERS[index % len(CUSTOMERS)] if index < len(CUSTOMERS) else rng.choice(CUSTOMERS)
        email, name, lang = customer
        contact = destinations[index % len(destinations)]
        reference = rng.choice(references[email]) if rng.random() < 0.7 else None
        product = rng.choice(PRODUCTS)
        # The threads answered below (every 8th, 8th+1, 8th+2) are recent: replies go out now, and a
        # believable first-response time is hours, not weeks.
        age_days = rng.uniform(0.05, 1.2) if index % 8 in (0, 1, 2) else rng.uniform(0.2, 21)
        started = now - timedelta(days=age_days, minutes=index)
        text = rng.choice(QUESTIONS[lang]).format(ref=reference or "", product=product)
        incoming = threads.CustomerMessage(
            email=email, text=text, source=rng.choice(["form", "form", "email"]), language=lang, customer_name=name,
            customer_id=None, order_ref=reference, product=product if rng.random() < 0.4 else None,
            ip="203.0.113." + str(rng.randint(2, 250)), user_agent="Mozilla/5.0 (demo)", created_at=started,
        )
        stored = threads.store_customer_message(contact, incoming)
        number = int(stored.thread.number)
        if rng.random() < 0.3:
            later = started + timedelta(hours=rng.uniform(2, 30))
            if later < now:
                follow = threads.CustomerMessage(email=email, text=rng.choice(FOLLOW_UPS[lang]), source="form", language=lang,
                                                 customer_name=name, order_ref=reference, created_at=later)
                threads.store_customer_message(contact, follow, thread=threads.get_thread(number))
        if stored.created:
            stored_numbers.append((number, customer, index))

    made = {"threads": len(stored_numbers), "replies": 0, "notes": 0, "mail_answers": 0}
    mail_answers: list[bytes] = []
    region = state["resources"]["region"]
    for number, customer, position in stored_numbers:
        lang = customer[2]
        roll = position % 8
        if roll in (0, 1, 2):  # answered (and so closed)
            answer = outbound.reply(AGENTS[position % 2], number, ReplyRequest(text=DEFAULT_REPLIES[lang] + rng.choice(ANSWERS[lang])))
            made["replies"] += 1
            if roll == 0 and len(mail_answers) < 4:
                mail_answers.append(_mail_answer(state, threads.get_thread(number), answer.message.delivery.message_id, customer, region))
        elif roll == 3:
            threads.change_status(number, "pending1")
        elif roll == 4:
            threads.change_status(number, "pending2")
        elif roll == 5:
            threads.change_status(number, "closed")
        if position % 5 == 1:
            outbound.add_note(AGENTS[1], number, NoteRequest(text=rng.choice(NOTES)))
            made["notes"] += 1
    mail_answers.append(_unknown_sender_mail(state))
    _append_to_mailbox(state, mail_answers)
    made["mail_answers"] = len(mail_answers)
    return made


def _order_reference_model() -> Any:
    from shopdesk.store import models

    return getattr(models, "OrderRef", None)


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
