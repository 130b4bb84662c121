"""Fixtures for the browser tests: the small synthetic council published by `clearsight demo`, the app
served by `clearsight serve` (gunicorn, on 127.0.0.1 only) in a subprocess, and Debian's Chromium driven
by Playwright.

Two servers read the same data root: the main one with the usual settings, and one with a 3-second idle
limit and a 6-second absolute limit for the time-out tests. Every wait is bounded, and each server is
stopped (terminated, then killed) when the session ends.

Screenshots of every page checked are saved under pytest's temporary folder; the summary names it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, sync_playwright
from served_app import (
    AXE,
    CHROMIUM,
    CLI,
    DEMO_SECONDS,
    HOST,
    LOGIN_FAILURES,
    PAGE_TIMEOUT_MS,
    SHORT_IDLE_SECONDS,
    SHORT_MAX_SECONDS,
    START_SECONDS,
    STOP_SECONDS,
    Account,
    Demo,
    Server,
    Tab,
)

SCREENSHOTS = pytest.StashKey[Path]()
PR_SET_PDEATHSIG = 1  # prctl(2)


@pytest.fixture(autouse=True)
def _serve_council() -> None:
    """The browser tests serve their own council through the command line, not the in-process one the
    other web tests read (this replaces tests/web/conftest.py's fixture of the same name)."""


def _environment(root: Path, **extra: str) -> dict[str, str]:
    """A subprocess's environment: this one, less anything that would point the app elsewhere (another
    database, a council deployment, single sign-on, HTTPS-only cookies), with the data root set."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CLEARSIGHT_", "OIDC_"))
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["CLEARSIGHT_DATA"] = str(root)
    env.update(extra)
    return env


def _run(what: str, args: list[str], env: dict[str, str], timeout: float) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took more than {timeout:.0f} s")
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """`clearsight demo --no-serve --scale small` into a fresh data root; its accounts as printed."""
    root = tmp_path_factory.mktemp("browser-data")
    env = _environment(root)
    out = _run(
        "clearsight demo",
        [*CLI, "demo", "--data", str(root), "--no-serve", "--scale", "small"],
        env,
        DEMO_SECONDS,
    )
    accounts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "account":
            accounts[parts[2]] = Account(parts[1], parts[2], parts[3])
    if len(accounts) != 10:
        pytest.fail(f"clearsight demo printed {len(accounts)} accounts, not 10:\n{out[-2000:]}")
    # Demonstration accounts skip the second factor; the QA lead's account is made to need it, so that
    # the two-factor page can be checked too (it is used by no other test).
    script = (
        "from clearsight.web.server import prepare; from pathlib import Path; import sys; "
        "prepare(Path(sys.argv[1])); "
        "from clearsight.web.accounts.models import Profile; "
        "assert Profile.objects.filter(user__username='demo-qa-lead').update(otp_exempt=False) == 1"
    )
    _run("making the QA lead need a second factor", [sys.executable, "-c", script, str(root)], env, 60)
    return Demo(root, accounts)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's process before it starts: on Linux, it is sent SIGTERM if pytest itself dies
    without tearing down (killed), so no server outlives the tests."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_SECONDS)


def _start(demo: Demo, name: str, folder: Path, **settings: str) -> Server:
    """`clearsight serve` on a free port of 127.0.0.1, with these settings, its output in a log file."""
    port = _free_port()
    log = folder / f"{name}-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*CLI, "serve", "--data", str(demo.root), "--host", HOST, "--port", str(port)],
            env=_environment(demo.root, **settings),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl+C reaches pytest, whose teardown stops the server
            preexec_fn=_die_with_parent,
        )
    return Server(f"http://{HOST}:{port}", process, log)


def _wait(server: Server, deadline: float) -> None:
    """Until `/healthz` answers 200; a failure if the server stops or the deadline passes."""
    while True:
        if server.process.poll() is not None:
            pytest.fail(
                f"clearsight serve stopped ({server.process.returncode}):\n{server.log.read_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(
                f"clearsight serve did not answer within {START_SECONDS} s:\n{server.log.read_text()[-4000:]}"
            )
        time.sleep(0.2)


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Path:
    """Where the servers' logs and the pages' screenshots go (named in the summary at the end)."""
    folder = tmp_path_factory.mktemp("browser-pages")
    pytestconfig.stash[SCREENSHOTS] = folder
    return folder


@pytest.fixture(scope="session")
def servers(demo: Demo, artefacts: Path) -> Iterator[tuple[Server, Server]]:
    """Two servers of the demonstration council, started side by side: one with the usual settings (five
    failed sign-ins before a lock-out), one with short session limits for the time-out tests."""
    started: list[Server] = []
    try:
        started.append(_start(demo, "main", artefacts, CLEARSIGHT_LOGIN_FAILURES=str(LOGIN_FAILURES)))
        started.append(
            _start(
                demo,
                "short",
                artefacts,
                CLEARSIGHT_SESSION_IDLE_SECONDS=str(SHORT_IDLE_SECONDS),
                CLEARSIGHT_SESSION_MAX_SECONDS=str(SHORT_MAX_SECONDS),
            )
        )
        deadline = time.monotonic() + START_SECONDS
        for server in started:
            _wait(server, deadline)
        yield started[0], started[1]
    finally:
        for server in started:
            _stop(server.process)


@pytest.fixture(scope="session")
def server(servers: tuple[Server, Server]) -> Server:
    return servers[0]


@pytest.fixture(scope="session")
def short_server(servers: tuple[Server, Server]) -> Server:
    return servers[1]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browsers are never downloaded)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make chromium` installs Debian's Chromium for the browser tests"
        )
    with sync_playwright() as playwright:
        # Chromium's sandbox needs user namespaces, which a container running as root rarely has.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Callable[[Server], Tab]]:
    """open_tab(server): a new page in its own context (no cookies shared with any other test)."""
    contexts = []

    def open_(server: Server) -> Tab:
        # No bypass_csp: the pages are checked under the app's real Content-Security-Policy.
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        tab = Tab(context.new_page(), server.url)

        def console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                tab.complaints.append(f"{tab.page.url}: {message.text}")

        tab.page.on("console", console)
        tab.page.on("pageerror", lambda error: tab.complaints.append(f"{tab.page.url}: script error {error}"))
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make src/clearsight/web/assets/.built` installs axe-core from npm")
    return AXE.read_text(encoding="utf-8")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_line(f"browser tests: screenshots and server logs in {folder}")
