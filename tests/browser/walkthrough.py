"""What the two walk-throughs of issue 9 share: the demo organisation (its schools, its officers, the
shipped routes), one browser per officer kept signed in as an officer at a desk would be, and a tally
of what the officers did: sign-ins, clicks (a click, a tick, a choice from a list), text boxes typed
and date boxes typed. Every page visited is saved at 1280 and 390 px under tests/browser/screenshots/
to look at, with axe-core run on the wide one."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, expect

from workflows.demo import DEMO_PASSWORD, demo_email, deploy_all, ensure_users
from workflows.schools import load_demo_schools

from .conftest import SCREENSHOTS
from .test_journey import check

NARROW = 390


def load_demo_organisations(session) -> None:
    """What `make run` loads, without the demo cases: the walk-through starts from an empty inbox."""
    load_demo_schools(session)
    ensure_users(session)
    deploy_all(session)


@dataclass
class Walk:
    """The officers' browsers and the tally of what they did."""

    new_page: object
    prefix: str
    tally: Counter = field(default_factory=Counter)
    pages: dict[str, Page] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    signed_out: set[str] = field(default_factory=set)

    def officer(self, role: str, domain: str = "trafford") -> Page:
        """The officer's own browser, signed in once (the first time they are needed)."""
        if role not in self.pages or role in self.signed_out:
            page = self.pages[role] if role in self.pages else self.new_page()
            self.signed_out.discard(role)
            page.goto("/sign-in")
            self.fill(page.get_by_label("Email address"), demo_email(role, domain))
            self.fill(page.get_by_label("Password", exact=True), DEMO_PASSWORD)
            self.click(page.get_by_role("button", name="Sign in"))
            expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
            self.tally["sign-ins"] += 1
            self.pages[role] = page
        return self.pages[role]

    def weeks_pass(self) -> None:
        """A statutory period runs for weeks: the officers' sessions have ended and they sign in again."""
        for page in self.pages.values():
            page.context.clear_cookies()
        self.signed_out.update(self.pages)

    def click(self, target: Locator) -> None:
        target.click()
        self.tally["clicks"] += 1

    def check(self, target: Locator) -> None:
        target.check()
        self.tally["clicks"] += 1

    def choose(self, target: Locator, value: str) -> None:
        target.select_option(value)
        self.tally["clicks"] += 1

    def fill(self, target: Locator, text: str) -> None:
        target.fill(text)
        self.tally["text boxes"] += 1

    def date(self, page: Page, name: str, iso: str) -> None:
        """Type a date into its three boxes (day, month, year)."""
        year, month, day = iso.split("-")
        for part, value in (("day", str(int(day))), ("month", str(int(month))), ("year", year)):
            page.locator(f"#{name}-{part}").fill(value)
            self.tally["date boxes"] += 1

    def yes_no(self, page: Page, name: str, answer: bool) -> None:
        self.check(page.locator(f"input[name='{name}'][value='{'yes' if answer else 'no'}']"))

    def pick(self, page: Page, name: str, value: str) -> None:
        """One of a field's radios, by the value it records."""
        self.check(page.locator(f"input[name='{name}'][value='{value}']"))

    def open_task(self, page: Page, school: str, task: str) -> None:
        """From the inbox the officer signed in to, the task for the school."""
        if not page.url.endswith("/inbox"):
            self.click(page.get_by_role("link", name="Inbox", exact=True))
        row = page.locator("tbody tr", has_text=school).filter(has=page.get_by_role("link", name=task, exact=True))
        self.click(row.get_by_role("link", name=task, exact=True))
        expect(page.get_by_role("heading", name=task)).to_be_visible()

    def look(self, page: Page, name: str) -> None:
        """Screenshots at 1280 and 390 px (axe on the first); the page must not scroll sideways."""
        name = f"{self.prefix}-{len(self.seen) + 1:02d}-{name}"
        self.seen.append(name)
        # GOV.UK Frontend sets aria-expanded on a radio that reveals fields, which ARIA does not list
        # for radios: a known issue it keeps on purpose (alphagov/govuk-frontend#979, screen readers
        # announce it). axe judges the page without that one attribute; everything else stands.
        expanded = page.evaluate("""() => [...document.querySelectorAll('.govuk-radios__input[aria-expanded]')]
            .map(input => { const value = input.getAttribute('aria-expanded');
                            input.removeAttribute('aria-expanded'); return [input.id, value]; })""")
        check(page, name)
        page.evaluate("""(pairs) => pairs.forEach(([id, value]) =>
            document.getElementById(id).setAttribute('aria-expanded', value))""", expanded)
        size = page.viewport_size
        page.set_viewport_size({"width": NARROW, "height": 844})
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(size)
        assert width <= NARROW, f"{name} scrolls sideways at {NARROW} px ({width} px wide)"

    def complete(self, page: Page, button: str = "Complete step") -> None:
        self.click(page.get_by_role("button", name=button))
        expect(page.locator(".govuk-panel--confirmation")).to_be_visible()


def next_step_text(page: Page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())
