"""Sentry issues as the Issues API lists them (JSON array per page, NDJSON, pages per line).

An issue is a changing thing (its count, status and lastSeen move on), so the latest state wins
per ``id``: the record with the later ``lastSeen``; on a tie the one loaded later (a later file,
or a later line of the same file). ``loaded`` counts new ids, ``duplicates`` records of ids
already present (whether or not they updated the stored state).
"""

from __future__ import annotations

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts
from reports.sources.sentry_events import time_reason
from reports.staging import extra_json

KIND = "sentry_issues"
TITLE = "Sentry issues (Issues API)"
PRIORITY = 30

SCHEMA = {
    "id": "VARCHAR", "shortId": "VARCHAR", "title": "VARCHAR", "culprit": "VARCHAR", "level": "VARCHAR",
    "status": "VARCHAR", "substatus": "VARCHAR", "count": "BIGINT", "userCount": "BIGINT",
    "firstSeen": "VARCHAR", "lastSeen": "VARCHAR", "type": "VARCHAR", "issueCategory": "VARCHAR",
    "issueType": "VARCHAR", "isUnhandled": "BOOLEAN", "priority": "VARCHAR", "platform": "VARCHAR",
    "project": {"id": "VARCHAR", "slug": "VARCHAR"}, "permalink": "VARCHAR", "metadata": "JSON",
    "stats": "JSON",
}
REQUIRED = ("id", "lastSeen")
CHECKED = ("count", "userCount", "firstSeen")
HINTS = {"count": "the Issues API sends the event count as a string of digits"}
_COLUMNS = (
    "short_id", "title", "culprit", "level", "status", "substatus", "count", "user_count", "first_seen",
    "last_seen", "type", "issue_category", "issue_type", "is_unhandled", "priority", "platform",
    "project_id", "project_slug", "permalink", "metadata", "stats", "extra", "file_id", "line", "item",
)


def sniff(head: Head) -> bool:
    first = head.first or {}
    if first:
        return {"id", "shortId"} <= first.keys() and bool({"firstSeen", "lastSeen"} & first.keys())
    return head.has("shortId", "firstSeen", "lastSeen", "userCount")


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    first_seen = "try_cast(r.firstSeen AS TIMESTAMPTZ)"
    last_seen = "try_cast(r.lastSeen AS TIMESTAMPTZ)"
    checks = [
        time_reason(last_seen, "to_json(r.lastSeen)", "'lastSeen'"),
        "CASE WHEN r.firstSeen IS NOT NULL THEN "
        + time_reason(first_seen, "to_json(r.firstSeen)", "'firstSeen'") + " END",
        "CASE WHEN r.count < 0 THEN 'field \"count\" is negative' END",
    ]
    ctx.transform(SCHEMA, REQUIRED, CHECKED, checks, hints=HINTS)
    con = ctx.con
    good = ctx.count("_chk")
    # the latest state of each id in this file: later lastSeen, then later in the file
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _iss AS
        SELECT r.id AS id, r.shortId AS short_id, r.title AS title, r.culprit AS culprit, r.level AS level,
               r.status AS status, r.substatus AS substatus, r.count AS count, r.userCount AS user_count,
               {first_seen} AS first_seen, {last_seen} AS last_seen, r.type AS type,
               r.issueCategory AS issue_category, r.issueType AS issue_type, r.isUnhandled AS is_unhandled,
               r.priority AS priority, r.platform AS platform, r.project.id AS project_id,
               r.project.slug AS project_slug, r.permalink AS permalink, r.metadata AS metadata,
               r.stats AS stats, {extra_json(SCHEMA)} AS extra,
               $file_id AS file_id, line, item
        FROM _chk
        QUALIFY row_number() OVER (PARTITION BY r.id ORDER BY last_seen DESC, line DESC NULLS LAST,
                                   item DESC NULLS LAST) = 1
        """,
        {"file_id": ctx.file_id},
    )
    before = ctx.count("sentry_issues")
    assignments = ", ".join(f"{c} = n.{c}" for c in _COLUMNS)
    con.execute(
        f"UPDATE sentry_issues SET {assignments} FROM _iss n "
        "WHERE sentry_issues.id = n.id AND n.last_seen >= sentry_issues.last_seen"
    )
    con.execute(
        "INSERT INTO sentry_issues BY NAME SELECT * FROM _iss n "
        "WHERE NOT EXISTS (SELECT 1 FROM sentry_issues t WHERE t.id = n.id)"
    )
    loaded = ctx.count("sentry_issues") - before
    con.execute("DROP TABLE _iss")
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
