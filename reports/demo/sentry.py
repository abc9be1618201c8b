"""Sentry events cut from a day of requests: transactions (with db spans) and error events.

- ``http.server`` transactions for 20 % of function invocations (``client_sample_rate`` 0.2),
  ``pageload`` transactions with web-vital measurements for 20 % of page views;
- error events for every server error a function could report, and for a few browser errors,
  in the three tag shapes Sentry answers with (map, list of pairs, list of ``{key, value}``).

Each worker also appends what the API files need (issues, stats, Discover) to shared tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from reports.demo.engine import BAD_DAILY, SENTRY_SAMPLE_RATE, Engine, bad_params, copy_lines, write_daily
from reports.demo.output import dumps
from reports.demo.timeline import DOMAIN, Day
from reports.demo.web import vitals


@dataclass(frozen=True)
class Issue:
    key: str
    id: str
    type: str
    value: str
    fn: str
    file: str
    platform: str
    level: str = "error"
    handled: bool = False
    status: str = "unresolved"
    substatus: str = "ongoing"
    priority: str = "high"


ISSUES: tuple[Issue, ...] = (
    Issue("db_refused", "6120458811", "Error", "connect ECONNREFUSED 10.0.3.12:5432", "connect", "lib/db/pool", "node",
          status="resolved", substatus="", priority="high"),
    Issue("db_timeout", "6120458812", "TimeoutError", "The operation was aborted due to timeout", "withTimeout",
          "lib/db/query", "node", status="resolved", substatus=""),
    Issue("session_team", "6120458813", "TypeError", "Cannot read properties of undefined (reading 'teamId')",
          "getSession", "lib/auth/session", "node", status="resolved", substatus="", priority="high"),
    Issue("search_502", "6120458814", "Error", "Search backend responded with 502 Bad Gateway", "searchDocuments",
          "lib/search/client", "node", handled=True, priority="medium"),
    Issue("prisma_unique", "6120458815", "PrismaClientKnownRequestError",
          "Invalid `prisma.project.create()` invocation: Unique constraint failed on the fields: (`slug`)",
          "createProject", "app/api/projects/route", "node", handled=True, priority="medium"),
    Issue("fetch_failed", "6120458816", "TypeError", "fetch failed", "fetchWithRetry", "lib/http/upstream",
          "node", substatus="escalating", priority="medium"),
    Issue("crash", "6120458817", "RangeError", "Maximum call stack size exceeded", "renderTree", "lib/reports/tree",
          "node", priority="high"),
    Issue("fe_fetch", "6120458818", "TypeError", "Failed to fetch", "fetchJson", "app/lib/api-client",
          "javascript", handled=True, priority="low"),
    Issue("fe_chunk", "6120458819", "ChunkLoadError", "Loading chunk 4821 failed.", "__webpack_require__.f.j",
          "_next/static/chunks/webpack", "javascript", priority="medium"),
    Issue("fe_resize", "6120458820", "Error", "ResizeObserver loop completed with undelivered notifications.",
          "onResize", "app/components/chart", "javascript", level="warning", handled=True,
          status="ignored", substatus="archived_until_escalating", priority="low"),
    Issue("fe_hydration", "6120458821", "Error",
          "Hydration failed because the server rendered HTML didn't match the client.", "throwOnHydrationMismatch",
          "_next/static/chunks/react-dom", "javascript", priority="medium"),
)


def setup(engine: Engine) -> None:
    """Register the issue catalogue and the shared tables the API files are built from."""
    engine.table("issues", {
        "key": [x.key for x in ISSUES], "id": [x.id for x in ISSUES], "type": [x.type for x in ISSUES],
        "value": [x.value for x in ISSUES], "fn": [x.fn for x in ISSUES], "file": [x.file for x in ISSUES],
        "platform": [x.platform for x in ISSUES], "level": [x.level for x in ISSUES],
        "handled": [x.handled for x in ISSUES],
    })
    engine.con.execute("CREATE OR REPLACE TABLE errs (issue VARCHAR, ts BIGINT, client BIGINT, env VARCHAR)")
    engine.con.execute(
        "CREATE OR REPLACE TABLE txs (name VARCHAR, op VARCHAR, dur_us BIGINT, failed BOOLEAN, ts BIGINT, env VARCHAR)")


_STATUS = """CASE WHEN status < 400 THEN 'ok' WHEN status = 400 THEN 'invalid_argument'
    WHEN status = 401 THEN 'unauthenticated' WHEN status = 403 THEN 'permission_denied'
    WHEN status = 404 THEN 'not_found' WHEN status = 409 THEN 'already_exists'
    WHEN status = 429 THEN 'resource_exhausted' WHEN status = 503 THEN 'unavailable'
    WHEN status = 504 THEN 'deadline_exceeded' ELSE 'internal_error' END"""


def _span(k: int) -> str:
    """The k-th db span of a server transaction (NULL text when the route runs fewer queries)."""
    start = f"(t * 1000 + CAST(round(dur * 1000 * {0.05 + 0.22 * (k - 1):.2f}) AS BIGINT))"
    length = f"CAST(round(dur * 1000 * (0.04 + 0.16 * u({60 + k}, i))) AS BIGINT)"
    return f"""CASE WHEN q{k} IS NOT NULL THEN json_object(
        'span_id', hx({70 + k}, i), 'parent_span_id', span, 'trace_id', trace,
        'op', CASE WHEN starts_with(q{k}, 'SELECT "') OR starts_with(q{k}, 'INSERT INTO "')
                     OR starts_with(q{k}, 'UPDATE "') OR starts_with(q{k}, 'DELETE FROM "') THEN 'db.sql.prisma' ELSE 'db' END,
        'description', q{k},
        'start_timestamp', {start} / 1e6, 'timestamp', ({start} + {length}) / 1e6,
        'exclusive_time', round({length} / 1000.0, 3), 'status', 'ok', 'origin', 'auto.db.otel.prisma',
        'data', json_object('db.system', 'postgresql'))::VARCHAR END"""


_SERVER_TX = f"""
SELECT day, te AS k1, hx(50, i) AS k2, json_object(
    'event_id', hx(50, i) || hx(51, i), 'type', 'transaction', 'platform', 'node',
    'transaction', method || ' ' || pattern, 'transaction_info', json_object('source', 'route'),
    'start_timestamp', t / 1000.0, 'timestamp', (t * 1000 + CAST(round(dur * 1000) AS BIGINT)) / 1e6,
    'release', 'atcmp-web@' || substr(sha, 1, 12), 'environment', env, 'server_name', 'icn1-' || substr(hx(52, i), 1, 8),
    'contexts', json_object(
        'trace', json_object('trace_id', trace, 'span_id', span, 'op', 'http.server', 'status', {_STATUS},
                             'origin', 'auto.http.otel.http', 'client_sample_rate', $rate,
                             'data', json_object('http.response.status_code', status)),
        'response', json_object('status_code', status),
        'runtime', json_object('name', 'node', 'version', 'v22.18.0'),
        'cloud_resource', json_object('cloud.provider', 'vercel', 'cloud.region', 'icn1')),
    'tags', json_object('http.status_code', CAST(status AS VARCHAR), 'runtime', 'node',
                        'url', 'https://' || $domain || regexp_replace(raw_path, '[?#].*$', '')),
    'request', json_object('method', method, 'url', 'https://' || $domain || raw_path),
    'spans', CAST('[' || concat_ws(',', {_span(1)}, {_span(2)}, {_span(3)}, {_span(4)}) || ']' AS JSON),
    'sdk', json_object('name', 'sentry.javascript.nextjs', 'version', '10.12.0')
)::VARCHAR AS line
FROM req WHERE server AND NOT crashed AND u_tx < $rate
"""

_PAGELOAD_TX = f"""
SELECT day, t_end - 5000 AS k1, hx(53, i) AS k2, json_object(
    'event_id', hx(53, i) || hx(54, i), 'type', 'transaction', 'platform', 'javascript',
    'transaction', pattern, 'transaction_info', json_object('source', 'route'),
    'start_timestamp', (te - 5) / 1000.0, 'timestamp', t_end / 1000.0,
    'release', 'atcmp-web@' || substr(sha, 1, 12), 'environment', env,
    'contexts', json_object(
        'trace', json_object('trace_id', trace, 'span_id', hx(55, i), 'op', 'pageload', 'status', 'ok',
                             'origin', 'auto.pageload.nextjs.app_router_instrumentation', 'client_sample_rate', $rate),
        'browser', json_object('name', browser), 'os', json_object('name', os)),
    'tags', json_object('browser.name', browser, 'os.name', os, 'device', CASE WHEN mobile THEN 'mobile' ELSE 'desktop' END),
    'measurements', CAST('{{' || concat_ws(',',
        '"lcp":' || json_object('value', lcp, 'unit', 'millisecond'), '"fcp":' || json_object('value', fcp, 'unit', 'millisecond'),
        '"ttfb":' || json_object('value', ttfb, 'unit', 'millisecond'), '"cls":' || json_object('value', cls, 'unit', ''),
        CASE WHEN inp IS NOT NULL THEN '"inp":' || json_object('value', inp, 'unit', 'millisecond') END,
        CASE WHEN fid IS NOT NULL THEN '"fid":' || json_object('value', fid, 'unit', 'millisecond') END) || '}}' AS JSON),
    'request', json_object('url', 'https://' || $domain || raw_path, 'headers', json_object('User-Agent', ua)),
    'spans', CAST('[]' AS JSON),
    'sdk', json_object('name', 'sentry.javascript.nextjs', 'version', '10.12.0')
)::VARCHAR AS line
FROM (SELECT *, te + 400 + CAST(lcp AS BIGINT) AS t_end FROM (
    SELECT i, day, t, te, pattern, raw_path, sha, env, trace, browser, os, mobile, ua, u_pl, {vitals(200)}
) WHERE u_pl < $rate)
"""

_BAD = "SELECT unnest($bad_ts) AS k1, '' AS k2, unnest($bad_lines) AS line"


def write_transactions(cur: duckdb.DuckDBPyConnection, days: list[Day], paths: list[Path],
                       bad: list[tuple[str, int, str]]) -> list[int]:
    """Daily files of transaction event payloads (NDJSON gzip); also feeds the ``txs`` table."""
    params = {"rate": SENTRY_SAMPLE_RATE, "domain": DOMAIN, **bad_params(bad)}
    written = write_daily(cur, f"{_SERVER_TX} UNION ALL {_PAGELOAD_TX} UNION ALL {BAD_DAILY}", days, paths, params)
    cur.execute("""
        INSERT INTO txs
        SELECT method || ' ' || pattern, 'http.server', CAST(round(dur * 1000) AS BIGINT), status >= 400, te, env
        FROM req WHERE server AND NOT crashed AND u_tx < $rate
        UNION ALL
        SELECT pattern, 'pageload', NULL, false, te, env
        FROM req WHERE kind = 'page' AND NOT reval AND status IN (200, 304) AND u_pl < $rate""",
        {"rate": SENTRY_SAMPLE_RATE})
    return written


_FRONTEND = """CASE WHEN u(59, i) < 0.35 THEN 'fe_fetch' WHEN u(59, i) < 0.6 THEN 'fe_chunk'
                    WHEN u(59, i) < 0.85 THEN 'fe_resize' ELSE 'fe_hydration' END"""

_ERROR_ROWS = f"""
SELECT e.*, x.id AS issue_id, x.type AS ex_type, x.value AS ex_value, x.fn, x.file, x.platform, x.level, x.handled,
       u(90, e.i) AS shape, hx(91, e.i) || hx(92, e.i) AS eid
