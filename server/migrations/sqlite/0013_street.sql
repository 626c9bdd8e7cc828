-- The chief's street: the shops on each road (the register) and the chief's work log of
-- visits and conversations (the same SQL on both engines).

-- A shop on a road. Its owner and contact are for the chief and the coordinator only. Ids come
-- from the import file (a code) or from the phone that added the shop (a UUID).
CREATE TABLE shops (
    id TEXT PRIMARY KEY,
    road_id TEXT NOT NULL REFERENCES roads (id),
    name TEXT NOT NULL,
    house_number TEXT NOT NULL,
    business_type TEXT NOT NULL,
    owner TEXT,
    contact TEXT,
    pledge_signed INTEGER NOT NULL DEFAULT 0,
    is_open INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT REFERENCES users (id)
);
CREATE INDEX shops_road ON shops (road_id);

-- A visit to a shop (or a conversation with no shop): what was asked or suggested, what the
-- chief promised, and a follow-up date (a local date, YYYY-MM-DD) until it is marked done.
-- Kept with the chief who recorded it, whoever leads the road later.
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    road_id TEXT NOT NULL REFERENCES roads (id),
    shop_id TEXT REFERENCES shops (id),
    recorded_by TEXT NOT NULL REFERENCES users (id),
    asked TEXT NOT NULL,
    promised TEXT,
    follow_up_on TEXT,
    follow_up_done_at BIGINT,
    visited_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX visits_road ON visits (road_id, visited_at);
CREATE INDEX visits_shop ON visits (shop_id, visited_at);
CREATE INDEX visits_follow_up ON visits (road_id, follow_up_on);

-- A finding made from a visit's request (one finding per visit), and the shop it is about.
ALTER TABLE findings ADD COLUMN visit_id TEXT REFERENCES visits (id);
ALTER TABLE findings ADD COLUMN shop_id TEXT REFERENCES shops (id);
CREATE UNIQUE INDEX findings_visit ON findings (visit_id);
CREATE INDEX findings_shop ON findings (shop_id);
