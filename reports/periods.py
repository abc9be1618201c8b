"""Periods: calendar months and ranges cut in the report time zone, as UTC instants.

Every period is half-open ``[start, end)``. A month is ``[local 00:00 on day 1, local 00:00 on
day 1 of the next month)``, so a month in a zone with daylight saving time is 743 or 745 hours
long. The zone is applied here, once; SQL receives UTC instants.

>>> m = month("2026-10", "Asia/Seoul")
>>> m.start.isoformat(), m.end.isoformat()
('2026-09-30T15:00:00+00:00', '2026-10-31T15:00:00+00:00')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from reports.errors import UsageError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

ROLLING = {
    "5m": timedelta(minutes=5), "30m": timedelta(minutes=30), "1h": timedelta(hours=1),
    "6h": timedelta(hours=6), "24h": timedelta(hours=24), "3d": timedelta(days=3),
    "7d": timedelta(days=7), "30d": timedelta(days=30),
}


@dataclass(frozen=True)
class Period:
    """A half-open interval of UTC instants, with the zone and label it was cut from."""

    start: datetime
    end: datetime
    timezone: str
    label: str

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise UsageError("period bounds must be timezone-aware")
        if self.end <= self.start:
            raise UsageError(f"period end {self.end.isoformat()} is not after its start {self.start.isoformat()}")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def previous_month(self) -> Period:
        """The calendar month before this month-period."""
        first = self.start.astimezone(ZoneInfo(self.timezone)).date().replace(day=1)
        return month_of(first - timedelta(days=1), self.timezone)

    @property
    def last_day(self) -> date:
        """The local calendar day of the period's last instant."""
        return (self.end - timedelta(microseconds=1)).astimezone(ZoneInfo(self.timezone)).date()

    def days(self) -> list[date]:
        """The local calendar days the period touches."""
        day = self.start.astimezone(ZoneInfo(self.timezone)).date()
        last = self.last_day
        out = []
        while day <= last:
            out.append(day)
            day += timedelta(days=1)
        return out


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def month(label: str, timezone: str) -> Period:
    """The calendar month ``YYYY-MM`` in ``timezone``."""
    match = _MONTH.match(label or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UsageError(f"month must look like 2026-10 (YYYY-MM), got {label!r}")
    return month_of(date(int(match.group(1)), int(match.group(2)), 1), timezone)


def month_of(day: date, timezone: str) -> Period:
    """The calendar month containing ``day``."""
    zone = ZoneInfo(timezone)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(_local_midnight(first, zone), _local_midnight(following, zone), timezone, f"{first:%Y-%m}")


def last_complete_month(timezone: str, now: datetime | None = None) -> Period:
    """The month before the one ``now`` falls in (local time)."""
    current = (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()
    return month_of(current.replace(day=1) - timedelta(days=1), timezone)


def days(first: date, last: date, timezone: str) -> Period:
    """Local days ``first`` through ``last`` inclusive."""
    if last < first:
        raise UsageError(f"date range ends ({last}) before it starts ({first})")
    zone = ZoneInfo(timezone)
    label = f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
    return Period(_local_midnight(first, zone), _local_midnight(last + timedelta(days=1), zone), timezone, label)


def rolling(window: str, timezone: str, now: datetime | None = None) -> Period:
    """The window ``5m``, ``1h``, ``6h``, ``24h``, ``3d``, ``7d`` or ``30d`` ending at ``now``."""
    if window not in ROLLING:
        raise UsageError(f"window must be one of {', '.join(ROLLING)}, got {window!r}")
    end = now or datetime.now(UTC)
    if end.tzinfo is None:
        raise UsageError("now must be timezone-aware")
    return Period(end - ROLLING[window], end, timezone, f"last {window}")


def months_back(period: Period, count: int) -> list[Period]:
    """``count`` calendar months ending with ``period``'s month, oldest first."""
    out = [period]
    for _ in range(count - 1):
        out.insert(0, out[0].previous_month())
    return out
