"""The scope of a metric query (period, environment, route, config) and the standard parameters.

Metric SQL files use these parameter names; :func:`run` picks the ones a file declares, so a
caller passes a scope and only what is particular to the query:

==================  =================================================================
``$start, $end``    TIMESTAMPTZ, the period's UTC instants
``$tz``             VARCHAR, the report time zone (days and hours are cut in it)
``$environment``    VARCHAR, the environment SLA figures use (``production``)
``$route``          VARCHAR or NULL (all routes)
``$maintenance``    STRUCT(s TIMESTAMPTZ, e TIMESTAMPTZ)[], the config's windows
``$monitors``       VARCHAR[], the uptime objective's monitors (empty = all)
``$intervals``      STRUCT(monitor VARCHAR, interval_s DOUBLE)[], configured probe intervals
``$api_prefix``     VARCHAR, path prefix of API routes (``/api/``)
``$target_ms``      DOUBLE, the mean-response target (2000)
``$apdex_t_ms``     DOUBLE, the Apdex threshold T (300)
``$route_targets``  STRUCT(pattern VARCHAR, p95_ms DOUBLE, p99_ms DOUBLE, mean_ms DOUBLE)[]
``$sample_rate``    DOUBLE, the Vercel log drain's sample rate (counts scale by 1/rate)
``$sentry_sample_rate``  DOUBLE, Sentry's rate where events carry none
``$security_actions``    VARCHAR[], audit actions that are security-relevant
``$request_source``      VARCHAR or NULL, the error-rate objective's pinned source (NULL: first available)
``$latency_source``      VARCHAR or NULL, the mean-response objective's pinned source
``$vitals_source``       VARCHAR or NULL, the Web Vitals objectives' pinned source
==================  =================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC
from typing import TYPE_CHECKING, Any

import duckdb

from reports import metrics
from reports.config import Config
from reports.periods import Period

if TYPE_CHECKING:
    import pandas as pd

APDEX_T_MS = 300.0


@dataclass(frozen=True)
class Scope:
    """What a metric query is about: a period, an environment, optionally a route."""

    period: Period
    config: Config
    environment: str | None = None  # None: the config's report environment
    route: str | None = None

    @classmethod
    def of(cls, config: Config, period: Period, **kwargs: Any) -> Scope:
        return cls(period=period, config=config, **kwargs)

    def with_period(self, period: Period) -> Scope:
        return replace(self, period=period)

    def params(self) -> dict[str, Any]:
        """Every standard parameter's value for this scope."""
        c = self.config
        uptime = c.objectives.get("uptime")
        return {
            "start": self.period.start.astimezone(UTC),
            "end": self.period.end.astimezone(UTC),
            "tz": c.report.timezone,
            "environment": self.environment or c.report.environment,
            "route": self.route,
            "maintenance": [{"s": w.start.astimezone(UTC), "e": w.end.astimezone(UTC)} for w in c.maintenance],
            "monitors": list(uptime.monitors or []) if uptime else [],
            "intervals": [{"monitor": n, "interval_s": float(m.interval_s)} for n, m in c.monitors.items()
                          if m.interval_s is not None],
            "api_prefix": c.sources.api_route_prefix,
            "target_ms": float(c.objectives["mean_response_ms"].target) if "mean_response_ms" in c.objectives else 2000.0,
            "apdex_t_ms": APDEX_T_MS,
            "route_targets": [{"pattern": r.pattern, "p95_ms": r.p95_ms, "p99_ms": r.p99_ms, "mean_ms": r.mean_ms}
                              for r in c.routes],
            "sample_rate": c.sources.vercel_log_sample_rate,
            "sentry_sample_rate": c.sources.sentry_sample_rate,
            "security_actions": list(c.audit.security_actions),
            "request_source": c.objective_source("error_rate"),
            "latency_source": c.objective_source("mean_response_ms"),
            "vitals_source": c.objective_source("lcp_p75_ms", "inp_p75_ms", "cls_p75"),
            # deploy impact of one deployment ($uid with its ready time); by default every one
            "uid": None,
            "uid_ready": None,
        }


def run(con: duckdb.DuckDBPyConnection, name: str, scope: Scope, **extra: Any) -> pd.DataFrame:
    """Run metric ``name`` with the scope's standard parameters it declares, plus ``extra``."""
    declared = metrics.load(name).params
    values = {k: v for k, v in scope.params().items() if k in declared and k not in extra}
    return metrics.run(con, name, **values, **extra)


def records(con: duckdb.DuckDBPyConnection, name: str, scope: Scope, **extra: Any) -> list[dict[str, Any]]:
    """:func:`run` as plain dicts (None for missing values)."""
    frame = run(con, name, scope, **extra)
    out: list[dict[str, Any]] = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return out
