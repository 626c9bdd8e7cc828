-- Road Chief: the weekly inspection loop. Portable SQL: TEXT ids, BIGINT unix milliseconds,
-- INTEGER 0/1 flags, so the same schema runs on PostgreSQL.

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
    -- NULL until a password is set: such a user cannot sign in.
    password_hash TEXT,
    phone TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sections (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    head_user_id TEXT REFERENCES users (id)
);
CREATE INDEX sections_head ON sections (head_user_id);

CREATE TABLE categories (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    section_id TEXT NOT NULL REFERENCES sections (id),
    deadline_days INTEGER NOT NULL CHECK (deadline_days BETWEEN 1 AND 60),
    position INTEGER NOT NULL
);

CREATE TABLE roads (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    community_id TEXT NOT NULL REFERENCES communities (id),
    chief_user_id TEXT NOT NULL REFERENCES users (id),
    -- GeoJSON LineString coordinates: [[lon, lat], ...] in WGS84.
    geometry TEXT NOT NULL
);
CREATE INDEX roads_chief ON roads (chief_user_id);

CREATE TABLE inspections (
    id TEXT PRIMARY KEY,
    road_id TEXT NOT NULL REFERENCES roads (id),
    iso_year INTEGER NOT NULL,
    iso_week INTEGER NOT NULL,
    chief_user_id TEXT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    submitted_at BIGINT,
    UNIQUE (road_id, iso_year, iso_week)
);

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
    off_road_confirmed INTEGER NOT NULL DEFAULT 0,
    observed_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    reported_by_user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('routed', 'accepted', 'resolved', 'closed', 'returned')),
    section_id TEXT NOT NULL REFERENCES sections (id),
    deadline_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX findings_section ON findings (section_id, status, deadline_at);
CREATE INDEX findings_road ON findings (road_id, status);
CREATE INDEX findings_inspection ON findings (inspection_id);

-- Every transition, written in the same transaction as the change.
CREATE TABLE finding_history (
    id TEXT PRIMARY KEY,
    finding_id TEXT NOT NULL REFERENCES findings (id),
    -- 1, 2, 3, ... per finding: the order of events, even within one millisecond.
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_user_id TEXT NOT NULL REFERENCES users (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    section_id TEXT NOT NULL REFERENCES sections (id),
    deadline_at BIGINT,
    note TEXT
);
CREATE UNIQUE INDEX finding_history_order ON finding_history (finding_id, seq);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for the limit of 5 per account or address in 15 minutes.
CREATE TABLE sign_in_failures (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_username ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

-- Applied operations: the same id again returns the stored outcome instead of applying twice.
CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    outcome TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);
