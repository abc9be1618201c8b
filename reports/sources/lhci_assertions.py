"""LHCI ``assertion-results.json`` (``.lighthouseci/assertion-results.json``): pass/fail per URL.

An array of ``{"name", "expected", "actual", "operator", "passed", "level", "url", "auditId",
"auditProperty", "auditTitle", "auditDocumentationLink", "values", "message"}``. LHCI writes
``NaN`` (an audit that produced no value) as ``null``. The file carries no run time, so rows are
deduplicated on a hash of every field.
"""

from __future__ import annotations

import json

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sqltext import quote_literal

KIND = "lhci_assertions"
TITLE = "Lighthouse CI assertion results"
PRIORITY = 15

SCHEMA = {
    "name": "VARCHAR", "expected": "JSON", "actual": "JSON", "operator": "VARCHAR", "passed": "BOOLEAN",
    "level": "VARCHAR", "url": "VARCHAR", "auditId": "VARCHAR", "auditProperty": "VARCHAR",
    "auditTitle": "VARCHAR", "values": "JSON", "message": "VARCHAR",
}
REQUIRED = ("url", "name", "passed")
_KNOWN = quote_literal(json.dumps({key: None for key in SCHEMA}))


def _number(field: str) -> str:
    return f"CASE WHEN json_type(r.{field}) IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN try_cast(r.{field} AS DOUBLE) END"


def _text(field: str) -> str:
    """The value as given when it is not a plain number (e.g. a string), else NULL."""
    return f"CASE WHEN json_type(r.{field}) NOT IN ('UBIGINT', 'BIGINT', 'DOUBLE', 'NULL') THEN r.{field} ->> '$' END"


def sniff(head: Head) -> bool:
    first = head.first or {}
    if first:
        return {"operator", "passed", "expected", "actual", "name"} <= first.keys()
    return head.has("operator", "passed", "expected", "actual", "auditId")


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    ctx.transform(SCHEMA, REQUIRED)
    good = ctx.count("_chk")
    columns = (
        f"r.url AS url, r.name AS name, r.auditId AS audit_id, r.auditProperty AS audit_property, "
        f"r.auditTitle AS audit_title, r.operator AS operator, {_number('expected')} AS expected, "
        f"{_number('actual')} AS actual, {_text('expected')} AS expected_text, {_text('actual')} AS actual_text, "
        f"r.passed AS passed, r.level AS level, r.values AS \"values\", r.message AS message, "
        f"nullif(json_merge_patch(doc, {_KNOWN}), '{{}}') AS extra"
    )
    loaded = insert_new(
        ctx.con,
        "lhci_assertions",
        f"""
        SELECT md5(to_json(struct_pack(url, name, audit_id, audit_property, audit_title, operator, expected,
                                       actual, expected_text, actual_text, passed, level, "values", message,
                                       extra, run))::VARCHAR) AS assertion_key, * EXCLUDE (run)
        -- the file has no run time: the file's content hash stands for the LHCI run, so the same
        -- results from two runs are both kept (a re-loaded file is skipped whole by its hash)
        FROM (SELECT {columns}, $file_id AS file_id, line, item,
                     (SELECT sha256 FROM ingest_files WHERE file_id = $file_id) AS run FROM _chk)
        """,
        ["assertion_key"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
