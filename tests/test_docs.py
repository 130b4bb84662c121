"""The README documents every command and every option the CLI has (docs stay honest)."""

from pathlib import Path

import typer

from clearsight.cli import app

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
