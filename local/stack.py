"""`make run`: the whole product on this machine, with no AWS account.

moto's server is the AWS, Dovecot holds the shop's mailboxes (local/dovecot.py: passwords, and OAuth2
tokens that the local OAuth2 server vouches for; pymap, with passwords only, when Dovecot is not
installed), a gateway serves the agents' page and turns HTTP into API Gateway events, and a timer
runs the mail sync every minute.
Ports come from SHOPDESK_PORT (gateway, 8000), SHOPDESK_MOTO_PORT (4566), SHOPDESK_IMAP_PORT
(1143), SHOPDESK_SMTP_PORT (2525) and SHOPDESK_OAUTH2_PORT (9400); 0 picks a free port. The URLs and logins go to $SHOPDESK_STATE_DIR/stack.json (.local/).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from local.aws_setup import (
    DEMO_ADMIN,
    DEMO_AGENT,
    DEMO_PASSWORD,
    MAILBOX_PASSWORD,
    MAILBOX_USER,
    OAUTH_DEMO_PASSWORD,
    OAUTH_DEMO_USER,
    function_environment,
    provision,
)
from local.template import ROOT

HOST = "127.0.0.1"
SYNC_INTERVAL_SECONDS = 60
IMAP_SYNC_FUNCTION = "shopdesk-imap-sync"
SES_INBOUND_FUNCTION = "shopdesk-ses-inbound"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _port(variable: str, default: int) -> int:
    value = int(os.environ.get(variable, default))
    return value or free_port()


def wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on {HOST}:{port} after {seconds} s")


def import_handlers() -> tuple[Any, Any, Any]:
    """The three functions' handlers, imported the way Lambda would, from their own folders."""
    for folder in ("layers/common", "functions/contact_form", "functions/threads_api", "functions/imap_sync"):
        path = str(ROOT / folder)
        if path not in sys.path:
            sys.path.insert(0, path)
    return (
        importlib.import_module("contact_form_app").handler,
        importlib.import_module("threads_api_app").handler,
        importlib.import_module("imap_sync_app").handler,
    )


def _ses_inbound_handler() -> Any:
    """The SES inbound function's handler, imported from its own folder as Lambda would."""
    path = str(ROOT / "functions/ses_inbound")
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module("ses_inbound_app").handler


