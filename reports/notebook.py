"""The analyst's handle on the warehouse: ``reports.open()`` in a notebook (read-only).

:func:`open` returns a :class:`Warehouse`: a read-only connection on the newest snapshot of the
warehouse (:func:`reports.warehouse.open_reader`, so it never blocks an ingest) plus the config,
with a few methods that take a month (``"YYYY-MM"``, cut in the report time zone) or a range::

    import reports

    with reports.open() as wh:                     # $REPORTS_DB / $REPORTS_CONFIG, else the defaults
        wh.sla("2026-10")                          # the `reports sla --json` dict
        wh.metric("latency_by_route", "2026-10")   # any metric file, as a DataFrame
        wh.metric("latency_daily", start="2026-10-01", end="2026-10-08", route="/api/search")
        wh.sql("SELECT count(*) AS n FROM vercel_requests WHERE status_code >= $code", code=500)

        from reports.metrics import latency        # the Python metric API takes (con, scope)
        latency.summary(wh.con, wh.scope("2026-10"))

Values are always bound (``$name``), never formatted into SQL. Columns holding personal data (IP
addresses, user ids) are masked in :meth:`Warehouse.sql` and :meth:`Warehouse.metric` results
unless the handle was opened with ``admin=True`` (a guard against showing them by accident in a
shared notebook, not an access control: whoever can read the file can read the data).

Paths resolve like the CLI's: argument, then ``REPORTS_DB`` / ``REPORTS_CONFIG``, then
``data/warehouse.duckdb`` / ``reports.toml``; a relative path is looked up in the working
directory, then in its parents (a notebook's kernel runs in ``notebooks/``, the project root is
its parent).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from reports import ledger, metrics, periods, privacy, warehouse
from reports import sla as sla_mod
from reports.charts import ENV_COLORS, RATING_COLORS, SERIES, STATUS_CLASS_COLORS, STATUS_COLORS
from reports.config import Config, load_config
from reports.errors import UsageError
from reports.metrics import scope as scoped
from reports.metrics.scope import Scope
from reports.periods import Period
from reports.sqltext import quote_ident

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

DEFAULT_DB = "data/warehouse.duckdb"  # the CLI's defaults (reports.cli), repeated to keep this import light
DEFAULT_CONFIG = "reports.toml"

# The palette of the app and the PDF (reports.charts), so a status, a rating, a status class or a
# percentile looks the same in a notebook; plus the few series only notebooks draw.
SERIES_COLORS = {**SERIES, "value": SERIES["mean"], "before": STATUS_COLORS["no_data"], "after": SERIES["mean"],
                 "incident": STATUS_COLORS["missed"], "deployment": "#6a3d9a", "database": "#117a65"}
__all__ = ["ENV_COLORS", "RATING_COLORS", "SERIES_COLORS", "STATUS_CLASS_COLORS", "STATUS_COLORS", "Warehouse",
           "open", "resolve_config", "resolve_db", "target_line"]

# The column that places a row in time, per data table (the first one present wins).
_TIME_COLUMNS = ("ts", "created_at", "fetch_time", "interval_start")
_INTERNAL = ("schema_version", "ingest_files", "quarantine")
_PARAM = re.compile(r"\$(\w+)")


def target_line(fig: Any, value: float, text: str, *, color: str = SERIES_COLORS["target"], dash: str = "dash",
                position: str = "left") -> Any:
    """Draw a labelled horizontal line (a target, a threshold) across a plotly figure.

    Unlike ``fig.add_hline(annotation_text=...)``, the label also shows on a log y axis (plotly
    places hline annotations in linear units there, far off the chart).

    >>> target_line(fig, 2000, "target 2,000 ms")  # doctest: +SKIP
    """
    import math

    log = getattr(fig.layout.yaxis, "type", None) == "log"
    fig.add_hline(y=value, line_dash=dash, line_color=color, line_width=1.5)
    if log and value <= 0:
        return fig
    fig.add_annotation(x=0 if position == "left" else 1, xref="paper", xanchor=position, yanchor="bottom",
                       y=math.log10(value) if log else value, text=text, showarrow=False,
                       font={"color": color, "size": 11}, bgcolor="rgba(255,255,255,0.8)")
    return fig


def _find_upwards(relative: str | os.PathLike[str]) -> Path | None:
    """``relative`` under the working directory or the nearest parent that has it."""
    here = Path.cwd()
    for base in (here, *here.parents):
        if (base / relative).exists():
            return base / relative
    return None


def _locate(given: str | os.PathLike[str]) -> Path:
    """A path as given; a relative one missing here is looked up in the parent folders too."""
    path = Path(given).expanduser()
    if path.is_absolute() or path.exists():
        return path
    return _find_upwards(path) or path


def resolve_db(db: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse path: ``db``, else ``$REPORTS_DB``, else ``data/warehouse.duckdb``.

    A relative path is taken from the working directory, else from the nearest parent folder
    that has it (a notebook's kernel runs in ``notebooks/``; the project root is its parent).
    """
    return _locate(db or os.environ.get("REPORTS_DB") or DEFAULT_DB)


