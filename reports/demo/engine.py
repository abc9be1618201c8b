"""The SQL side of the generator: a private DuckDB with the scenario's tables and random macros.

Large sets are never built in Python. Every request of the period has an integer id; its
attributes are pure functions of ``(seed, stream, id)`` through DuckDB's 64-bit hash, so any
day can be generated on its own, in any order, in parallel, with identical results:

- ``u(stream, i)``: uniform in [0, 1); ``z(stream, i)``: standard normal (Box–Muller);
  ``hx(stream, i)``: 16 hex digits. ``stream`` is a small integer naming what is drawn.
- ``req``: the requests of a chunk of local days (a temporary table per worker connection),
  with route, client, deployment, outage, status, duration and every family's sampling draw.

Files are written by ``COPY (SELECT line ...) TO file (FORMAT csv, QUOTE '', ...)``: each row is
one JSON text built with ``json_object`` (so records can differ in shape, and key names may
hold dots), streamed to disk and then gzip-compressed without a timestamp in the header.
"""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from reports.demo import routes as catalogue
from reports.demo.timeline import ZONE, Day, Scenario
from reports.sqltext import quote_ident, quote_literal

CLIENTS_PER_SCALE = 6000
BASE_ERROR_RATE = 0.002  # share of user requests answered 5xx outside outages
CRASH_RATE = 0.0002  # share of function invocations that crash (statusCode -1)
REVALIDATION_RATE = 0.03  # share of requests to ISR pages that trigger a background revalidation
PREVIEW_SHARE = 0.02
SENTRY_SAMPLE_RATE = 0.2
SPEED_INSIGHTS_RATE = 0.25
TRACE_RATE = 0.05

MOBILE_UA = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15; SM-S928N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-A546N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.8.5",
]
MOBILE_OS = ["iOS", "Android", "Android", "iOS"]
MOBILE_BROWSER = ["Mobile Safari", "Chrome Mobile", "Samsung Internet", "KakaoTalk"]
DESKTOP_UA = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15",
]
DESKTOP_OS = ["Windows", "Mac OS", "Windows", "Mac OS"]
DESKTOP_BROWSER = ["Chrome", "Chrome", "Edge", "Safari"]
KR_PREFIXES = ["211.234", "121.134", "175.223", "110.70", "39.7", "223.38", "58.140", "1.225"]
SLUGS = ["getting-started", "sla-reports", "deployments", "web-vitals", "api-keys", "audit-log",
         "billing", "teams", "alerts", "error-budgets"]
TERMS = ["deploy", "latency", "sla", "invoice", "error", "report", "uptime", "audit", "team", "api"]

_MACROS = """
CREATE OR REPLACE MACRO u(s, i) AS
    hash(xor(hash(getvariable('demo_seed')::BIGINT, s), CAST(i AS UBIGINT))) / 18446744073709551616.0;
CREATE OR REPLACE MACRO z(s, i) AS sqrt(-2 * ln(1 - u(s, i))) * cos(2 * pi() * u(s + 5000, i));
CREATE OR REPLACE MACRO hx(s, i) AS
    lpad(lower(hex(hash(xor(hash(getvariable('demo_seed')::BIGINT, s), CAST(i AS UBIGINT))))), 16, '0');
CREATE OR REPLACE MACRO pick(xs, x) AS list_extract(xs, 1 + CAST(floor(x * len(xs)) AS BIGINT));
CREATE OR REPLACE MACRO iso_ms(t) AS strftime(make_timestamp(CAST(t AS BIGINT) * 1000), '%Y-%m-%dT%H:%M:%S.%g') || 'Z';
CREATE OR REPLACE MACRO uuid_of(a, b) AS
    substr(a, 1, 8) || '-' || substr(a, 9, 4) || '-4' || substr(a, 14, 3) || '-' || substr(b, 1, 4) || '-' || substr(b, 5, 12);
"""

