"""Browser-side families cut from a day of requests: Speed Insights and Web Analytics drains.

Web vitals come from one model shared with Sentry ``pageload`` transactions: TTFB includes the
server time of dynamic pages (so a slow deployment shows in LCP too), FCP and LCP build on it;
mobile devices are about twice as slow as desktops. Speed Insights values are milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from reports.demo.engine import copy_lines
from reports.demo.output import dumps
from reports.demo.timeline import DOMAIN, PROJECT_ID, TEAM_ID, Day, utc


def vitals(base: int) -> str:
    """SELECT-list expressions (and FROM) for page views' vitals, from streams ``base + 1..9``."""
    def z(k: int) -> str:
        return f"z({base + k}, i)"

    def u(k: int) -> str:
        return f"u({base + k}, i)"

    return f"""
    round(ttfb0, 1) AS ttfb,
    round(ttfb0 + (CASE WHEN mobile THEN 950 ELSE 430 END) * vital * exp(0.4 * {z(2)}), 1) AS fcp,
    round(ttfb0 + (CASE WHEN mobile THEN 950 ELSE 430 END) * vital * exp(0.4 * {z(2)})
          + (CASE WHEN mobile THEN 480 ELSE 240 END) * vital * exp(0.6 * {z(3)}), 1) AS lcp,
    CASE WHEN {u(4)} < 0.45 THEN 0.0
         ELSE round((CASE WHEN mobile THEN 0.05 ELSE 0.022 END) * exp(0.9 * {z(5)}), 4) END AS cls,
    CASE WHEN {u(6)} < 0.7 THEN round((CASE WHEN mobile THEN 140 ELSE 64 END) * exp(0.55 * {z(7)})) END AS inp,
    CASE WHEN {u(8)} < 0.5 THEN round((CASE WHEN mobile THEN 18 ELSE 6 END) * exp(0.8 * {z(9)}), 1) END AS fid
    FROM (SELECT *, (CASE WHEN mobile THEN 420 ELSE 170 END) * exp(0.45 * {z(1)})
                    + CASE WHEN source = 'lambda' THEN dur ELSE 0 END AS ttfb0
          FROM req WHERE kind = 'page' AND NOT reval AND status IN (200, 304))
    """


_GEO = """
    CASE country WHEN 'KR' THEN '11' WHEN 'JP' THEN '13' WHEN 'US' THEN 'CA' ELSE '01' END AS region,
    CASE country WHEN 'KR' THEN 'Seoul' WHEN 'JP' THEN 'Tokyo' WHEN 'US' THEN 'San Jose' ELSE 'Singapore' END AS city
"""

_SPEED = f"""
SELECT t_ms AS k1, metric || CAST(i AS VARCHAR) AS k2, json_object(
    'schema', 'vercel.speed_insights.v1', 'timestamp', iso_ms(t_ms), 'projectId', $project, 'ownerId', $owner,
    'deviceId', 100000 + c, 'metricType', metric, 'value', value, 'origin', 'https://' || $domain,
    'path', regexp_replace(raw_path, '[?#].*$', ''), 'route', pattern, 'country', country, 'region', region,
    'city', city, 'osName', os, 'clientName', browser, 'deviceType', CASE WHEN mobile THEN 'mobile' ELSE 'desktop' END,
    'connectionSpeed', CASE WHEN mobile THEN pick(['4g', '4g', '4g', '3g'], u(52, c)) ELSE '4g' END,
    'vercelEnvironment', env, 'vercelUrl', dep_host, 'deploymentId', dep
)::VARCHAR AS line
FROM (
    SELECT *, te + 800 + CAST(lcp AS BIGINT) AS t_ms FROM (
        SELECT i, c, t, te, raw_path, pattern, country, os, browser, mobile, env, dep_host, dep, u_si,
               {_GEO}, {vitals(100)}
    ) WHERE u_si < $rate
) UNPIVOT (value FOR metric IN (lcp AS 'LCP', fcp AS 'FCP', ttfb AS 'TTFB', cls AS 'CLS', inp AS 'INP', fid AS 'FID'))
"""

_BAD = "SELECT unnest($bad_ts) AS k1, '' AS k2, unnest($bad_lines) AS line"


def write_speed_part(cur: duckdb.DuckDBPyConnection, path: Path, rate: float, bad: list[tuple[int, str]]) -> int:
    """One day of Speed Insights records (values in ms, CLS unitless), NDJSON gzip part."""
    select = f"SELECT line FROM ({_SPEED} UNION ALL {_BAD}) ORDER BY k1, k2"
    return copy_lines(cur, select, path, {
        "project": PROJECT_ID, "owner": TEAM_ID, "domain": DOMAIN, "rate": rate,
        "bad_ts": [b[0] for b in bad], "bad_lines": [b[1] for b in bad]})


