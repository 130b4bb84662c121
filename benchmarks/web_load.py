"""Benchmark: the dashboards under load, served by the production server on 127.0.0.1.

The county demo is made (`clearsight demo --no-serve`, its accounts read from what it prints) and served
by `clearsight serve` (gunicorn). Each simulated person signs in through the sign-in form with one of
the demonstration accounts that see figures and children; every page is then requested once, so that
charts are drawn before timing (they are kept under the data root). Then 20 people, each on its own
connection, request pages back to back for 60 seconds: the overview (40 %), an indicator's page (30 %),
a page of the exception list (30 %, a random page of their own list, sometimes for one indicator).

Reports p50, p95 and p99 response times, throughput and errors. Target: p95 ≤ 150 ms and no errors.
The load is made by this process, on the same machine, bounded in time; it stops by itself.

    .venv/bin/python benchmarks/web_load.py [--users 20] [--seconds 60] [--data DIR]

Record the figures, with the machine, in docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from synth_publish import machine

HOST = "127.0.0.1"
ROLES = ("senior_leader", "analyst", "qa_lead", "head_of_service", "team_manager")  # figures and children
CLEARSIGHT = str(Path(sys.executable).with_name("clearsight"))


class Person:
    """One simulated person: their own connection and session cookie."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}/"}
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed a connection left idle (keep-alive lasts seconds): open it again, once.
            self.connection.close()
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/account/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        status, _ = self.request(
            "POST",
            "/account/sign-in/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/"},
        )
        if status != 302:
            sys.exit(f"signing in as {username} failed: {status}")


def demo(root: Path) -> dict[str, tuple[str, str]]:
    done = subprocess.run(
        [CLEARSIGHT, "demo", "--no-serve", "--data", str(root)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"clearsight demo failed:\n{done.stderr}")
    accounts = {}
    for line in done.stdout.splitlines():
        if line.startswith("account "):
            _, role, username, password = line.split()
            accounts.setdefault(role, (username, password))
    return accounts


def serve(root: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [CLEARSIGHT, "serve", "--data", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection(HOST, port, timeout=2)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the server did not answer within 120 s")


def pages(indicators: list[str]) -> list[str]:
    """Every page the mix draws from, for the warm-up."""
    return ["/", *(f"/indicators/{i}/" for i in indicators), "/exceptions/"]


def next_page(rng: random.Random, indicators: list[str], list_pages: int) -> str:
    draw = rng.random()
    if draw < 0.4:
        return "/"
    if draw < 0.7:
        return f"/indicators/{rng.choice(indicators)}/"
    if rng.random() < 0.3:
        return f"/exceptions/?indicator={rng.choice(indicators)}"
    return f"/exceptions/?page={rng.randint(1, list_pages)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data", type=Path, help="a data root the demo has already been made in")
    options = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="clearsight-load-") as folder:
        root = options.data or Path(folder)
        started = time.perf_counter()
        accounts = demo(root)
        print(f"county demo made in {time.perf_counter() - started:.0f} s")
        server = serve(root, options.port)
        try:
            run(options, accounts)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(options: argparse.Namespace, accounts: dict[str, tuple[str, str]]) -> None:
    from clearsight.indicators.catalogue import catalogue

    indicators = [i.id for i in catalogue()]
    people = []
    for n in range(options.users):
        person = Person(options.port)
        person.sign_in(*accounts[ROLES[n % len(ROLES)]])
        people.append(person)
    started = time.perf_counter()
    for person in people[: len(ROLES)]:  # each role's pages once, so every chart is drawn before timing
        for path in pages(indicators):
            person.request("GET", path)
    print(f"warm-up: every page once per role in {time.perf_counter() - started:.0f} s")

    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + options.seconds

    def work(n: int, person: Person) -> None:
        rng = random.Random(n)
        while time.monotonic() < stop:
            path = next_page(rng, indicators, 20)
            begun = time.perf_counter()
            try:
                status, _ = person.request("GET", path)
            except OSError as error:
                status = f"{type(error).__name__}"
            took = time.perf_counter() - begun
            with lock:
                times.append(took)
                if status != 200:
                    errors.append(f"{path}: {status}")

    threads = [threading.Thread(target=work, args=(n, p)) for n, p in enumerate(people)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begun
    times.sort()

    def pct(p: float) -> float:
        return 1000 * times[min(len(times) - 1, int(p / 100 * len(times)))]

    print(
        f"{options.users} users for {elapsed:.0f} s: {len(times):,} requests, "
        f"{len(times) / elapsed:.1f} per second; "
        f"p50 {pct(50):.0f} ms, p95 {pct(95):.0f} ms, p99 {pct(99):.0f} ms; {len(errors)} errors"
    )
    if errors:
        print("  first errors: " + "; ".join(errors[:5]))
    verdict = "PASS" if pct(95) <= 150 and not errors else "FAIL"
    print(f"target p95 ≤ 150 ms and no errors: {verdict}")


if __name__ == "__main__":
    main()
