-- Deadlines that hold: email as a second channel, reminders and escalation sent once,
-- calendars and routing rules the coordinator edits, extensions asked once per finding.

ALTER TABLE sections ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email TEXT;
-- Set when the finding passed its deadline while with its section and the coordinator was told.
ALTER TABLE findings ADD COLUMN escalated_at BIGINT;

-- Every reminder the scheduler decided on, once: the key says what and for which period
-- (`due_soon:<finding>:<deadline>`, `overdue:<finding>:<deadline>`, `chief:<road>:<week>`,
-- `summary:<week>`), so a restart or a second server process finds it and does nothing.
CREATE TABLE reminders (
    id TEXT PRIMARY KEY,
    reminder_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'chief_reminder', 'weekly_summary')),
    finding_id TEXT REFERENCES findings (id),
    road_id TEXT REFERENCES roads (id),
    -- What was said, as sent.
    text_zh TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX reminders_finding ON reminders (finding_id);

-- Messages can now go to a person (a road chief, the coordinator) by email, not only to a
-- section about a finding: the outbox and its attempt log are rebuilt with optional finding
-- and section, a recipient user, a kind and a subject.
CREATE TABLE notifications_next (
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
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
INSERT INTO notifications_next (id, idempotency_key, kind, finding_id, section_id, user_id, channel, target, format,
    subject, body, status, failures, next_attempt_at, lease_until, created_at, sent_at)
SELECT id, idempotency_key, 'routed', finding_id, section_id, NULL, channel, target, format,
    NULL, body, status, failures, next_attempt_at, lease_until, created_at, sent_at FROM notifications;

CREATE TABLE notification_attempts_next (
    id TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES notifications_next (id),
    at BIGINT NOT NULL,
    ok INTEGER NOT NULL,
    detail TEXT NOT NULL
);
INSERT INTO notification_attempts_next (id, notification_id, at, ok, detail)
SELECT id, notification_id, at, ok, detail FROM notification_attempts;

DROP TABLE notification_attempts;
DROP TABLE notifications;
ALTER TABLE notifications_next RENAME TO notifications;
ALTER TABLE notification_attempts_next RENAME TO notification_attempts;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_finding ON notifications (finding_id);
CREATE INDEX notification_attempts_of ON notification_attempts (notification_id, at);

-- Official working-day calendars, one file per year as imported (the shipped years are
-- written at start-up when missing). Importing a year later changes no deadline already set.
CREATE TABLE calendars (
    year INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT REFERENCES users (id)
);

-- Every change of a category's routing rule: new findings follow the new rule, the deadlines
-- already set keep theirs (their history row says `working_days:N` or `urgent`).
CREATE TABLE rule_changes (
    id TEXT PRIMARY KEY,
    category_code TEXT NOT NULL REFERENCES categories (code),
    at BIGINT NOT NULL,
    actor_user_id TEXT NOT NULL REFERENCES users (id),
    old_section_id TEXT NOT NULL,
    new_section_id TEXT NOT NULL,
    old_days INTEGER NOT NULL,
    new_days INTEGER NOT NULL
);
CREATE INDEX rule_changes_at ON rule_changes (at);

-- A section may ask once per finding for more time; the coordinator grants or refuses.
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
