"""Deterministic demo exports: a realistic production Next.js service on Vercel with Sentry.

:func:`generate` writes, under one folder, every export the tool reads, in the real formats
(``FORMATS.md``), all cut from one shared scenario (:mod:`reports.demo.timeline`): about
100 000 requests a month at ``scale=1`` with diurnal and weekly traffic in Asia/Seoul,
deployments, a few outages, a maintenance window, an error regression and a latency
regression, and a handful of deliberately bad records. The :class:`DemoManifest` it returns
lists the files and the planted facts, so tests can check that metrics find them. The same
arguments always give byte-identical files; stale files of a previous run are removed.

Example::

    manifest = generate(Path("data/demo"), months=1, end_month="2026-10")
    manifest.error_regression.uid      # the deployment whose 5xx rate jumped to ~4 %
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reports.demo import audit, daily, deploys, lighthouse, ops, sentry, sentry_api, timeline
from reports.demo.audit import BruteForce
from reports.demo.engine import Engine
from reports.demo.output import BadRecord, Output
from reports.demo.timeline import Incident, Outage, Regression, Window

__all__ = ["BadRecord", "BruteForce", "DemoManifest", "Incident", "Outage", "Regression", "Window", "generate"]

MANIFEST_NAME = ".demo-manifest.json"  # hidden: ingest skips it


@dataclass
class DemoManifest:
    """What :func:`generate` wrote and the scenario facts planted in it (times in UTC)."""

    out_dir: Path
    seed: int
    scale: float
    months: list[str]
    timezone: str
    start: datetime  # the period [start, end): local month boundaries as UTC instants
    end: datetime
    files: dict[str, int]  # relative path -> records written (bad ones included)
    incidents: list[Incident]  # per monitor: unplanned outages its probes see
    outages: list[Outage]  # every outage, the maintenance downtime included (planned=True)
    maintenance: list[Window]  # approved windows (for the config's [[maintenance]])
    kuma_maintenance: list[Window]  # where Uptime Kuma beats with status 3
    error_regression: Regression
    latency_regression: Regression
    runtime_logs_deployment: str
    brute_force: BruteForce
    lighthouse_failed_run: str  # a run with runtimeError NO_FCP (valid, not a bad record)
    bad_records: list[BadRecord]
    monitors: dict[str, dict[str, Any]] = field(default_factory=dict)
    project_id: str = timeline.PROJECT_ID
    domain: str = timeline.DOMAIN

    @property
    def period(self) -> tuple[datetime, datetime]:
        return self.start, self.end

    def paths(self) -> list[Path]:
        """Absolute paths of every file written."""
        return [self.out_dir / rel for rel in self.files]

    def rejected(self, rel: str) -> int:
        """How many planted bad records ``rel`` holds."""
        return sum(b.count for b in self.bad_records if b.path == rel)

    def to_json(self) -> dict[str, Any]:
        """Everything but ``out_dir`` as JSON values (the file in the folder must not depend on
        where the folder is)."""
        data = asdict(self)
        data.pop("out_dir")
        return json.loads(json.dumps(data, default=_default))

    def config_toml(self) -> str:
        """The ``reports.toml`` sections that describe the demo (monitors, maintenance)."""
        lines = ['[report]', 'timezone = "Asia/Seoul"', ""]
        for name, monitor in self.monitors.items():
            lines.append(f"[monitors.{name}]")
            lines.append(f'url = "{monitor["url"]}"')
            lines.append(f'interval_s = {monitor["interval_s"]}')
            if "kuma_monitor_id" in monitor:
                lines.append(f'kuma_monitor_id = {monitor["kuma_monitor_id"]}')
            lines.append("")
        for window in self.maintenance:
            lines += ["[[maintenance]]", f'start = "{window.start.astimezone(timeline.ZONE).isoformat()}"',
                      f'end = "{window.end.astimezone(timeline.ZONE).isoformat()}"',
                      f'reason = "{window.reason}"', f'approved_by = "{window.approved_by}"', ""]
        return "\n".join(lines)


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(type(value).__name__)


def generate(out_dir: Path, *, months: int = 3, seed: int = 7, scale: float = 1.0,
             end_month: str | None = None, today: date | None = None,
             progress: Callable[[str], None] | None = None) -> DemoManifest:
    """Write the demo exports for ``months`` months ending with ``end_month`` under ``out_dir``.

    ``end_month`` (``YYYY-MM``) defaults to the last complete month before ``today`` in
    Asia/Seoul. ``scale`` multiplies request-proportional volumes (``scale=100`` is about 10 M
    requests a month). Raises :class:`~reports.errors.UsageError` for bad arguments.
    """
    say = progress or (lambda _message: None)
    month_list = timeline.resolve_months(months, end_month, today)
    scenario = timeline.build(seed, scale, month_list)
    deploys.plan_deployments(scenario)
    timeline.plan_outages(scenario)
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    previous = _previous_files(root)
    out = Output(root)
    say(f"demo {month_list[0]}..{month_list[-1]} (seed {seed}, scale {scale:g}): "
        f"{sum(d.n for d in scenario.days):,} requests")
    engine = Engine(scenario)
    try:
        sentry.setup(engine)
        with tempfile.TemporaryDirectory(dir=root, prefix=".parts-") as tmp:
            daily.run(engine, scenario, out, Path(tmp), say)
        say("deployments, Sentry issues and stats, probes")
        deploys.write_pages(scenario, out)
        sentry_api.write_issues(engine, scenario, out)
        sentry_api.write_stats(engine, scenario, out)
        sentry_api.write_discover(engine, scenario, out)
        ops.write_health(engine, scenario, out)
        ops.write_kuma(engine, scenario, out)
        ops.write_upptime(scenario, out)
    finally:
        engine.close()
    say("audit log and Lighthouse runs")
    burst = audit.write(scenario, out)
    failed_run = lighthouse.write(scenario, out)
    manifest = DemoManifest(
        out_dir=root, seed=seed, scale=scale, months=month_list, timezone=str(timeline.ZONE),
        start=scenario.start, end=scenario.end, files=dict(sorted(out.records.items())),
        incidents=scenario.incidents(), outages=list(scenario.outages), maintenance=list(scenario.maintenance),
        kuma_maintenance=list(scenario.kuma_maintenance), error_regression=scenario.regression("error"),
        latency_regression=scenario.regression("latency"),
        runtime_logs_deployment=scenario.regression("error").uid, brute_force=burst,
        lighthouse_failed_run=failed_run,
        bad_records=sorted(out.bad, key=lambda b: b.path),
        monitors={"health": {"url": ops.HEALTH_URL, "interval_s": ops.HEALTH_INTERVAL_S},
                  "home": {"url": ops.HOME_URL, "interval_s": ops.HOME_INTERVAL_S,
                           "kuma_monitor_id": ops.KUMA_MONITOR_ID}},
    )
    _remove_stale(root, previous, set(manifest.files))
    text = json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n"
    (root / MANIFEST_NAME).write_text(text, encoding="utf-8")
    say(f"wrote {len(manifest.files)} files under {root}")
    return manifest


def _previous_files(root: Path) -> list[str]:
    """The files a previous run listed in its manifest (only those are ever removed)."""
    try:
        data = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
        return [str(rel) for rel in data.get("files", {})]
    except (OSError, ValueError, AttributeError):
        return []


def _remove_stale(root: Path, previous: list[str], current: set[str]) -> None:
    for rel in previous:
        if rel in current or ".." in Path(rel).parts or Path(rel).is_absolute():
            continue
        target = root / rel
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        parent = target.parent
        while parent != root and parent.is_relative_to(root):
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
            parent = parent.parent
