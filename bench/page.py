"""The agents' page: what it costs to load, and how fast it draws with 1,000 threads.

Starts the local stack (`make run`) on free ports, stores 1,000 threads in its DynamoDB (moto) with
BatchWriteItem, and drives Debian's Chromium:
- bytes: every HTML, JS, CSS and SVG file the page loads until the list is drawn, as served and
  gzip-compressed (CloudFront compresses them), by type;
- time from navigation (a signed-in reload) to the thread list drawn, and from a click on a thread
  to its messages drawn (noted in the page by a MutationObserver), median of several runs, with
  the API requests each one makes and what the same API calls take alone.
Reported, never asserted: the machine is shared.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
THREADS = 1000
RUNS = 5


def start_stack(state_dir: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    env = dict(os.environ, SHOPDESK_STATE_DIR=str(state_dir), SHOPDESK_PORT="0", SHOPDESK_MOTO_PORT="0", SHOPDESK_IMAP_PORT="0", SHOPDESK_SMTP_PORT="0")
    process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state_file = state_dir / "stack.json"
    deadline = time.monotonic() + 60
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the local stack did not start")
        time.sleep(0.1)
    return process, json.loads(state_file.read_text())


_WATCH_DRAWING = """
window.__listDrawnAt = null;
window.__threadDrawnAt = null;
document.addEventListener("click", () => { window.__clickedAt = performance.now(); window.__threadDrawnAt = null; }, true);
new MutationObserver(() => {
  if (window.__listDrawnAt === null && document.querySelectorAll("[data-testid=thread-row]").length >= 25) window.__listDrawnAt = performance.now();
  if (window.__threadDrawnAt === null && window.__clickedAt && document.querySelector("[data-testid=message]")) window.__threadDrawnAt = performance.now();
}).observe(document, { childList: true, subtree: true });
"""


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.integration.browser import CHROMIUM, CHROMIUM_ARGS
    from tests.integration.page_seed import seed

    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-page-") as tmp:
        process, stack = start_stack(Path(tmp))
        try:
            started = time.perf_counter()
            seed(stack, bulk=THREADS)
            print(f"seeded {THREADS} threads with BatchWriteItem in {time.perf_counter() - started:.1f} s")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    measure(browser, stack)
                finally:
                    browser.close()
        finally:
            process.terminate()
            process.wait(timeout=15)


def measure(browser: Any, stack: dict[str, Any]) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    # The moment each screen is drawn, noted by the page itself (Playwright's waits poll, which would
    # add up to half a second): a MutationObserver installed before the page's own scripts run.
    context.add_init_script(_WATCH_DRAWING)
    page = context.new_page()
    origin = urlsplit(stack["url"]).netloc
    static: dict[str, bytes] = {}
    api_calls: list[str] = []

    def on_response(response: Any) -> None:
        url = urlsplit(response.url)
        if url.netloc != origin:
            return
        if url.path.startswith("/agent/"):
            api_calls.append(f"{response.request.method} {url.path}")
        elif response.status == 200 and not url.path.startswith(("/public/", "/_local/", "/config.json")):
            try:
                static[url.path] = response.body()
            except Exception:  # a response without a body (redirect): nothing to count
                pass

    page.on("response", on_response)
    login = stack["logins"]["admin"]
    page.goto(stack["url"])
    page.get_by_test_id("signin-email").fill(login["username"])
    page.get_by_test_id("signin-password").fill(login["password"])
    page.get_by_test_id("signin-submit").click()
    page.get_by_test_id("thread-row").nth(24).wait_for()

    by_type: dict[str, list[int]] = {}
    for path, body in static.items():
        kind = Path(path).suffix.lstrip(".") or "html"
        sizes = by_type.setdefault(kind, [0, 0, 0])
        sizes[0] += 1
        sizes[1] += len(body)
        sizes[2] += len(gzip.compress(body, compresslevel=6))
    print("\nbytes the page loads (signed in, list drawn):")
    print(f"  {'type':<6}{'files':>6}{'raw':>10}{'gzip':>10}")
    for kind, (files, raw, packed) in sorted(by_type.items()):
        print(f"  {kind:<6}{files:>6}{raw:>10,}{packed:>10,}")
    total_raw = sum(v[1] for v in by_type.values())
    total_gzip = sum(v[2] for v in by_type.values())
    print(f"  {'total':<6}{sum(v[0] for v in by_type.values()):>6}{total_raw:>10,}{total_gzip:>10,}")

    list_times, thread_times = [], []
    list_calls: list[str] = []
    thread_calls: list[str] = []
    for _ in range(RUNS):
        api_calls.clear()
        page.reload()
        page.get_by_test_id("thread-row").nth(24).wait_for()
        list_times.append(page.evaluate("window.__listDrawnAt"))
        page.wait_for_load_state("networkidle")  # what loads after the list (filters' choices, options)
        list_calls = list(api_calls)

        api_calls.clear()
        page.get_by_test_id("thread-link").nth(3).click()
        page.get_by_test_id("message").first.wait_for()
        thread_times.append(page.evaluate("window.__threadDrawnAt - window.__clickedAt"))
        thread_calls = list(api_calls)
        page.go_back()
        page.get_by_test_id("thread-row").first.wait_for()

    print(f"\nwith {THREADS:,} threads, median of {RUNS} runs:")
    print(f"  navigation → list drawn (25 rows):  {statistics.median(list_times):7.0f} ms   (min {min(list_times):.0f}, max {max(list_times):.0f})")
    print(f"  click → thread drawn:               {statistics.median(thread_times):7.0f} ms   (min {min(thread_times):.0f}, max {max(thread_times):.0f})")
    api_list, api_thread = api_times(stack, int(page.get_by_test_id("thread-row").nth(3).get_attribute("data-number")))
    print(f"  of which the API alone (GET /v1/threads?limit=25: {api_list:.0f} ms, GET /v1/threads/N: {api_thread:.0f} ms, median, from Python)")
    print(f"  API requests for the list screen (all of it): {len(list_calls)} ({', '.join(sorted(set(list_calls)))})")
    print(f"  API requests for a thread:        {len(thread_calls)} ({', '.join(sorted(set(thread_calls)))})")
    context.close()


def api_times(stack: dict[str, Any], number: int) -> tuple[float, float]:
    """The two main API calls timed without the browser: what the page's figures owe to the API."""
    import requests

    from tests.integration.conftest import sign_in

    headers = {"Authorization": f"Bearer {sign_in(stack, 'admin')}"}

    def timed(path: str) -> float:
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            requests.get(stack["agents_api"] + path, headers=headers, timeout=30).raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    return timed("/v1/threads?limit=25"), timed(f"/v1/threads/{number}")


if __name__ == "__main__":
    main()
