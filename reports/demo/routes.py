"""The demo service's routes: a Next.js app with API route handlers, pages and static assets.

Each route has a traffic weight, a latency profile (median and log-normal spread of the server
time, in ms), the database queries its handler runs (Sentry ``db`` spans) and how Vercel serves
it (``lambda`` = serverless function, ``edge`` = edge function, ``static`` = CDN).
"""

from __future__ import annotations

from dataclasses import dataclass

SESSION_SQL = 'SELECT "Session"."id", "Session"."userId", "Session"."expires" FROM "Session" WHERE "Session"."token" = $1 LIMIT $2'
USER_SQL = 'SELECT "User"."id", "User"."email", "User"."role", "User"."teamId" FROM "User" WHERE "User"."id" = $1 LIMIT $2'
PROJECTS_SQL = 'SELECT "Project"."id", "Project"."name", "Project"."slug", "Project"."updatedAt" FROM "Project" WHERE "Project"."teamId" = $1 ORDER BY "Project"."updatedAt" DESC LIMIT $2 OFFSET $3'
PROJECT_SQL = 'SELECT "Project".* FROM "Project" WHERE "Project"."id" = $1 AND "Project"."teamId" = $2 LIMIT $3'
SEARCH_SQL = "SELECT d.id, d.title, ts_rank(d.tsv, q) AS rank FROM documents d, plainto_tsquery('simple', $1) q WHERE d.tsv @@ q AND d.team_id = $2 ORDER BY rank DESC LIMIT 20"
SEARCH_COUNT_SQL = "SELECT count(*) FROM documents d WHERE d.tsv @@ plainto_tsquery('simple', $1) AND d.team_id = $2"
METRICS_SQL = 'SELECT date_trunc($1, "createdAt") AS bucket, count(*), avg("durationMs") FROM "Event" WHERE "projectId" = $2 AND "createdAt" >= $3 GROUP BY 1 ORDER BY 1'
DEPLOYS_SQL = 'SELECT "Deployment"."id", "Deployment"."state", "Deployment"."createdAt" FROM "Deployment" WHERE "Deployment"."projectId" = $1 ORDER BY "createdAt" DESC LIMIT $2'
INSERT_PROJECT_SQL = 'INSERT INTO "Project" ("id", "name", "slug", "teamId", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6) RETURNING "id"'
UPDATE_PROJECT_SQL = 'UPDATE "Project" SET "name" = $1, "updatedAt" = $2 WHERE "id" = $3 AND "teamId" = $4'
DELETE_PROJECT_SQL = 'DELETE FROM "Project" WHERE "id" = $1 AND "teamId" = $2'
REPORTS_SQL = 'SELECT "Report"."id", "Report"."month", "Report"."status" FROM "Report" WHERE "Report"."teamId" = $1 ORDER BY "month" DESC LIMIT $2'
EXPORT_SQL = 'SELECT * FROM "Event" WHERE "projectId" = $1 AND "createdAt" >= $2 AND "createdAt" < $3 ORDER BY "createdAt"'
NOTIFY_SQL = 'SELECT "Notification".* FROM "Notification" WHERE "userId" = $1 AND "readAt" IS NULL ORDER BY "createdAt" DESC LIMIT $2'
MARK_READ_SQL = 'UPDATE "Notification" SET "readAt" = $1 WHERE "userId" = $2 AND "id" = ANY($3)'
TEAM_SQL = 'SELECT "Team".*, count("Member"."id") FROM "Team" LEFT JOIN "Member" ON "Member"."teamId" = "Team"."id" WHERE "Team"."id" = $1 GROUP BY "Team"."id"'
MEMBER_SQL = 'INSERT INTO "Member" ("id", "teamId", "userId", "role") VALUES ($1, $2, $3, $4)'
AUDIT_SQL = "SELECT id, created_at, action, status FROM audit_logs WHERE created_at >= $1 ORDER BY created_at DESC LIMIT 100"
SETTINGS_SQL = 'SELECT "Setting"."key", "Setting"."value" FROM "Setting" WHERE "teamId" = $1'
PUT_SETTINGS_SQL = 'INSERT INTO "Setting" ("teamId", "key", "value") VALUES ($1, $2, $3) ON CONFLICT ("teamId", "key") DO UPDATE SET "value" = EXCLUDED."value"'
FILE_SQL = 'SELECT "File"."id", "File"."key", "File"."size" FROM "File" WHERE "File"."id" = $1'
INSERT_FILE_SQL = 'INSERT INTO "File" ("id", "key", "size", "teamId") VALUES ($1, $2, $3, $4)'
WEBHOOK_SQL = 'INSERT INTO "WebhookDelivery" ("id", "source", "payload", "receivedAt") VALUES ($1, $2, $3, $4)'
CLEANUP_SQL = 'DELETE FROM "Session" WHERE "expires" < $1'
HEALTH_SQL = "SELECT 1"
FEEDBACK_SQL = 'INSERT INTO "Feedback" ("id", "userId", "message") VALUES ($1, $2, $3)'


