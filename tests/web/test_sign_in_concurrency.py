"""Sign-in under load: argon2 runs outside any write transaction, and failed sign-ins arriving
together are all counted without a 500 (real threads, real commits, SQLite and PostgreSQL)."""
from __future__ import annotations

import threading

from sqlalchemy import select

from engine.db import transaction
from workflows import accounts
from workflows.account_models import LoginThrottle

from .conftest import EMAIL
from .factories import Browser
from .test_transactions import no_write_transaction_open

#: Below the email's limit of five, so every failure is counted, none refused as locked.
TOGETHER = 4


def test_the_password_is_checked_outside_any_write_transaction(real_app, committed, monkeypatch):
    seen: list[bool] = []
    verify = accounts.verify_password

    def checking(user, password):
        seen.append(no_write_transaction_open(committed))
        return verify(user, password)

    monkeypatch.setattr(accounts, "verify_password", checking)
    browser = Browser(real_app.test_client())
    browser.sign_in(EMAIL)  # the right password: a write follows (last signed in)
    assert browser.post("/sign-in", {"email": EMAIL, "password": "wrong password!"}).status_code == 400
    assert seen == [True, True]


def test_failures_arriving_together_are_all_counted_and_none_answers_500(real_app, committed, monkeypatch):
    """Every attempt reaches the password check before any counts its failure: the read-then-write
    count lost increments (PostgreSQL) or inserted one key twice (IntegrityError, a 500)."""
    everyone_checked = threading.Barrier(TOGETHER, timeout=10)
    verify = accounts.verify_password

    def together(user, password):
        everyone_checked.wait()
        return verify(user, password)

    monkeypatch.setattr(accounts, "verify_password", together)
    browsers = [Browser(real_app.test_client()) for _ in range(TOGETHER)]
    forms = [{"email": EMAIL, "password": "wrong password!", "csrf_token": b.token()} for b in browsers]
    answers: list[int] = []

    def attempt(index: int) -> None:
        answers.append(browsers[index].client.post("/sign-in", data=forms[index]).status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(TOGETHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [400] * TOGETHER
    with transaction(committed) as session:
        counted = dict(session.execute(select(LoginThrottle.key, LoginThrottle.failures)).all())
    assert counted == {f"email:{EMAIL}": TOGETHER, "ip:127.0.0.1": TOGETHER}