# The requests of consecutive local days (ids [$lo, $hi)). Each stream number is drawn once.
REQ_SQL = """
CREATE OR REPLACE TEMP TABLE req AS
WITH ids AS (
    SELECT range AS i, u(2, range) AS ur FROM range($lo, $hi)
), placed AS (  -- the joins run on narrow rows; attributes are joined by key afterwards
    SELECT ids.i, ids.ur, h.day, h.hour_ms + CAST(floor(u(1, ids.i) * 3600000) AS BIGINT) AS t
    FROM ids ASOF JOIN hours h ON ids.i >= h.off
), k_route AS (
    SELECT p.i, p.day, p.t, r.rid FROM placed p ASOF JOIN (SELECT rid, cum FROM routes) r ON p.ur >= r.cum
), k_prod AS (
    SELECT k.*, d.did AS prod_id FROM k_route k
    ASOF JOIN (SELECT did, ready_ms FROM deploys WHERE env = 'production') d ON k.t >= d.ready_ms
), k_prev AS (
    SELECT k.*, d.did AS prev_id FROM k_prod k
    ASOF JOIN (SELECT did, ready_ms FROM deploys WHERE env = 'preview') d ON k.t >= d.ready_ms
), keyed AS (
    SELECT k.*, o.oid FROM k_prev k ASOF LEFT JOIN (SELECT oid, start_ms FROM downs) o ON k.t >= o.start_ms
), chosen AS (
    SELECT k.i, k.day, k.t, r.*, CAST(floor(pow(u(3, k.i), 1.7) * $clients) AS BIGINT) AS c,
           u(7, k.i) < $preview_share AS pv,
           CASE WHEN pv THEN 'preview' ELSE 'production' END AS env,
           CASE WHEN pv THEN v.uid ELSE d.uid END AS dep,
           CASE WHEN pv THEN v.host ELSE d.host END AS dep_host,
           CASE WHEN pv THEN v.sha ELSE d.sha END AS sha,
           CASE WHEN pv THEN v.ref ELSE d.ref END AS branch,
           CASE WHEN pv THEN 1.0 ELSE d.err_mult END AS err_mult,
           CASE WHEN pv THEN 1.0 ELSE d.lat_mult END AS lat_mult,
           CASE WHEN NOT pv AND k.t < o.end_ms AND (o.scope = 'all' OR r.source <> 'static') THEN o.scope END AS down,
           coalesce(NOT pv AND k.t < o.end_ms AND o.planned, false) AS planned,
           r.isr AND u(8, k.i) < $reval_rate AS reval
    FROM keyed k
    JOIN routes r ON r.rid = k.rid
    JOIN deploys d ON d.did = k.prod_id
    JOIN deploys v ON v.did = k.prev_id
    LEFT JOIN downs o ON o.oid = k.oid
), flagged AS (
    SELECT *,
           source = 'lambda' AND NOT reval AND down IS NULL AND u(9, i) < $crash_rate AS crashed,
           u(11, i) AS us, u(12, i) AS un
    FROM chosen
), decided AS (
    SELECT *,
           NOT crashed AND source <> 'static' AND NOT reval AND down IS NULL
               AND u(10, i) < $error_rate * err_mult AS failed
    FROM flagged
), statused AS (
    SELECT *,
        CASE
            WHEN reval THEN -1
            WHEN down IS NOT NULL AND planned THEN 503
            WHEN down IS NOT NULL THEN CASE WHEN us < 0.6 THEN 503 WHEN us < 0.85 THEN 504 ELSE 502 END
            WHEN crashed THEN CASE WHEN us < 0.4 THEN 504 WHEN us < 0.8 THEN 500 ELSE 200 END
            WHEN failed THEN CASE WHEN us < 0.7 THEN 500 WHEN us < 0.85 THEN 502 ELSE 504 END
            WHEN kind = 'asset' THEN CASE WHEN un < 0.11 THEN 304 WHEN un < 0.12 THEN 404 ELSE 200 END
            WHEN kind = 'page' THEN CASE
                WHEN un < 0.015 AND contains(pattern, '[') THEN 404
                WHEN un < 0.03 AND source = 'lambda' THEN 307
                WHEN un < 0.06 THEN 304 ELSE 200 END
            ELSE CASE
                WHEN un < 0.008 THEN 400 WHEN un < 0.02 THEN 401 WHEN un < 0.023 THEN 403
                WHEN un < 0.031 THEN 404 WHEN un < 0.032 THEN 429
                WHEN un < 0.042 AND method = 'GET' THEN 304 ELSE ok_status END
        END AS status
    FROM decided
)
SELECT *,
    t + CAST(round(dur) AS BIGINT) AS te,
    CASE
        WHEN NOT server_error OR source = 'static' OR (crashed AND status = 504) OR down = 'all' THEN NULL
        WHEN crashed THEN 'crash'
        WHEN down = 'api' AND status = 504 THEN 'db_timeout'
        WHEN down = 'api' THEN 'db_refused'
        WHEN err_mult > 1 AND u(48, i) < 1 - 1 / err_mult THEN 'session_team'
        WHEN pattern = '/api/search' THEN 'search_502'
        WHEN method = 'POST' AND pattern IN ('/api/projects', '/api/teams/[id]/members') THEN 'prisma_unique'
        ELSE 'fetch_failed'
    END AS issue,
    CASE WHEN country = 'KR' THEN pick($kr, u(40, c)) WHEN country = 'JP' THEN '126.' || CAST(floor(u(41, c) * 256) AS BIGINT)
         WHEN country = 'US' THEN '73.' || CAST(floor(u(41, c) * 256) AS BIGINT) ELSE '175.41' END
        || '.' || CAST(floor(u(42, c) * 256) AS BIGINT) || '.' || CAST(1 + floor(u(43, c) * 254) AS BIGINT) AS ip,
    CASE WHEN mobile THEN pick($mua, u(44, c)) ELSE pick($dua, u(44, c)) END AS ua,
    CASE WHEN mobile THEN pick($mos, u(44, c)) ELSE pick($dos, u(44, c)) END AS os,
    CASE WHEN mobile THEN pick($mbr, u(44, c)) ELSE pick($dbr, u(44, c)) END AS browser
FROM (
SELECT *,
    CASE
        WHEN down IS NOT NULL AND planned THEN 6 + 12 * u(13, i)
        WHEN (down IS NOT NULL OR crashed OR failed) AND status = 504 THEN 10000 + 40 * u(13, i)
        WHEN down IS NOT NULL THEN 25 + 90 * u(13, i)
        WHEN source = 'static' AND NOT reval THEN median_ms * exp(sigma * z(15, i))
        ELSE median_ms * exp(sigma * z(15, i)) * lat_mult
    END AS dur,
    crashed OR (status >= 500 AND NOT planned) AS server_error,
    CASE WHEN crashed THEN -1 WHEN reval THEN 200 ELSE status END AS fn_status,
    CASE
        WHEN reval THEN 'REVALIDATED'
        WHEN down IS NOT NULL OR source <> 'static' THEN 'MISS'
        WHEN isr THEN CASE WHEN un < 0.9 THEN 'HIT' WHEN un < 0.96 THEN 'STALE' ELSE 'PRERENDER' END
        ELSE CASE WHEN un < 0.95 THEN 'HIT' ELSE 'MISS' END
    END AS cache,
    CASE WHEN status IN (204, 304, -1) THEN 0 WHEN status >= 400 THEN 180 + CAST(floor(u(16, i) * 400) AS BIGINT)
         ELSE CAST(bytes * (0.7 + 0.6 * u(16, i)) AS BIGINT) END AS size,
    replace(replace(replace(replace(replace(replace(tpl,
        '{n}', CAST(1000 + CAST(floor(pow(u(17, i), 2) * 4000) AS BIGINT) AS VARCHAR)),
        '{slug}', pick($slugs, u(18, i))), '{q}', pick($terms, u(18, i))),
        '{p}', CAST(1 + CAST(floor(u(19, i) * 4) AS BIGINT) AS VARCHAR)),
        '{r}', pick(['24h', '7d', '30d'], u(19, i))), '{t}', pick(['overview', 'deployments', 'metrics'], u(19, i)))
        AS raw_path,
    u(4, c) < 0.56 AS mobile,
    CASE WHEN u(5, c) < 0.9 THEN 'KR' WHEN u(5, c) < 0.95 THEN 'US' WHEN u(5, c) < 0.98 THEN 'JP' ELSE 'SG' END AS country,
    uuid_of(hx(20, i), hx(21, i)) AS reqid,
    hx(22, i) || hx(23, i) AS trace,
    hx(24, i) AS span,
    source IN ('lambda', 'edge') AND NOT reval AS server,
    u(30, i) AS u_tx, u(31, i) AS u_pl, u(32, i) AS u_si, u(33, i) AS u_tr, u(34, i) AS u_fe
FROM statused
)
"""

