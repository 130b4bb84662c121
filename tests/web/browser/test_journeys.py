"""Journeys through the served app in Debian's Chromium: signing in and out, being locked out after
repeated wrong passwords, being timed out (idle and absolute limits), and an axe-core accessibility
check of every page, all under the app's real Content-Security-Policy.

The accounts are the demonstration accounts `clearsight demo` prints, each used where it cannot upset
another test: the board member is locked out by the throttling test, and the QA lead's account is the
one that needs a second factor (conftest.py).
"""

from __future__ import annotations

import base64
import hmac
import re
import struct
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from served_app import LOGIN_FAILURES, SHORT_IDLE_SECONDS, SHORT_MAX_SECONDS, Demo, Server, Tab

pytestmark = pytest.mark.browser

SIGN_IN = "/account/sign-in/"
WRONG = "not the password"
# What an accessibility check must never find (axe-core's two worst impacts).
BLOCKING = {"serious", "critical"}
# Every row of a table is made by one line of its template, so the check reads the first 50 rows of a
# long list (the exceptions page shows up to 500, which would take axe-core many seconds to read).
SAME_AS_ABOVE = ".govuk-table__body > .govuk-table__row:nth-child(n+51)"
# After a wrong code, django-otp refuses any code for a second (doubling with each further failure).
THROTTLE_MS = 1500
# The top of a long page is enough to look at (a whole 500-row list takes seconds to capture).
SCREENSHOT_HEIGHT = 2400

Check = Callable[[Tab, str], None]


def heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def on_sign_in_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(re.escape(SIGN_IN)))
    heading(page, "Sign in to Clearsight")


