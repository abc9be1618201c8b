"""Vercel families cut from a day of requests: log drain, runtime logs, trace drain (OTLP).

Log drain records are one JSON object a line: a request record (with ``proxy``) for every
request, plus console lines (no ``proxy``, same ``requestId``) for some function invocations and
for every server error. Optional keys are left out rather than sent as ``null``
(a few record shapes, chosen per row with ``CASE``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from reports.demo.engine import BAD_DAILY, bad_params, copy_lines, write_daily
from reports.demo.output import dumps
from reports.demo.timeline import DOMAIN, PROJECT_ID, PROJECT_NAME, Day

_LOG_ID = "CAST(te AS VARCHAR) || lpad(CAST(CAST(floor(u({s}, i) * 1e15) AS BIGINT) AS VARCHAR), 15, '0')"

_PROXY = """
        'timestamp', t, 'method', method,
        'host', CASE WHEN env = 'production' THEN $domain ELSE dep_host END,
        'path', raw_path,
        'userAgent', CASE WHEN reval THEN ['vercel-revalidate/1.0'] ELSE [ua] END,
        'region', 'icn1',
        'referer', CASE WHEN reval OR u(35, i) < 0.35 THEN ''
                        ELSE 'https://' || $domain || pick(['/', '/dashboard', '/projects', '/docs', '/login'], u(36, i)) END,
        'statusCode', status,
        'clientIp', CASE WHEN reval THEN '64.252.137.11' ELSE ip END,
        'scheme', 'https', 'responseByteSize', size,
        'pathType', CASE WHEN reval THEN 'background_func' WHEN source = 'lambda' THEN 'func'
                         WHEN source = 'edge' THEN 'edge' WHEN isr THEN 'prerender' ELSE 'static' END,
        'vercelId', 'icn1::' || CASE WHEN source = 'lambda' OR reval THEN 'icn1::' ELSE '' END
                    || substr(hx(26, i), 1, 5) || '-' || CAST(t AS VARCHAR) || '-' || substr(hx(27, i), 1, 12),
        'vercelCache', cache"""

_HEAD = """
    'id', log_id, 'message', message, 'timestamp', te, 'source', CASE WHEN reval THEN 'lambda' ELSE source END,
    'projectId', $project, 'deploymentId', dep, 'host', dep_host, 'path', pattern, 'entrypoint', entrypoint,
    'requestId', reqid, 'statusCode', fn_status, 'environment', env, 'branch', branch, 'executionRegion', 'icn1',
    'level', level, 'projectName', $name"""

# three shapes: static requests carry no function fields; edge functions name the trace
# traceId/spanId, serverless functions "trace.id"/"span.id" (both spellings occur in drains)
_REQUEST_LINE = f"""
SELECT day, te AS k1, log_id AS k2, CASE
    WHEN source = 'static' AND NOT reval THEN json_object(
        'id', log_id, 'timestamp', te, 'source', 'static', 'projectId', $project, 'deploymentId', dep,
        'host', dep_host, 'path', pattern, 'requestId', reqid, 'environment', env, 'branch', branch,
        'level', level, 'projectName', $name, 'proxy', json_object({_PROXY}))
    WHEN source = 'edge' THEN json_object({_HEAD}, 'traceId', trace, 'spanId', span, 'proxy', json_object({_PROXY}))
    ELSE json_object({_HEAD}, 'trace.id', trace, 'span.id', span,
                     'proxy', json_object({_PROXY}, 'lambdaRegion', 'icn1'))
    END::VARCHAR AS line
FROM (
    SELECT *, {_LOG_ID.format(s=25)} AS log_id,
        CASE WHEN crashed AND status = 504 THEN 'Task timed out after 10.01 seconds'
             WHEN crashed THEN 'Error: Runtime exited with error: exit status 1\nRuntime.ExitError'
             ELSE method || ' ' || raw_path || ' ' || CAST(status AS VARCHAR) || ' in '
                  || CAST(CAST(round(dur) AS BIGINT) AS VARCHAR) || 'ms' END AS message,
        CASE WHEN fn_status = -1 OR status >= 500 THEN 'error' WHEN status >= 400 THEN 'warning' ELSE 'info' END AS level
    FROM req
)
"""

_CONSOLE_LINE = """
SELECT day, te - 1 AS k1, {log_id} AS k2, json_object(
    'id', {log_id},
    'message', CASE
        WHEN issue IS NOT NULL THEN coalesce(x.type || ': ' || x.value, 'Error') || '\n    at ' || coalesce(x.fn, 'handler')
                                    || ' (/var/task/.next/server/' || coalesce(x.file, 'app') || '.js:1:' || CAST(1000 + CAST(floor(u(37, i) * 9000) AS BIGINT) AS VARCHAR) || ')'
        WHEN server_error THEN 'Error: upstream request failed with status ' || CAST(status AS VARCHAR)
        ELSE pick(['[db] query ok', '[auth] session refreshed', '[cache] miss, fetching from origin',
                   '[api] validated request body', '[reports] rendering chart data'], u(38, i))
             || ' (' || CAST(CAST(round(dur * 0.4) AS BIGINT) AS VARCHAR) || 'ms)' END,
    'timestamp', te - 1,
    'type', CASE WHEN server_error THEN 'stderr' ELSE 'stdout' END,
    'source', source, 'projectId', $project, 'deploymentId', dep, 'host', dep_host, 'path', pattern,
    'entrypoint', entrypoint, 'requestId', reqid,
    'environment', env, 'branch', branch, 'executionRegion', 'icn1',
    'level', CASE WHEN server_error THEN 'error' ELSE 'info' END,
    'projectName', $name, 'trace.id', trace, 'span.id', span
)::VARCHAR AS line
FROM req LEFT JOIN issues x ON x.key = req.issue
WHERE source IN ('lambda', 'edge') AND NOT reval AND NOT crashed AND (down IS NULL OR down = 'api')
  AND (server_error OR u(39, i) < 0.12)
