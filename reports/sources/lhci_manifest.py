"""LHCI ``manifest.json`` (written by ``lhci upload --target=filesystem``): one entry per run.

``[{"url", "isRepresentativeRun", "jsonPath", "htmlPath", "summary": {"performance": 0.93, ...}}]``.
Entries go to ``lhci_manifest`` (deduplicated on ``jsonPath``). Each entry then marks the run
loaded from the file its ``jsonPath`` names (matched by base name) as representative or not;
runs loaded later look the manifest up themselves (see :mod:`reports.sources.lighthouse_lhr`).
"""

from __future__ import annotations

from reports.detect import Head
from reports.loading import LoadContext, LoadCounts, insert_new
from reports.sources.lighthouse_lhr import BASENAME

KIND = "lhci_manifest"
TITLE = "Lighthouse CI manifest"
PRIORITY = 15

SCHEMA = {"url": "VARCHAR", "isRepresentativeRun": "BOOLEAN", "jsonPath": "VARCHAR", "htmlPath": "VARCHAR",
          "summary": "JSON"}
REQUIRED = ("url", "jsonPath")
CHECKED = ("isRepresentativeRun",)


def sniff(head: Head) -> bool:
    first = head.first or {}
    if first:
        return {"isRepresentativeRun", "jsonPath"} <= first.keys()
    return head.has("isRepresentativeRun", "jsonPath", "htmlPath")


def load(ctx: LoadContext) -> LoadCounts:
    staged = ctx.stage_json()
    kind = "coalesce(json_type(doc, '$.summary'), 'NULL')"
    ctx.transform(SCHEMA, REQUIRED, CHECKED, [
        f"CASE WHEN {kind} NOT IN ('OBJECT', 'NULL') THEN 'field \"summary\" is ' || left(r.summary, 80) || "
        f"' (a JSON ' || lower({kind}) || '), expected an object of category scores' END",
    ])
    good = ctx.count("_chk")
    loaded = insert_new(
        ctx.con,
        "lhci_manifest",
        """
        SELECT r.url AS url, r.isRepresentativeRun AS is_representative, r.jsonPath AS json_path,
               r.htmlPath AS html_path, r.summary AS summary, $file_id AS file_id, line, item
        FROM _chk
        """,
        ["json_path"],
        {"file_id": ctx.file_id},
        order="line, item",
    )
    # every entry of this file (new or seen before) says what its run is
    ctx.con.execute(
        f"""
        UPDATE lighthouse_runs t SET is_representative = m.rep
        FROM (SELECT {BASENAME.format('r.jsonPath')} AS name, bool_or(r.isRepresentativeRun) AS rep
              FROM _chk GROUP BY 1) m
        WHERE t.source_name = m.name
        """
    )
    return LoadCounts(records=staged.records, loaded=loaded, duplicates=good - loaded)