class Engine:
    """A private in-memory DuckDB holding the scenario; one cursor per worker thread."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.con = duckdb.connect()
        self._prepare(self.con)
        self.con.execute(_MACROS)
        self._tables()

    def _prepare(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute("SET TimeZone = 'UTC'")
        cur.execute("SET VARIABLE demo_seed = $seed", {"seed": self.scenario.seed})

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self.con.cursor()
        self._prepare(cur)
        return cur

    def close(self) -> None:
        self.con.close()

    def table(self, name: str, columns: dict[str, list[Any]]) -> None:
        """Create a table from column lists (zipped by ``unnest``)."""
        select = ", ".join(f"unnest(${n}) AS {quote_ident(n)}" for n in columns)
        self.con.execute(f"CREATE OR REPLACE TABLE {quote_ident(name)} AS SELECT {select}", columns)

    def _tables(self) -> None:
        s = self.scenario
        hours = [h for h in s.hours if h.n > 0]
        self.table("hours", {
            "hour_ms": [h.start_ms for h in hours], "off": [h.off for h in hours],
            "day": [datetime.fromtimestamp(h.start_ms / 1000, tz=ZONE).date().isoformat() for h in hours]})
        total = sum(r.weight for r in catalogue.ROUTES)
        cum, acc = [], 0.0
        for route in catalogue.ROUTES:
            cum.append(acc / total)
            acc += route.weight
        rs = catalogue.ROUTES
        queries = [list(r.queries) for r in rs]
        self.table("routes", {
            "rid": list(range(len(rs))), "cum": cum, "method": [r.method for r in rs],
            "pattern": [r.pattern for r in rs], "kind": [r.kind for r in rs], "source": [r.source for r in rs],
            "median_ms": [float(r.median_ms) for r in rs], "sigma": [r.sigma for r in rs],
            "ok_status": [r.ok_status for r in rs], "isr": [r.isr for r in rs],
            "tpl": [catalogue.raw_template(r) for r in rs], "entrypoint": [catalogue.entrypoint(r) for r in rs],
            "bytes": [r.bytes for r in rs], "vital": [r.vital_factor for r in rs],
            "q1": [q[0] if len(q) > 0 else None for q in queries], "q2": [q[1] if len(q) > 1 else None for q in queries],
            "q3": [q[2] if len(q) > 2 else None for q in queries], "q4": [q[3] if len(q) > 3 else None for q in queries],
        })
        ready = [d for d in s.deployments if d.state == "READY" and d.ready_ms is not None and d.target != "staging"]
        self.table("deploys", {
            "did": list(range(len(ready))), "uid": [d.uid for d in ready], "env": [d.target or "preview" for d in ready],
            "ready_ms": [d.ready_ms for d in ready], "host": [d.url for d in ready], "sha": [d.sha for d in ready],
            "ref": [d.ref for d in ready], "err_mult": [d.error_mult for d in ready],
            "lat_mult": [d.latency_mult for d in ready],
        })
        self.table("downs", {
            "oid": list(range(len(s.outages))), "start_ms": [int(o.start.timestamp() * 1000) for o in s.outages],
            "end_ms": [int(o.end.timestamp() * 1000) for o in s.outages],
            "scope": [o.scope for o in s.outages], "planned": [o.planned for o in s.outages],
        })
        lambda_share = sum(r.weight for r in rs if r.source != "static") / total
        self.error_rate = BASE_ERROR_RATE / lambda_share

    def build(self, cur: duckdb.DuckDBPyConnection, days: list[Day]) -> None:
        """Fill the cursor's temporary ``req`` table with the requests of consecutive ``days``."""
        cur.execute(REQ_SQL, {
            "lo": days[0].off, "hi": days[-1].off + days[-1].n,
            "clients": max(50, int(CLIENTS_PER_SCALE * self.scenario.scale)),
            "preview_share": PREVIEW_SHARE, "reval_rate": REVALIDATION_RATE, "crash_rate": CRASH_RATE,
            "error_rate": self.error_rate, "slugs": SLUGS, "terms": TERMS,
            "kr": KR_PREFIXES, "mua": MOBILE_UA, "dua": DESKTOP_UA, "mos": MOBILE_OS, "dos": DESKTOP_OS,
            "mbr": MOBILE_BROWSER, "dbr": DESKTOP_BROWSER,
        })


