"""The shared scenario every demo file is cut from: period, traffic, deployments, outages.

Everything here is small (a few thousand hours, a few hundred deployments) and built in Python
from ``random.Random`` seeded with a string (stable across runs and platforms). The large sets
are generated in SQL from these tables (see :mod:`reports.demo.engine`).
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from reports.errors import UsageError

ZONE = ZoneInfo("Asia/Seoul")
BASE_REQUESTS_PER_MONTH = 100_000
PROJECT_ID = "prj_7hQx2LmN4vKc9TzR1aWsYe3uPb"
PROJECT_NAME = "atcmp-web"
TEAM_ID = "team_V3xKq9LmZ2wR7tYcN4pHs8Ud"
DOMAIN = "atcmp.example.com"
CONFIG_MAINTENANCE = (datetime(2026, 10, 10, 1, 0, tzinfo=ZONE), datetime(2026, 10, 10, 3, 0, tzinfo=ZONE))
HOUR_MS = 3_600_000

# traffic by local hour (0-23) and weekday (Mon-Sun), relative
DIURNAL = (0.30, 0.20, 0.14, 0.11, 0.10, 0.12, 0.20, 0.38, 0.65, 0.90, 1.00, 1.00,
           0.88, 0.97, 1.00, 1.00, 0.95, 0.85, 0.70, 0.68, 0.72, 0.70, 0.58, 0.42)
WEEKLY = (1.00, 1.02, 1.00, 0.98, 0.92, 0.55, 0.50)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_BASE62 = string.digits + string.ascii_letters


@dataclass(frozen=True)
class Window:
    """A maintenance window ``[start, end)`` (UTC)."""

    start: datetime
    end: datetime
    reason: str
    approved_by: str = ""


@dataclass(frozen=True)
class Outage:
    """A planted outage ``[start, end)``: probes of ``monitors`` fail and requests return 5xx.

    ``scope`` is ``all`` (the whole site, static pages too) or ``api`` (functions only: the
    static home page stays up, so only the ``health`` monitor sees it).
    """

    start: datetime
    end: datetime
    scope: str
    monitors: tuple[str, ...]
    reason: str
    planned: bool = False  # downtime inside an approved maintenance window


@dataclass(frozen=True)
class Incident:
    """What a monitor sees of an outage: its probes fail during ``[start, end)``."""

    monitor: str
    start: datetime
    end: datetime
    reason: str


@dataclass
class Deployment:
    """One Vercel deployment of the demo project (times in epoch ms)."""

    uid: str
    target: str | None  # production | staging | None (preview)
    state: str
    created_ms: int
    building_ms: int
    ready_ms: int | None
    sha: str
    ref: str
    message: str
    author: int  # index into AUTHORS
    url: str
    source: str = "git"
    pr_id: int | None = None
    error_mult: float = 1.0  # multiplies the base 5xx probability while it serves
    latency_mult: float = 1.0  # multiplies server time while it serves
    error_code: str | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class Regression:
    """A planted bad production deployment and the deployment that ended it."""

    kind: str  # error | latency
    uid: str
    ready: datetime
    ended_by: str
    ended: datetime
    factor: float  # error: 5xx rate while it served / before; latency: server time multiplier


@dataclass(frozen=True)
class Hour:
    start_ms: int
    n: int  # requests in this hour (at the chosen scale)
    off: int  # id of its first request


@dataclass(frozen=True)
class Day:
    """A local (Asia/Seoul) calendar day of the period and its request id range."""

    local: date
    start_ms: int
    end_ms: int
    off: int
    n: int

    @property
    def name(self) -> str:
        return self.local.isoformat()

    @property
    def month(self) -> str:
        return self.local.strftime("%Y-%m")


@dataclass
class Scenario:
    seed: int
    scale: float
    months: list[str]
    start: datetime
    end: datetime
    hours: list[Hour]
    days: list[Day]
    deployments: list[Deployment] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    maintenance: list[Window] = field(default_factory=list)
    kuma_maintenance: list[Window] = field(default_factory=list)
    regressions: list[Regression] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """A random source for one family, independent of the others."""
        return random.Random(f"{self.seed}:{name}")

    @property
    def start_ms(self) -> int:
        return ms(self.start)

    @property
    def end_ms(self) -> int:
        return ms(self.end)

    def regression(self, kind: str) -> Regression:
        return next(r for r in self.regressions if r.kind == kind)

    def incidents(self) -> list[Incident]:
        """Per monitor, the unplanned outages its probes see (what uptime metrics call incidents)."""
        found = [Incident(m, o.start, o.end, o.reason) for o in self.outages if not o.planned
                 for m in o.monitors]
        return sorted(found, key=lambda i: (i.start, i.monitor))


AUTHORS = (
    ("usr_4JkP2wQx9Lm", "jiwoo", "jiwoo.kim@example.com", "jiwoo-kim"),
    ("usr_8TnV3cRz1Hs", "minseo", "minseo.park@example.com", "minseopark"),
    ("usr_2XbL7yKd5Qp", "hyunwoo", "hyunwoo.lee@example.com", "hw-lee"),
    ("usr_6GfM9sWa3Nv", "seoyeon", "seoyeon.choi@example.com", "seoyeon-c"),
    ("usr_1ZcH4tPe8Rj", "daniel", "daniel.jung@example.com", "djung"),
)


def ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime."""
    return int(round(moment.timestamp() * 1000))


