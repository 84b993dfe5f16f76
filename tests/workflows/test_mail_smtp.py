"""SMTP and the development outbox folder: what each guarantees when a worker dies mid-send."""
from __future__ import annotations

import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest

from engine.db import transaction, utcnow
from engine.outbox import LEASE, Message, enqueue, send_due
from workflows.mail import FolderSender, SmtpSender, sender_from_env


class SmtpStub(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every DATA accepted is kept in `received`."""
    received: list[bytes] = []

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 stub")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.reply("354 go on")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.received.append(body)
                self.reply("250 accepted")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp():
    SmtpStub.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], SmtpStub.received
    server.shutdown()
    server.server_close()


class Killed(BaseException):
    pass


def queue(factory) -> None:
    with transaction(factory) as session:
        enqueue(session, Message(key="deadline:7:deadline_missed:2027-01-06:ann", kind="deadline_missed",
                                 recipient="ann.adviser@trafford.gov.uk", subject="Missed", body="It was missed."))


def kill_after_sending(factory, sender) -> None:
    def send_then_die(message, maybe_sent):
        sender(message, maybe_sent)
        raise Killed

    with pytest.raises(Killed):
        send_due(factory, "dies", send_then_die)


def test_smtp_cannot_be_asked_so_a_kill_after_sending_delivers_twice_with_one_message_id(committed, smtp,
                                                                                         monkeypatch):
    port, received = smtp
    monkeypatch.delenv("INTERVENE_NOTIFY_API_KEY", raising=False)
    monkeypatch.setenv("INTERVENE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INTERVENE_SMTP_PORT", str(port))
    sender, where = sender_from_env()
    assert isinstance(sender, SmtpSender) and where == "email by SMTP via 127.0.0.1"
    queue(committed)
    kill_after_sending(committed, sender)
    assert send_due(committed, "next", sender, now=utcnow() + LEASE + timedelta(seconds=1)) == 1
    assert len(received) == 2  # at least once, never lost: the documented limit of SMTP
    ids = {message_from_bytes(body)["Message-ID"] for body in received}
    assert len(ids) == 1  # the same message to a client that deduplicates


def test_the_outbox_folder_rewrites_the_same_file_after_a_kill(committed, tmp_path, monkeypatch):
    monkeypatch.delenv("INTERVENE_NOTIFY_API_KEY", raising=False)
    monkeypatch.delenv("INTERVENE_SMTP_HOST", raising=False)
    monkeypatch.setenv("INTERVENE_OUTBOX_DIR", str(tmp_path))
    sender, where = sender_from_env()
    assert isinstance(sender, FolderSender) and where == f"email written to {tmp_path}"
    queue(committed)
    kill_after_sending(committed, sender)
    assert send_due(committed, "next", sender, now=utcnow() + LEASE + timedelta(seconds=1)) == 1
    assert [f.name for f in tmp_path.iterdir()] == ["deadline_7_deadline_missed_2027-01-06_ann.eml"]
