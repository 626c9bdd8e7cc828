-- Telling sections about findings outside the app: each section's webhook, and a durable
-- outbox of messages written in the same transaction as the routing that causes them.

ALTER TABLE sections ADD COLUMN webhook_url TEXT;
ALTER TABLE sections ADD COLUMN webhook_format TEXT;

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    -- One message per event and channel: the history row that caused it, and the channel.
    idempotency_key TEXT NOT NULL UNIQUE,
    finding_id TEXT NOT NULL REFERENCES findings (id),
    section_id TEXT NOT NULL REFERENCES sections (id),
    channel TEXT NOT NULL CHECK (channel IN ('webhook')),
    target TEXT NOT NULL,
    format TEXT NOT NULL,
    -- The request body exactly as sent on every attempt.
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- Held by the process delivering it, so that two servers never send it at once.
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);

CREATE TABLE notification_attempts (
    id TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES notifications (id),
    at BIGINT NOT NULL,
    ok INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX notification_attempts_of ON notification_attempts (notification_id, at);
