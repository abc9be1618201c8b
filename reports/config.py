"""The config file (``reports.toml``): load, validate, and give typed access.

Validation errors name the file, the key and what was expected, and raise
:class:`~reports.errors.ConfigError` (exit 2). Unknown keys are errors, so a typo never silently
falls back to a default.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reports.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportSettings(_Strict):
    timezone: str = "Asia/Seoul"
    environment: str = "production"
    language: Literal["ko", "en"] = "ko"
    service: str = "ATCMP"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"expected an IANA time zone name such as 'Asia/Seoul', got {value!r}") from None
        return value


class Objective(_Strict):
    target: float
    source: str | None = None
    monitors: list[str] | None = None


class Monitor(_Strict):
    url: str | None = None
    interval_s: float | None = Field(default=None, gt=0)
    kuma_monitor_id: int | None = None


class MaintenanceWindow(_Strict):
    start: datetime
    end: datetime
    reason: str = ""
    approved_by: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> MaintenanceWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a UTC offset, e.g. 2026-10-10T01:00:00+09:00")
        if self.end <= self.start:
            raise ValueError(f"end ({self.end.isoformat()}) must be after start ({self.start.isoformat()})")
        return self


class RouteTarget(_Strict):
    pattern: str
    p95_ms: float | None = Field(default=None, gt=0)
    p99_ms: float | None = Field(default=None, gt=0)
    mean_ms: float | None = Field(default=None, gt=0)


class AuditColumns(_Strict):
    """Column names of the application's audit table (every app names them a little differently)."""

    id: str = "id"
    created_at: str = "created_at"
    user_id: str = "user_id"
    action: str = "action"
    resource_type: str = "resource_type"
    resource_id: str = "resource_id"
    status: str = "status"
    ip_address: str = "ip_address"
    user_agent: str = "user_agent"
    metadata: str = "metadata"


class SourceSettings(_Strict):
    speed_insights_unit: Literal["auto", "ms", "s"] = "auto"
    vercel_log_sample_rate: float = Field(default=1.0, gt=0, le=1)
    sentry_sample_rate: float = Field(default=1.0, gt=0, le=1)
    api_route_prefix: str = "/api/"
    audit_columns: AuditColumns = AuditColumns()


class AuditSettings(_Strict):
    security_actions: list[str] = [
        "user.login_failed",
        "permission.denied",
        "role.update",
        "user.delete",
        "project.delete",
    ]


# The sources an objective may be pinned to (``source = "..."``); without one, the first available.
OBJECTIVE_SOURCES: dict[str, tuple[str, ...]] = {
    "uptime": ("probes",),
    "error_rate": ("vercel_logs", "sentry_transactions"),
    "mean_response_ms": ("sentry_transactions", "trace_spans"),
    "lcp_p75_ms": ("speed_insights", "sentry_pageloads"),
    "inp_p75_ms": ("speed_insights", "sentry_pageloads"),
    "cls_p75": ("speed_insights", "sentry_pageloads"),
}


def _default_objectives() -> dict[str, Objective]:
    return {
        "uptime": Objective(target=0.995),
        "error_rate": Objective(target=0.005),
        "mean_response_ms": Objective(target=2000),
        "lcp_p75_ms": Objective(target=2500),
        "inp_p75_ms": Objective(target=200),
        "cls_p75": Objective(target=0.1),
    }


class Config(_Strict):
    report: ReportSettings = ReportSettings()
    objectives: dict[str, Objective] = Field(default_factory=_default_objectives)
    monitors: dict[str, Monitor] = {}
    maintenance: list[MaintenanceWindow] = []
    routes: list[RouteTarget] = []
    sources: SourceSettings = SourceSettings()
    audit: AuditSettings = AuditSettings()
    path: str | None = Field(default=None, exclude=True)

    @field_validator("objectives")
    @classmethod
    def _merge_defaults(cls, value: dict[str, Objective]) -> dict[str, Objective]:
        merged = _default_objectives()
        merged.update(value)
        for oid, objective in merged.items():
            allowed = OBJECTIVE_SOURCES.get(oid)
            if objective.source is not None and allowed is not None and objective.source not in allowed:
                raise ValueError(f"objectives.{oid}.source must be one of {', '.join(allowed)}, "
                                 f"got {objective.source!r}")
        vitals = {o.source for k, o in merged.items() if k in ("lcp_p75_ms", "inp_p75_ms", "cls_p75") and o.source}
        if len(vitals) > 1:
            raise ValueError("the Web Vitals objectives (lcp_p75_ms, inp_p75_ms, cls_p75) must name the same "
                             f"source, got {', '.join(sorted(vitals))}")
        return merged

    def objective_source(self, *ids: str) -> str | None:
        """The source the first of ``ids`` that is configured pins, else None (first available)."""
        for oid in ids:
            objective = self.objectives.get(oid)
            if objective is not None and objective.source:
                return objective.source
        return None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.report.timezone)

    def kuma_monitor_names(self) -> dict[int, str]:
        """Uptime Kuma ``monitor_id`` → configured monitor name."""
        return {m.kuma_monitor_id: name for name, m in self.monitors.items() if m.kuma_monitor_id is not None}


def _describe(error: Any) -> str:
    key = ".".join(str(part) for part in error["loc"] if part not in ("function-after",))
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"key {key!r} is not a known setting (check its spelling)"
    if kind == "missing":
        return f"key {key!r} is required"
    message = error["msg"].removeprefix("Value error, ")
    return f"key {key!r}: {message}" if key else message


def parse_config(data: dict[str, Any], path: str = "<config>") -> Config:
    """Validate a parsed TOML mapping; raise ConfigError naming the file and key."""
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None
    return config.model_copy(update={"path": path})


def load_config(path: str | Path | None) -> Config:
    """Load and validate a config file; ``None`` or a missing default file gives the defaults."""
    if path is None:
        return Config()
    file = Path(path)
    if not file.exists():
        raise ConfigError(f"{file}: config file not found (pass --config or set REPORTS_CONFIG)")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: not UTF-8 text") from None
    return parse_config(data, str(file))
