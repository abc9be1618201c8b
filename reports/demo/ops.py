"""Uptime probes: the cron prober's NDJSON (``health``), Uptime Kuma heartbeats (``home``) and
Upptime's ``history/summary.json``.

- ``health`` (``/api/health``, every 60 s): a cron job runs at the start of each minute, so a
  probe's ``ts`` is the minute plus a start-up delay; it fails during every outage and during
  the approved maintenance window (the prober does not know about maintenance).
- ``home`` (``/``, Kuma ``monitor_id`` 7, every 300 s): during an outage that takes the whole
  site down Kuma retries every 60 s (first failure ``pending``, then ``down``) until it sees
  the site up again; during its maintenance windows it beats with status 3.
"""

from __future__ import annotations

import json
from datetime import UTC, timedelta

from reports.demo.engine import Engine, copy_lines
from reports.demo.output import Output, dumps
from reports.demo.timeline import (
    DOMAIN,
    ZONE,
    Outage,
    Scenario,
    local_midnight,
    month_start,
    ms,
    next_month,
    utc,
)

HEALTH_URL = f"https://{DOMAIN}/api/health"
HOME_URL = f"https://{DOMAIN}/"
KUMA_MONITOR_ID = 7
HEALTH_INTERVAL_S = 60
HOME_INTERVAL_S = 300
KUMA_RETRY_S = 60

_HEALTH = """
SELECT k1, json_object(
    'ts', strftime(make_timestamp((k1 + $offset_ms) * 1000), '%Y-%m-%dT%H:%M:%S.%g') || $offset,
    'monitor', 'health', 'url', $url,
    'ok', code BETWEEN 200 AND 399, 'status_code', code, 'response_ms', rt,
    'error', CASE WHEN code IS NULL THEN 'timeout after 10000 ms'
                  WHEN code NOT BETWEEN 200 AND 399 THEN 'HTTP ' || CAST(code AS VARCHAR) || ': ' || why END
)::VARCHAR AS line
FROM (
    SELECT p.k1, p.m,
        CASE WHEN NOT hit THEN 200
             WHEN o.planned THEN 503
             WHEN o.scope = 'api' THEN CASE WHEN u(300, p.m) < 0.8 THEN 503 ELSE 500 END
             WHEN u(300, p.m) < 0.4 THEN NULL ELSE pick([502, 503, 504], u(301, p.m)) END AS code,
        CASE WHEN NOT hit THEN 'ok' WHEN o.planned THEN 'service in maintenance mode'
             WHEN o.scope = 'api' THEN 'database unavailable' ELSE 'bad gateway' END AS why,
        round(CASE WHEN hit AND NOT o.planned AND o.scope = 'all' AND u(300, p.m) < 0.4 THEN 10000 + 30 * u(302, p.m)
                   WHEN hit THEN 20 + 60 * u(302, p.m)
                   WHEN u(303, p.m) < 0.006 THEN 250 + 400 * u(302, p.m)
                   ELSE 80 + 120 * pow(u(302, p.m), 1.4) END, 1) AS rt
    FROM (
        SELECT x.*, coalesce(x.k1 < o.end_ms, false) AS hit, o.oid
        FROM (SELECT m, m * 60000 + 150 + CAST(floor(u(304, m) * 1100) AS BIGINT) AS k1
              FROM range($m0, $m1) r(m)) x  -- m: the minute since the epoch
        ASOF LEFT JOIN downs o ON x.k1 >= o.start_ms
        WHERE u(305, x.m) >= 0.001  -- cron skips a minute now and then
    ) p LEFT JOIN downs o ON o.oid = p.oid AND p.hit
)
"""


