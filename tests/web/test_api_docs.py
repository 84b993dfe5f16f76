"""The API's OpenAPI document and its page for people (issue 11 point 6)."""
from __future__ import annotations

import html


def test_the_openapi_document_is_openapi_3_with_a_bearer_scheme(app):
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token"}
    assert spec["security"] == [{"bearerToken": []}]
    assert all(path.startswith("/api/v1/") for path in spec["paths"])


def test_the_docs_page_lists_every_operation_from_the_document_and_loads_nothing_from_elsewhere(app, signed_in):
    spec = app.test_client().get("/api/openapi.json").get_json()
    page = html.unescape(signed_in.text("/api/docs"))
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                assert f"{method.upper()} {path}" in page, (method, path)
                assert operation["summary"] in page, (method, path)
    assert "cdn" not in page.lower() and "https://" not in page.split("</header>")[1]
    assert 'href="/api/openapi.json"' in page


def test_the_token_page_links_to_the_docs_and_every_page_links_to_the_token_page(signed_in):
    assert 'href="/api/docs"' in signed_in.text("/account/tokens")
    assert 'href="/account/tokens"' in signed_in.text("/inbox")
