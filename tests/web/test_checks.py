"""Start-up checks name a missing data folder with a stable id."""

from django.core.checks import run_checks


def _ids(settings, root):
    settings.CLEARSIGHT_DATA = root
    return [message.id for message in run_checks() if message.id.startswith("clearsight.")]


def test_a_readable_data_folder_passes(settings, council_root):
    assert _ids(settings, council_root) == []


def test_a_missing_data_folder_is_clearsight_e001(settings, tmp_path):
    assert _ids(settings, tmp_path / "nowhere") == ["clearsight.E001"]


def test_serve_stops_with_the_check_when_a_councils_data_folder_is_missing(tmp_path, clearsight):
    env = {
        "CLEARSIGHT_DEPLOYMENT": "council",
        "CLEARSIGHT_SECRET_KEY": "a-secret-key-for-this-test-only-" + "x" * 30,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "CLEARSIGHT_DATA": str(tmp_path / "nowhere"),
        "CLEARSIGHT_ALLOWED_HOSTS": "clearsight.council.example",
    }
    done = clearsight("serve", "--port", "8799", env=env, timeout=60)
    assert done.returncode == 1
    assert "The web app cannot start" in done.stderr and "clearsight.E001" in done.stderr