class LocalStack:
    def __init__(self) -> None:
        self.state_dir = Path(os.environ.get("SHOPDESK_STATE_DIR", ROOT / ".local"))
        self.gateway_port = _port("SHOPDESK_PORT", 8000)
        self.moto_port = _port("SHOPDESK_MOTO_PORT", 4566)
        self.imap_port = _port("SHOPDESK_IMAP_PORT", 1143)
        self.smtp_port = _port("SHOPDESK_SMTP_PORT", 2525)
        self.oauth2_port = _port("SHOPDESK_OAUTH2_PORT", 9400)
        self.submission_port = _port("SHOPDESK_SUBMISSION_PORT", 2587)
        self._oauth2: Any = None
        self._smtp: Any = None
        self._submission: Any = None
        self._stopping = threading.Event()
        self._imap_process: subprocess.Popen[bytes] | None = None
        self._dovecot: Any = None
        self.imap_server = "pymap"
        self.imap_note = ""
        self._moto: Any = None
        self._gateway: Any = None

    def start(self) -> dict[str, Any]:
        # Mailboxes by OAuth2: a local authorization server plays Google and Microsoft (local/oauth2_server.py).
        from local.oauth2_server import LocalOAuthServer

        self._oauth2 = LocalOAuthServer(self.oauth2_port)
        # The IMAP server starts in its own process while moto starts and is provisioned in this one.
        self._start_imap_server()
        from moto.server import ThreadedMotoServer

        from local import moto_transactions

        moto_transactions.install()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = ThreadedMotoServer(ip_address=HOST, port=self.moto_port, verbose=False)
        self._moto.start()
        endpoint = f"http://{HOST}:{self.moto_port}"
        resources = provision(endpoint)
        os.environ.update(function_environment(resources))
        # "Run sync" invokes the sync function through Lambda's API, which the gateway answers here.
        os.environ.update({"IMAP_SYNC_FUNCTION": IMAP_SYNC_FUNCTION, "AWS_ENDPOINT_URL_LAMBDA": f"http://{HOST}:{self.gateway_port}"})
        self._oauth2.start()
        gateway = f"http://{HOST}:{self.gateway_port}"
        os.environ.update({
            "OAUTH2_ENDPOINT_BASE": self._oauth2.base_url,
            "OAUTH2_REDIRECT_URI": f"{gateway}/agent/v1/mailboxes/oauth2/callback",
            "OAUTH2_DONE_URL": f"{gateway}/",
            "OAUTH2_IMAP_SERVER": f"{HOST}:{self.imap_port}",  # a connected mailbox never reaches Gmail from here
            "OAUTH2_SMTP_SERVER": f"{HOST}:{self.submission_port}",  # nor smtp.gmail.com: replies "sent from the account" land here
        })

        self._wait_for_imap_server()

        public_handler, agents_handler, sync_handler = import_handlers()
        self._point_mailbox_settings_at_local_imap()

        from local.gateway import Gateway
        from local.jwt_check import JwtVerifier
        from local.mail_outbox import sent_messages

        issuer = f"https://cognito-idp.{resources.region}.amazonaws.com/{resources.user_pool_id}"
        verifier = JwtVerifier(f"{endpoint}/{resources.user_pool_id}/.well-known/jwks.json", issuer, resources.user_pool_client_id)
        base = f"http://{HOST}:{self.gateway_port}"
        page_config = {
            "shopName": os.environ["SHOP_NAME"],
            "agentsApi": f"{base}/agent",
            "publicApi": f"{base}/public",
            "cognito": {
                "endpoint": endpoint + "/",
                "region": resources.region,
                "userPoolId": resources.user_pool_id,
                "clientId": resources.user_pool_client_id,
            },
        }
        self._gateway = Gateway(
            (HOST, self.gateway_port), ROOT / "web", public_handler, agents_handler, verifier, page_config, sent_messages, endpoint,
            functions={IMAP_SYNC_FUNCTION: sync_handler, SES_INBOUND_FUNCTION: _ses_inbound_handler()},
        )
        threading.Thread(target=self._gateway.serve_forever, name="gateway", daemon=True).start()
        threading.Thread(target=self._sync_every_minute, args=(sync_handler,), name="imap-sync-timer", daemon=True).start()
        # SES receiving, played locally: an SMTP port that stores each mail in S3 and invokes the inbound function.
        from local import smtp_inbound

        self._smtp = smtp_inbound.start(HOST, self.smtp_port, os.environ["ATTACHMENTS_BUCKET"], endpoint, base, resources.region)
        # The providers' submission servers, played locally: XOAUTH2 by introspection, mail into the sent-mail page.
        from local import smtp_submission

        self._submission = smtp_submission.start(HOST, self.submission_port, f"{self._oauth2.base_url}/introspect")

        state = {
            "url": base + "/",
            "agents_api": f"{base}/agent",
            "public_api": f"{base}/public",
            "sent_mail": f"{base}/_local/sent-mail",
            "demo_shop": f"{base}/demo-shop/",
            "aws_endpoint": endpoint,
            "imap": {"host": HOST, "port": self.imap_port, "user": MAILBOX_USER, "password": MAILBOX_PASSWORD},
            "smtp": {"host": HOST, "port": self.smtp_port},
            "submission": {"host": HOST, "port": self.submission_port},
            "imap_server": self.imap_server,
            "imap_note": self.imap_note,
            "oauth2": {
                "base_url": self._oauth2.base_url,
                "introspection_url": f"{self._oauth2.base_url}/introspect",
                # Dovecot only: the account to connect with "Connect with Google/Microsoft"; a mail client
                # delivers to its mailbox with this password, the desk reads it by XOAUTH2.
                "demo_account": {"user": OAUTH_DEMO_USER, "password": OAUTH_DEMO_PASSWORD} if self.imap_server == "dovecot" else None,
            },
            "logins": {
                "admin": {"username": DEMO_ADMIN, "password": DEMO_PASSWORD},
                "agent": {"username": DEMO_AGENT, "password": DEMO_PASSWORD},
            },
            "resources": resources.to_dict(),
            "pid": os.getpid(),
        }
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "config.json").write_text(json.dumps(page_config, indent=2))
        state_file = self.state_dir / "stack.json"
        state_file.write_text(json.dumps(state, indent=2))
        return state

    def _start_imap_server(self) -> None:
        """Dovecot when it is installed (passwords and XOAUTH2 through the local OAuth2 server's
        introspection), else pymap (passwords only: an OAuth2 mailbox cannot log in)."""
        from local import dovecot

        if dovecot.installed():
            self._dovecot = dovecot.Dovecot(
                {MAILBOX_USER: MAILBOX_PASSWORD, OAUTH_DEMO_USER: OAUTH_DEMO_PASSWORD},
                port=self.imap_port,
                oauth2_introspection_url=f"{self._oauth2.base_url}/introspect",
            )
            self._dovecot.launch()
            self.imap_server = "dovecot"
            return
        self.imap_note = f"{dovecot.BINARY} is not installed: pymap holds the mailbox, and mailboxes connected with Google/Microsoft cannot log in (make system-packages installs Dovecot)"
        self._start_pymap()

    def _start_pymap(self) -> None:
        self.imap_server = "pymap"
        self._imap_process = subprocess.Popen(
            [
                sys.executable, "-c", "import sys; from pymap.main import main; sys.exit(main())",
                "--host", HOST, "--port", str(self.imap_port), "dict",
                "--demo-user", MAILBOX_USER, "--demo-password", MAILBOX_PASSWORD,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _wait_for_imap_server(self) -> None:
        if self._dovecot is not None:
            try:
                self._dovecot.wait()
                return
            except RuntimeError as error:  # e.g. a user Dovecot will not run as: the password mailbox still works
                self._dovecot = None
                self.imap_note = f"Dovecot did not start, so pymap holds the mailbox and mailboxes connected with Google/Microsoft cannot log in: {error}"
                self._start_pymap()
        wait_for_port(self.imap_port)

    def _point_mailbox_settings_at_local_imap(self) -> None:
        from shopdesk.store.models import ImapSettings
        from shopdesk.store.settings import load_settings

        settings = load_settings()
        settings.imap = ImapSettings(
            host=HOST, port=self.imap_port, user=MAILBOX_USER, security="none", verify_certificate=False, folder="INBOX",
            password_set=True,  # provision() put the mailbox's password in the secret
        )
        settings.save()

    def _sync_every_minute(self, sync_handler: Any) -> None:
        from local.gateway import LambdaContext

        while not self._stopping.wait(SYNC_INTERVAL_SECONDS):
            try:
                sync_handler({"source": "local.timer"}, LambdaContext(seconds=300))
            except Exception as error:  # the timer keeps going, as EventBridge would
                print(f"imap sync failed: {error}", file=sys.stderr)

    def stop(self) -> None:
        self._stopping.set()
        if self._smtp is not None:
            self._smtp.stop()
        if self._submission is not None:
            self._submission.stop()
        if self._gateway is not None:
            self._gateway.shutdown()
            self._gateway.server_close()
        if self._imap_process is not None:
            self._imap_process.terminate()
            self._imap_process.wait(timeout=5)
        if self._dovecot is not None:
            self._dovecot.stop()
        if self._oauth2 is not None:
            self._oauth2.stop()
        if self._moto is not None:
            self._moto.stop()
        (self.state_dir / "stack.json").unlink(missing_ok=True)


def main() -> None:
    stack = LocalStack()
    started = time.monotonic()
    state = stack.start()
    if os.environ.get("SHOPDESK_DEMO", "") not in ("", "0"):  # `make demo`: a believable shop (local/demo.py)
        from local.demo import fill

        print(f"Demo data: {fill(state)}", flush=True)
    admin, agent = state["logins"]["admin"], state["logins"]["agent"]
    demo_account = state["oauth2"]["demo_account"]
    oauth_line = (
        f"\n  OAuth2 mailbox   Connect with Google as {demo_account['user']}: the desk reads it by XOAUTH2 (Dovecot);"
        f"\n                   a mail client delivers to it on the IMAP port as {demo_account['user']} / {demo_account['password']}"
        if demo_account else f"\n  Note             {state['imap_note']}"
    )
    print(
        f"""
Shopdesk is running locally (ready in {time.monotonic() - started:.1f} s).

  Agents' page     {state['url']}
  Public API       {state['public_api']}/v1/contacts
  Agents' API      {state['agents_api']}/v1/me
  Sent mail (SES)  {state['sent_mail']}
  Demo storefront  {state['demo_shop']}  (the contact form widget)
  AWS (moto)       {state['aws_endpoint']}
  IMAP mailbox     {state['imap']['host']}:{state['imap']['port']}  ({state['imap']['user']} / {state['imap']['password']}; {state['imap_server']})
  SMTP (as SES)    {state['smtp']['host']}:{state['smtp']['port']}  (any mail client; the mail lands in its thread)
  OAuth2 (as Google/Microsoft)  {state['oauth2']['base_url']}  ("Connect with Google" approves at once){oauth_line}

  Demo admin       {admin['username']} / {admin['password']}
  Demo agent       {agent['username']} / {agent['password']}

Press Ctrl-C to stop.""",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping Shopdesk…", flush=True)
        stack.stop()


if __name__ == "__main__":
    main()
