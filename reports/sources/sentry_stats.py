"""Sentry org stats (``stats_v2``): outcome counts per interval, category, outcome and reason.

A response ``{"start", "end", "intervals": [ISO...], "groups": [{"by": {...}, "totals": {...},
"series": {"sum(quantity)": [...]}}]}`` becomes one row per group and interval. The response
does not repeat its query string, so the category is taken from ``groups[].by.category`` (when
grouped by category), else from the file: a top-level ``category`` field (a fetcher may add
it), else a category named in the file name (``stats-error-2026-10.json``, ``category=error``;
exactly one known category word), else ``'unknown'``; the ingest summary says which was used.

A later file with the same key (interval start, interval length, category, outcome, reason)
replaces the value: the latest pull wins, so re-pulling a day that was still filling up corrects
it. ``loaded`` counts new keys; ``duplicates`` the data points whose key was already present
(replaced) or repeated later in the same file.
"""

from __future__ import annotations

import re

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts
from reports.sources.sentry_events import time_reason

KIND = "sentry_stats"
TITLE = "Sentry org stats (stats_v2)"
PRIORITY = 30

# Sentry's data categories (relay DataCategory names as stats_v2 reports them)
CATEGORIES = (
    "error", "transaction", "security", "attachment", "default", "session", "profile",
    "profile_duration", "profile_duration_ui", "profile_chunk", "profile_chunk_ui", "replay",
    "span", "monitor", "monitor_seat", "user_report_v2", "feedback", "log_item", "log_byte",
    "uptime", "attachment_item",
)
SCHEMA = {
    "start": "VARCHAR", "end": "VARCHAR", "intervals": ["VARCHAR"], "category": "VARCHAR",
    "groups": [{"by": {"category": "VARCHAR", "outcome": "VARCHAR", "reason": "VARCHAR"},
                "series": {"sum(quantity)": ["BIGINT"], "sum(times_seen)": ["BIGINT"]}}],
}
REQUIRED = ("intervals", "groups")
CHECKED = ("start", "end", "category")
HINTS = {"intervals": "a stats_v2 response lists its interval starts as ISO times"}


def sniff(head: Head) -> bool:
    first = head.first or {}
    if first:
        return isinstance(first.get("intervals"), list) and isinstance(first.get("groups"), list)
    return head.has("intervals", "groups") and (head.has("series") or head.has("totals"))


