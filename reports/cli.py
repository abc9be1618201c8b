"""The ``reports`` command line: a thin layer that parses input, calls the library and prints.

Settings resolve in one order: flag, environment variable (``REPORTS_DB``,
``REPORTS_CONFIG``), config file, default. Errors print ``Error: ...`` and exit non-zero
(1: the work failed; 2: usage or config error) without a traceback.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from reports import ingest as ingest_mod
from reports import warehouse
from reports.config import Config, load_config
from reports.errors import ReportsError

DEFAULT_DB = "data/warehouse.duckdb"
DEFAULT_CONFIG = "reports.toml"

# wide output when piped (cron logs, CI) so paths and reasons are not cut
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


class Settings:
    """Resolved global options, handed to every command."""

    def __init__(self, db: str | None, config: str | None):
        self.db = db or os.environ.get("REPORTS_DB") or DEFAULT_DB
        explicit = config or os.environ.get("REPORTS_CONFIG")
        self._config_path = explicit or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).exists() else None)
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self._config_path)
        return self._config


def _fail(exc: ReportsError) -> None:
    err.print(f"Error: {exc}", markup=False, soft_wrap=True)
    sys.exit(exc.exit_code)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReportsError as exc:
            _fail(exc)


@click.group(cls=_Group)
@click.option("--db", metavar="PATH", help=f"Warehouse file (env REPORTS_DB, default {DEFAULT_DB}).")
@click.option("--config", "config_path", metavar="PATH",
              help=f"Config file (env REPORTS_CONFIG, default {DEFAULT_CONFIG}).")
@click.version_option(package_name="atcmp-reports")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config_path: str | None) -> None:
    """ATCMP Reports: SLA and delivery reporting from Vercel, Sentry, probes and audit logs."""
    ctx.obj = Settings(db, config_path)


@contextmanager
def _progress(total_bytes: int) -> Iterator[Callable[..., None]]:
    """A progress bar over bytes (quiet when stderr is not a terminal)."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=err, disable=not err.is_terminal, transient=True,
    )
    task = progress.add_task("loading", total=max(total_bytes, 1))

    def update(description: str | None = None, advance: int = 0) -> None:
        if description is not None:
            progress.update(task, description=description)
        progress.advance(task, advance)

    with progress:
        yield update


def _watch(con: Any, update: Callable[..., None], name: str, stop: threading.Event) -> None:
    """Show the running query's progress for long files (DuckDB's query_progress)."""
    while not stop.wait(0.5):
        try:
            pct = con.query_progress()
        except Exception:
            return
        if pct and pct > 0:
            update(description=f"{name} {pct:.0f}%")


def _summary(results: list[ingest_mod.FileResult]) -> Table:
    table = Table(title="Ingest summary", title_justify="left")
    table.add_column("file", overflow="fold", ratio=1)
    for column in ("kind", "status", "records", "loaded", "duplicates", "rejected", "seconds"):
        table.add_column(column, justify="left" if column in ("kind", "status") else "right", no_wrap=True)
    for r in results:
        style = {"failed": "red", "skipped": "yellow"}.get(r.status, "")
        table.add_row(r.path, r.kind or "?", r.status, f"{r.records:,}", f"{r.loaded:,}", f"{r.duplicates:,}",
                      f"{r.rejected:,}", f"{r.seconds:.2f}", style=style)
    return table


def run_ingest(settings: Settings, paths: list[str], source: str | None) -> list[ingest_mod.FileResult]:
    """Ingest ``paths`` into the settings' warehouse with a progress bar; return the results."""
    files = list(ingest_mod.expand(paths))
    total = sum(p.stat().st_size for p in files if p.is_file())
    results: list[ingest_mod.FileResult] = []
    with warehouse.writing(settings.db) as con, _progress(total) as update:
        for path in files:
            update(description=path.name)
            stop = threading.Event()
            watcher = threading.Thread(target=_watch, args=(con, update, path.name, stop), daemon=True)
            watcher.start()
            try:
                results.extend(ingest_mod.ingest(con, [path], settings.config, source=source))
            finally:
                stop.set()
                watcher.join()
            update(advance=path.stat().st_size if path.is_file() else 0)
    return results


