"""The front end is GOV.UK Frontend with the council's look: built by `make` from the npm registry, no
GOV.UK crown and no GDS Transport font, served by the app itself."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from clearsight.web.accounts.roles import Role

WEB = Path(__file__).parents[2] / "src" / "clearsight" / "web"


def _static(name: str) -> str:
    found = finders.find(name)
    if found is None:
        pytest.fail(f"{name} is not built: run `make src/clearsight/web/assets/.built`")
    return Path(found).read_text(encoding="utf-8")


def test_the_stylesheet_is_govuk_frontend_without_the_gds_transport_font():
    css = _static("clearsight.css")
    assert ".govuk-header" in css and ".govuk-table" in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css


def test_govuk_frontend_scripts_are_served_beside_the_apps_own():
    assert "initAll" in _static("govuk/govuk-frontend.min.js")
    assert "govuk-frontend.min.js" in _static("clearsight/init.js")


def test_no_page_template_shows_the_crown():
    templates = [path.read_text(encoding="utf-8") for path in WEB.rglob("templates/**/*.html")]
    assert templates
    assert not any("govuk-logo" in text or "crown" in text.lower() for text in templates)


def test_pages_link_the_stylesheet_and_script_that_are_served(client_as):
    client = client_as(Role.BOARD_MEMBER)
    html = client.get("/").content.decode()
    assert '/static/clearsight.css"' in html and '/static/clearsight/init.js"' in html
    for path in (
        "/static/clearsight.css",
        "/static/clearsight/init.js",
        "/static/govuk/govuk-frontend.min.js",
    ):
        assert client.get(path).status_code == 200
