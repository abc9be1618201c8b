"""CSV and Excel downloads of tables, safe against formula injection.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula; an audit action or a commit message like ``=HYPERLINK(...)`` would run when
a manager opens the download. :func:`neutralize` prefixes such text cells with a single quote
(OWASP's advice), which spreadsheets show as plain text. Numbers are left as numbers.

>>> neutralize("=1+1"), neutralize("-3 users"), neutralize(-3), neutralize("ok")
("'=1+1", "'-3 users", -3, 'ok')
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralize(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_text(value: Any) -> Any:
    """Lists, dicts, arrays → readable text; missing → None; other values unchanged."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set) or type(value).__name__ == "ndarray":
        return ", ".join("" if v is None else str(v) for v in list(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def safe_frame(frame: pd.DataFrame, timezone: str | None = None) -> pd.DataFrame:
    """A copy ready for a spreadsheet: text cells neutralized, lists joined, instants as local wall-clock times.

    With ``timezone``, timezone-aware columns become naive times in that zone (Excel has no zones).
    """
    out = frame.copy()
    out.columns = [str(neutralize(str(c))) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            zone = ZoneInfo(timezone) if timezone else None
            converted = series.dt.tz_convert(zone) if zone else series.dt.tz_convert("UTC")
            out[column] = converted.dt.tz_localize(None)
        elif pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
            continue
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        else:
            values = [neutralize(_cell_text(v)) for v in series.astype(object)]
            values = [_naive(v, timezone) for v in values]
            out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def _naive(value: Any, timezone: str | None) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(ZoneInfo(timezone) if timezone else ZoneInfo("UTC")).replace(tzinfo=None)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def to_csv(frame: pd.DataFrame, timezone: str | None = None) -> bytes:
    """The frame as UTF-8 CSV (with a byte-order mark, so Excel reads Korean correctly), formula-safe."""
    text = safe_frame(frame, timezone).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text).encode("utf-8")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = _SHEET_BAD.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def to_excel(tables: Mapping[str, pd.DataFrame], timezone: str | None = None) -> bytes:
    """One workbook with a sheet per table, formula-safe (openpyxl would store ``=...`` text as a formula)."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if not tables:
            pd.DataFrame({"": []}).to_excel(writer, sheet_name="empty", index=False)
        for name, frame in tables.items():
            safe_frame(frame, timezone).to_excel(writer, sheet_name=sheet_name(name, taken), index=False)
    return buffer.getvalue()