def copy_lines(cur: duckdb.DuckDBPyConnection, select_sql: str, path: Path,
               params: dict[str, Any] | None = None, compress: bool = True) -> int:
    """Write the one text column of ``select_sql`` as lines of ``path``; return the line count.

    The CSV writer with no quoting and an unused delimiter writes each value verbatim (JSON
    text never holds a raw newline or control character). Compression happens here rather than
    in DuckDB: zlib level 1 is 3× faster than DuckDB's gzip writer, and releases the GIL so
    worker threads compress in parallel.
    """
    options = "FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x1f', COMPRESSION none"
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = path.with_name(f".{path.name}.plain") if compress else path
    sql = f"COPY ({select_sql}) TO {quote_literal(str(plain))} ({options})"
    rows = cur.execute(sql, params or {}).fetchall()
    if compress:
        try:
            gzip_file(plain, path)
        finally:
            plain.unlink()
    return int(rows[0][0]) if rows else 0


def gzip_file(src: Path, dst: Path) -> None:
    """Compress ``src`` into ``dst`` (gzip level 1, no name or timestamp in the header)."""
    with open(src, "rb") as handle, open(dst, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=1) as out:
        while chunk := handle.read(1 << 22):
            out.write(chunk)


BAD_DAILY = "SELECT unnest($bad_day) AS day, unnest($bad_ts) AS k1, '' AS k2, unnest($bad_lines) AS line"


