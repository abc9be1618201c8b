"""Upptime ``history/summary.json``: per site, uptime strings and minutes down per day.

The file is an array of sites: ``name``, ``url``, ``slug``, ``status`` (up/down/degraded),
``uptime`` and ``uptimeDay/Week/Month/Year`` (strings such as ``"99.99%"``), ``time`` and
``timeDay/...`` (mean response ms) and ``dailyMinutesDown`` (``{"2026-10-03": 21}``, days with
downtime only). Upptime gives daily granularity only, and the load says so in its notes.

Each (slug, day) becomes a row of ``upptime_daily``; a later file replaces the value (the
current month's figure grows during the day). Each site also updates ``upptime_sites`` (latest
wins), so sites that were never down are known too. Counts: ``records`` are sites read;
``loaded`` new (slug, day) rows; ``duplicates`` (slug, day) rows that were already present.
A day entry that is not ``"YYYY-MM-DD": minutes`` is quarantined on its own.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal

KIND = "upptime_summary"
TITLE = "Upptime summary"
PRIORITY = 25
NOTE = "Upptime gives daily granularity only"

SCHEMA = {
    "name": "VARCHAR", "url": "VARCHAR", "slug": "VARCHAR", "status": "VARCHAR", "uptime": "VARCHAR",
    "uptimeDay": "VARCHAR", "uptimeWeek": "VARCHAR", "uptimeMonth": "VARCHAR", "uptimeYear": "VARCHAR",
    "time": "DOUBLE", "timeDay": "DOUBLE", "timeWeek": "DOUBLE", "timeMonth": "DOUBLE", "timeYear": "DOUBLE",
    "dailyMinutesDown": "JSON",
}
REQUIRED = ("slug",)
CHECKED = ("time", "timeDay", "timeWeek", "timeMonth", "timeYear")
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))
_FRACTION = "round(try_cast(rtrim(trim(r.uptimeMonth), '%') AS DOUBLE) / 100, 12)"  # "99.99%" -> 0.9999


def sniff(head: Head) -> bool:
    # the first site may lack a field (a bad record), so look at the keys of the whole head too
    first = head.first or {}
    return head.has("slug") and bool({"dailyMinutesDown", "uptimeMonth"} & (first.keys() or head.keys))


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ctx.notes.append(NOTE)
    kind = "coalesce(json_type(doc, '$.dailyMinutesDown'), 'NULL')"
    ctx.transform(SCHEMA, REQUIRED, CHECKED, [
        f"CASE WHEN {kind} NOT IN ('OBJECT', 'NULL') THEN 'field \"dailyMinutesDown\" is ' || "
        f"left(r.dailyMinutesDown, 80) || ' (a JSON ' || lower({kind}) || "
        "'), expected an object of \"YYYY-MM-DD\": minutes down' END",
    ])
    _upsert_sites(ctx)
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _days AS
        SELECT line, item, r.slug AS slug, r.name AS name, r.url AS url, r.uptimeMonth AS uptime_month,
               {_FRACTION} AS uptime_month_fraction, e.key AS day_key, e.value AS minutes,
               try_cast(e.key AS DATE) AS day,
               CASE WHEN e.type IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN e.value::DOUBLE END AS minutes_down
        FROM _chk, json_each(r.dailyMinutesDown) e
        WHERE r.dailyMinutesDown IS NOT NULL
        """
    )
    ctx.q.from_select(
        "SELECT line, item, 'dailyMinutesDown' AS field, "
        "CASE WHEN day IS NULL THEN 'field \"dailyMinutesDown\" has the key \"' || left(day_key, 80) || "
        "'\", expected a day YYYY-MM-DD' ELSE 'field \"dailyMinutesDown\" of ' || day_key || ' is ' || "
        "left(minutes, 80) || ', expected a number of minutes (0 or more)' END AS reason, "
        "json_object('slug', slug, day_key, minutes::JSON)::VARCHAR AS raw "
        "FROM _days WHERE day IS NULL OR minutes_down IS NULL OR minutes_down < 0"
    )
    ctx.con.execute("DELETE FROM _days WHERE day IS NULL OR minutes_down IS NULL OR minutes_down < 0")
    # several sites in one file may share a slug: the last one written wins, as it would on a reload
    ctx.con.execute(
        "CREATE OR REPLACE TEMP TABLE _days_new AS SELECT slug, name, day, minutes_down, uptime_month, "
        "uptime_month_fraction, url, $file_id AS file_id, line, item FROM _days "
        "QUALIFY row_number() OVER (PARTITION BY slug, day ORDER BY item DESC NULLS LAST, line DESC) = 1",
        {"file_id": ctx.file_id},
    )
    present = int(ctx.con.execute(
        "SELECT count(*) FROM _days_new n WHERE EXISTS "
        "(SELECT 1 FROM upptime_daily t WHERE t.slug = n.slug AND t.day = n.day)"
    ).fetchall()[0][0])
    ctx.con.execute(
        "UPDATE upptime_daily t SET name = n.name, minutes_down = n.minutes_down, uptime_month = n.uptime_month, "
        "uptime_month_fraction = n.uptime_month_fraction, url = n.url, file_id = n.file_id, line = n.line, "
        "item = n.item FROM _days_new n WHERE t.slug = n.slug AND t.day = n.day"
    )
    loaded = insert_new(ctx.con, "upptime_daily", "SELECT * FROM _days_new", ["slug", "day"])
    ctx.con.execute("DROP TABLE IF EXISTS _days")
    ctx.con.execute("DROP TABLE IF EXISTS _days_new")
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=present)


def _upsert_sites(ctx: LoadContext) -> None:
    """The latest file's view of each site replaces the previous one in ``upptime_sites``."""
    ctx.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _sites AS
        SELECT r.slug AS slug, r.name AS name, r.url AS url, r.status AS status, r.uptime AS uptime,
               r.uptimeDay AS uptime_day, r.uptimeWeek AS uptime_week, r.uptimeMonth AS uptime_month,
               r.uptimeYear AS uptime_year, {_FRACTION} AS uptime_month_fraction, r.time AS time_ms,
               r.timeDay AS time_day_ms, r.timeWeek AS time_week_ms, r.timeMonth AS time_month_ms,
               r.timeYear AS time_year_ms, nullif(json_merge_patch(doc, {_KNOWN}), '{{}}') AS extra,
               $file_id AS file_id, line, item
        FROM _chk QUALIFY row_number() OVER (PARTITION BY r.slug ORDER BY item DESC NULLS LAST, line DESC) = 1
        """,
        {"file_id": ctx.file_id},
    )
    ctx.con.execute("DELETE FROM upptime_sites WHERE slug IN (SELECT slug FROM _sites)")
    ctx.con.execute("INSERT INTO upptime_sites BY NAME SELECT * FROM _sites")
    ctx.con.execute("DROP TABLE IF EXISTS _sites")
