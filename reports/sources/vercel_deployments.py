"""Vercel deployments: ``GET /v6/deployments`` (or ``/v7``) pages, arrays, or NDJSON of either.

A page is ``{"deployments": [...], "pagination": {...}}``; each deployment in it is one record
(``item`` = its 1-based index in the page). The table keeps the latest state per ``uid``: a
terminal state (READY, ERROR, CANCELED, DELETED) is never replaced by a non-terminal one, and
otherwise the record loaded later wins, so re-pulling a deployment that has since finished
updates it. A known ``ready_at``/``building_at`` is never replaced by NULL.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts
from reports.sqltext import quote_ident, quote_literal
from reports.staging import epoch_ms_expr, ts_check

KIND = "vercel_deployments"
TITLE = "Vercel deployments (API pages)"
PRIORITY = 30

SCHEMA = {
    "uid": "VARCHAR", "name": "VARCHAR", "projectId": "VARCHAR", "url": "VARCHAR",
    "created": "DOUBLE", "createdAt": "DOUBLE", "buildingAt": "DOUBLE", "ready": "DOUBLE",
    "state": "VARCHAR", "readyState": "VARCHAR", "readySubstate": "VARCHAR", "target": "VARCHAR",
    "source": "VARCHAR", "inspectorUrl": "VARCHAR", "isRollbackCandidate": "BOOLEAN",
    "errorCode": "VARCHAR", "errorMessage": "VARCHAR", "meta": "JSON",
    "creator": {"uid": "VARCHAR", "username": "VARCHAR", "email": "VARCHAR", "githubLogin": "VARCHAR"},
}
REQUIRED = ("uid",)
CHECKED = tuple(k for k in SCHEMA if k not in REQUIRED) + ("creator|uid", "creator|email")
HINTS = {k: "the deployments API sends epoch milliseconds" for k in ("created", "createdAt", "buildingAt", "ready")}
TERMINAL = ("READY", "ERROR", "CANCELED", "DELETED")
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))
_CREATED = epoch_ms_expr("coalesce(r.createdAt, r.created)")
_BUILDING = epoch_ms_expr("r.buildingAt")
_READY = epoch_ms_expr("r.ready")
EXTRA_CHECKS = (
    "CASE WHEN r.readyState IS NULL AND r.state IS NULL THEN 'missing required field \"readyState\" (or \"state\")' END",
    "CASE WHEN r.createdAt IS NULL AND r.created IS NULL THEN 'missing required field \"createdAt\" (or \"created\")' END",
    ts_check(_CREATED, "createdAt"),
    f"CASE WHEN r.buildingAt IS NOT NULL THEN {ts_check(_BUILDING, 'buildingAt')} END",
    f"CASE WHEN r.ready IS NOT NULL THEN {ts_check(_READY, 'ready')} END",
    "CASE WHEN r.meta IS NOT NULL AND json_type(r.meta) <> 'OBJECT' THEN 'field \"meta\" is ' || "
    "left(r.meta::VARCHAR, 80) || ', expected an object of strings' END",
)


def _meta(*keys: str) -> str:
    return "coalesce(" + ", ".join(f"r.meta->>{quote_literal(k)}" for k in keys) + ")"


# output columns of vercel_deployments, as SQL over the typed record `r`
COLUMNS = {
    "uid": "r.uid",
    "name": "r.name",
    "project_id": "r.projectId",
    "url": "r.url",
    "created_at": _CREATED,
    "building_at": _BUILDING,
    "ready_at": _READY,
    "state": "upper(trim(coalesce(r.readyState, r.state)))",
    "ready_substate": "r.readySubstate",
    "target": "r.target",
    "environment": "coalesce(r.target, 'preview')",
    "source": "r.source",
    "creator_uid": "r.creator.uid",
    "creator_username": "r.creator.username",
    "creator_email": "r.creator.email",
    "creator_github_login": "r.creator.githubLogin",
    "inspector_url": "r.inspectorUrl",
    "is_rollback_candidate": "r.isRollbackCandidate",
    "error_code": "r.errorCode",
    "error_message": "r.errorMessage",
    "commit_sha": _meta("githubCommitSha", "gitlabCommitSha", "bitbucketCommitSha"),
    "commit_ref": _meta("githubCommitRef", "gitlabCommitRef", "bitbucketCommitRef"),
    "commit_message": _meta("githubCommitMessage", "gitlabCommitMessage", "bitbucketCommitMessage"),
    "commit_author": _meta("githubCommitAuthorLogin", "githubCommitAuthorName", "gitlabCommitAuthorLogin",
                           "gitlabCommitAuthorName", "bitbucketCommitAuthorName"),
    "pr_id": _meta("githubPrId", "gitlabMergeRequestIid", "bitbucketPrId"),
    "meta": "r.meta",
    "extra": f"nullif(json_merge_patch(doc, {_KNOWN}), '{{}}')",
    "file_id": "$file_id",
    "line": "line",
    "item": "item",
}


def sniff(head: Head) -> bool:
    first = head.first
    if first is not None:
        if isinstance(first.get("deployments"), list):
            return True
        return ("uid" in first and ("readyState" in first or "state" in first)
                and ("created" in first or "createdAt" in first))
    return head.has("deployments", "uid") and (head.has("readyState") or head.has("pagination"))


def _stage_deployments(ctx: LoadContext) -> int:
    """``_doc`` (pages and bare deployments) into ``_dep(line, item, doc)``; return bad elements."""
    con = ctx.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _pages AS SELECT line, item, doc, row_number() OVER () AS doc_no, "
        "json_exists(doc, '$.deployments') AS is_page FROM _doc"
    )
    bad = ctx.q.from_select(
        "SELECT line, item, 'deployments' AS field, 'field \"deployments\" is ' || left(json_extract(doc, '$.deployments')::VARCHAR, 80) || "
        "' (a JSON ' || lower(json_type(doc, '$.deployments')) || '), expected an array of deployments' AS reason, "
        "doc AS raw FROM _pages WHERE is_page AND json_type(doc, '$.deployments') <> 'ARRAY'"
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _dep_raw AS
        SELECT line, item AS doc_item, doc_no, generate_subscripts(elems, 1) AS idx, unnest(elems) AS doc,
               true AS in_page
        FROM (SELECT line, item, doc_no, json_extract(doc, '$.deployments[*]')::VARCHAR[] AS elems
              FROM _pages WHERE is_page AND json_type(doc, '$.deployments') = 'ARRAY')
        UNION ALL
        SELECT line, item, doc_no, 1, doc, false FROM _pages WHERE NOT is_page
        """
    )
    # item: index in the page (or in the array of pages/deployments); NULL for a lone object
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _dep_all AS
        SELECT line,
               CASE WHEN in_page OR doc_item IS NOT NULL
                    THEN row_number() OVER (PARTITION BY line ORDER BY doc_no, idx) END AS item,
               doc
        FROM _dep_raw
        """
    )
    bad += ctx.q.from_select(
        "SELECT line, item, NULL AS field, 'deployment is a JSON ' || CASE json_type(doc) WHEN 'VARCHAR' THEN 'string' "
        "WHEN 'UBIGINT' THEN 'number' WHEN 'BIGINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' "
        "ELSE lower(json_type(doc)) END || ', expected an object' AS reason, doc AS raw "
        "FROM _dep_all WHERE json_type(doc) <> 'OBJECT'"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _dep AS SELECT * FROM _dep_all WHERE json_type(doc) = 'OBJECT'")
    for name in ("_pages", "_dep_raw", "_dep_all"):
        con.execute(f"DROP TABLE {quote_ident(name)}")
    return bad


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    bad = _stage_deployments(ctx)
    ctx.transform(SCHEMA, REQUIRED, CHECKED, EXTRA_CHECKS, source="_dep", hints=HINTS)
    # records are deployments, not pages (staged.records counts pages)
    records = staged.rejected + bad + int(ctx.con.execute("SELECT count(*) FROM _dep").fetchall()[0][0])
    good = ctx.count("_chk")
    loaded = merge_latest(ctx)
    ctx.con.execute("DROP TABLE IF EXISTS _dep")
    return LoadCounts(records=records, loaded=loaded, duplicates=good - loaded)


def merge_latest(ctx: LoadContext) -> int:
    """Fold ``_chk`` into ``vercel_deployments`` by uid (latest state wins); return new uids."""
    con = ctx.con
    cols = ", ".join(f"{expr} AS {quote_ident(name)}" for name, expr in COLUMNS.items())
    terminal = ", ".join(quote_literal(s) for s in TERMINAL)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dep_new AS SELECT {cols}, "
        "row_number() OVER (ORDER BY line, item) AS seq, false AS existing FROM _chk",
        {"file_id": ctx.file_id},
    )
    # the existing row takes part as the earliest record (seq 0); the winner is the last terminal
    # record if there is one, else the last record: the fold "a terminal state is never replaced
    # by a non-terminal one, otherwise later wins" ends there
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _dep_merged AS
        SELECT * EXCLUDE (seq, existing, rk, last_ready, last_building, was_present)
                 REPLACE (coalesce(ready_at, last_ready) AS ready_at,
                          coalesce(building_at, last_building) AS building_at),
               was_present
        FROM (
            SELECT *,
                   row_number() OVER (PARTITION BY uid ORDER BY state IN ({terminal}) DESC, seq DESC) AS rk,
                   last_value(ready_at IGNORE NULLS) OVER w AS last_ready,
                   last_value(building_at IGNORE NULLS) OVER w AS last_building,
                   bool_or(existing) OVER (PARTITION BY uid) AS was_present
            FROM (SELECT * FROM _dep_new
                  UNION ALL BY NAME
                  SELECT *, 0 AS seq, true AS existing FROM vercel_deployments
                  WHERE uid IN (SELECT uid FROM _dep_new))
            WINDOW w AS (PARTITION BY uid ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        )
        WHERE rk = 1
        """
    )
    assignments = ", ".join(f"{quote_ident(c)} = m.{quote_ident(c)}" for c in COLUMNS if c != "uid")
    con.execute(
        f"UPDATE vercel_deployments t SET {assignments} FROM _dep_merged m "
        "WHERE t.uid = m.uid AND m.was_present"
    )
    names = ", ".join(quote_ident(c) for c in COLUMNS)
    con.execute(
        f"INSERT INTO vercel_deployments ({names}) SELECT {names} FROM _dep_merged WHERE NOT was_present"
    )
    loaded = int(con.execute("SELECT count(*) FROM _dep_merged WHERE NOT was_present").fetchall()[0][0])
    con.execute("DROP TABLE _dep_new")
    con.execute("DROP TABLE _dep_merged")
    return loaded
