-- Administration on screens: every change the coordinator makes is recorded field by field,
-- and a road keeps who was its chief when (交流轮岗).

CREATE TABLE admin_changes (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id TEXT NOT NULL REFERENCES users (id),
    subject TEXT NOT NULL CHECK (subject IN ('user', 'community', 'section', 'category', 'road')),
    subject_id TEXT NOT NULL,
    field TEXT NOT NULL,
    -- NULL: the field had no value (or the thing did not exist yet).
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX admin_changes_at ON admin_changes (at);
CREATE INDEX admin_changes_subject ON admin_changes (subject, subject_id, at);

-- One row per term; the current term has no end.
CREATE TABLE road_chiefs (
    road_id TEXT NOT NULL REFERENCES roads (id),
    chief_user_id TEXT NOT NULL REFERENCES users (id),
    from_at BIGINT NOT NULL,
    until_at BIGINT,
    PRIMARY KEY (road_id, from_at)
);
CREATE INDEX road_chiefs_chief ON road_chiefs (chief_user_id);

-- The chiefs roads have now, in office since their account was made.
INSERT INTO road_chiefs (road_id, chief_user_id, from_at, until_at)
SELECT r.id, r.chief_user_id, u.created_at, NULL FROM roads r JOIN users u ON u.id = r.chief_user_id;

-- A record a chief made while the road was theirs and sent after it went to another chief:
-- taken once, and flagged for the new chief.
ALTER TABLE findings ADD COLUMN after_hand_over INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN after_hand_over INTEGER NOT NULL DEFAULT 0;