FROM (
    SELECT *, issue AS ikey, te AS ts FROM req WHERE issue IS NOT NULL
    UNION ALL
    SELECT *, {_FRONTEND} AS ikey, te + 2500 + CAST(floor(u(93, i) * 60000) AS BIGINT) AS ts
    FROM req WHERE kind = 'page' AND NOT reval AND status IN (200, 304) AND u_fe < 0.003
) e JOIN issues x ON x.key = e.ikey
"""

_TAG_KEYS = """CASE WHEN platform = 'node'
    THEN ['environment', 'release', 'level', 'transaction', 'url', 'handled', 'runtime', 'http.status_code']
    ELSE ['environment', 'release', 'level', 'transaction', 'url', 'handled', 'browser', 'os.name'] END"""

_TAG_VALUES = """CASE WHEN platform = 'node'
    THEN [env, 'atcmp-web@' || substr(sha, 1, 12), level, method || ' ' || pattern,
          'https://' || $domain || regexp_replace(raw_path, '[?#].*$', ''), CASE WHEN handled THEN 'yes' ELSE 'no' END,
          'node', CAST(status AS VARCHAR)]
    ELSE [env, 'atcmp-web@' || substr(sha, 1, 12), level, pattern,
          'https://' || $domain || regexp_replace(raw_path, '[?#].*$', ''), CASE WHEN handled THEN 'yes' ELSE 'no' END,
          browser, os] END"""

_EXCEPTION = """json_object('values', [json_object('type', ex_type, 'value', ex_value,
    'mechanism', json_object('type', CASE WHEN platform = 'node' THEN 'auto.function.nextjs' ELSE 'onerror' END,
                             'handled', handled),
    'stacktrace', json_object('frames', [json_object('filename', file || CASE WHEN platform = 'node' THEN '.ts' ELSE '.js' END, 'function', fn,
                              'lineno', 12 + CAST(floor(u(94, i) * 300) AS BIGINT), 'in_app', true)]))])"""

_ERROR_EVENT = f"""
SELECT ts AS k1, eid AS k2, CASE WHEN shape < 0.7 THEN json_object(
    'event_id', eid, 'type', 'error',
    'timestamp', CASE WHEN shape < 0.4 THEN to_json(ts / 1000.0) ELSE to_json(iso_ms(ts)) END,
    'level', level, 'platform', platform, 'environment', env, 'release', 'atcmp-web@' || substr(sha, 1, 12),
    'transaction', CASE WHEN platform = 'node' THEN method || ' ' || pattern ELSE pattern END,
    'tags', CASE WHEN shape < 0.4 THEN CAST(map_from_entries(list_zip({_TAG_KEYS}, {_TAG_VALUES})) AS JSON)
                 ELSE to_json(list_transform(list_zip({_TAG_KEYS}, {_TAG_VALUES}), lambda p: [p[1], p[2]])) END,
    'exception', {_EXCEPTION},
    'contexts', json_object('trace', json_object('trace_id', trace, 'span_id', span, 'op',
                CASE WHEN platform = 'node' THEN 'http.server' ELSE 'pageload' END)),
    'request', json_object('method', method, 'url', 'https://' || $domain || raw_path),
    'user', json_object('ip_address', ip),
    'sdk', json_object('name', 'sentry.javascript.nextjs', 'version', '10.12.0'))