def _report(results: list[ingest_mod.FileResult]) -> int:
    out.print(_summary(results))
    failed = [r for r in results if r.status == "failed"]
    for r in results:
        if r.status == "skipped":
            out.print(f"{r.path}: skipped: {r.message}", markup=False, soft_wrap=True)
        elif r.message and r.status == "loaded":
            out.print(f"{r.path}: note: {r.message}", markup=False, soft_wrap=True)
    rejected = sum(r.rejected for r in results)
    loaded = sum(r.loaded for r in results)
    out.print(f"{loaded:,} new rows from {sum(r.status == 'loaded' for r in results)} file(s); "
              f"{rejected:,} record(s) quarantined", markup=False)
    if rejected:
        out.print("See the reasons with `reports quarantine`.", markup=False)
    for r in failed:
        err.print(f"Error: {r.path}: {r.message}", markup=False, soft_wrap=True)
    return 1 if failed else 0


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--source", metavar="KIND", help="Force the kind instead of detecting it from content.")
@click.pass_obj
def ingest(settings: Settings, paths: tuple[str, ...], source: str | None) -> None:
    """Load export files or folders (recursive; plain or .gz) into the warehouse."""
    settings.config  # noqa: B018 - validate the config before touching the warehouse
    if source is not None:
        from reports import sources

        sources.get(source)
    sys.exit(_report(run_ingest(settings, list(paths), source)))


@cli.command()
@click.option("--file", "file_name", metavar="NAME", help="Only records from files whose path contains NAME.")
@click.option("--limit", default=50, show_default=True, help="How many records to show.")
@click.pass_obj
def quarantine(settings: Settings, file_name: str | None, limit: int) -> None:
    """Show quarantined records with the reason each was rejected."""
    from reports import ledger

    con = warehouse.open_reader(settings.db)
    try:
        rows = ledger.quarantined(con, file_name, limit)
        total = ledger.quarantine_count(con, file_name)
    finally:
        con.close()
    table = Table(title=f"Quarantine ({total:,} records)", title_justify="left")
    for column in ("file", "line", "item", "field", "reason", "record"):
        table.add_column(column, overflow="fold")
    for row in rows.itertuples(index=False):
        table.add_row(row.path, _opt(row.line), _opt(row.item), _text(row.field), _text(row.reason),
                      _text(row.raw)[:160])
    out.print(table)


@cli.command()
@click.pass_obj
def status(settings: Settings) -> None:
    """Show what the warehouse holds: rows and time span per table, files loaded, quarantine."""
    from reports import ledger

    con = warehouse.open_reader(settings.db)
    try:
        frame = ledger.tables(con)
        loaded = ledger.files(con, limit=1_000_000)
        held = ledger.quarantine_count(con)
    finally:
        con.close()
    table = Table(title=f"Warehouse {settings.db}", title_justify="left")
    for column in ("table", "rows", "first (UTC)", "last (UTC)"):
        table.add_column(column, justify="right" if column == "rows" else "left")
    for row in frame.itertuples(index=False):
        table.add_row(row.table, f"{row.rows:,}", _when(row.first), _when(row.last))
    out.print(table)
    ok = loaded[loaded.status == "loaded"]
    out.print(f"{len(ok):,} file(s) loaded, {int((loaded.status == 'failed').sum()):,} failed; "
              f"{held:,} record(s) in quarantine", markup=False)


def _missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA (without importing pandas)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA refuses bool()
        return True


def _when(value: Any) -> str:
    if _missing(value):
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _opt(value: Any) -> str:
    return "" if _missing(value) else str(int(value))


@cli.command()
@click.option("--month", metavar="YYYY-MM", help="The month (default: the last complete month).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object (unrounded).")
@click.pass_obj
def sla(settings: Settings, month: str | None, as_json: bool) -> None:
    """The month's SLA summary: each objective against its target."""
    import json

    from reports import periods
    from reports import sla as sla_mod

    config = settings.config
    sla_mod.check_objectives(config)
    period = periods.month(month, config.report.timezone) if month else periods.last_complete_month(config.report.timezone)
    con = warehouse.open_reader(settings.db)
    try:
        result = sla_mod.summary(con, config, period)
    finally:
        con.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    out.print(_sla_table(result))
    coverage = result["coverage"]
    monitored = coverage["monitored_fraction"]
    out.print(f"Monitored {_pct(monitored)} of the month; maintenance {coverage['maintenance_s'] / 60:.0f} min; "
              f"{len(result['incidents'])} incident(s).", markup=False)


