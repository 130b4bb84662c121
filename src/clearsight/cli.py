"""The `clearsight` command line: thin commands that parse, call one core function and render."""

from __future__ import annotations

import typer

from clearsight import __version__

app = typer.Typer(
    help="Clearsight: children's services performance — the figures and the children behind them.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"clearsight {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Clearsight command line."""
