"""Error pages, security headers and the health check."""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from engine.errors import Conflict
from web.app import create_app


def test_unknown_pages_get_the_gov_uk_404_page(signed_in):
    response = signed_in.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Traceback" not in page
    assert "Signed in as" in page


def test_a_get_of_a_post_only_url_is_not_found(signed_in):
    assert signed_in.get("/tasks/abc/claim").status_code == 404


def test_an_unexpected_error_is_a_500_page_without_a_traceback(session):
    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint")
    app = create_app({"SESSION_FACTORY": factory, "SECRET_KEY": "x", "TESTING": True, "RENDER_500_IN_TESTS": True})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    boom.intervene_access = "public"
    app.logger.disabled = True
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page and "secret detail" not in page


def test_a_conflict_is_shown_plainly(session):
    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint")
    app = create_app({"SESSION_FACTORY": factory, "SECRET_KEY": "x", "TESTING": True})

    @app.get("/clash")
    def clash():
        raise Conflict("case 7 was changed by someone else at the same time; reload it and try again")

    clash.intervene_access = "public"
    response = app.test_client().get("/clash")
    assert response.status_code == 409
    assert "case 7 was changed by someone else" in response.get_data(as_text=True)


def test_pages_carry_security_headers_and_a_nonce_for_the_one_inline_script(browser):
    response = browser.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_health(browser):
    response = browser.get("/api/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_public_pages(browser):
    assert "Accessibility statement for Intervene" in browser.text("/accessibility")
    assert "intervene_session" in browser.text("/cookies")
    assert "You have signed out" in browser.text("/signed-out")


def test_a_secret_key_is_made_once_and_kept_out_of_git(tmp_path, monkeypatch, session):
    monkeypatch.delenv("INTERVENE_SECRET_KEY", raising=False)
    factory = sessionmaker(bind=session.connection())
    import web.app as web_app

    monkeypatch.setattr(web_app, "WEB", tmp_path / "web")
    first = create_app({"SESSION_FACTORY": factory})
    second = create_app({"SESSION_FACTORY": factory})
    key_file = tmp_path / "instance" / "secret_key"
    assert first.secret_key == second.secret_key == key_file.read_text()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
