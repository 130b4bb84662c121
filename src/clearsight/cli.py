"""The `clearsight` command line: thin commands that parse, call one core function and render.

Exit status: 0 success; 1 the command ran but found blocking problems (a file that could not be
used); 2 wrong usage (architecture.md, "Command-line contract").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from clearsight import __version__, pipeline, synth
from clearsight.formats.common.limits import max_file_mb
from clearsight.formats.registry import WRITERS
from clearsight.indicators import listing, store
from clearsight.indicators.config import ConfigError
from clearsight.indicators.engine import IndicatorError
from clearsight.model.issues import UnusableInput
from clearsight.paths import data_root
from clearsight.render import print_outcome, print_results_summary, print_rows, print_values
from clearsight.tabular import csv_text, json_text, rows_file, table_of
from clearsight.warehouse import WarehouseError, list_councils

app = typer.Typer(
    help="Clearsight: children's services performance — the figures and the children behind them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # an unexpected error must never print child data from locals
)
err = Console(stderr=True, soft_wrap=True, highlight=False)

DATA_HELP = "Root folder of every council's snapshots [default: $CLEARSIGHT_DATA or ./clearsight-data]."
AS_AT_FORMATS = ["%Y-%m-%d"]


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


@contextmanager
def progress_bar() -> Iterator[pipeline.Progress]:
    """A Rich progress bar on stderr, driven by the core's progress(stage, done, total) callbacks."""
    columns = (TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _fail(error: UnusableInput) -> typer.Exit:
    err.print(f"[bold red]Cannot use[/] {error.path}: {error.reason}")
    return typer.Exit(1)


def _not_published(error: Exception) -> typer.Exit:
    """A council configuration that cannot be used, or a catalogue defect: nothing was published."""
    err.print(f"[bold red]Nothing was published:[/] {error}")
    return typer.Exit(1)


def _as_date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _only_council(root: Path) -> str | None:
    """The council code when the data folder holds exactly one council."""
    councils = list_councils(root) if root.exists() else []
    return councils[0] if len(councils) == 1 else None


@app.command("synth")
def synth_command(
    out: Path = typer.Option(..., "--out", help="Folder to write the SSD tables into."),
    scale: str = typer.Option("small", "--scale", help="small, county or national."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives byte-identical files."),
    as_at: dt.datetime | None = typer.Option(
        None, "--as-at", formats=AS_AT_FORMATS, help=f"As-at date [default: {synth.DEFAULT_AS_AT}]."
    ),
    formats: str = typer.Option(
        "ssd", "--formats", help="Comma-separated formats to write: ssd, annex-a, ssda903, cin."
    ),
    rates: Path | None = typer.Option(
        None, "--rates", help="YAML file of planted-problem rates (name: fraction); others keep defaults."
    ),
    csv: bool = typer.Option(False, "--csv", help="Also write each SSD table as CSV."),
) -> None:
    """Write a deterministic synthetic council's three-year history as SSD tables (Parquet)."""
    if scale not in synth.SCALES:
        raise typer.BadParameter(f"choose one of {', '.join(synth.SCALES)}", param_hint="--scale")
    try:
        planted = synth.load_rates(rates) if rates else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--rates") from None
    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = sorted(set(chosen) - {"ssd", *WRITERS})
    if unknown or not chosen:
        raise typer.BadParameter(
            f"unknown format {unknown[0] if unknown else formats!r}; choose from ssd, {', '.join(WRITERS)}",
            param_hint="--formats",
        )
    if scale == "national" and chosen != ["ssd"]:
        raise typer.BadParameter("the national scale writes SSD tables only", param_hint="--formats")
    with progress_bar() as progress:
        written = pipeline.synthesise(
            out,
            scale=scale,
            seed=seed,
            as_at=_as_date(as_at) or synth.DEFAULT_AS_AT,
            rates=planted,
            formats=chosen,
            csv=csv,
            progress=progress,
        )
    if isinstance(written, list):
        typer.echo(f"Wrote {len(written)} synthetic councils under {out}")
    else:
        rows = sum(t.num_rows for t in written.values())
        typer.echo(f"Wrote {len(written)} tables ({rows:,} rows) to {out}")


@app.command("validate")
def validate_command(
    paths: list[Path] = typer.Argument(..., help="Input files or folders, in any mix of formats."),
    la: str | None = typer.Option(None, "--la", help="Council code, if the files do not give it."),
    as_at: dt.datetime | None = typer.Option(
        None, "--as-at", formats=AS_AT_FORMATS, help="As-at date [default: what the files give, else today]."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder to write the data-quality report into (xlsx, HTML and JSON)."
    ),
) -> None:
    """Read and check files; report every data-quality issue; publish nothing."""
    try:
        with progress_bar() as progress:
            outcome = pipeline.validate_inputs(
                paths, la_code=la, as_at=_as_date(as_at), limit_mb=max_file_mb(), progress=progress
            )
    except UnusableInput as error:
        raise _fail(error) from None
    print_outcome(outcome)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in outcome.report.items():
            (out / name).write_bytes(content)
        typer.echo(f"Data-quality report: {out}")


@app.command("load")
def load_command(
    paths: list[Path] = typer.Argument(..., help="Input files or folders, in any mix of formats."),
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    la: str | None = typer.Option(
        None, "--la", help="Council code [default: the only council in the data folder, or the CIN header's]."
    ),
    as_at: dt.datetime | None = typer.Option(
        None,
        "--as-at",
        formats=AS_AT_FORMATS,
        help="As-at date [default: the CIN reference date or 903 year end].",
    ),
) -> None:
    """Read, validate and publish one snapshot (atomically: the previous one stays current on failure)."""
    root = data_root(data)
    try:
        with progress_bar() as progress:
            outcome = pipeline.load(
                paths,
                root,
                la_code=la or _only_council(root),
                as_at=_as_date(as_at),
                limit_mb=max_file_mb(),
                progress=progress,
            )
    except UnusableInput as error:
        raise _fail(error) from None
    except pipeline.NeedsOption as error:
        raise typer.BadParameter(str(error), param_hint=error.option) from None
    except (ConfigError, IndicatorError) as error:
        raise _not_published(error) from None
    print_outcome(outcome)
    print_results_summary(store.read_results(outcome.snapshot))


@app.command("demo")
def demo_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    no_serve: bool = typer.Option(False, "--no-serve", help="Do everything except serve."),
    scale: str = typer.Option(
        "county", "--scale", help="county, or small (a tenth of it, for a quick look)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to serve on."),
    port: int = typer.Option(8000, "--port", help="Port to serve on."),
) -> None:
    """Synthesise a county council, validate it, publish a snapshot with its indicators, create a
    demonstration account for each role, then serve the app."""
    from clearsight.web import server

    if scale not in ("county", "small"):
        err.print("[bold red]--scale must be county or small[/]")
        raise typer.Exit(2)
    root = data_root(data)
    try:
        with progress_bar() as progress:
            outcome = pipeline.demo(root, scale=scale, limit_mb=max_file_mb(), progress=progress)
    except (ConfigError, IndicatorError) as error:
        raise _not_published(error) from None
    print_outcome(outcome)
    results = store.read_results(outcome.snapshot)
    print_values(
        listing.value_rows(results.values), f"Indicators for the synthetic {scale}, as at {outcome.as_at}"
    )
    print_results_summary(results)
    _prepare_app(root)
    from clearsight.web.accounts.demo import create_accounts

    for account in create_accounts(outcome.snapshot):
        typer.echo(account.line())
    err.print("Demonstration accounts sign in without a second factor; council accounts need one.")
    if not no_serve:
        err.print(f"Serving Clearsight on http://{host}:{port}/ (Ctrl+C to stop)")
        server.serve(host, port)


@app.command("serve")
def serve_command(
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to serve on [default: this machine only]."),
    port: int = typer.Option(8000, "--port", help="Port to serve on."),
) -> None:
    """Serve the web app (gunicorn), after bringing its database up to date."""
    from clearsight.web import server

    _prepare_app(data_root(data))
    err.print(f"Serving Clearsight on http://{host}:{port}/ (Ctrl+C to stop)")
    server.serve(host, port)


def _prepare_app(root: Path) -> None:
    """The web app's checks and database, or a plain message and exit status 1."""
    from clearsight.web import server

    try:
        server.prepare(root)
    except server.NotReady as error:
        err.print(f"[bold red]The web app cannot start:[/] {error}")
        raise typer.Exit(1) from None


FORMATS = ("table", "json", "csv", "xlsx")
# Options every command that reads a snapshot takes.
DataOption = Annotated[Path | None, typer.Option("--data", help=DATA_HELP)]
CouncilOption = Annotated[
    str | None, typer.Option("--la", help="Council code (needed when the data root holds several).")
]
SnapshotOption = Annotated[str | None, typer.Option("--snapshot", help="Snapshot id [default: the latest].")]
FormatOption = Annotated[str, typer.Option("--format", help="table, json, csv or xlsx.")]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="File to write (needed for xlsx) [default: stdout].")
]
EXCEPTION_TABLE_COLUMNS = [
    "severity",
    "condition",
    "code",
    "reason",
    "child_id",
    "age",
    "team",
    "worker",
    "record_id",
    "due_date",
    "days_overdue",
]


