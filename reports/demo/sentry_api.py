"""Sentry API answers built from what the day pass wrote: issues pages, org stats, Discover CSV.

Issue counts, user counts, first/last seen and the 24 h stats are aggregated from the error
events actually written; org stats from the events written per UTC day (with the sampled-out
transactions as ``client_discard``), so every number agrees with the event files.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from reports.demo.engine import SENTRY_SAMPLE_RATE, Engine
from reports.demo.output import Output
from reports.demo.sentry import ISSUES
from reports.demo.timeline import PROJECT_NAME, Scenario, utc

ORG = "acme"
PROJECT = {"id": "4508123456789012", "name": PROJECT_NAME, "slug": PROJECT_NAME, "platform": "javascript-nextjs"}
ISSUES_PER_PAGE = 8


def _iso_us(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_issues(engine: Engine, s: Scenario, out: Output) -> None:
    """``GET /organizations/{org}/issues/`` pages over the period, sorted by last seen."""
    rows = engine.con.execute("""
        SELECT issue, count(*), count(DISTINCT client), min(ts), max(ts)
        FROM errs GROUP BY issue ORDER BY max(ts) DESC, issue""").fetchall()
    end_s = s.end_ms // 1000
    hourly = engine.con.execute("""
        SELECT issue, CAST(floor((ts - $lo) / 3600000) AS BIGINT) AS h, count(*)
        FROM errs WHERE ts >= $lo AND ts < $hi GROUP BY ALL ORDER BY ALL""",
        {"lo": s.end_ms - 24 * 3_600_000, "hi": s.end_ms}).fetchall()
    stats: dict[str, list[int]] = {}
    for key, h, n in hourly:
        stats.setdefault(key, [0] * 24)[int(h)] = int(n)
    catalogue = {x.key: x for x in ISSUES}
    issues: list[dict[str, Any]] = []
    for number, (key, count, users, first, last) in enumerate(rows):
        x = catalogue[key]
        culprit = f"{x.fn}({x.file})" if x.platform == "node" else "/" + x.file.split("/")[-1]
        buckets = stats.get(key, [0] * 24)
        issues.append({
            "id": x.id, "shareId": None, "shortId": f"ATCMP-WEB-{int(x.id) - 6120458700:X}",
            "title": f"{x.type}: {x.value}", "culprit": culprit,
            "permalink": f"https://{ORG}.sentry.io/issues/{x.id}/", "logger": None, "level": x.level,
            "status": x.status, "statusDetails": {}, "substatus": x.substatus or None, "isPublic": False,
            "platform": x.platform, "project": PROJECT, "type": "error",
            "metadata": {"type": x.type, "value": x.value, "filename": x.file + (".ts" if x.platform == "node" else ".js"),
                         "function": x.fn, "in_app_frame_mix": "in-app-only"},
            "numComments": number % 3, "assignedTo": None, "isBookmarked": False, "isSubscribed": False,
            "hasSeen": True, "annotations": [], "issueType": "error", "issueCategory": "error",
            "priority": x.priority, "isUnhandled": not x.handled,
            "count": str(count), "userCount": int(users),
            "firstSeen": _iso_us(utc(int(first))), "lastSeen": _iso_us(utc(int(last))),
            "stats": {"24h": [[end_s - (24 - h) * 3600, buckets[h]] for h in range(24)]},
        })
    pages = [issues[k:k + ISSUES_PER_PAGE] for k in range(0, len(issues), ISSUES_PER_PAGE)] or [[]]
    for number, page in enumerate(pages, start=1):
        out.json(f"sentry/issues/issues-page-{number}.json", page, len(page))


def write_stats(engine: Engine, s: Scenario, out: Output) -> None:
    """``stats_v2`` for errors and transactions, daily (UTC days, as Sentry buckets them)."""
    first = s.start.replace(hour=0, minute=0, second=0, microsecond=0)
    last = (s.end - timedelta(microseconds=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    params = {"lo": int(first.timestamp() * 1000)}
    counts = {
        "error": dict(engine.con.execute(
            "SELECT CAST(floor((ts - $lo) / 86400000) AS BIGINT), count(*) FROM errs GROUP BY 1", params).fetchall()),
        "transaction": dict(engine.con.execute(
            "SELECT CAST(floor((ts - $lo) / 86400000) AS BIGINT), count(*) FROM txs GROUP BY 1", params).fetchall()),
    }
    rng = s.rng("sentry-stats")
    for category, accepted in counts.items():
        series: dict[str, list[int]] = {"accepted": [], "filtered": [], "rate_limited": [], "client_discard": []}
        for k in range(len(days)):
            n = int(accepted.get(k, 0))
            series["accepted"].append(n)
            if category == "error":
                series["filtered"].append(int(n * rng.uniform(0.01, 0.05)))
                series["rate_limited"].append(0)
                series["client_discard"].append(int(n * rng.uniform(0.0, 0.01)))
            else:
                series["filtered"].append(0)
                series["rate_limited"].append(int(n * 0.3) if rng.random() < 0.05 else 0)
                series["client_discard"].append(round(n * (1 - SENTRY_SAMPLE_RATE) / SENTRY_SAMPLE_RATE))
        body = {
            "start": days[0].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (days[-1] + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "intervals": [d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in days],
            "groups": [{"by": {"outcome": outcome}, "totals": {"sum(quantity)": sum(values)},
                        "series": {"sum(quantity)": values}} for outcome, values in series.items()],
        }
        out.json(f"sentry/stats/stats_v2-{category}.json", body, len(days) * len(series))


_DISCOVER = """
SELECT name, count(*) AS n, quantile_cont(dur_us / 1000.0, 0.5) AS p50, quantile_cont(dur_us / 1000.0, 0.95) AS p95,
       count(*) FILTER (WHERE failed) / count(*) AS failure_rate
FROM txs WHERE op = 'http.server' AND env = 'production' AND ts >= $lo AND ts < $hi
GROUP BY name ORDER BY n DESC, name
"""


def write_discover(engine: Engine, s: Scenario, out: Output) -> None:
    """Discover exports of server transactions per route: the direct download over the period
    (field strings as header) and the emailed export of the last month (aliases as header)."""
    rows = engine.con.execute(_DISCOVER, {"lo": s.start_ms, "hi": s.end_ms}).fetchall()
    header = ["transaction", "count()", "p50(transaction.duration)", "p95(transaction.duration)", "failure_rate()"]
    _csv(out, f"sentry/discover/transactions-{s.months[0]}-to-{s.months[-1]}.csv", header, rows)
    last = [d for d in s.days if d.month == s.months[-1]]
    rows = engine.con.execute(_DISCOVER, {"lo": last[0].start_ms, "hi": last[-1].end_ms}).fetchall()
    header = ["transaction", "count", "p50_transaction_duration", "p95_transaction_duration", "failure_rate"]
    _csv(out, f"sentry/discover/emailed-export-{s.months[-1]}.csv", header, rows)


def _csv(out: Output, rel: str, header: list[str], rows: list[tuple[Any, ...]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for name, n, p50, p95, rate in rows:
        writer.writerow([name, n, round(float(p50), 4), round(float(p95), 4), round(float(rate), 6)])
    out.path(rel).write_text(buffer.getvalue(), encoding="utf-8")
    out.add(rel, len(rows))