def bad_params(bad: list[tuple[str, int, str]]) -> dict[str, list[Any]]:
    """Parameters of :data:`BAD_DAILY`: planted lines as ``(day, epoch ms, text)``."""
    return {"bad_day": [b[0] for b in bad], "bad_ts": [b[1] for b in bad], "bad_lines": [b[2] for b in bad]}


def write_daily(cur: duckdb.DuckDBPyConnection, select_sql: str, days: list[Day], paths: list[Path],
                params: dict[str, Any]) -> list[int]:
    """One file per day from ``select_sql`` (columns ``day, k1, k2, line``), sorted by ``k1, k2``.

    A chunk of several days (small scales) is materialised once, so the costly query is planned
    once rather than once a day; a single day is streamed straight to its file.
    """
    if len(days) == 1:
        return [copy_lines(cur, f"SELECT line FROM ({select_sql}) ORDER BY k1, k2", paths[0], params)]
    cur.execute(f"CREATE OR REPLACE TEMP TABLE daily_lines AS {select_sql}", params)
    try:
        return [copy_lines(cur, "SELECT line FROM daily_lines WHERE day = $day ORDER BY k1, k2", path,
                           {"day": day.name}) for day, path in zip(days, paths, strict=True)]
    finally:
        cur.execute("DROP TABLE IF EXISTS daily_lines")
