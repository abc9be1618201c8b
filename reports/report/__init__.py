"""The monthly SLA report: HTML from Jinja2 templates, PDF by WeasyPrint, in Korean or English.

The figures come from :func:`reports.report.context.gather` (the same code as ``reports sla
--json``), the words from :mod:`reports.report.text`, numbers and dates from :mod:`reports.i18n`
and the charts from :mod:`reports.report.figures` (the app's plotly figures via kaleido).

>>> render_pdf(con, config, periods.month("2026-10", "Asia/Seoul"), "ko", Path("sla.pdf"))  # doctest: +SKIP
PosixPath('sla.pdf')

Gather once and render several languages with :func:`html_from` / :func:`pdf_from`.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import DictLoader, Environment, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from reports.config import Config
from reports.errors import UsageError
from reports.i18n import (
    LANGS,
    Lang,
    fmt_date,
    fmt_datetime,
    fmt_duration,
    fmt_month,
    fmt_ms,
    fmt_number,
    fmt_pct,
    fmt_value,
    objective_label,
    status_label,
)
from reports.periods import Period
from reports.report import context as context_mod
from reports.report import figures, text

__all__ = ["gather", "html_from", "pdf_from", "render_html", "render_pdf"]

gather = context_mod.gather


def _software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"atcmp-reports {version('atcmp-reports')}"
    except PackageNotFoundError:
        return "atcmp-reports (source checkout)"


_TEMPLATES = "templates"
_NO_DATA = {"ko": "데이터 없음", "en": "no data"}


def _lang(ctx: Context) -> Lang:
    lang: Lang = ctx["lang"]
    return lang


def _missing(value: Any) -> bool:
    return context_mod._missing(value)


@pass_context
def _pct(ctx: Context, value: float | None, digits: int = 2) -> str:
    return _NO_DATA[_lang(ctx)] if _missing(value) else fmt_pct(value, _lang(ctx), digits)


@pass_context
def _num(ctx: Context, value: float | None, digits: int = 0) -> str:
    return _NO_DATA[_lang(ctx)] if _missing(value) else fmt_number(value, _lang(ctx), digits)


@pass_context
def _ms(ctx: Context, value: float | None, digits: int = 1) -> str:
    return _NO_DATA[_lang(ctx)] if _missing(value) else fmt_ms(value, _lang(ctx), digits)


@pass_context
def _val(ctx: Context, value: float | None, objective: str) -> str:
    return fmt_value(objective, None if _missing(value) else value, _lang(ctx))


@pass_context
def _dur(ctx: Context, seconds: float | None) -> str:
    return fmt_duration(None if _missing(seconds) else seconds, _lang(ctx))


@pass_context
def _minutes(ctx: Context, seconds: float | None, digits: int = 1) -> str:
    return _NO_DATA[_lang(ctx)] if _missing(seconds) else fmt_number(float(seconds or 0) / 60, _lang(ctx), digits)


@pass_context
def _dt(ctx: Context, value: datetime | None) -> str:
    if _missing(value) or value is None:
        return "—"
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return fmt_datetime(stamp, _lang(ctx), ctx["meta"]["timezone"])


@pass_context
def _date(ctx: Context, value: date | datetime | None) -> str:
    if _missing(value) or value is None:
        return "—"
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return fmt_date(stamp, _lang(ctx), ctx["meta"]["timezone"] if isinstance(stamp, datetime) and stamp.tzinfo else None)


@pass_context
def _delta(ctx: Context, change: dict[str, Any] | None) -> str:
    if not change or change.get("delta") is None:
        return "—"
    delta, oid = float(change["delta"]), change["id"]
    if oid in ("uptime", "error_rate"):
        unit = "%p" if _lang(ctx) == "ko" else " pp"
        return f"{delta * 100:+.3f}{unit}"
    if oid == "cls_p75":
        return f"{delta:+.3f}"
    return f"{delta:+,.1f} ms"


@pass_context
def _t(ctx: Context, key: str, **values: Any) -> str:
    return text.label(key, _lang(ctx), **values)


def _cmp(comparison: str) -> str:
    return {">=": "≥", "<=": "≤", "<": "<", ">": ">"}.get(comparison, comparison)


@cache
def _environment() -> Environment:
    root = resources.files("reports.report") / _TEMPLATES
    sources = {f.name: f.read_text(encoding="utf-8") for f in root.iterdir() if f.name.endswith(".j2")}
    env = Environment(loader=DictLoader(sources), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=_pct, num=_num, ms=_ms, val=_val, dur=_dur, minutes=_minutes, dt=_dt, date=_date,
                       delta=_delta, cmp=_cmp)
    env.globals.update(t=_t)
    return env


@cache
def _css() -> str:
    return (resources.files("reports.report") / _TEMPLATES / "style.css").read_text(encoding="utf-8")


def _check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise UsageError(f"report language must be one of {', '.join(LANGS)}, got {lang!r}")
    return "ko" if lang == "ko" else "en"


def html_from(ctx: dict[str, Any], lang: str, charts: bool = True,
              images: dict[str, str | None] | None = None) -> str:
    """The report's HTML for gathered figures ``ctx`` in ``lang`` (charts as data-URI images).

    ``images`` are charts already exported by :func:`reports.report.figures.build` for this
    ``ctx`` and ``lang``; by default they are exported here (``charts=False`` leaves them out).
    """
    language = _check_lang(lang)
    if images is None:
        images = figures.build(ctx, language) if charts else {}
    template = _environment().get_template("report.html.j2")
    return template.render(
        **ctx, lang=language, images=images, charts_enabled=charts or bool(images), css=Markup(_css()),
        verdict=text.verdict(ctx, language), methodology=text.methodology(language, ctx["meta"]["environment"]),
        windows_text=text.windows(language), version=_software_version(),
        status_label=lambda s: status_label(s, language), objective_label=lambda o: objective_label(o, language),
        source_name=lambda s: text.source_name(s, language), month_label=lambda m: fmt_month(m, language),
    )


def pdf_from(html: str, out_path: str | Path) -> Path:
    """Write ``html`` (from :func:`html_from`) to ``out_path`` as a PDF with WeasyPrint."""
    from weasyprint import HTML

    target = Path(out_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    base = str(resources.files("reports.report") / _TEMPLATES)
    HTML(string=html, base_url=base).write_pdf(target)
    return target


def render_html(con: duckdb.DuckDBPyConnection, config: Config, period: Period, lang: str,
                charts: bool = True, now: datetime | None = None) -> str:
    """The month's report as one self-contained HTML document (CSS inline, charts as data URIs)."""
    language = _check_lang(lang)
    return html_from(context_mod.gather(con, config, period, now=now), language, charts=charts)


def render_pdf(con: duckdb.DuckDBPyConnection, config: Config, period: Period, lang: str,
               out_path: str | Path, now: datetime | None = None) -> Path:
    """Write the month's report as an A4 PDF to ``out_path`` and return the path."""
    return pdf_from(render_html(con, config, period, lang, now=now), out_path)
