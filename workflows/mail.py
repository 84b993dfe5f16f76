"""How the outbox's messages leave: GOV.UK Notify, else SMTP, else .eml files in a folder.

Chosen by the environment (`sender_from_env`):
- INTERVENE_NOTIFY_API_KEY (with INTERVENE_NOTIFY_REMINDER_TEMPLATE_ID and
  INTERVENE_NOTIFY_DIGEST_TEMPLATE_ID; INTERVENE_NOTIFY_BASE_URL optional): each template shows
  ((subject)) and ((body)). The message key is sent as Notify's `reference`; on a retry after an
  attempt that may have gone through, Notify is asked for a notification with that reference first,
  so a worker killed between send and record does not send twice.
- INTERVENE_SMTP_HOST (INTERVENE_SMTP_PORT, _USERNAME, _PASSWORD, INTERVENE_MAIL_FROM): SMTP has no
  way to ask whether a message went, so a kill between the server accepting it and the record can
  deliver it twice (at least once). Its Message-ID is derived from the key, so the copies are the
  same message to mail clients that deduplicate on it.
- Otherwise each message is written to INTERVENE_OUTBOX_DIR (default instance/outbox), one .eml a
  message named by its key: rewriting it on a retry gives the same file, never a second one.
"""
from __future__ import annotations

import hashlib
import os
import re
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from engine.clock import LOCAL_TZ
from engine.db import utcnow
from engine.outbox import Sender, send_due
from engine.outbox_models import OutboxMessage

from .reminders import DIGEST, enqueue_reminders

MAIL_FROM = os.environ.get("INTERVENE_MAIL_FROM", "intervene@localhost")


def default_outbox_dir() -> Path:
    return Path(os.environ.get("INTERVENE_OUTBOX_DIR") or Path.cwd() / "instance" / "outbox")


def as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = MAIL_FROM, message.recipient, message.subject
    email["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@intervene>"
    email.set_content(message.body)
    return email


class FolderSender:
    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, message: OutboxMessage, maybe_sent: bool) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / (re.sub(r"[^A-Za-z0-9._-]+", "_", message.key) + ".eml")
        partial = path.with_suffix(".eml.part")
        partial.write_bytes(as_email(message).as_bytes())
        os.replace(partial, path)  # whole or absent: a reader never sees half a message
        return str(path)


class SmtpSender:
    def __init__(self, host: str, port: int, username: str | None, password: str | None):
        self.host, self.port, self.username, self.password = host, port, username, password

    def __call__(self, message: OutboxMessage, maybe_sent: bool) -> str:
        email = as_email(message)
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.username:
                smtp.starttls()
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)
        return str(email["Message-ID"])


class NotifySender:
    def __init__(self, api_key: str, reminder_template_id: str, digest_template_id: str,
                 base_url: str | None = None):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = (NotificationsAPIClient(api_key, base_url=base_url) if base_url
                       else NotificationsAPIClient(api_key))
        self.templates = {"reminder": reminder_template_id, "digest": digest_template_id}

    def _already_sent(self, reference: str) -> str | None:
        found = self.client.get_all_notifications(reference=reference).get("notifications", [])
        return str(found[0]["id"]) if found else None

    def __call__(self, message: OutboxMessage, maybe_sent: bool) -> str:
        if maybe_sent and (earlier := self._already_sent(message.key)):
            return earlier
        template = self.templates["digest" if message.kind == DIGEST else "reminder"]
        personalisation = {**{k: str(v) for k, v in (message.data or {}).items()},
                           "subject": message.subject, "body": message.body}
        response = self.client.send_email_notification(email_address=message.recipient, template_id=template,
                                                       personalisation=personalisation, reference=message.key)
        return str(response["id"])


def sender_from_env() -> tuple[Sender, str]:
    """The sender the environment configures, and a line saying where mail goes."""
    env = os.environ
    if env.get("INTERVENE_NOTIFY_API_KEY"):
        return NotifySender(env["INTERVENE_NOTIFY_API_KEY"], env.get("INTERVENE_NOTIFY_REMINDER_TEMPLATE_ID", ""),
                            env.get("INTERVENE_NOTIFY_DIGEST_TEMPLATE_ID", ""),
                            env.get("INTERVENE_NOTIFY_BASE_URL")), "email by GOV.UK Notify"
    if env.get("INTERVENE_SMTP_HOST"):
        return SmtpSender(env["INTERVENE_SMTP_HOST"], int(env.get("INTERVENE_SMTP_PORT", "25")),
                          env.get("INTERVENE_SMTP_USERNAME"), env.get("INTERVENE_SMTP_PASSWORD")), \
            f"email by SMTP via {env['INTERVENE_SMTP_HOST']}"
    folder = default_outbox_dir()
    return FolderSender(folder), f"email written to {folder}"


#: Minutes between runs of the reminders job: it works out today's reminders (the outbox keys make
#: every run after the day's first add nothing) and sends what is unsent.
REMINDERS_EVERY_MINUTES = 5.0
#: The day's reminders and digests are worked out from this hour (Europe/London), not at midnight.
REMINDERS_FROM_HOUR = 7


def reminders_job(factory: sessionmaker[Session], worker_id: str, sender: Sender) -> Callable[[], int]:
    def run() -> int:
        if utcnow().astimezone(LOCAL_TZ).hour >= REMINDERS_FROM_HOUR:  # not in the small hours
            enqueue_reminders(factory)
        return send_due(factory, worker_id, sender)
    return run