""".format(log_id=_LOG_ID.format(s=45))

_BAD = "SELECT unnest($bad_ts) AS k1, '' AS k2, unnest($bad_lines) AS line"


def write_logs(cur: duckdb.DuckDBPyConnection, days: list[Day], paths: list[Path],
               bad: list[tuple[str, int, str]]) -> list[int]:
    """The log drain files of ``days`` (request records, console lines, planted bad lines)."""
    select = f"{_REQUEST_LINE} UNION ALL {_CONSOLE_LINE} UNION ALL {BAD_DAILY}"
    params = {"project": PROJECT_ID, "name": PROJECT_NAME, "domain": DOMAIN, **bad_params(bad)}
    return write_daily(cur, select, days, paths, params)


def bad_log_lines(day: Day, deployment: str) -> list[tuple[str, int, str]]:
    """Three planted bad records: a cut-off line, a missing deploymentId, a string timestamp."""
    at = day.start_ms + 10 * 3_600_000 + 123
    record = {"id": f"{at}000000000000001", "message": "GET /api/projects 200 in 88ms", "timestamp": at,
              "source": "lambda", "projectId": PROJECT_ID, "deploymentId": deployment,
              "host": "atcmp-web.vercel.app", "path": "/api/projects", "requestId": "bad-1", "level": "info",
              "proxy": {"timestamp": at - 88, "method": "GET", "host": DOMAIN, "path": "/api/projects",
                        "userAgent": ["curl/8.5.0"], "statusCode": 200, "clientIp": "211.234.10.10"}}
    cut = dumps(record)[:97]
    missing = dict(record, id=f"{at}000000000000002", requestId="bad-2")
    missing.pop("deploymentId")
    text_ts = dict(record, id=f"{at}000000000000003", requestId="bad-3", timestamp="2026-10-05 14:03")
    return [(day.name, at, cut), (day.name, at + 1, dumps(missing)), (day.name, at + 2, dumps(text_ts))]


_RUNTIME_LINE = """
SELECT te AS k1, reqid AS k2, json_object(
    'id', reqid, 'timestamp', te, 'deploymentId', dep, 'projectId', $project,
    'level', CASE WHEN server_error THEN 'error' WHEN status >= 400 THEN 'warning' ELSE 'info' END,
    'message', '',
    'source', CASE source WHEN 'lambda' THEN 'serverless' WHEN 'edge' THEN 'edge-function' ELSE 'static' END,
    'domain', $domain, 'requestMethod', method, 'requestPath', raw_path, 'responseStatusCode', status,
    'environment', env, 'branch', branch, 'cache', cache, 'traceId', trace, 'messageTruncated', false,
    'rowId', hx(28, i)
)::VARCHAR AS line
FROM req WHERE dep = $dep AND NOT reval
UNION ALL
SELECT te + 1 AS k1, reqid || '_1' AS k2, json_object(
    'id', reqid || '_1', 'timestamp', te + 1, 'deploymentId', dep, 'projectId', $project, 'level', 'error',
    'message', coalesce(x.type || ': ' || x.value, 'Error: request failed') || '\n    at ' || coalesce(x.fn, 'handler')
               || ' (/var/task/.next/server/' || coalesce(x.file, 'app') || '.js:1:4821)',
    'source', 'serverless', 'domain', $domain, 'requestMethod', method, 'requestPath', raw_path,
    'responseStatusCode', status, 'environment', env, 'branch', branch, 'cache', cache,
    'traceId', trace, 'messageTruncated', false, 'rowId', hx(29, i)
)::VARCHAR AS line
FROM req LEFT JOIN issues x ON x.key = req.issue
WHERE dep = $dep AND NOT reval AND server_error AND source <> 'static'
"""


def write_runtime_part(cur: duckdb.DuckDBPyConnection, path: Path, deployment: str) -> int:
    """The ``vercel logs --json`` lines of one deployment for one day (plain text part)."""
    select = f"SELECT line FROM ({_RUNTIME_LINE}) ORDER BY k1, k2"
    return copy_lines(cur, select, path, {"project": PROJECT_ID, "domain": DOMAIN, "dep": deployment},
                      compress=False)


def cut_runtime_line(deployment: str) -> str:
    """A runtime log line cut off mid-record, without its newline."""
    record = {"id": "0f5c2a77-1b9e-4c3d-9a41-6e2b8d7c5f10", "timestamp": 1, "deploymentId": deployment,
              "projectId": PROJECT_ID, "level": "info", "message": "", "source": "serverless"}
    return dumps(record)[:90]


_SPANS = """
SELECT dep, dep_host, env, CAST(floor(t / 600000) AS BIGINT) AS bucket, min(t) AS first_t,
       count(*) AS n,
       list(span_json ORDER BY t, i) AS spans
