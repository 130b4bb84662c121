"""The access log's entries for the command line: `clearsight exceptions` and the statutory exports
give out child-level data too, so each records who (this computer's user name), what and the command
as typed, in the app database of the data root, before anything is written out. Importable before
Django is set up (the command line sets it up here)."""

from __future__ import annotations

import getpass
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


class AccessLogUnavailable(RuntimeError):
    """The access log cannot be written, so the child-level data must not be given out."""


def record_command(
    root: Path,
    action: str,
    *,
    subject: str,
    filters: Mapping[str, object] | None = None,
    rows: int | None = None,
    snapshot: str = "",
    argv: Sequence[str],
) -> None:
    """Log that whoever is signed in to this computer did `action` (an `Action` value) with the
    `clearsight` command whose words and options are `argv`; raises AccessLogUnavailable if the log
    cannot be written."""
    from clearsight.web import server

    command = shlex.join(["clearsight", *argv])
    try:
        server.prepare(root)
        from clearsight.web.audit.log import without_blanks
        from clearsight.web.audit.models import AccessEvent, Action, Via

        AccessEvent.objects.create(
            via=Via.COMMAND_LINE,
            username=getpass.getuser(),
            action=Action(action),
            subject=subject,
            filters=without_blanks(filters),
            rows=rows,
            snapshot=snapshot,
            user_agent=command[:300],
        )
    except (DatabaseError, ImproperlyConfigured, server.NotReady) as error:
        raise AccessLogUnavailable(f"the access log could not be written: {error}") from error
