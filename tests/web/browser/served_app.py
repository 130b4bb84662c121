"""What the browser tests share: the served app's constants, the demonstration council and its
accounts, a running server, and a browser tab that notes Content-Security-Policy complaints."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, Response

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
HOST = "127.0.0.1"
DEMO_SECONDS = 180
START_SECONDS = 30
STOP_SECONDS = 10
PAGE_TIMEOUT_MS = 15_000
LOGIN_FAILURES = 5  # the main server's CLEARSIGHT_LOGIN_FAILURES
SHORT_IDLE_SECONDS = 3
SHORT_MAX_SECONDS = 6
# Runs the `clearsight` entry point (`clearsight.cli:app`) with this interpreter, venv or not.
CLI = [sys.executable, "-c", "from clearsight.cli import app; app()"]


@dataclass(frozen=True)
class Account:
    role: str
    username: str
    password: str


@dataclass(frozen=True)
class Demo:
    """The published demonstration council: its data root and one account per username."""

    root: Path
    accounts: dict[str, Account] = field(default_factory=dict)

    def account(self, username: str) -> Account:
        return self.accounts[username]


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Tab:
    """A page in a fresh browser context, with the Content-Security-Policy complaints and script errors
    it has met."""

    page: Page
    base: str
    complaints: list[str] = field(default_factory=list)

    def go(self, path: str) -> Response | None:
        return self.page.goto(self.base + path)

    def sign_in(self, account: Account, password: str | None = None) -> None:
        self.go("/account/sign-in/")
        self.page.get_by_label("Username").fill(account.username)
        self.page.get_by_label("Password").fill(account.password if password is None else password)
        with self.page.expect_navigation():  # the answer to the form, whatever it is
            self.page.get_by_role("button", name="Sign in").click()