FROM (
    SELECT dep, dep_host, env, t, i, json_object(
        'traceId', trace, 'spanId', span, 'parentSpanId', '',
        'name', method || ' ' || pattern,
        'kind', CASE WHEN u(46, i) < 0.5 THEN to_json(2) ELSE to_json('SPAN_KIND_SERVER') END,
        'startTimeUnixNano', CAST(t * 1000000 AS VARCHAR),
        'endTimeUnixNano', CAST(t * 1000000 + CAST(round(dur * 1000000) AS BIGINT) AS VARCHAR),
        'attributes', [
            json_object('key', 'http.method', 'value', json_object('stringValue', method)),
            json_object('key', 'http.route', 'value', json_object('stringValue', pattern)),
            json_object('key', 'http.target', 'value', json_object('stringValue', raw_path)),
            json_object('key', 'http.status_code', 'value', json_object('intValue', CAST(status AS VARCHAR))),
            json_object('key', 'next.span_type', 'value', json_object('stringValue', 'BaseServer.handleRequest'))],
        'status', CASE WHEN status >= 500 THEN json_object('code', 2, 'message', 'HTTP ' || CAST(status AS VARCHAR))
                       ELSE json_object('code', 0) END
    ) AS span_json
    FROM req WHERE server AND u_tr < $rate
    UNION ALL
    SELECT dep, dep_host, env, t + 1, i, json_object(
        'traceId', trace, 'spanId', hx(47, i), 'parentSpanId', span,
        'name', 'prisma:client:operation',
        'kind', CASE WHEN u(46, i) < 0.5 THEN to_json(3) ELSE to_json('SPAN_KIND_CLIENT') END,
        'startTimeUnixNano', CAST(t * 1000000 + CAST(round(dur * 100000) AS BIGINT) AS VARCHAR),
        'endTimeUnixNano', CAST(t * 1000000 + CAST(round(dur * 500000) AS BIGINT) AS VARCHAR),
        'attributes', [json_object('key', 'db.system', 'value', json_object('stringValue', 'postgresql'))],
        'status', json_object('code', 0)
    ) AS span_json
    FROM req WHERE server AND u_tr < $rate AND q2 IS NOT NULL
) GROUP BY ALL
"""

_TRACE_LINE = f"""
SELECT first_t AS k1, dep AS k2, json_object('resourceSpans', [json_object(
    'resource', json_object('attributes', [
        json_object('key', 'service.name', 'value', json_object('stringValue', $name)),
        json_object('key', 'vercel.projectId', 'value', json_object('stringValue', $project)),
        json_object('key', 'vercel.deploymentId', 'value', json_object('stringValue', dep)),
        json_object('key', 'vercel.env', 'value', json_object('stringValue', env)),
        json_object('key', 'vercel.host', 'value', json_object('stringValue', dep_host)),
        json_object('key', 'vercel.region', 'value', json_object('stringValue', 'icn1'))]),
    'scopeSpans', [json_object('scope', json_object('name', 'next.js', 'version', '15.5.4'), 'spans', spans)]
)])::VARCHAR AS line
FROM ({_SPANS})
"""


def write_traces_part(cur: duckdb.DuckDBPyConnection, path: Path, rate: float) -> int:
    """One day of the trace drain: one OTLP export request a line (per deployment, 10 minutes).

    Returns the number of spans written.
    """
    select = f"SELECT line FROM ({_TRACE_LINE}) ORDER BY k1, k2"
    copy_lines(cur, select, path, {"project": PROJECT_ID, "name": PROJECT_NAME, "rate": rate})
    rows = cur.execute("SELECT count(*) + count(q2) FROM req WHERE server AND u_tr < $rate", {"rate": rate}).fetchall()
    return int(rows[0][0])