ELSE json_object(
    'eventID', eid, 'id', eid, 'groupID', issue_id, 'dateCreated', iso_ms(ts),
    'title', ex_type || ': ' || ex_value, 'message', '', 'type', 'error', 'platform', platform,
    'culprit', CASE WHEN platform = 'node' THEN fn || '(' || file || ')' ELSE pattern END,
    'tags', to_json(list_transform(list_zip({_TAG_KEYS}, {_TAG_VALUES}), lambda p: {{'key': p[1], 'value': p[2]}})),
    'metadata', json_object('type', ex_type, 'value', ex_value,
                            'filename', file || CASE WHEN platform = 'node' THEN '.ts' ELSE '.js' END, 'function', fn),
    'entries', [json_object('type', 'exception', 'data', {_EXCEPTION})],
    'user', json_object('ip_address', ip))
END::VARCHAR AS line
FROM ({_ERROR_ROWS})
"""


def write_errors_part(cur: duckdb.DuckDBPyConnection, path: Path, bad: list[tuple[int, str]]) -> int:
    """One day of error events (NDJSON gzip part); also feeds the ``errs`` table."""
    params = {"domain": DOMAIN, "bad_ts": [b[0] for b in bad], "bad_lines": [b[1] for b in bad]}
    select = f"SELECT line FROM ({_ERROR_EVENT} UNION ALL {_BAD}) ORDER BY k1, k2"
    written = copy_lines(cur, select, path, params)
    cur.execute(f"INSERT INTO errs SELECT ikey, ts, c, env FROM ({_ERROR_ROWS})")
    return written


def bad_transaction_lines(day: Day) -> list[tuple[str, int, str]]:
    """Two planted bad records: a transaction without ``timestamp`` and a line cut off."""
    at = day.start_ms + 11 * 3_600_000
    event = {"event_id": "0" * 31 + "1", "type": "transaction", "platform": "node", "transaction": "GET /api/projects",
             "start_timestamp": at / 1000 - 0.12, "environment": "production",
             "contexts": {"trace": {"trace_id": "f" * 32, "span_id": "e" * 16, "op": "http.server", "status": "ok"}}}
    cut = dumps(dict(event, event_id="0" * 31 + "2", timestamp=at / 1000))[:120]
    return [(day.name, at, dumps(event)), (day.name, at + 1, cut)]


def bad_error_lines(day: Day) -> list[tuple[int, str]]:
    """One planted bad record: an error event without any timestamp."""
    at = day.start_ms + 16 * 3_600_000
    event = {"event_id": "0" * 31 + "3", "type": "error", "level": "error", "platform": "node",
             "environment": "production", "exception": {"values": [{"type": "Error", "value": "planted"}]}}
    return [(at, dumps(event))]
