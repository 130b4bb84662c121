"""The README documents every command and option the CLI has, and docs/indicators.md the catalogue."""

from pathlib import Path

import typer

from clearsight.cli import app
from clearsight.indicators.catalogue_doc import catalogue_markdown

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_readme_opens_with_the_two_setup_commands():
    first = [line.split("#")[0].strip() for line in README.splitlines()[:2]]
    assert first == ["make demo", "make test"]


def test_every_command_and_option_is_in_the_readme():
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():
        if f"clearsight {name}" not in README:
            missing.append(f"clearsight {name}")
        for param in command.params:
            missing.extend(
                f"{name} {opt}" for opt in param.opts if opt.startswith("--") and opt not in README
            )
    assert missing == []


def test_the_indicator_catalogue_page_is_written_from_the_catalogue():
    page = (Path(__file__).parents[1] / "docs" / "indicators.md").read_text()
    regenerate = "python -m clearsight.indicators.catalogue_doc > docs/indicators.md"
    assert page == catalogue_markdown(), f"the page is out of date: run {regenerate}"
