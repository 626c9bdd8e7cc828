-- Sign-in that cannot be raced or turned against users, sessions that end, accounts that can be
-- disabled (the same SQL on both engines).

-- Failures are counted per attempter too: the account with the address, or with a browser that
-- signed in to it before (app::domain::sign_in). Older rows carry no attempter and only count
-- for their address and account until they are purged (after a day).
ALTER TABLE sign_in_failures ADD COLUMN attempter TEXT NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_attempter ON sign_in_failures (attempter, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);

-- Browsers that signed in to an account (the device cookie, hashed).
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);
CREATE INDEX trusted_devices_last_used ON trusted_devices (last_used_at);

-- A session also ends after 14 days without use.
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- A disabled account cannot sign in, and its sessions end.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