def no_complaints(tab: Tab) -> None:
    """The page ran its own script (an external module) and nothing broke the Content-Security-Policy."""
    expect(tab.page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    assert not tab.complaints, "\n".join(tab.complaints)


def violations(page: Page, axe_source: str) -> list[dict]:
    """axe-core's violations of the page as it stands.

    axe is injected through Playwright's evaluate (the DevTools protocol), which the page's
    Content-Security-Policy does not govern. A `<script>` tag would be refused by that policy, and a
    context with `bypass_csp=True` would switch the policy off for the whole page, hiding the very
    inline-script breakage these tests look for; so neither is used.
    """
    assert page.evaluate(axe_source + "\n;typeof window.axe") == "object"
    return page.evaluate(
        """async (exclude) => {
            const results = await axe.run({exclude: [exclude]}, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        SAME_AS_ABOVE,
    )


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(
            f"{violation['impact']}: {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['summary']}")
    return "\n".join(lines)


@pytest.fixture
def check(axe_source: str, artefacts: Path) -> Check:
    """check(tab, name): the page now shown has no serious or critical accessibility violation and
    nothing broke its Content-Security-Policy; a screenshot is kept as `<name>.png`."""

    def check_page(tab: Tab, name: str) -> None:
        tab.page.wait_for_load_state("load")
        height = min(tab.page.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_HEIGHT)
        tab.page.screenshot(
            path=artefacts / f"{name}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": height},
        )
        found = violations(tab.page, axe_source)
        blocking = [violation for violation in found if violation["impact"] in BLOCKING]
        assert not blocking, f"axe-core on the {name} page ({tab.page.url}):\n{describe(blocking)}"
        if found:
            print(f"axe-core on the {name} page, minor or moderate:\n{describe(found)}")
        no_complaints(tab)

    return check_page


def test_signs_in_and_sees_the_home_page(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    tab = open_tab(server)
    analyst = demo.account("demo-analyst")

    tab.go("/")
    on_sign_in_page(tab.page)  # signed out, every page sends you to sign in first
    check(tab, "sign-in")

    tab.sign_in(analyst, password=WRONG)
    on_sign_in_page(tab.page)
    summary = tab.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct username and password")
    check(tab, "sign-in-error")

    tab.sign_in(analyst)
    expect(tab.page).to_have_url(server.url + "/")
    heading(tab.page, "Overview")
    expect(tab.page.locator("header")).to_contain_text("demo-analyst")
    expect(tab.page.get_by_role("link", name="See each child and acknowledge")).to_be_visible()
    check(tab, "home")


def test_signs_out(demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check):
    tab = open_tab(server)
    tab.sign_in(demo.account("demo-senior-leader"))
    heading(tab.page, "Overview")

    tab.go("/account/sign-out/")  # a link cannot sign anyone out: the page asks for the button
    heading(tab.page, "Sign out")
    check(tab, "sign-out")
    tab.page.get_by_role("main").get_by_role("button", name="Sign out").click()
    on_sign_in_page(tab.page)
    tab.go("/exceptions/")
    on_sign_in_page(tab.page)
    no_complaints(tab)


def test_is_locked_out_after_repeated_wrong_passwords(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    tab = open_tab(server)
    member = demo.account("demo-board-member")
    for _ in range(LOGIN_FAILURES - 1):
        tab.sign_in(member, password=WRONG)
        expect(tab.page.locator(".govuk-error-summary")).to_contain_text(
            "Enter a correct username and password"
        )

    tab.sign_in(member, password=WRONG)  # the last failure allowed locks the account...
    heading(tab.page, "Too many sign-in attempts")
    check(tab, "locked-out")
    tab.sign_in(member)  # ...and the right password is refused after it
    heading(tab.page, "Too many sign-in attempts")
    tab.go("/")
    on_sign_in_page(tab.page)  # not signed in
    no_complaints(tab)


def totp(key: str, at: float) -> str:
    """The 6-digit code an authenticator app shows for this base32 key at this time (RFC 6238)."""
    counter = struct.pack(">Q", int(at) // 30)
    mac = hmac.new(base64.b32decode(key), counter, "sha1").digest()
    offset = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def test_sets_up_and_is_asked_for_a_second_factor(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    tab = open_tab(server)
    lead = demo.account("demo-qa-lead")  # the one demonstration account made to need a second factor
    tab.sign_in(lead)
    expect(tab.page).to_have_url(re.compile("/account/two-factor/"))
    heading(tab.page, "Set up your authenticator app")
    check(tab, "two-factor-set-up")
    tab.go("/exceptions/")
    heading(tab.page, "Set up your authenticator app")  # nothing else until it is done

    code = tab.page.get_by_label("Code from your authenticator app")
    key = tab.page.locator("code").inner_text().strip()
    wrong = f"{(int(totp(key, time.time())) + 1) % 1_000_000:06d}"
    code.fill(wrong)
    tab.page.get_by_role("button", name="Continue").click()
    expect(tab.page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    check(tab, "two-factor-error")

    tab.page.wait_for_timeout(THROTTLE_MS)  # a code is not even tried this soon after a wrong one
    code.fill(totp(key, time.time()))
    tab.page.get_by_role("button", name="Continue").click()
    heading(tab.page, "Overview")
    expect(tab.page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your authenticator app is set up"
    )
    check(tab, "home-set-up")

    tab.page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    on_sign_in_page(tab.page)
    tab.sign_in(lead)
    heading(tab.page, "Enter the code from your authenticator app")
    check(tab, "two-factor-code")


def test_is_timed_out_when_idle_and_however_active(
    demo: Demo, short_server: Server, open_tab: Callable[[Server], Tab]
):
    """Two people on the server with short limits: one leaves the page alone past the idle limit, the
    other keeps using it until the absolute limit signs them out (both waits at once)."""
    idle, active = open_tab(short_server), open_tab(short_server)
    idle.sign_in(demo.account("demo-senior-leader"))
    idled_from = time.monotonic()
    heading(idle.page, "Overview")
    active_from = time.monotonic()
    active.sign_in(demo.account("demo-head-of-service"))
    heading(active.page, "Overview")

    deadline = active_from + SHORT_MAX_SECONDS + 10
    idle_checked = False
    while SIGN_IN not in active.page.url:  # a request every second, well within the idle limit
        assert time.monotonic() < deadline, f"still signed in {SHORT_MAX_SECONDS + 10} s after signing in"
        active.page.wait_for_timeout(1000)
        active.page.reload()
        if not idle_checked and time.monotonic() - idled_from > SHORT_IDLE_SECONDS + 1.5:
            idle.page.reload()
            on_sign_in_page(idle.page)
            expect(idle.page.locator(".govuk-inset-text")).to_have_count(0)  # idle, not the absolute limit
            idle_checked = True

    assert idle_checked
    assert time.monotonic() - active_from >= SHORT_MAX_SECONDS
    on_sign_in_page(active.page)
    expect(active.page.locator(".govuk-inset-text")).to_contain_text("your session reached its time limit")
    no_complaints(idle)
    no_complaints(active)


# The other pages: how to reach each from a fresh browser context, and the heading it must show.
def _exceptions(tab: Tab, demo: Demo) -> None:
    tab.sign_in(demo.account("demo-analyst"))
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Exceptions").click()


def _critical(tab: Tab, demo: Demo) -> None:
    tab.sign_in(demo.account("demo-analyst"))
    tab.page.get_by_role("link", name="See each child and acknowledge").click()


def _child(tab: Tab, demo: Demo) -> None:
    _critical(tab, demo)
    tab.page.locator('main a[href^="/children/"]').first.click()
    expect(tab.page).to_have_url(re.compile("/children/"))


def _indicator(tab: Tab, demo: Demo) -> None:
    tab.sign_in(demo.account("demo-senior-leader"))
    tab.page.locator('main a[href^="/indicators/"]').first.click()


def _teams(tab: Tab, demo: Demo) -> None:
    manager = next(a for a in demo.accounts.values() if a.role == "team_manager")
    tab.sign_in(manager)
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Teams").click()


def _team(tab: Tab, demo: Demo) -> None:
    _teams(tab, demo)
    tab.page.locator('main a[href^="/teams/"]').first.click()


def _access_log(tab: Tab, demo: Demo) -> None:
    tab.sign_in(demo.account("demo-dpo"))
    tab.page.get_by_role("link", name="Access log").click()


def _forbidden(tab: Tab, demo: Demo) -> None:
    tab.sign_in(demo.account("demo-elected-member"))
    response = tab.go("/exceptions/")
    assert response is not None and response.status == 403


def _not_found(tab: Tab, demo: Demo) -> None:
    tab.sign_in(demo.account("demo-analyst"))
    response = tab.go("/no-such-page/")
    assert response is not None and response.status == 404


PAGES: dict[str, tuple[Callable[[Tab, Demo], None], str]] = {
    "indicator": (_indicator, ".+"),
    "exceptions": (_exceptions, "Exceptions"),
    "exceptions-critical": (_critical, "Leaders must know"),
    "child": (_child, ".+"),
    "teams": (_teams, "Teams"),
    "team": (_team, ".+"),
    "access-log": (_access_log, "Access log"),
    "forbidden": (_forbidden, "You cannot see this page"),
    "not-found": (_not_found, "Page not found"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible(
    name: str, demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    """Every page not already checked on a journey above (signing in and its error, home, signing out,
    the lock-out, the second factor's pages)."""
    tab = open_tab(server)
    reach, title = PAGES[name]
    reach(tab, demo)
    heading(tab.page, re.compile(f"^{title}$"))
    check(tab, name)


# --- The main journeys, by keyboard alone where a person would click ---------------------------------

TAB_PRESSES = 400  # a bound on reaching a link by Tab from the top of a page


def keyboard_to(page: Page, target: Locator) -> None:
    """Reach `target` with the Tab key alone from the top of the page, and follow it with Enter."""
    page.locator("body").focus()
    for _ in range(TAB_PRESSES):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"{target} not reached with {TAB_PRESSES} presses of Tab")


def test_a_director_opens_a_red_indicator_down_to_a_child_by_keyboard(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    tab = open_tab(server)
    tab.sign_in(demo.account("demo-senior-leader"))
    heading(tab.page, "Overview")
    expect(tab.page.get_by_role("heading", name="Leaders must know")).to_be_visible()
    red = tab.page.locator("tr", has=tab.page.locator(".govuk-tag--red", has_text="Red")).first
    name = red.locator("th a").inner_text()
    keyboard_to(tab.page, red.locator("th a"))
    heading(tab.page, name.split(" ", 1)[1])
    expect(tab.page.locator("figure svg").first).to_be_visible()
    check(tab, "indicator-red")

    keyboard_to(tab.page, tab.page.get_by_role("link", name=re.compile("The children behind this figure")))
    heading(tab.page, "Exceptions")
    child = tab.page.locator('main table a[href^="/children/"]').first
    child_id = child.inner_text()
    keyboard_to(tab.page, child)
    expect(tab.page).to_have_url(re.compile(f"/children/{child_id}/"))
    check(tab, "child-from-indicator")


def test_a_team_manager_sees_only_their_team_and_is_refused_another_teams_child(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    managers = [a for a in demo.accounts.values() if a.role == "team_manager"]
    mine, theirs = open_tab(server), open_tab(server)
    mine.sign_in(managers[0])
    theirs.sign_in(managers[1])
    lists = []
    for tab in (mine, theirs):
        tab.go("/exceptions/")
        heading(tab.page, "Exceptions")
        teams = set(tab.page.locator("main tbody tr td:nth-child(7)").all_inner_texts())
        assert len(teams) == 1, teams  # one team's children only
        lists.append(tab.page.locator('main tbody a[href^="/children/"]').first.inner_text())
    check(mine, "exceptions-team-manager")

    response = mine.go(f"/children/{lists[1]}/")  # the other manager's child
    assert response is not None and response.status == 403
    heading(mine.page, "You cannot see this page")
    assert lists[1] not in mine.page.content()
    check(mine, "child-refused")


def test_a_member_sees_suppressed_aggregates_and_no_child(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check
):
    tab = open_tab(server)
    tab.sign_in(demo.account("demo-elected-member"))
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Members' view").click()
    heading(tab.page, "Members' view")
    suppressed = tab.page.locator("main td", has_text=re.compile(r"^c$"))
    expect(suppressed.first).to_be_visible()  # small numbers shown as c
    check(tab, "members")
    tab.page.locator('main a[href^="/members/indicators/"]').first.click()
    expect(tab.page.locator("main table").first).to_be_visible()
    check(tab, "members-indicator")
    assert 'href="/children/' not in tab.page.content()
    response = tab.go("/exceptions/")
    assert response is not None and response.status == 403


def test_an_analyst_uploads_an_annex_a_workbook_and_publishes_it(
    demo: Demo, server: Server, open_tab: Callable[[Server], Tab], check: Check, reference: Path
):
    """Last of the journeys: it adds a snapshot (dated before the demonstration's, so the pages the other
    tests read still show the demonstration's)."""
    workbook = reference / "annex_a" / "Annex_A.xlsx"
    tab = open_tab(server)
    tab.sign_in(demo.account("demo-analyst"))
    tab.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Data").click()
    heading(tab.page, re.compile(".+"))
    check(tab, "data")
    tab.page.get_by_role("button", name="Upload files").click()
    heading(tab.page, "Upload files")
    check(tab, "data-upload")
    tab.page.get_by_label("Files").set_input_files(str(workbook))
    tab.page.get_by_label("Day").fill("31")
    tab.page.get_by_label("Month").fill("3")
    tab.page.get_by_label("Year").fill("2024")
    tab.page.get_by_role("button", name="Upload and check").click()
    heading(tab.page, "Data-quality report")
    check(tab, "data-quality-report")
    tab.page.get_by_label("I have read the errors and want to publish these files").check()
    with tab.page.expect_navigation(timeout=120_000):  # publishing computes the indicators
        tab.page.get_by_role("button", name="Publish").click()
    expect(tab.page.locator(".govuk-notification-banner--success")).to_contain_text("Published snapshot")
    heading(tab.page, re.compile("^Snapshot 2024-03-31_"))
    expect(tab.page.locator("main")).to_contain_text("Annex_A.xlsx")
    check(tab, "data-snapshot")