_ANALYTICS = f"""
SELECT te AS k1, 'a' || CAST(i AS VARCHAR) AS k2, json_object(
    'schema', 'vercel.analytics.v1', 'eventType', 'pageview', 'timestamp', te, 'projectId', $project,
    'ownerId', $owner, 'sessionId', 1000000000 + CAST(hash(c, CAST(floor(t / 1800000) AS BIGINT)) % 8999999999 AS BIGINT),
    'deviceId', 100000 + c, 'origin', 'https://' || $domain, 'path', regexp_replace(raw_path, '[?#].*$', ''),
    'route', pattern,
    'referrer', CASE WHEN u(53, i) < 0.6 THEN '' ELSE pick(['https://www.google.com/', 'https://search.naver.com/',
                     'https://github.com/', 'https://t.co/', 'https://www.daum.net/'], u(54, i)) END,
    'queryParams', regexp_extract(raw_path, '\\?(.*)$', 1),
    'country', country, 'region', region, 'city', city, 'osName', os, 'clientName', browser,
    'clientType', 'browser', 'deviceType', CASE WHEN mobile THEN 'mobile' ELSE 'desktop' END,
    'vercelEnvironment', env, 'vercelUrl', dep_host, 'deployment', dep,
    'sdkName', '@vercel/analytics/next', 'sdkVersion', '1.5.0'
)::VARCHAR AS line
FROM (SELECT *, {_GEO} FROM req) WHERE kind = 'page' AND NOT reval AND status BETWEEN 200 AND 399
UNION ALL
SELECT te + 4000 AS k1, 'e' || CAST(i AS VARCHAR) AS k2, json_object(
    'schema', 'vercel.analytics.v1', 'eventType', 'event',
    'eventName', pick(['Signup', 'Export Report', 'Search', 'Invite Member', 'Create Project'], u(55, i)),
    'eventData', CASE WHEN u(56, i) < 0.5 THEN '{{"plan":"pro"}}' ELSE '{{"plan":"team","seats":' || CAST(2 + CAST(floor(u(57, i) * 20) AS BIGINT) AS VARCHAR) || '}}' END,
    'timestamp', te + 4000, 'projectId', $project, 'ownerId', $owner,
    'sessionId', 1000000000 + CAST(hash(c, CAST(floor(t / 1800000) AS BIGINT)) % 8999999999 AS BIGINT),
    'deviceId', 100000 + c, 'origin', 'https://' || $domain, 'path', regexp_replace(raw_path, '[?#].*$', ''),
    'route', pattern, 'country', country, 'deviceType', CASE WHEN mobile THEN 'mobile' ELSE 'desktop' END,
    'vercelEnvironment', env, 'vercelUrl', dep_host, 'deployment', dep
)::VARCHAR AS line
FROM req WHERE kind = 'page' AND NOT reval AND status BETWEEN 200 AND 399 AND u(58, i) < 0.05
"""


def write_analytics_part(cur: duckdb.DuckDBPyConnection, path: Path, bad: list[tuple[int, str]]) -> int:
    """One day of Web Analytics events (page views and custom events), NDJSON gzip part."""
    select = f"SELECT line FROM ({_ANALYTICS} UNION ALL {_BAD}) ORDER BY k1, k2"
    return copy_lines(cur, select, path, {
        "project": PROJECT_ID, "owner": TEAM_ID, "domain": DOMAIN,
        "bad_ts": [b[0] for b in bad], "bad_lines": [b[1] for b in bad]})


def bad_speed_lines(day: Day) -> list[tuple[int, str]]:
    """Two planted bad records: one without ``metricType``, one without ``timestamp``."""
    at = day.start_ms + 13 * 3_600_000
    base = {"schema": "vercel.speed_insights.v1", "timestamp": "", "projectId": PROJECT_ID, "ownerId": TEAM_ID,
            "deviceId": 99999, "metricType": "LCP", "value": 2140.5, "origin": f"https://{DOMAIN}", "path": "/",
            "route": "/", "country": "KR", "deviceType": "mobile", "vercelEnvironment": "production"}
    no_metric = dict(base, timestamp=_iso(at))
    no_metric.pop("metricType")
    no_time = dict(base)
    no_time.pop("timestamp")
    return [(at, dumps(no_metric)), (at + 1, dumps(no_time))]


def bad_analytics_lines(day: Day) -> list[tuple[int, str]]:
    """Two planted bad records: one without ``timestamp``, one cut off mid-line."""
    at = day.start_ms + 15 * 3_600_000
    base = {"schema": "vercel.analytics.v1", "eventType": "pageview", "projectId": PROJECT_ID,
            "ownerId": TEAM_ID, "sessionId": 1234567890, "deviceId": 99999, "origin": f"https://{DOMAIN}",
            "path": "/pricing", "route": "/pricing", "country": "KR", "deviceType": "desktop",
            "vercelEnvironment": "production"}
    cut = dumps(dict(base, timestamp=at))[:88]
    return [(at, dumps(base)), (at + 1, cut)]


def _iso(epoch_ms: int) -> str:
    return utc(epoch_ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"
