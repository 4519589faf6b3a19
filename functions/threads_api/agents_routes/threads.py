"""Threads: the list and its dashboard, one thread, its status, spam, deletion, files."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from shopdesk.api.auth import agent_only, caller
from shopdesk.api.docs import answers
from shopdesk.api.http import json_response
from shopdesk.core.errors import NotFound
from shopdesk.intake import antispam
from shopdesk.intake.requests import SpamMarkRequest, parse
from shopdesk.store import threads
from shopdesk.threads import bulk, dashboard, merging, thread_list, thread_view
from shopdesk.threads import snooze as snoozing
from shopdesk.threads.requests import BulkRequest, MergeRequest, SplitRequest, StatusRequest, parsed
from shopdesk.views import dashboard as dashboard_views
from shopdesk.views import threads as views

from agents_routes.bodies import MergeInput, SplitInput, as_dict

router = Router()


def thread_number(raw: str) -> int:
    """A thread number from the path; anything else is a thread that does not exist."""
    if not raw.isdigit() or len(raw) > 10:
        raise NotFound("thread_not_found")
    return int(raw)


@router.get("/v1/dashboard", summary="Boxes, statistics and indicators of the list screen", responses=answers({200: "Dashboard"}))
@agent_only
def get_dashboard() -> Response[str]:
    return json_response(dashboard_views.dashboard_view(dashboard.dashboard()))


# The list's filters are read by thread_list.parse_filters, which answers with its own codes; they
# are declared here as text so the document lists them and the domain keeps the checking.
Text = str | None


@router.get(
    "/v1/threads",
    summary="List and search threads, newest (or oldest) first, one page at a time",
    responses=answers({200: "ThreadPage", 400: "Error", 422: "Error"}),
)
@agent_only
def list_threads(
    status: Annotated[Text, Query(description="open, closed, pending1 or pending2; active: every thread not closed")] = None,
    contact: Annotated[Text, Query(description="a contact id")] = None,
    language: Annotated[Text, Query(description="en, es or pl")] = None,
    agent: Annotated[Text, Query(description="the assignee (an agent's sub), or - for threads no one has taken")] = None,
    private: Annotated[Text, Query(description="true: only threads with a private note")] = None,
    unread: Annotated[Text, Query(description="true: only threads the caller has not opened since their last message")] = None,
    from_: Annotated[Text, Query(alias="from", description="last message on or after (YYYY-MM-DD or ISO-8601)")] = None,
    to: Annotated[Text, Query(description="last message on or before (YYYY-MM-DD or ISO-8601)")] = None,
    q: Annotated[
        Text,
        Query(
            description="words (each the start of a word of a message, subject, name, address or order reference; case and accents "
            "ignored; every word must match), an e-mail address, or a thread number (1042 or #1042)"
        ),
    ] = None,
    tag: Annotated[Text, Query(description="only threads with this tag")] = None,
    limit: Annotated[Text, Query(description="1 to 100, 25 by default")] = None,
    cursor: Annotated[Text, Query(description="next_cursor of the previous page")] = None,
    order: Annotated[
        Text, Query(description="newest (default) or oldest, by last message date; a name search goes in name order; words and tags: see docs/data-model.md, Search")
    ] = None,
    spam: Annotated[Text, Query(description="true: the spam view (threads marked as spam are out of the main list)")] = None,
) -> Response[str]:
    return json_response(views.page_view(thread_list.list_threads(caller().sub, router.current_event.query_string_parameters)))


@router.post(
    "/v1/threads/bulk",
    summary="Delete threads or change their status, each on its own",
    responses=answers({200: "BulkResult", 422: "Error"}),
)
@agent_only
def bulk_threads(body: BulkRequest) -> Response[str]:
    return json_response(views.bulk_view(bulk.bulk_change(body)))


@router.get(
    "/v1/threads/<number>",
    summary="A thread with its messages, customer, other threads and history; marks it read",
    responses=answers({200: "ThreadView", 404: "Error"}),
)
@agent_only
def get_thread(number: str) -> Response[str]:
    return json_response(views.screen_view(thread_view.view_thread(caller().sub, thread_number(number))))


@router.get(
    "/v1/threads/<number>/previous",
    summary="The open thread just newer than this one in the list (null: none)",
    responses=answers({200: "Neighbour", 404: "Error"}),
)
@agent_only
def previous_open_thread(number: str) -> Response[str]:
    return json_response({"number": thread_view.neighbour(thread_number(number), "previous")})


@router.get(
    "/v1/threads/<number>/next",
    summary="The open thread just older than this one in the list (null: none)",
    responses=answers({200: "Neighbour", 404: "Error"}),
)
@agent_only
def next_open_thread(number: str) -> Response[str]:
    return json_response({"number": thread_view.neighbour(thread_number(number), "next")})


@router.delete("/v1/threads/<number>", summary="Delete a thread, its messages and their files", responses=answers({204: None, 404: "Error"}))
@agent_only
def delete_thread(number: str) -> Response[None]:
    threads.delete_thread(thread_number(number))
    return Response(status_code=204)


@router.put(
    "/v1/threads/<number>/status",
    summary="Mark as handled, re-open, mark as pending 1/2, disable pending",
    responses=answers({200: "ThreadOnly", 404: "Error", 422: "Error"}),
)
@agent_only
def change_status(number: str, body: StatusRequest) -> Response[str]:
    if body.snooze_until is not None:  # pending until a date and time
        return json_response(views.thread_answer(snoozing.snooze(thread_number(number), body, caller().sub)))
    thread = threads.change_status(thread_number(number), body.status)
    return json_response(views.thread_answer(thread))


@router.post(
    "/v1/threads/<number>/merge",
    summary="Merge another thread of the same customer into this one (its number forwards here)",
    responses=answers({200: "ThreadOnly", 404: "Error", 409: "Error", 422: "Error"}),
)
@agent_only
def merge_thread(number: str, body: MergeInput | None = None) -> Response[str]:
    merged = merging.merge(caller().username, thread_number(number), parsed(MergeRequest, as_dict(body)))
    return json_response(views.thread_answer(merged.thread))


@router.post(
    "/v1/threads/<number>/split",
    summary="Start a new thread of the same customer from one message of this one",
    responses=answers({200: "ThreadOnly", 404: "Error", 409: "Error", 422: "Error"}),
)
@agent_only
def split_thread(number: str, body: SplitInput | None = None) -> Response[str]:
    new = merging.split(caller().username, thread_number(number), parsed(SplitRequest, as_dict(body)))
    return json_response(views.thread_answer(new))


@router.put(
    "/v1/threads/<number>/spam",
    summary="Mark as spam (closes the thread; block_sender adds its address to the blocked senders) or unmark",
    responses=answers({200: "ThreadOnly", 404: "Error", 422: "Error"}),
)
@agent_only
def mark_spam(number: str, body: SpamMarkRequest | None = None) -> Response[str]:
    thread = antispam.mark_thread_spam(thread_number(number), body or parse(SpamMarkRequest, {}), caller().username)
    return json_response(views.thread_answer(thread))


@router.get(
    "/v1/threads/<number>/attachments/<message_id>/<index>",
    summary="A short-lived link that downloads a message's file",
    responses=answers({200: "DownloadLink", 404: "Error"}),
)
@agent_only
def download_attachment(number: str, message_id: str, index: str) -> Response[str]:
    return json_response(views.file_link_view(thread_view.attachment_link(thread_number(number), message_id, index)))


@router.get(
    "/v1/threads/<number>/messages/<message_id>/<which>",
    summary="A short-lived link that downloads what came by mail: the original e-mail (which=original) or the whole text (which=whole-text)",
    responses=answers({200: "DownloadLink", 404: "Error"}),
)
@agent_only
def download_mail_file(number: str, message_id: str, which: str) -> Response[str]:
    if which not in thread_view.MAIL_FILES:
        raise NotFound("not_found")
    return json_response(views.file_link_view(thread_view.mail_file_link(thread_number(number), message_id, which)))
