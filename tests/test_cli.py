from typer.testing import CliRunner

from clearsight.cli import app


def test_version_is_printed():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("clearsight ")