@dataclass(frozen=True)
class Route:
    """One route of the demo service."""

    method: str
    pattern: str
    kind: str  # api | page | asset
    source: str  # lambda | edge | static (how Vercel serves it)
    weight: float  # share of traffic (relative)
    median_ms: float  # median server time
    sigma: float  # log-normal spread of the server time
    queries: tuple[str, ...] = ()  # the db spans of one request, in order
    ok_status: int = 200
    isr: bool = False  # a prerendered page Vercel revalidates in the background
    query: str = ""  # the query string the raw path carries, with {q} / {n} placeholders
    bytes: int = 2400  # typical response size
    vital_factor: float = 1.0  # how heavy the page is for web vitals (pages only)


_S = (SESSION_SQL,)
_SU = (SESSION_SQL, USER_SQL)

ROUTES: tuple[Route, ...] = (
    Route("GET", "/api/health", "api", "lambda", 1.0, 22, 0.30, (HEALTH_SQL,), bytes=60),
    Route("GET", "/api/search", "api", "lambda", 6.0, 430, 0.55, (*_S, SEARCH_SQL, SEARCH_COUNT_SQL), query="?q={q}", bytes=5200),
    Route("GET", "/api/projects", "api", "lambda", 8.0, 120, 0.45, (*_S, PROJECTS_SQL), query="?page={p}", bytes=6400),
    Route("POST", "/api/projects", "api", "lambda", 1.0, 230, 0.40, (*_SU, INSERT_PROJECT_SQL), ok_status=201, bytes=900),
    Route("GET", "/api/projects/[id]", "api", "lambda", 7.0, 95, 0.45, (*_S, PROJECT_SQL), bytes=2100),
    Route("PATCH", "/api/projects/[id]", "api", "lambda", 1.2, 180, 0.40, (*_S, PROJECT_SQL, UPDATE_PROJECT_SQL), bytes=800),
    Route("DELETE", "/api/projects/[id]", "api", "lambda", 0.2, 160, 0.40, (*_SU, DELETE_PROJECT_SQL), ok_status=204, bytes=0),
    Route("GET", "/api/projects/[id]/deployments", "api", "lambda", 3.0, 150, 0.45, (*_S, DEPLOYS_SQL), bytes=7400),
    Route("GET", "/api/projects/[id]/metrics", "api", "lambda", 3.5, 380, 0.60, (*_S, PROJECT_SQL, METRICS_SQL), query="?range={r}", bytes=9800),
    Route("GET", "/api/reports", "api", "lambda", 2.0, 260, 0.45, (*_S, REPORTS_SQL), bytes=3300),
    Route("POST", "/api/reports/export", "api", "lambda", 0.4, 1800, 0.50, (*_SU, EXPORT_SQL), bytes=48000),
    Route("GET", "/api/users/me", "api", "lambda", 9.0, 60, 0.40, _SU, bytes=700),
    Route("PATCH", "/api/users/me", "api", "lambda", 0.4, 140, 0.40, _SU, bytes=700),
    Route("POST", "/api/auth/login", "api", "lambda", 1.5, 290, 0.35, (USER_SQL,), bytes=400),
    Route("POST", "/api/auth/logout", "api", "lambda", 0.6, 40, 0.40, _S, bytes=80),
    Route("GET", "/api/auth/session", "api", "lambda", 10.0, 35, 0.45, _S, bytes=500),
    Route("POST", "/api/auth/refresh", "api", "lambda", 2.0, 70, 0.40, _S, bytes=450),
    Route("GET", "/api/notifications", "api", "lambda", 5.0, 85, 0.45, (*_S, NOTIFY_SQL), bytes=1800),
    Route("POST", "/api/notifications/read", "api", "lambda", 0.8, 70, 0.40, (*_S, MARK_READ_SQL), bytes=120),
    Route("GET", "/api/teams/[id]", "api", "lambda", 2.0, 110, 0.45, (*_S, TEAM_SQL), bytes=2600),
    Route("POST", "/api/teams/[id]/members", "api", "lambda", 0.3, 210, 0.40, (*_SU, MEMBER_SQL), ok_status=201, bytes=500),
    Route("GET", "/api/audit", "api", "lambda", 1.0, 340, 0.50, (*_SU, AUDIT_SQL), query="?cursor={n}", bytes=12000),
    Route("GET", "/api/settings", "api", "lambda", 1.2, 80, 0.40, (*_S, SETTINGS_SQL), bytes=1500),
    Route("PUT", "/api/settings", "api", "lambda", 0.3, 150, 0.40, (*_SU, PUT_SETTINGS_SQL), bytes=200),
    Route("POST", "/api/upload", "api", "lambda", 0.5, 900, 0.70, (*_S, INSERT_FILE_SQL), ok_status=201, bytes=350),
    Route("GET", "/api/files/[id]", "api", "lambda", 1.5, 140, 0.50, (*_S, FILE_SQL), bytes=1200),
    Route("POST", "/api/webhooks/github", "api", "lambda", 0.8, 160, 0.45, (WEBHOOK_SQL,), bytes=40),
    Route("POST", "/api/webhooks/stripe", "api", "lambda", 0.2, 190, 0.45, (WEBHOOK_SQL,), bytes=40),
    Route("GET", "/api/og", "api", "edge", 1.0, 180, 0.50, (), query="?title={q}", bytes=42000),
    Route("GET", "/api/geo", "api", "edge", 1.5, 12, 0.40, (), bytes=150),
    Route("GET", "/api/cron/cleanup", "api", "lambda", 0.05, 2400, 0.40, (CLEANUP_SQL,), bytes=60),
    Route("POST", "/api/feedback", "api", "lambda", 0.2, 120, 0.40, (*_S, FEEDBACK_SQL), ok_status=201, bytes=60),
    Route("GET", "/", "page", "static", 10.0, 18, 0.50, isr=True, bytes=38000, vital_factor=0.85),
    Route("GET", "/login", "page", "static", 4.0, 15, 0.50, bytes=21000, vital_factor=0.7),
    Route("GET", "/signup", "page", "static", 1.2, 15, 0.50, bytes=23000, vital_factor=0.75),
    Route("GET", "/pricing", "page", "static", 1.5, 16, 0.50, isr=True, bytes=31000, vital_factor=0.9),
    Route("GET", "/about", "page", "static", 0.5, 15, 0.50, bytes=19000, vital_factor=0.8),
    Route("GET", "/docs", "page", "static", 2.0, 17, 0.50, isr=True, bytes=27000, vital_factor=0.9),
    Route("GET", "/docs/[slug]", "page", "static", 4.0, 19, 0.50, isr=True, bytes=45000, vital_factor=1.0),
    Route("GET", "/blog", "page", "static", 0.8, 17, 0.50, isr=True, bytes=29000, vital_factor=0.95),
    Route("GET", "/blog/[slug]", "page", "static", 2.0, 19, 0.50, isr=True, bytes=52000, vital_factor=1.1),
    Route("GET", "/status", "page", "static", 1.0, 16, 0.50, isr=True, bytes=15000, vital_factor=0.7),
    Route("GET", "/dashboard", "page", "lambda", 8.0, 320, 0.45, _SU + (PROJECTS_SQL,), bytes=64000, vital_factor=1.25),
    Route("GET", "/projects", "page", "lambda", 4.0, 260, 0.45, (*_S, PROJECTS_SQL), bytes=51000, vital_factor=1.1),
    Route("GET", "/projects/[id]", "page", "lambda", 6.0, 350, 0.50, (*_S, PROJECT_SQL, METRICS_SQL), query="?tab={t}", bytes=72000, vital_factor=1.3),
    Route("GET", "/projects/[id]/deployments", "page", "lambda", 2.5, 300, 0.45, (*_S, PROJECT_SQL, DEPLOYS_SQL), bytes=58000, vital_factor=1.15),
    Route("GET", "/projects/[id]/settings", "page", "lambda", 1.2, 240, 0.45, (*_S, PROJECT_SQL), bytes=41000, vital_factor=1.0),
    Route("GET", "/reports", "page", "lambda", 2.0, 380, 0.50, (*_S, REPORTS_SQL), bytes=47000, vital_factor=1.2),
    Route("GET", "/reports/[id]", "page", "lambda", 1.5, 420, 0.50, (*_S, REPORTS_SQL, METRICS_SQL), bytes=88000, vital_factor=1.4),
    Route("GET", "/settings", "page", "lambda", 1.5, 200, 0.45, (*_S, SETTINGS_SQL), bytes=36000, vital_factor=0.95),
    Route("GET", "/settings/team", "page", "lambda", 0.6, 230, 0.45, (*_S, TEAM_SQL), bytes=39000, vital_factor=1.0),
    Route("GET", "/favicon.ico", "asset", "static", 3.0, 8, 0.40, bytes=15086),
    Route("GET", "/robots.txt", "asset", "static", 0.3, 8, 0.40, bytes=120),
    Route("GET", "/sitemap.xml", "asset", "static", 0.2, 9, 0.40, isr=True, bytes=4100),
    Route("GET", "/_next/image", "asset", "static", 2.5, 35, 0.60, query="?url=%2Fimg%2Fhero-{n}.png&w=1080&q=75", bytes=86000),
)


def entrypoint(route: Route) -> str:
    """The function's entrypoint as Vercel names it (app router file)."""
    if route.source == "static":
        return ""
    folder = route.pattern.rstrip("/") or ""
    name = "route" if route.kind == "api" else "page"
    return f"app{folder}/{name}.js"


def raw_template(route: Route) -> str:
    """The raw request path with placeholders ({n}, {slug}, {q}, ...) filled in per request."""
    path = route.pattern.replace("[id]", "{n}").replace("[slug]", "{slug}")
    return path + route.query
