"""The command line gives out child-level data too: `clearsight exceptions` and the statutory exports
each write an access-log entry (this computer's user name, the command as typed) before any data, and
write nothing when the log cannot be written."""

import getpass

import pytest
from typer.testing import CliRunner

from clearsight.cli import app
from clearsight.web.audit.models import AccessEvent, Action, Via

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_an_exception_list_given_out_is_logged_with_its_filter(council_root, council):
    result = run("exceptions", "--data", council_root, "--severity", "critical", "--format", "csv")
    assert result.exit_code == 0, result.output
    event = AccessEvent.objects.get()
    assert event.via == Via.COMMAND_LINE
    assert event.user is None
    assert event.username == getpass.getuser()
    assert event.action == Action.EXPORT_EXCEPTIONS
    assert event.filters == {"severity": "critical"}
    assert event.rows == len(result.stdout.splitlines()) - 1  # less the header
    assert event.snapshot == council.id
    assert event.subject == "exception list (csv)"


def test_an_exception_list_printed_as_a_table_is_logged_as_viewed(council_root):
    assert run("exceptions", "--data", council_root, "--indicator", "asmt_45wd").exit_code == 0
    event = AccessEvent.objects.get()
    assert event.action == Action.VIEW_EXCEPTIONS
    assert event.filters == {"indicator": "asmt_45wd"}


def test_a_statutory_export_is_logged(council_root, tmp_path):
    assert run("cin", "export", "--data", council_root, "--out", tmp_path / "cin.xml").exit_code == 0
    event = AccessEvent.objects.get()
    assert event.action == Action.EXPORT_RETURN
    assert event.subject == "CIN census XML"
    assert event.user_agent == f"clearsight cin export --out {tmp_path / 'cin.xml'} --data {council_root}"


def test_a_usage_error_gives_nothing_out_and_logs_nothing(council_root):
    assert run("exceptions", "--data", council_root, "--format", "xlsx").exit_code == 2
    assert not AccessEvent.objects.exists()


def test_when_the_log_cannot_be_written_nothing_is_given_out(council_root, tmp_path, clearsight):
    done = clearsight(
        "exceptions",
        "--data",
        council_root,
        "--format",
        "csv",
        "--out",
        tmp_path / "x.csv",
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/clearsight_no_such_database"},
        timeout=120,
    )
    assert done.returncode == 1
    assert "Nothing written: the access log could not be written" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "x.csv").exists()