def resolve_config(config: str | os.PathLike[str] | None = None) -> Path | None:
    """The config path: ``config``, else ``$REPORTS_CONFIG``, else ``reports.toml`` if there is one, else None.

    Relative paths are looked up like :func:`resolve_db`'s. None means the built-in defaults.
    """
    chosen = config or os.environ.get("REPORTS_CONFIG")
    if chosen:
        return _locate(chosen)
    return _find_upwards(DEFAULT_CONFIG)


def open(db: str | os.PathLike[str] | None = None, config: str | os.PathLike[str] | Config | None = None,
         *, admin: bool = False) -> Warehouse:
    """Open the warehouse read-only (the newest snapshot) with its config.

    >>> wh = open("data/warehouse.duckdb", "reports.toml")  # doctest: +SKIP
    """
    path = resolve_db(db)
    cfg = config if isinstance(config, Config) else load_config(resolve_config(config))
    sla_mod.check_objectives(cfg)
    con = warehouse.open_reader(path)
    try:
        metrics.install_macros(con)  # the shared table macros, for ad-hoc SQL as well
    except Exception:
        con.close()
        raise
    return Warehouse(con, cfg, path, admin=admin)


def _instant(value: str | date | datetime, zone: ZoneInfo, what: str) -> datetime:
    """A period bound: a date (or ``YYYY-MM-DD``) is local midnight; a naive datetime is local time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if ("T" in value or " " in value) else date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{what} must be a date (YYYY-MM-DD) or an ISO datetime, got {value!r}") from None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone).astimezone(UTC)
    raise UsageError(f"{what} must be a date or a datetime, got {type(value).__name__}")


class Warehouse:
    """A read-only warehouse handle for notebooks; see the module docstring for examples."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: Config, db: Path, *, admin: bool = False):
        self._con: duckdb.DuckDBPyConnection | None = con
        self.config = config
        self.db = db
        self.admin = admin

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The read-only DuckDB connection, for the ``reports.metrics.*`` functions."""
        if self._con is None:
            raise UsageError(f"{self.db}: this warehouse handle is closed; open a new one with reports.open()")
        return self._con

    @property
    def timezone(self) -> str:
        """The report time zone (months and days are cut in it)."""
        return self.config.report.timezone

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._con is None else "read-only"
        where = self.config.path or "default config"
        return f"<Warehouse {self.db} ({state}), config {where}, time zone {self.timezone}>"

    def _mask(self, frame: pd.DataFrame) -> pd.DataFrame:
        return privacy.mask_frame(frame, viewer_is_admin=self.admin)

    # -- periods ------------------------------------------------------------------------------
    def period(self, month: str | Period | None = None, start: str | date | datetime | None = None,
               end: str | date | datetime | None = None) -> Period:
        """A month (default: the last complete one) or the half-open range ``[start, end)``.

        Dates are local midnights in the report time zone, so ``start="2026-10-01",
        end="2026-10-08"`` is the first seven days of October; a naive datetime is local time.
        """
        if isinstance(month, Period):
            return month
        if start is not None or end is not None:
            if month is not None:
                raise UsageError("pass either a month or start/end, not both")
            if start is None or end is None:
                raise UsageError("a range needs both start and end")
            zone = ZoneInfo(self.timezone)
            first, last = _instant(start, zone, "start"), _instant(end, zone, "end")
            label = f"{first.astimezone(zone):%Y-%m-%d %H:%M}..{last.astimezone(zone):%Y-%m-%d %H:%M}"
            return Period(first, last, self.timezone, label)
        if month is None:
            return periods.last_complete_month(self.timezone)
        return periods.month(month, self.timezone)

    def scope(self, month: str | Period | None = None, start: str | date | datetime | None = None,
              end: str | date | datetime | None = None, *, environment: str | None = None,
              route: str | None = None) -> Scope:
        """The :class:`~reports.metrics.scope.Scope` every ``reports.metrics`` function takes."""
        return Scope.of(self.config, self.period(month, start, end), environment=environment, route=route)

    # -- queries ------------------------------------------------------------------------------
    def sql(self, query: str, *, scope: Scope | str | None = None, **params: Any) -> pd.DataFrame:
        """Run one read-only query with bound ``$name`` parameters; return a DataFrame.

        With ``scope`` (a Scope or a month), the standard parameters the query mentions
        (``$start``, ``$end``, ``$tz``, ``$environment``, ``$maintenance``, ...) are bound too::

            wh.sql("SELECT route, max(duration_ms) AS worst FROM latency_samples($start, $end, "
                   "$environment, NULL, $maintenance, $sentry_sample_rate, $latency_source) GROUP BY route",
                   scope="2026-10")
        """
        import duckdb

        values = dict(params)
        if scope is not None:
            chosen = scope if isinstance(scope, Scope) else self.scope(scope)
            wanted = set(_PARAM.findall(query))
            values = {**{k: v for k, v in chosen.params().items() if k in wanted}, **values}
        try:
            frame = self.con.execute(query, values).df() if values else self.con.execute(query).df()
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            hint = ""
            if "read-only" in first or "read only" in first:
                hint = " (notebook handles are read-only; load data with `reports ingest PATH`)"
            raise UsageError(f"query failed: {first}{hint}") from None
        return self._mask(frame)

    def metric(self, name: str, month: str | Period | None = None, start: str | date | datetime | None = None,
               end: str | date | datetime | None = None, **params: Any) -> pd.DataFrame:
        """Run metric file ``reports/sql/<name>.sql`` for a month or range; ``params`` add or override.

        >>> wh.metric("requests_trend", "2026-10", grain="hour")  # doctest: +SKIP
        """
        return self._mask(scoped.run(self.con, name, self.scope(month, start, end), **params))

    def metrics(self) -> pd.DataFrame:
        """The metric catalogue: name, meaning, unit, grain and the parameters each file takes."""
        import pandas as pd

        rows = []
        for name in metrics.names():
            m = metrics.load(name)
            rows.append({"name": name, "meaning": m.meaning, "unit": m.unit, "grain": m.header["grain"],
                         "params": ", ".join(m.params)})
        return pd.DataFrame(rows, columns=["name", "meaning", "unit", "grain", "params"])

    def sla(self, month: str | Period | None = None) -> dict[str, Any]:
        """The month's SLA summary: exactly what ``reports sla --month M --json`` prints."""
        return sla_mod.summary(self.con, self.config, self.period(month))

    def tables(self) -> pd.DataFrame:
        """Every data table with its row count and the (UTC) time span of its rows."""
        return ledger.tables(self.con)

    def coverage(self, month: str | Period | None = None, start: str | date | datetime | None = None,
                 end: str | date | datetime | None = None) -> pd.DataFrame:
        """Rows per data table and local day of the period (zeros included): where data is missing.

        Columns ``table``, ``time_column``, ``day`` (a local date) and ``rows``; tables without a
        timestamp column are left out.
        """
        import pandas as pd

        period = self.period(month, start, end)
        found = self.con.execute(
            "SELECT c.table_name, list(c.column_name ORDER BY c.column_index) FROM duckdb_columns() c "
            "JOIN duckdb_tables() t USING (database_name, schema_name, table_name) "
            "WHERE t.schema_name = 'main' AND NOT t.temporary AND c.data_type = 'TIMESTAMP WITH TIME ZONE' "
            "GROUP BY ALL ORDER BY 1"
        ).fetchall()
        days = period.days()
        parts = []
        for table, columns in found:
            column = next((c for c in _TIME_COLUMNS if c in columns), None)
            if table in _INTERNAL or column is None:
                continue
            col = quote_ident(column)
            counted = self.con.execute(
                f"SELECT CAST(timezone($tz, {col}) AS DATE) AS day, count(*) AS rows FROM {quote_ident(table)} "
                f"WHERE {col} >= $start AND {col} < $end GROUP BY ALL",
                {"tz": self.timezone, "start": period.start, "end": period.end},
            ).fetchall()
            per_day = {d: n for d, n in counted}
            parts.append(pd.DataFrame({"table": table, "time_column": column, "day": days,
                                       "rows": [int(per_day.get(d, 0)) for d in days]}))
        if not parts:
            return pd.DataFrame(columns=["table", "time_column", "day", "rows"])
        return pd.concat(parts, ignore_index=True)

    def latency_samples(self, month: str | Period | None = None, start: str | date | datetime | None = None,
                        end: str | date | datetime | None = None, *, route: str | None = None,
                        environment: str | None = None) -> pd.DataFrame:
        """The server response-time samples the latency metrics use (same source choice, maintenance
        excluded): ``source, ts, route, duration_ms, weight`` (weight = 1 / sample rate), by time.

        For distributions (box plots, ECDFs) and for looking at individual outliers.
        """
        chosen = self.scope(month, start, end, environment=environment, route=route)
        return self.sql(
            "SELECT source, ts, route, duration_ms, weight FROM latency_samples($start::TIMESTAMPTZ, "
            "$end::TIMESTAMPTZ, $environment::VARCHAR, $route::VARCHAR, "
            "$maintenance::STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], $sentry_sample_rate::DOUBLE, "
            "$latency_source::VARCHAR) ORDER BY ts",
            scope=chosen,
        )
