-- The public board: what a road publishes (a work contact, office hours, the code its board's QR
-- carries) and the reports residents send from it (the same SQL on both engines).

ALTER TABLE roads ADD COLUMN board_code TEXT;
ALTER TABLE roads ADD COLUMN public_contact TEXT;
ALTER TABLE roads ADD COLUMN office_hours TEXT;
CREATE UNIQUE INDEX roads_board_code ON roads (board_code);

-- A resident's report waits for the road's chief, who confirms it (it becomes a finding) or
-- answers it without one, or marks it as spam (hidden, and counted against its sender).
-- The tracking link's token is kept only as a hash; the sender's address only as a keyed hash,
-- for the rate limits. `challenge` is the solved proof-of-work challenge: each serves once.
CREATE TABLE resident_reports (
    id TEXT PRIMARY KEY,
    road_id TEXT NOT NULL REFERENCES roads (id),
    category_code TEXT NOT NULL REFERENCES categories (code),
    note TEXT NOT NULL,
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    along_m DOUBLE PRECISION,
    contact TEXT,
    lang TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'confirmed', 'answered', 'spam')),
    reply TEXT,
    finding_id TEXT REFERENCES findings (id),
    tracking_hash TEXT NOT NULL UNIQUE,
    short_code TEXT NOT NULL UNIQUE,
    challenge TEXT NOT NULL UNIQUE,
    sender_key TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    handled_at BIGINT,
    handled_by TEXT REFERENCES users (id),
    escalated_at BIGINT
);
CREATE INDEX resident_reports_road ON resident_reports (road_id, status, received_at);
CREATE INDEX resident_reports_sender ON resident_reports (sender_key, received_at);
CREATE INDEX resident_reports_received ON resident_reports (received_at);
CREATE INDEX resident_reports_finding ON resident_reports (finding_id);

CREATE TABLE report_photos (
    report_id TEXT NOT NULL REFERENCES resident_reports (id),
    sha256 TEXT NOT NULL,
    position BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    byte_len BIGINT NOT NULL,
    PRIMARY KEY (report_id, sha256)
);
CREATE INDEX report_photos_hash ON report_photos (sha256);