def write_health(engine: Engine, s: Scenario, out: Output) -> None:
    """One NDJSON file a month, appended by the cron prober; two bad lines in the last month."""
    offset = local_midnight(month_start(s.months[0])).utcoffset() or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "-"
    minutes_off = abs(int(offset.total_seconds() // 60))
    text_offset = f"{sign}{minutes_off // 60:02d}:{minutes_off % 60:02d}"
    cur = engine.cursor()
    try:
        for month in s.months:
            lo = ms(local_midnight(month_start(month)))
            hi = ms(local_midnight(next_month(month_start(month))))
            rel = f"probes/health-{month}.ndjson"
            params = {"m0": lo // 60000, "m1": hi // 60000, "url": HEALTH_URL,
                      "offset_ms": int(offset.total_seconds() * 1000), "offset": text_offset}
            select = f"SELECT line FROM ({_HEALTH}) ORDER BY k1"
            if month == s.months[-1]:
                bad = _bad_health(lo + 6 * 86_400_000, text_offset)
                select = (f"SELECT line FROM ({_HEALTH} UNION ALL SELECT unnest($bad_ts), unnest($bad_lines)) "
                          "ORDER BY k1")
                params.update(bad_ts=[b[0] for b in bad], bad_lines=[b[1] for b in bad])
                out.plant(rel, len(bad), "a line cut off mid-write, a record without ts")
            out.add(rel, copy_lines(cur, select, out.path(rel), params, compress=False))
    finally:
        cur.close()


def _bad_health(at: int, offset: str) -> list[tuple[int, str]]:
    local = utc(at).astimezone(ZONE).strftime("%Y-%m-%dT%H:%M:%S.412")
    record = {"ts": f"{local}{offset}", "monitor": "health", "url": HEALTH_URL, "ok": True,
              "status_code": 200, "response_ms": 97.3, "error": None}
    cut = dumps(record)[:61]
    missing = dict(record)
    missing.pop("ts")
    return [(at + 30_000, cut), (at + 90_000, dumps(missing))]


_KUMA = """
WITH beats AS (
    SELECT t, status, retries FROM (
        SELECT $g0 + k * 300000 + CAST(floor(u(310, k) * 900) AS BIGINT) AS t, 1 AS status, 0 AS retries
        FROM range(0, $n) r(k)
    ) g
    WHERE NOT EXISTS (SELECT 1 FROM kuma_skip x WHERE g.t >= x.lo AND g.t < x.hi)
    UNION ALL SELECT t, status, retries FROM kuma_extra
), marked AS (
    SELECT b.t, CASE WHEN b.status = 1 AND EXISTS (SELECT 1 FROM kuma_maint w WHERE b.t >= w.lo AND b.t < w.hi)
                     THEN 3 ELSE b.status END AS status, b.retries
    FROM beats b WHERE b.t < $end
)
SELECT row_number() OVER (ORDER BY t) + $id0 AS id,
       status IS DISTINCT FROM lag(status) OVER (ORDER BY t) AS important,
       $monitor AS monitor_id, status,
       CASE status WHEN 1 THEN '200 - OK' WHEN 3 THEN 'Monitor under maintenance'
            WHEN 2 THEN 'timeout of 48000ms exceeded' ELSE 'Request failed with status code 503' END AS msg,
       strftime(make_timestamp(t * 1000), '%Y-%m-%d %H:%M:%S.%g') AS time,
       CASE WHEN status = 1 THEN CAST(round(140 + 160 * pow(u(311, t), 2)) AS BIGINT) END AS ping,
       CAST(coalesce(round((t - lag(t) OVER (ORDER BY t)) / 1000), 0) AS BIGINT) AS duration,
       retries, t
FROM marked ORDER BY t
"""
_GRID_OFFSET_MS = 37_000  # Kuma's first beat of the period, after its start


def _kuma_tables(engine: Engine, s: Scenario) -> None:
    """Failure beats of outages that take ``home`` down; the grid beats they replace."""
    extra_t, extra_status, extra_retries, skip_lo, skip_hi = [], [], [], [], []
    grid0 = s.start_ms + _GRID_OFFSET_MS
    for outage in s.outages:
        if "home" not in outage.monitors or outage.planned:
            continue
        start, end = ms(outage.start), ms(outage.end)
        first = grid0 + -(-(start - grid0) // 300_000) * 300_000  # first grid beat at/after start
        if first >= end:
            continue
        t, j = first + 412, 0
        while t < end:
            extra_t.append(t)
            extra_status.append(2 if j == 0 else 0)
            extra_retries.append(1)
            t += KUMA_RETRY_S * 1000
            j += 1
        extra_t.append(t)  # the first beat that sees the site up again
        extra_status.append(1)
        extra_retries.append(0)
        skip_lo.append(first)
        skip_hi.append(t + 1)
    engine.table("kuma_extra", {"t": extra_t, "status": extra_status, "retries": extra_retries})
    engine.table("kuma_skip", {"lo": skip_lo, "hi": skip_hi})
    engine.table("kuma_maint", {"lo": [ms(w.start) for w in s.kuma_maintenance],
                                "hi": [ms(w.end) for w in s.kuma_maintenance]})


def write_kuma(engine: Engine, s: Scenario, out: Output) -> None:
    """The ``heartbeat`` table of monitor 7 as a JSON export, one file a month."""
    _kuma_tables(engine, s)
    grid0 = s.start_ms + _GRID_OFFSET_MS
    params = {"g0": grid0, "n": -(-(s.end_ms - grid0) // 300_000), "end": s.end_ms, "id0": 1_204_000,
              "monitor": KUMA_MONITOR_ID}
    cur = engine.cursor()
    try:
        rows = cur.execute(_KUMA, params).fetchall()
        names = [d[0] for d in cur.description][:-1]
    finally:
        cur.close()
    for month in s.months:
        lo = ms(local_midnight(month_start(month)))
        hi = ms(local_midnight(next_month(month_start(month))))
        records = [dict(zip(names, row[:-1], strict=True)) for row in rows if lo <= row[-1] < hi]
        for record in records:
            record["important"] = int(record["important"])  # SQLite stores booleans as 0/1
        rel = f"probes/kuma-heartbeats-{month}.json"
        if month == s.months[-1] and records:
            broken = dict(records[len(records) // 3], time=None)  # a row whose time was lost
            records.insert(len(records) // 3 + 1, broken)
            out.plant(rel, 1, "a heartbeat without time")
        # as `sqlite3 -json kuma.db "SELECT * FROM heartbeat WHERE monitor_id = 7"` writes it
        text = "[" + ",\n".join(dumps(r) for r in records) + "]\n"
        out.path(rel).write_text(text, encoding="utf-8")
        out.add(rel, len(records))


def write_upptime(s: Scenario, out: Output) -> None:
    """``history/summary.json`` as Upptime commits it: minutes down per (UTC) day per site."""
    sites = []
    total_min = (s.end_ms - s.start_ms) / 60000
    month_lo = s.end - timedelta(days=30)
    for slug, name, url in (("home", "Home", HOME_URL), ("health", "API health", HEALTH_URL)):
        down: dict[str, int] = {}
        down_total = 0.0
        down_month = 0.0
        for outage in s.outages:
            if slug not in outage.monitors:
                continue
            down_total += _minutes(outage)
            down_month += max(0.0, (outage.end - max(outage.start, month_lo)).total_seconds() / 60)
            day = outage.start
            while day < outage.end:
                nxt = min(outage.end, (day + timedelta(days=1)).replace(hour=0, minute=0, second=0))
                key = day.astimezone(UTC).strftime("%Y-%m-%d")
                down[key] = down.get(key, 0) + round((nxt - day).total_seconds() / 60)
                day = nxt
        rt = 312 if slug == "home" else 128
        sites.append({
            "name": name, "url": url, "icon": f"https://{DOMAIN}/favicon.ico", "slug": slug, "status": "up",
            "uptime": _pct(1 - down_total / total_min), "uptimeDay": "100.00%", "uptimeWeek": "100.00%",
            "uptimeMonth": _pct(1 - down_month / (30 * 1440)), "uptimeYear": _pct(1 - down_total / total_min),
            "time": rt, "timeDay": rt - 9, "timeWeek": rt - 4, "timeMonth": rt + 3, "timeYear": rt,
            "dailyMinutesDown": dict(sorted(down.items())),
        })
    out.path("upptime/history/summary.json").write_text(json.dumps(sites, indent=2) + "\n", encoding="utf-8")
    out.add("upptime/history/summary.json", len(sites))


def _minutes(outage: Outage) -> float:
    return (outage.end - outage.start).total_seconds() / 60


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"
