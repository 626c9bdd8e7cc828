-- One store layer on SQLite and PostgreSQL: the change counter devices pull by is a row,
-- advanced when a write commits (not MAX()+1, which is right only while writers queue), the
-- database has an epoch (renewed by a restore, so phones notice), and the inbox, the overview
-- and the scheduler read through indexes.

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) SELECT 'finding_changes', COALESCE(MAX(change_seq), 0) FROM findings;

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE INDEX findings_status_deadline ON findings (status, deadline_at);
CREATE INDEX findings_received ON findings (received_at);
CREATE INDEX finding_history_status_at ON finding_history (to_status, at);
CREATE INDEX inspections_week ON inspections (iso_year, iso_week);
