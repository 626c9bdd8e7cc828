-- Open311 GeoReport v2: the keys that let a 311 app or city platform post residents' reports
-- (kept only as a hash; a revoked key stays listed, refused), and which platform posted a report
-- (NULL: sent from the road's board). The same SQL on both engines.

CREATE TABLE open311_keys (
    name TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

ALTER TABLE resident_reports ADD COLUMN via TEXT;