def _emit(rows: list[dict], fmt: str, out: Path | None, sheet: str) -> None:
    """Write rows as json, csv or xlsx to --out, or json and csv to stdout (`_check_format` first)."""
    if out is not None:
        out.write_bytes(rows_file(rows, fmt, sheet))
        err.print(f"Wrote {len(rows):,} rows to {out}")
    else:
        typer.echo(json_text(rows) + "\n" if fmt == "json" else csv_text(*table_of(rows)), nl=False)


def _results(data: Path | None, la: str | None, snapshot: str | None):
    try:
        chosen = pipeline.find_snapshot(data_root(data), la, snapshot)
        return chosen, store.read_results(chosen)
    except WarehouseError as error:
        err.print(f"[bold red]No results:[/] {error}")
        raise typer.Exit(1) from None


def _check_format(fmt: str, out: Path | None) -> None:
    if fmt not in FORMATS:
        err.print(f"[bold red]--format must be one of {', '.join(FORMATS)}[/]")
        raise typer.Exit(2)
    if fmt == "xlsx" and out is None:
        err.print("[bold red]--format xlsx needs --out FILE.xlsx[/]")
        raise typer.Exit(2)


@app.command("indicators")
def indicators_command(
    data: DataOption = None,
    la: CouncilOption = None,
    snapshot: SnapshotOption = None,
    trend: str | None = typer.Option(
        None, "--trend", help="An indicator id or code: its value in every snapshot."
    ),
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """The indicator values of a snapshot (or one indicator's trend across snapshots)."""
    _check_format(fmt, out)
    if trend is not None:
        try:
            rows = store.trend(data_root(data), la, trend).to_pylist()
        except (KeyError, WarehouseError) as error:
            err.print(f"[bold red]No trend:[/] {error}")
            raise typer.Exit(1) from None
        if fmt == "table":
            print_rows(rows, list(store.TREND_COLUMNS), f"{trend} in every snapshot")
        else:
            _emit(rows, fmt, out, "Trend")
        return
    chosen, results = _results(data, la, snapshot)
    rows = listing.value_rows(results.values)
    if fmt == "table":
        print_values(rows, f"Indicators for council {chosen.la_code}, as at {chosen.as_at} ({chosen.id})")
    else:
        _emit(rows, fmt, out, "Indicators")


@app.command("exceptions")
def exceptions_command(
    context: typer.Context,
    data: DataOption = None,
    la: CouncilOption = None,
    snapshot: SnapshotOption = None,
    indicator: str | None = typer.Option(None, "--indicator", help="Only this indicator's (id or code)."),
    severity: str | None = typer.Option(
        None, "--severity", help="critical or normal; critical alone prints the leaders-must-know register."
    ),
    fmt: FormatOption = "table",
    out: OutOption = None,
) -> None:
    """The children behind the figures: exception lists, or the critical register."""
    _check_format(fmt, out)
    if severity not in (None, "critical", "normal"):
        err.print("[bold red]--severity must be critical or normal[/]")
        raise typer.Exit(2)
    chosen, results = _results(data, la, snapshot)
    try:
        selected = listing.select_exceptions(results.exceptions, indicator=indicator, severity=severity)
    except KeyError as error:
        err.print(f"[bold red]Unknown indicator:[/] {error.args[0]}")
        raise typer.Exit(2) from None
    rows = listing.exception_rows(selected)
    _log_child_data(
        context,
        data,
        "view_exceptions" if fmt == "table" else "export_exceptions",
        f"exception list ({fmt})",
        {"indicator": indicator, "severity": severity, "snapshot": snapshot, "la": la},
        len(rows),
        chosen.id,
    )
    if fmt == "table":
        title = "Leaders must know" if severity == "critical" and indicator is None else "Exceptions"
        print_rows(rows, EXCEPTION_TABLE_COLUMNS, f"{title}: council {chosen.la_code}, as at {chosen.as_at}")
        err.print(f"{len(rows):,} rows")
    else:
        _emit(rows, fmt, out, "Exceptions")


def _log_child_data(
    context: typer.Context,
    data: Path | None,
    action: str,
    subject: str,
    filters: dict,
    rows: int | None,
    snapshot: str,
) -> None:
    """Record in the access log, before any child-level data is written out, that this command gave it
    out; if the log cannot be written, stop with nothing written."""
    from clearsight.web.audit.command_line import AccessLogUnavailable, record_command

    try:
        record_command(
            data_root(data),
            action,
            subject=subject,
            filters=filters,
            rows=rows,
            snapshot=snapshot,
            argv=_command_as_given(context),
        )
    except AccessLogUnavailable as error:
        err.print(f"[bold red]Nothing written:[/] {error}")
        raise typer.Exit(1) from None


def _command_as_given(context: typer.Context) -> list[str]:
    """The running command's words and the options it was given (not their defaults), for the log."""
    words = context.command_path.split()[1:]
    for param in context.command.params:
        value = context.params.get(param.name)
        if value is None or value == param.default or not param.opts:
            continue
        words += [param.opts[0]] if getattr(param, "is_flag", False) else [param.opts[0], str(value)]
    return words


def _export_command(writer: str, out_help: str):
    """The `export` command of one statutory format: write a snapshot as that format's files."""

    def export_command(
        context: typer.Context,
        out: Path = typer.Option(..., "--out", help=out_help),
        data: DataOption = None,
        la: CouncilOption = None,
        snapshot: SnapshotOption = None,
    ) -> None:
        try:
            chosen = pipeline.find_snapshot(data_root(data), la, snapshot)
            _log_child_data(
                context, data, "export_return", WRITERS[writer].title, {"la": la}, None, chosen.id
            )
            written = pipeline.export(chosen, writer, out)
        except WarehouseError as error:
            err.print(f"[bold red]Cannot export:[/] {error}")
            raise typer.Exit(1) from None
        typer.echo(
            f"Wrote {WRITERS[writer].title} of snapshot {chosen.id} ({chosen.la_code}, as at {chosen.as_at}):"
        )
        for path in written:
            typer.echo(f"  {path}")

    export_command.__doc__ = f"Write a snapshot as the {WRITERS[writer].title}."
    return export_command


for _name, _help in (
    ("annex-a", "The workbook to write (.xlsx)."),
    ("ssda903", "The folder to write the 903 csv files into."),
    ("cin", "The census XML file to write."),
):
    _group = typer.Typer(help=f"The {WRITERS[_name].title}.", no_args_is_help=True)
    _group.command("export")(_export_command(_name, _help))
    app.add_typer(_group, name=_name)
