"""`clearsight serve`: the app under gunicorn (a production WSGI server), on 127.0.0.1 unless told
otherwise, after bringing the app database up to date."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from clearsight.paths import ENV_DATA

WORKERS = 2
THREADS = 4


class NotReady(RuntimeError):
    """The app cannot start: its system checks fail or its database cannot be brought up to date."""


def prepare(root: Path) -> None:
    """Point the app at a data root (unless this process has already set up its settings), run its
    system checks and bring its database up to date; NotReady says what stops it."""
    import django
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command
    from django.db import DatabaseError

    if not settings.configured:
        os.environ[ENV_DATA] = str(root)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearsight.web.settings")
    try:
        django.setup()
        problems = [message for message in checks.run_checks() if message.is_serious()]
        if problems:
            raise NotReady("\n".join(str(message) for message in problems))
        call_command("migrate", interactive=False, verbosity=0)
    except (ImproperlyConfigured, DatabaseError) as error:
        raise NotReady(str(error)) from error


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from clearsight.web.wsgi import application

        return application


def serve(host: str, port: int) -> None:
    """Serve until stopped (Ctrl+C), once `prepare` has run. No access log: request paths can name
    children."""
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": WORKERS,
            "threads": THREADS,
            "worker_class": "gthread",
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "timeout": 120,
            "graceful_timeout": 5,
        }
    ).run()
