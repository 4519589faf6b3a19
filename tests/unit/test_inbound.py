"""Matching and storing inbound mail (SPEC's order, exactly once, blocked senders) against in-process moto."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from shopdesk.admin.contacts import all_contacts
from shopdesk.intake import antispam
from shopdesk.intake.requests import BlockedSenderRequest
from shopdesk.mail import importer, parse
from shopdesk.store import threads
from shopdesk.store.models import InboundRecord, Message

# --- matching ------------------------------------------------------------------------------------------


def mail(subject: str = "Hello", **headers: str) -> parse.ParsedMail:
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Ann <ann@example.com>")
    message["To"] = headers.pop("to", "support@shop.example")
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", "<m1@example.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Thanks")
    return parse.parse(message.as_bytes())


def answered_thread(outbound_id: str) -> threads.Thread:
    contact = all_contacts()[0]
    stored = threads.store_customer_message(contact, threads.CustomerMessage(email="ann@example.com", text="Q", source="form", language="en"))
    threads.store_agent_message(int(stored.thread.number), threads.AgentMessage(agent="bob@shop.example", text="A", source="agent", close=True, outbound_message_ids=[outbound_id]))
    return threads.get_thread(int(stored.thread.number))


def context_for(*mails: parse.ParsedMail, create: bool = True) -> importer.BatchContext:
    return importer.prepare_batch(list(mails), all_contacts(), create)


def test_in_reply_to_is_matched_first_then_the_markers_then_the_plus_address(aws: Any) -> None:
    one = answered_thread("<out-1@shop.example>")
    two = answered_thread("<out-2@shop.example>")
    both = mail(f"Re: #ct{two.number} #tc{two.token}", in_reply_to="<out-1@shop.example>")
    by_refs = mail("Re:", message_id="<m2@example.com>", references="<unknown@x> <out-2@shop.example>")
    by_plus = mail("Re:", message_id="<m3@example.com>", to=f"support+ct{one.number}.tc{one.token}@shop.example")
    context = context_for(both, by_refs, by_plus)

    assert (importer.match(both, context)[0].number, importer.match(both, context)[1]) == (one.number, "in_reply_to")
    assert (importer.match(by_refs, context)[0].number, importer.match(by_refs, context)[1]) == (two.number, "references")
    assert (importer.match(by_plus, context)[0].number, importer.match(by_plus, context)[1]) == (one.number, "plus_address")


def test_a_thread_number_without_its_token_never_matches(aws: Any) -> None:
    thread = answered_thread("<out-3@shop.example>")
    wrong = mail(f"Re: #ct{thread.number} #tc{'A' * 16}")
    bare = mail(f"Re: #ct{thread.number}", message_id="<m2@example.com>")
    plus = mail("Re:", message_id="<m3@example.com>", to=f"support+ct{thread.number}.tc{'B' * 16}@shop.example")
    context = context_for(wrong, bare, plus)
    assert [importer.match(m, context)[0] for m in (wrong, bare, plus)] == [None, None, None]


def test_storing_twice_imports_once_and_records_the_rule(aws: Any) -> None:
    thread = answered_thread("<out-4@shop.example>")
    reply = mail("Re: answer", in_reply_to="<out-4@shop.example>")

    first = importer.store(reply, context_for(reply))
    second = importer.store(reply, context_for(reply))

    assert (first.outcome, first.match_rule, second.outcome) == ("imported", "in_reply_to", "duplicate")
    messages = [m for m in Message.query(f"THREAD#{thread.number}") if m.source == "email"]
    assert len(messages) == 1 and messages[0].match_rule == "in_reply_to" and messages[0].mail_message_id == "m1@example.com"
    assert InboundRecord.get(*InboundRecord.key("m1@example.com")).outcome == "imported"


def test_unmatched_mail_is_skipped_when_new_threads_are_off(aws: Any) -> None:
    lone = mail("Question")
    outcome = importer.store(lone, context_for(lone, create=False))
    assert (outcome.outcome, outcome.reason) == ("skipped", "unmatched")


def test_an_unmatched_mail_continues_the_senders_open_thread_and_says_so(aws: Any) -> None:
    first, second = mail("First"), mail("Second", message_id="<m2@example.com>")
    one = importer.store(first, context_for(first))
    two = importer.store(second, context_for(second))
    assert (one.match_rule, one.new_thread) == ("new_thread", True)
    assert (two.match_rule, two.new_thread, two.thread_number) == ("open_thread", False, one.thread_number)


def test_mail_from_a_blocked_address_or_domain_is_skipped_even_when_it_answers_a_thread(aws: Any) -> None:
    thread = answered_thread("<out-5@shop.example>")
    antispam.add_blocked(BlockedSenderRequest(value="ann@example.com"), "admin@shop.example")
    antispam.add_blocked(BlockedSenderRequest(value="@spam.example"), "admin@shop.example")
    reply = mail("Re: answer", in_reply_to="<out-5@shop.example>")
    stranger = mail("Cheap pills", sender="Bulk <offers@spam.example>", message_id="<m2@example.com>")
    friend = mail("Hello", sender="Bea <bea@example.com>", message_id="<m3@example.com>")
    context = context_for(reply, stranger, friend)

    outcomes = [importer.store(m, context) for m in (reply, stranger, friend)]

    assert [(o.outcome, o.reason) for o in outcomes[:2]] == [("skipped", "blocked_sender")] * 2
    assert outcomes[2].outcome == "imported"
    assert not [m for m in Message.query(f"THREAD#{thread.number}") if m.source == "email"]
    assert InboundRecord.get(*InboundRecord.key("m1@example.com")).reason == "blocked_sender"  # recorded: never re-read


# --- routing of new threads ----------------------------------------------------------------------------


def _contact(name: str, address: str) -> str:
    from shopdesk.admin.contacts import create_contact

    return str(create_contact({"names": {"en": name}, "email": address})["id"])


def _new_thread_contact(message: parse.ParsedMail) -> str:
    outcome = importer.store(message, context_for(message))
    assert (outcome.outcome, outcome.match_rule) == ("imported", "new_thread")
    return str(threads.get_thread(int(outcome.thread_number)).contact_id)


def test_a_new_thread_goes_to_the_contact_the_mail_was_delivered_to_not_the_first_named(aws: Any) -> None:
    sales, returns = _contact("Sales", "sales@shop.example"), _contact("Returns", "returns@shop.example")
    # A mail to sales, copying returns, delivered through the returns alias (Delivered-To wins) ...
    delivered = mail("Broken parcel", sender="Ann <ann@example.com>", to="sales@shop.example", cc="returns@shop.example", delivered_to="returns@shop.example")
    # ... an alias expanded by the server (X-Original-To names the address the customer used) ...
    aliased = mail("Invoice", sender="Bea <bea@example.com>", message_id="<m2@example.com>", to="Shop <all@shop.example>", x_original_to="sales@shop.example")
    # ... and To before Cc, whichever contact comes first in the list.
    to_first = mail("Size", sender="Cid <cid@example.com>", message_id="<m3@example.com>", to="returns@shop.example", cc="sales@shop.example")
    # A plus-tag is still its contact's address.
    tagged = mail("Tagged", sender="Dee <dee@example.com>", message_id="<m4@example.com>", to="sales+web@shop.example")

    assert [_new_thread_contact(m) for m in (delivered, aliased, to_first, tagged)] == [returns, sales, returns, sales]


def test_a_mail_to_no_contacts_address_goes_to_the_first_contact(aws: Any) -> None:
    _contact("Sales", "sales@shop.example")
    lone = mail("Hi", to="someone-else@shop.example")
    assert _new_thread_contact(lone) == all_contacts()[0].contact_id


def test_contacts_sharing_an_address_resolve_to_the_first_in_the_contact_lists_order(aws: Any) -> None:
    from shopdesk.admin.contacts import reorder_contacts

    first, second = _contact("Orders", "desk@shop.example"), _contact("Complaints", "desk@shop.example")
    assert _new_thread_contact(mail("One", to="desk@shop.example")) == first
    order = [c.contact_id for c in all_contacts()]
    order.remove(second)
    reorder_contacts({"order": [second, *order]})
    assert _new_thread_contact(mail("Two", sender="Bea <bea@example.com>", message_id="<m2@example.com>", to="desk@shop.example")) == second


def test_the_customers_name_is_the_from_lines_decoded_display_name(aws: Any) -> None:
    encoded = mail("Pytanie", sender="=?utf-8?q?=C5=81ucja_Wi=C5=9Bniewska?= <lucja@example.pl>", to="support@shop.example")
    quoted = mail("Hi", sender="\"'Bob Stone'\" <bob@example.com>", message_id="<m2@example.com>")
    bare = mail("Hi", sender="\"carl@example.com\" <carl@example.com>", message_id="<m3@example.com>")
    assert [m.from_name for m in (encoded, quoted, bare)] == ["Łucja Wiśniewska", "Bob Stone", ""]
    outcome = importer.store(encoded, context_for(encoded))
    assert threads.get_thread(int(outcome.thread_number)).customer_name == "Łucja Wiśniewska"


def test_a_new_threads_preview_is_the_customers_words_not_the_forwarded_mail(aws: Any) -> None:
    message = EmailMessage()
    message["From"] = "Daan <daan@example.nl>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Fwd: Betaling"
    message["Message-ID"] = "<fw1@example.nl>"
    message.set_content("Is dit van jullie?\n\n---------- Doorgestuurd bericht ---------\nVan: Betalingen <betaling@pay.example>\nDate: ma 30 nov. 2026\nSubject: Betaling\n\nOpenstaande betaling.")
    parsed = parse.parse(message.as_bytes())
    outcome = importer.store(parsed, context_for(parsed))
    thread = threads.get_thread(int(outcome.thread_number))
    assert thread.preview == "Is dit van jullie?"
