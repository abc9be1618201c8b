-- The application's own audit log (its `audit_logs` table, read from a CSV export as the
-- Supabase table editor writes it, or JSON / NDJSON), one row per entry id. Column names in
-- the file are mapped by the config's [sources.audit_columns].
CREATE TABLE audit_logs (
    id            VARCHAR NOT NULL,      -- uuid or bigint, as text (dedupe key)
    created_at    TIMESTAMPTZ NOT NULL,
    user_id       VARCHAR,               -- personal data: masked for non-admins
    action        VARCHAR NOT NULL,      -- e.g. user.login, user.login_failed, project.delete
    resource_type VARCHAR,
    resource_id   VARCHAR,
    status        VARCHAR,               -- success | failure; other values kept, lower-cased
    ip_address    VARCHAR,               -- personal data: masked for non-admins
    user_agent    VARCHAR,
    metadata      JSON,                  -- the jsonb column, parsed (a CSV export holds it as JSON text)
    extra         JSON,                  -- columns not mapped by the config, kept as they came
    file_id       BIGINT NOT NULL,
    line          BIGINT,
    item          BIGINT
);
