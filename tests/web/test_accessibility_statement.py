"""The accessibility statement carries what the Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018 (reg. 8 and the model statement) require."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def statement(browser) -> str:
    return browser.text("/accessibility")


def _headings(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)]


def test_it_says_how_far_the_service_complies(statement):
    assert "Compliance status" in _headings(statement)
    assert re.search(r"This service is (fully|partially|not) compliant with the\s+"
                     r"<a[^>]*>Web Content Accessibility Guidelines version 2.2</a> AA standard", statement)


def test_it_lists_what_is_not_accessible_with_the_criteria_failed(statement):
    assert "Non-accessible content" in _headings(statement)
    assert "Non-compliance with the accessibility regulations" in statement
    assert re.search(r"WCAG 2\.2 success criterion \d+\.\d+\.\d+", statement)
    assert "Disproportionate burden" in statement


def test_it_says_how_to_report_a_problem_and_when_we_answer(statement):
    assert "Feedback and contact information" in _headings(statement)
    assert "Reporting accessibility problems with this service" in _headings(statement)
    assert re.search(r'href="mailto:[^"]+@[^"]+"', statement)
    assert "working days" in statement


def test_it_names_the_enforcement_procedure_for_each_nation(statement):
    assert "Enforcement procedure" in _headings(statement)
    assert "Equality and Human Rights Commission (EHRC)" in statement
    assert "Equality Advisory and Support Service (EASS)" in statement
    assert "Equality Commission for Northern Ireland (ECNI)" in statement
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018" \
        in statement


def test_it_says_when_it_was_prepared_and_last_reviewed_and_how_it_was_tested(statement):
    assert "Preparation of this accessibility statement" in _headings(statement)
    assert re.search(r"This statement was prepared on \d{1,2} [A-Z][a-z]+ \d{4}\. It was last reviewed on "
                     r"\d{1,2} [A-Z][a-z]+ \d{4}\.", statement)
    assert "390 pixels" in statement and "axe-core" in statement


def test_the_contact_address_comes_from_configuration(app, browser, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_EMAIL", "access@trafford.gov.uk")
    assert 'href="mailto:access@trafford.gov.uk"' in browser.text("/accessibility")