def category_from_name(name: str) -> str | None:
    """The one known category word in a file name (``stats_v2-transactions.json`` → transaction)."""
    stem = name.lower()
    words = set(re.split(r"[^a-z0-9_]+|_", stem)) | set(re.split(r"[^a-z0-9_]+", stem))
    found = {c for c in CATEGORIES if c in words or c + "s" in words}
    # a compound category (profile_duration) also contains its parts' words: prefer the longest
    found = {c for c in found if not any(o != c and o.startswith(c + "_") for o in found)}
    return found.pop() if len(found) == 1 else None


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    con = ctx.con
    by_name = category_from_name(ctx.path.name)
    checks = [
        "CASE WHEN len(r.intervals) <> 0 AND list_bool_or(list_transform(r.intervals, "
        "lambda s: try_cast(s AS TIMESTAMPTZ) IS NULL)) THEN 'field \"intervals\" holds ' || "
        "left(CAST(list_filter(r.intervals, lambda s: try_cast(s AS TIMESTAMPTZ) IS NULL)[1] AS VARCHAR), 80) "
        "|| ', not an ISO time' END",
        "CASE WHEN len(r.intervals) > 1 AND list_bool_or(list_transform(range(1, len(r.intervals)), lambda i: "
        "try_cast(r.intervals[i + 1] AS TIMESTAMPTZ) <= try_cast(r.intervals[i] AS TIMESTAMPTZ))) "
        "THEN 'field \"intervals\" is not in increasing order' END",
        "CASE WHEN len(r.intervals) = 1 AND (r['end'] IS NULL OR try_cast(r['end'] AS TIMESTAMPTZ) <= "
        "try_cast(r.intervals[1] AS TIMESTAMPTZ)) THEN 'field \"end\" is needed after a single interval "
        "to know its length' END",
        "CASE WHEN r['end'] IS NOT NULL THEN "
        + time_reason("try_cast(r['end'] AS TIMESTAMPTZ)", "to_json(r['end'])", "'end'") + " END",
        "CASE WHEN list_bool_or(list_transform(r.groups, lambda g: g.series['sum(quantity)'] IS NULL AND "
        "g.series['sum(times_seen)'] IS NULL)) THEN 'field \"groups\" has a group without a "
        "\"sum(quantity)\" or \"sum(times_seen)\" series' END",
        "CASE WHEN list_bool_or(list_transform(r.groups, lambda g: len(coalesce(g.series['sum(quantity)'], "
        "g.series['sum(times_seen)'], [])) <> len(r.intervals))) THEN 'field \"groups\" has a series whose "
        "length differs from the number of intervals' END",
    ]
    ctx.transform(SCHEMA, REQUIRED, CHECKED, checks, hints=HINTS)
    good_docs = ctx.count("_chk")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _st AS
        WITH docs AS (
            SELECT line, item AS doc_item, r, list_transform(r.intervals, lambda s: CAST(s AS TIMESTAMPTZ)) AS starts,
                   try_cast(r['end'] AS TIMESTAMPTZ) AS end_ts
            FROM _chk
        ), steps AS (
            SELECT *, coalesce(
                       list_min(list_transform(range(1, len(starts)), lambda i: epoch(starts[i + 1]) - epoch(starts[i]))),
                       epoch(end_ts) - epoch(starts[1])) AS step_s
            FROM docs
        ), grp AS (
            SELECT line, doc_item, starts, end_ts, step_s, r.category AS doc_category,
                   unnest(r.groups) AS g, generate_subscripts(r.groups, 1) AS gi
            FROM steps
        ), pts AS (
            SELECT line, doc_item, gi, step_s, doc_category, g, starts, end_ts,
                   unnest(range(1, len(starts) + 1)) AS i
            FROM grp
        )
        SELECT starts[i] AS interval_start,
               coalesce(starts[i + 1], CASE WHEN end_ts > starts[i] THEN end_ts END,
                        starts[i] + to_seconds(step_s)) AS interval_end,
               CAST(round(step_s) AS BIGINT) AS interval_s,
               coalesce(g.by.category, doc_category, $by_name, 'unknown') AS category,
               g.by.outcome AS outcome, g.by.reason AS reason,
               g.series['sum(quantity)'][i] AS quantity, g.series['sum(times_seen)'][i] AS times_seen,
               $file_id AS file_id, line, gi AS item, doc_item, i
        FROM pts
        """,
        {"file_id": ctx.file_id, "by_name": by_name},
    )
    points = ctx.count("_st")
    sources = con.execute(
        "SELECT DISTINCT CASE WHEN category = 'unknown' THEN 'unknown' WHEN category = $n THEN 'file name' "
        "ELSE NULL END FROM _st", {"n": by_name},
    ).fetchall()
    if ("unknown",) in sources:
        ctx.notes.append("stats_v2 category unknown for some rows: group by category, or name the "
                         "category in the file name (e.g. stats-error.json)")
    elif ("file name",) in sources:
        ctx.notes.append(f"stats_v2 category {by_name!r} taken from the file name")
    # the latest value of each key in this file: the later line / document item wins
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _st1 AS SELECT * EXCLUDE (doc_item, i) FROM _st
        QUALIFY row_number() OVER (PARTITION BY interval_start, interval_s, category, outcome, reason
                                   ORDER BY line DESC NULLS LAST, doc_item DESC NULLS LAST) = 1
        """
    )
    match = (
        "t.interval_start = n.interval_start AND t.interval_s = n.interval_s AND t.category = n.category "
        "AND t.outcome IS NOT DISTINCT FROM n.outcome AND t.reason IS NOT DISTINCT FROM n.reason"
    )
    replaced = int(con.execute(
        f"SELECT count(*) FROM _st1 n WHERE EXISTS (SELECT 1 FROM sentry_org_stats t WHERE {match})"
    ).fetchall()[0][0])
    con.execute(f"DELETE FROM sentry_org_stats t WHERE EXISTS (SELECT 1 FROM _st1 n WHERE {match})")
    con.execute("INSERT INTO sentry_org_stats BY NAME SELECT * FROM _st1")
    loaded = ctx.count("_st1") - replaced
    for temp in ("_st", "_st1"):
        con.execute(f"DROP TABLE {temp}")
    records = points + (staged.records - good_docs)
    return LoadCounts(records=records, loaded=loaded, duplicates=points - loaded)