def utc(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZONE)


def resolve_months(months: int, end_month: str | None, today: date | None) -> list[str]:
    """The ``months`` calendar months ending with ``end_month`` (default: the last complete one)."""
    if months < 1:
        raise UsageError(f"months must be at least 1, got {months}")
    if end_month is None:
        today = today or datetime.now(ZONE).date()
        first = today.replace(day=1)
        last = first - timedelta(days=1)
        year, month = last.year, last.month
    else:
        match = _MONTH.match(end_month)
        if not match:
            raise UsageError(f"end month must look like 2026-10 (YYYY-MM), got {end_month!r}")
        year, month = int(match.group(1)), int(match.group(2))
    found = []
    for _ in range(months):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def month_start(month: str) -> date:
    year, mon = month.split("-")
    return date(int(year), int(mon), 1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def build(seed: int, scale: float, months: list[str]) -> Scenario:
    """The period, its traffic and maintenance; deployments and outages are planned next."""
    if not scale > 0:
        raise UsageError(f"scale must be positive, got {scale}")
    first_day = month_start(months[0])
    end_day = next_month(month_start(months[-1]))
    start = local_midnight(first_day).astimezone(UTC)
    end = local_midnight(end_day).astimezone(UTC)
    hours, days = _traffic(seed, scale, months)
    scenario = Scenario(seed, scale, months, start, end, hours, days)
    lo, hi = CONFIG_MAINTENANCE
    if lo >= start and hi <= end:
        window = Window(lo.astimezone(UTC), hi.astimezone(UTC), "database upgrade", "ops lead")
        scenario.maintenance.append(window)
        scenario.kuma_maintenance.append(window)
    scenario.kuma_maintenance.append(_kuma_stretch(scenario))
    scenario.kuma_maintenance.sort(key=lambda w: w.start)
    return scenario


def _traffic(seed: int, scale: float, months: list[str]) -> tuple[list[Hour], list[Day]]:
    rng = random.Random(f"{seed}:traffic")
    hours: list[Hour] = []
    days: list[Day] = []
    off = 0
    for index, month in enumerate(months):
        day = month_start(month)
        stop = next_month(day)
        weights: list[tuple[int, float]] = []
        while day < stop:
            noise = rng.uniform(0.88, 1.12)
            lo = local_midnight(day)
            for h in range(24):
                moment = lo + timedelta(hours=h)
                weights.append((ms(moment.astimezone(UTC)), DIURNAL[h] * WEEKLY[day.weekday()] * noise))
            day += timedelta(days=1)
        total = sum(w for _, w in weights)
        n_days = len(weights) / 24
        target = BASE_REQUESTS_PER_MONTH * scale * n_days / 30.4375 * (1 + 0.03 * index)
        for start_ms, weight in weights:
            n = int(round(target * weight / total))
            hours.append(Hour(start_ms, n, off))
            off += n
    for h0 in range(0, len(hours), 24):
        group = hours[h0:h0 + 24]
        local = datetime.fromtimestamp(group[0].start_ms / 1000, tz=ZONE).date()
        count = sum(h.n for h in group)
        days.append(Day(local, group[0].start_ms, group[-1].start_ms + HOUR_MS, group[0].off, count))
    return hours, days


def _kuma_stretch(scenario: Scenario) -> Window:
    """A Kuma-only maintenance (status 3) in another month than the config window, if possible."""
    rng = scenario.rng("kuma-maintenance")
    taken = {w.start.astimezone(ZONE).strftime("%Y-%m") for w in scenario.maintenance}
    choices = [m for m in scenario.months if m not in taken] or scenario.months
    month = choices[0]
    day = month_start(month) + timedelta(days=rng.randint(12, 20))
    while day.weekday() != 6:  # a Sunday night
        day += timedelta(days=1)
    start = local_midnight(day) + timedelta(hours=2, minutes=rng.choice((0, 15, 30)))
    end = start + timedelta(minutes=rng.choice((60, 75, 90)))
    return Window(start.astimezone(UTC), end.astimezone(UTC), "hosting provider network maintenance (Uptime Kuma)")


_ALL_REASONS = ("Vercel edge network incident in icn1", "DNS records lost after a domain change",
                "expired TLS certificate on the apex domain", "bad middleware rewrite rule")
_API_REASONS = ("PostgreSQL connection pool exhausted", "database failover to the standby",
                "Supabase pooler (pgbouncer) restart", "upstream search cluster unavailable")


def plan_outages(scenario: Scenario) -> None:
    """3-4 outages a month, 5-45 min, one crossing local midnight, away from planted events."""
    rng = scenario.rng("outages")
    busy: list[tuple[datetime, datetime]] = []
    for reg in scenario.regressions:
        lo = reg.ready - timedelta(hours=2)
        hi = reg.ended + timedelta(hours=2) if reg.kind == "error" else reg.ready + timedelta(hours=6)
        busy.append((lo, hi))
    for w in scenario.maintenance + scenario.kuma_maintenance:
        busy.append((w.start - timedelta(hours=3), w.end + timedelta(hours=3)))
    for month in scenario.months:
        first = month_start(month)
        n_days = (next_month(first) - first).days
        wanted = rng.choice((3, 4))
        placed = 0
        attempts = 0
        while placed < wanted and attempts < 500:
            attempts += 1
            day = first + timedelta(days=rng.randint(1, n_days - 2))
            if placed == 0:  # crosses local midnight
                minute = rng.randint(35, 55)
                start = local_midnight(day) + timedelta(hours=23, minutes=minute)
                minutes = rng.randint(60 - minute + 5, 40)
                scope = "all"
            else:
                scope = rng.choice(("all", "api", "api"))
                start = local_midnight(day) + timedelta(hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
                minutes = rng.randint(10, 45) if scope == "all" else rng.randint(5, 30)
            end = start + timedelta(minutes=minutes)
            start_u, end_u = start.astimezone(UTC), end.astimezone(UTC)
            if start_u < scenario.start + timedelta(hours=2) or end_u > scenario.end - timedelta(hours=2):
                continue
            if any(start_u < hi + timedelta(hours=6) and end_u > lo - timedelta(hours=6) for lo, hi in busy):
                continue
            monitors = ("health", "home") if scope == "all" else ("health",)
            reason = rng.choice(_ALL_REASONS if scope == "all" else _API_REASONS)
            scenario.outages.append(Outage(start_u, end_u, scope, monitors, reason))
            busy.append((start_u, end_u))
            placed += 1
    for w in scenario.maintenance:  # the site is down during the approved window too
        scenario.outages.append(Outage(w.start, w.end, "all", ("health", "home"), w.reason, planned=True))
    scenario.outages.sort(key=lambda o: o.start)


def uid(rng: random.Random, prefix: str, length: int = 28) -> str:
    return prefix + "".join(rng.choice(_BASE62) for _ in range(length))
