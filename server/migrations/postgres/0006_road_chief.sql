-- Road Chief on PostgreSQL: the schema SQLite reaches with its migrations 0001 to 0006, in one
-- step (PostgreSQL installations start here). Every integer is a BIGINT (Rust i64), flags are
-- 0/1 BIGINTs, times are unix milliseconds: the same SQL runs on both engines. Later
-- migrations are written for both, with the same number.

CREATE TABLE subdistricts (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE communities (
    id TEXT PRIMARY KEY,
    subdistrict_id TEXT NOT NULL REFERENCES subdistricts (id),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('road_chief', 'section_head', 'coordinator')),
    password_hash TEXT,
    phone TEXT,
    email TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sections (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    head_user_id TEXT REFERENCES users (id),
    webhook_url TEXT,
    webhook_format TEXT,
    email TEXT
);
CREATE INDEX sections_head ON sections (head_user_id);

CREATE TABLE categories (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    section_id TEXT NOT NULL REFERENCES sections (id),
    deadline_days BIGINT NOT NULL CHECK (deadline_days BETWEEN 1 AND 60),
    position BIGINT NOT NULL
);

CREATE TABLE roads (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    chief_user_id TEXT NOT NULL REFERENCES users (id),
    geometry TEXT NOT NULL
);
CREATE INDEX roads_chief ON roads (chief_user_id);

CREATE TABLE inspections (
    id TEXT PRIMARY KEY,
    road_id TEXT NOT NULL REFERENCES roads (id),
    iso_year BIGINT NOT NULL,
    iso_week BIGINT NOT NULL,
    chief_user_id TEXT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    submitted_at BIGINT,
    UNIQUE (road_id, iso_year, iso_week)
);
CREATE INDEX inspections_week ON inspections (iso_year, iso_week);

CREATE TABLE inspection_results (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    category_code TEXT NOT NULL REFERENCES categories (code),
    result TEXT NOT NULL CHECK (result IN ('ok', 'problem')),
    PRIMARY KEY (inspection_id, category_code)
);

CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    inspection_id TEXT REFERENCES inspections (id),
    road_id TEXT NOT NULL REFERENCES roads (id),
    category_code TEXT NOT NULL REFERENCES categories (code),
    note TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    along_m DOUBLE PRECISION NOT NULL,
    off_road_m DOUBLE PRECISION NOT NULL,
    off_road_confirmed BIGINT NOT NULL DEFAULT 0,
    observed_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    reported_by_user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('routed', 'accepted', 'resolved', 'closed', 'returned')),
    section_id TEXT NOT NULL REFERENCES sections (id),
    deadline_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    change_seq BIGINT NOT NULL DEFAULT 0,
    urgent BIGINT NOT NULL DEFAULT 0,
    escalated_at BIGINT
);
CREATE INDEX findings_section ON findings (section_id, status, deadline_at);
CREATE INDEX findings_road ON findings (road_id, status);
CREATE INDEX findings_inspection ON findings (inspection_id);
CREATE INDEX findings_change ON findings (change_seq);
CREATE INDEX findings_status_deadline ON findings (status, deadline_at);
CREATE INDEX findings_received ON findings (received_at);

CREATE TABLE finding_history (
    id TEXT PRIMARY KEY,
    finding_id TEXT NOT NULL REFERENCES findings (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_user_id TEXT NOT NULL REFERENCES users (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    section_id TEXT NOT NULL REFERENCES sections (id),
    deadline_at BIGINT,
    note TEXT,
    deadline_rule TEXT
);
CREATE UNIQUE INDEX finding_history_order ON finding_history (finding_id, seq);
CREATE INDEX finding_history_status_at ON finding_history (to_status, at);

CREATE TABLE finding_photos (
    finding_id TEXT NOT NULL REFERENCES findings (id),
    sha256 TEXT NOT NULL,
    position BIGINT NOT NULL,
    content_type TEXT,
    byte_len BIGINT,
    uploaded_at BIGINT,
    PRIMARY KEY (finding_id, sha256)
);
CREATE INDEX finding_photos_hash ON finding_photos (sha256);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE sign_in_failures (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_username ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    outcome TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);

CREATE TABLE reminders (
    id TEXT PRIMARY KEY,
    reminder_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'chief_reminder', 'weekly_summary')),
    finding_id TEXT REFERENCES findings (id),
    road_id TEXT REFERENCES roads (id),
    text_zh TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reminders_finding ON reminders (finding_id);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('routed', 'due_soon', 'overdue', 'escalated', 'chief_reminder', 'weekly_summary', 'extension')),
    finding_id TEXT REFERENCES findings (id),
    section_id TEXT REFERENCES sections (id),
    user_id TEXT REFERENCES users (id),
    channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    target TEXT NOT NULL,
    format TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    failures BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_finding ON notifications (finding_id);

CREATE TABLE notification_attempts (
    id TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES notifications (id),
    at BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX notification_attempts_of ON notification_attempts (notification_id, at);

CREATE TABLE calendars (
    year BIGINT PRIMARY KEY,
    body TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT REFERENCES users (id)
);

CREATE TABLE rule_changes (
    id TEXT PRIMARY KEY,
    category_code TEXT NOT NULL REFERENCES categories (code),
    at BIGINT NOT NULL,
    actor_user_id TEXT NOT NULL REFERENCES users (id),
    old_section_id TEXT NOT NULL,
    new_section_id TEXT NOT NULL,
    old_days BIGINT NOT NULL,
    new_days BIGINT NOT NULL
);
CREATE INDEX rule_changes_at ON rule_changes (at);

CREATE TABLE extension_requests (
    finding_id TEXT PRIMARY KEY REFERENCES findings (id),
    section_id TEXT NOT NULL REFERENCES sections (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    old_deadline_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'refused')),
    decided_by TEXT REFERENCES users (id),
    decided_at BIGINT,
    new_deadline_at BIGINT,
    decision_note TEXT
);
CREATE INDEX extension_requests_status ON extension_requests (status, requested_at);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('finding_changes', 0);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
