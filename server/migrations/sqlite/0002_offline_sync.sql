-- Offline sync: a change counter on findings, so a device can pull what changed since its
-- cursor, and the photos of findings (declared with the finding, uploaded separately).

-- Set to MAX(change_seq) + 1 inside every write transaction that touches the finding. Writes
-- are serialized (BEGIN IMMEDIATE), so the order of the counter is the order of commits.
ALTER TABLE findings ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX findings_change ON findings (change_seq);

CREATE TABLE finding_photos (
    finding_id TEXT NOT NULL REFERENCES findings (id),
    -- Lowercase hex SHA-256 of the file: its name under the data directory's photos/.
    sha256 TEXT NOT NULL,
    position INTEGER NOT NULL,
    -- NULL until the file has arrived.
    content_type TEXT,
    byte_len BIGINT,
    uploaded_at BIGINT,
    PRIMARY KEY (finding_id, sha256)
);
CREATE INDEX finding_photos_hash ON finding_photos (sha256);