def _pct(value: float | None, digits: int = 2) -> str:
    return "no data" if value is None else f"{value * 100:.{digits}f} %"


def _fmt(oid: str, value: float | None) -> str:
    if value is None:
        return "no data"
    if oid in ("uptime", "error_rate"):
        return _pct(value, 3)
    if oid == "cls_p75":
        return f"{value:.3f}"
    return f"{value:,.1f} ms"


def _sla_table(result: dict[str, Any]) -> Table:
    table = Table(title=f"SLA {result['month']} ({result['timezone']})", title_justify="left")
    for column in ("objective", "target", "actual", "status", "budget left", "source", "samples", "vs previous"):
        table.add_column(column, justify="right" if column in ("actual", "samples", "budget left") else "left")
    colours = {"met": "green", "missed": "red", "no_data": "yellow"}
    for o in result["objectives"]:
        before = result["previous_month"].get(o["id"])
        change = ""
        if o["actual"] is not None and before is not None:
            delta = o["actual"] - before
            change = (f"{delta * 100:+.3f} pp" if o["id"] in ("uptime", "error_rate")
                      else f"{delta:+.3f}" if o["id"] == "cls_p75" else f"{delta:+,.1f} ms")
        budget_left = o.get("budget_remaining")
        table.add_row(o["id"], f"{o['comparison']} {_fmt(o['id'], o['target'])}", _fmt(o["id"], o["actual"]),
                      f"[{colours[o['status']]}]{o['status']}[/]", _pct(budget_left, 1) if budget_left is not None else "",
                      o.get("source") or "", f"{o.get('samples') or 0:,}", change)
    return table


@cli.command()
@click.option("--month", metavar="YYYY-MM", help="The month (default: the last complete month).")
@click.option("--lang", type=click.Choice(["ko", "en"]), help="Report language (default: the config's).")
@click.option("-o", "--output", metavar="FILE.pdf", type=click.Path(), help="Where to write the PDF.")
@click.pass_obj
def report(settings: Settings, month: str | None, lang: str | None, output: str | None) -> None:
    """Write the month's SLA report as a PDF (Korean or English)."""
    from reports import periods
    from reports import report as report_mod

    config = settings.config
    period = periods.month(month, config.report.timezone) if month else periods.last_complete_month(config.report.timezone)
    language = lang or config.report.language
    target = Path(output or f"sla-report-{period.label}-{language}.pdf")
    con = warehouse.open_reader(settings.db)
    try:
        written = report_mod.render_pdf(con, config, period, language, target)
    finally:
        con.close()
    out.print(f"Wrote {written}", markup=False)


@cli.command()
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.pass_obj
def serve(settings: Settings, port: int, host: str) -> None:
    """Start the Streamlit app on the configured warehouse."""
    import subprocess

    settings.config  # noqa: B018 - fail on a bad config before starting a server
    app = Path(__file__).resolve().parent.parent / "app.py"
    env = {**os.environ, "REPORTS_DB": str(Path(settings.db).resolve())}
    if settings._config_path:
        env["REPORTS_CONFIG"] = str(Path(settings._config_path).resolve())
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
               "--server.address", host, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    sys.exit(subprocess.call(command, env=env))


@cli.command()
@click.option("--months", default=3, show_default=True, type=click.IntRange(1, 36))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(0.01, 1000))
@click.option("--out", "out_dir", default="data/demo", show_default=True, type=click.Path(),
              help="Where the demo export files are written.")
@click.option("--no-load", is_flag=True, help="Only write the export files.")
@click.pass_obj
def demo(settings: Settings, months: int, seed: int, scale: float, out_dir: str, no_load: bool) -> None:
    """Generate realistic demo exports in every format, then load them."""
    from reports import demo as demo_mod

    settings.config  # noqa: B018
    manifest = demo_mod.generate(Path(out_dir), months=months, seed=seed, scale=scale,
                                 progress=lambda msg: err.print(msg, markup=False) if err.is_terminal else None)
    out.print(f"Wrote {len(manifest.files)} demo files to {out_dir} "
              f"({manifest.start:%Y-%m-%d} .. {manifest.end:%Y-%m-%d} UTC)", markup=False)
    if no_load:
        return
    sys.exit(_report(run_ingest(settings, [out_dir], None)))


def main() -> None:
    cli(prog_name="reports")
