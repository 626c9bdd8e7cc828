-- Patrols on the road: the positions a chief's phone kept while walking it, and what they
-- covered. The positions (`trail`) are deleted after the retention period; the figures stay
-- for the race board.

CREATE TABLE patrols (
    id TEXT PRIMARY KEY,
    road_id TEXT NOT NULL REFERENCES roads (id),
    week TEXT NOT NULL,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    chief_user_id TEXT NOT NULL REFERENCES users (id),
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    -- The encoded positions (see `domain::patrol::encode`); NULL once forgotten.
    trail TEXT,
    -- One character per ~50 m stretch of the road: 1 walked, 0 not.
    walked TEXT NOT NULL,
    walked_percent INTEGER NOT NULL,
    distance_m INTEGER NOT NULL,
    positions INTEGER NOT NULL,
    board_checked INTEGER NOT NULL DEFAULT 0,
    -- Comma-separated `TraceFlag`s; empty for a plausible walk.
    flags TEXT NOT NULL DEFAULT '',
    after_hand_over INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patrols_road_week ON patrols (road_id, week);
CREATE INDEX patrols_ended ON patrols (ended_at);
