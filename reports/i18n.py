"""Language-aware formatting of numbers, percentages, durations and dates (ko | en).

The app and the PDF format every figure through these functions so they agree; labels that
belong to one screen live with it (``reports/ui``, ``reports/report``).

>>> fmt_pct(0.99731, "en"), fmt_month("2026-10", "ko"), fmt_ms(1204.5, "en")
('99.73%', '2026년 10월', '1,204.5 ms')
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

Lang = Literal["ko", "en"]
LANGS: tuple[Lang, ...] = ("ko", "en")

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
_STATUS = {
    "ko": {"met": "달성", "missed": "미달", "no_data": "데이터 없음"},
    "en": {"met": "met", "missed": "missed", "no_data": "no data"},
}
_OBJECTIVES = {
    "ko": {"uptime": "가동률", "error_rate": "오류율", "mean_response_ms": "평균 응답 시간",
           "lcp_p75_ms": "LCP (p75)", "inp_p75_ms": "INP (p75)", "cls_p75": "CLS (p75)"},
    "en": {"uptime": "Uptime", "error_rate": "Error rate", "mean_response_ms": "Mean response time",
           "lcp_p75_ms": "LCP (p75)", "inp_p75_ms": "INP (p75)", "cls_p75": "CLS (p75)"},
}
_NO_DATA = {"ko": "데이터 없음", "en": "no data"}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_number(value: float | None, lang: Lang = "en", digits: int = 0) -> str:
    """A number with thousands separators: ``1,843,211``."""
    if _missing(value):
        return _NO_DATA[lang]
    return f"{value:,.{digits}f}"


def fmt_pct(value: float | None, lang: Lang = "en", digits: int = 2) -> str:
    """A fraction as a percentage: ``0.99731`` → ``99.73%``."""
    if _missing(value):
        return _NO_DATA[lang]
    assert value is not None
    return f"{value * 100:.{digits}f}%"


def fmt_ms(value: float | None, lang: Lang = "en", digits: int = 1) -> str:
    """Milliseconds: ``1,204.5 ms``."""
    if _missing(value):
        return _NO_DATA[lang]
    return f"{value:,.{digits}f} ms"


def fmt_duration(seconds: float | None, lang: Lang = "en") -> str:
    """A duration in words: ``1 h 05 m`` / ``1시간 5분``; seconds under a minute shown as such."""
    if _missing(seconds):
        return _NO_DATA[lang]
    assert seconds is not None
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if lang == "ko":
        parts = [f"{hours}시간" if hours else "", f"{minutes}분" if minutes else "", f"{secs}초" if secs and not hours else ""]
        return " ".join(p for p in parts if p) or "0초"
    if hours:
        return f"{hours} h {minutes:02d} m"
    if minutes:
        return f"{minutes} m {secs:02d} s" if secs else f"{minutes} m"
    return f"{secs} s"


def fmt_value(objective: str, value: float | None, lang: Lang = "en") -> str:
    """An objective's value in its unit: uptime/error rate as %, times in ms, CLS unitless."""
    if objective in ("uptime", "error_rate", "request_availability"):
        return fmt_pct(value, lang, 3 if objective == "error_rate" else 2)
    if objective == "cls_p75":
        return _NO_DATA[lang] if _missing(value) else f"{value:.3f}"
    return fmt_ms(value, lang)


def fmt_month(label: str, lang: Lang = "en") -> str:
    """``2026-10`` → ``2026년 10월`` / ``October 2026``."""
    year, month = int(label[:4]), int(label[5:7])
    return f"{year}년 {month}월" if lang == "ko" else f"{_MONTHS_EN[month - 1]} {year}"


def fmt_date(value: date | datetime, lang: Lang = "en", tz: str | None = None) -> str:
    """A date (an instant is shown in ``tz``): ``2026-10-03`` / ``2026년 10월 3일``."""
    if isinstance(value, datetime) and tz:
        value = value.astimezone(ZoneInfo(tz))
    day = value.date() if isinstance(value, datetime) else value
    return f"{day.year}년 {day.month}월 {day.day}일" if lang == "ko" else day.isoformat()


def fmt_datetime(value: datetime, lang: Lang = "en", tz: str = "UTC") -> str:
    """An instant in ``tz``: ``2026-10-03 09:14`` (same in both languages, 24 h)."""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def status_label(status: str, lang: Lang = "en") -> str:
    return _STATUS[lang].get(status, status)


def objective_label(objective: str, lang: Lang = "en") -> str:
    return _OBJECTIVES[lang].get(objective, objective)
