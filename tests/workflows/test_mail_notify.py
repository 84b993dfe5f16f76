"""GOV.UK Notify: the real client, its HTTP pointed at a stub of the Notify API on 127.0.0.1."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from engine.db import transaction, utcnow
from engine.outbox import LEASE, Message, enqueue, send_due
from engine.outbox_models import OutboxMessage
from workflows.mail import NotifySender, sender_from_env
from workflows.reminders import BEFORE_5, DIGEST

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"intervene_test-{SERVICE_ID}-{SECRET}"
REMINDER_TEMPLATE, DIGEST_TEMPLATE = str(uuid.uuid4()), str(uuid.uuid4())


class NotifyStub(BaseHTTPRequestHandler):
    posted: list[dict] = []

    def _reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):  # noqa: N802 - http.server's name
        assert self.path == "/v2/notifications/email" and self.headers["Authorization"].startswith("Bearer ")
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body["id"] = str(uuid.uuid4())
        self.posted.append(body)
        self._reply(201, {"id": body["id"], "reference": body.get("reference"), "content": {}, "uri": "",
                          "template": {"id": body["template_id"], "version": 1, "uri": ""}})

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        assert url.path == "/v2/notifications"
        reference = parse_qs(url.query).get("reference", [None])[0]
        found = [{"id": p["id"], "reference": p["reference"]} for p in self.posted if p.get("reference") == reference]
        self._reply(200, {"notifications": found, "links": {}})

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def notify():
    NotifyStub.posted = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotifyStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", NotifyStub.posted
    server.shutdown()
    server.server_close()


def queue(factory, kind: str, key: str) -> None:
    with transaction(factory) as session:
        enqueue(session, Message(key=key, kind=kind, recipient="ann.adviser@trafford.gov.uk", subject="Due soon",
                                 body="The deadline is due.", data={"due_on": "5 January 2027"}))


class Killed(BaseException):
    pass


def test_a_reminder_goes_to_notify_with_its_template_personalisation_and_reference(committed, notify,
                                                                                     monkeypatch):
    base_url, posted = notify
    monkeypatch.setenv("INTERVENE_NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("INTERVENE_NOTIFY_BASE_URL", base_url)
    monkeypatch.setenv("INTERVENE_NOTIFY_REMINDER_TEMPLATE_ID", REMINDER_TEMPLATE)
    monkeypatch.setenv("INTERVENE_NOTIFY_DIGEST_TEMPLATE_ID", DIGEST_TEMPLATE)
    sender, where = sender_from_env()
    assert where == "email by GOV.UK Notify"
    queue(committed, BEFORE_5, "deadline:7:before5:2026-12-24:ann")
    queue(committed, DIGEST, "digest:3:2026-12-24")
    assert send_due(committed, "w", sender) == 2
    assert [(p["template_id"], p["reference"]) for p in posted] == [
        (REMINDER_TEMPLATE, "deadline:7:before5:2026-12-24:ann"), (DIGEST_TEMPLATE, "digest:3:2026-12-24")]
    assert posted[0]["email_address"] == "ann.adviser@trafford.gov.uk"
    assert posted[0]["personalisation"] == {"subject": "Due soon", "body": "The deadline is due.",
                                            "due_on": "5 January 2027"}
    with transaction(committed) as session:
        ids = set(session.scalars(select(OutboxMessage.provider_id)))
    assert ids == {p["id"] for p in posted}


def test_killed_between_notify_accepting_and_the_record_the_next_worker_finds_it_by_reference(committed, notify):
    base_url, posted = notify
    sender = NotifySender(API_KEY, REMINDER_TEMPLATE, DIGEST_TEMPLATE, base_url=base_url)
    queue(committed, BEFORE_5, "deadline:7:before5:2026-12-24:ann")

    def send_then_die(message, maybe_sent):
        sender(message, maybe_sent)
        raise Killed

    with pytest.raises(Killed):
        send_due(committed, "dies", send_then_die)
    assert len(posted) == 1
    assert send_due(committed, "next", sender, now=utcnow() + LEASE + timedelta(seconds=1)) == 1
    assert len(posted) == 1  # found by its reference, not sent again
    with transaction(committed) as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.sent_at is not None and row.provider_id == posted[0]["id"]
