-- Evidence that holds: when and where the phone says each photo was taken, how far the phone's
-- clock stood from the server's when it sent the record, and which photos show the fix.

ALTER TABLE finding_photos ADD COLUMN stage TEXT NOT NULL DEFAULT 'before' CHECK (stage IN ('before', 'after'));
-- By the phone's clock, and where the phone was; NULL from phones that did not say.
ALTER TABLE finding_photos ADD COLUMN taken_at BIGINT;
ALTER TABLE finding_photos ADD COLUMN taken_lon DOUBLE PRECISION;
ALTER TABLE finding_photos ADD COLUMN taken_lat DOUBLE PRECISION;
-- The phone's clock minus the server's as the record arrived (ms); NULL when unknown.
ALTER TABLE finding_photos ADD COLUMN clock_skew_ms BIGINT;
-- Who declared it (the chief with the finding, the section head with the resolution): the one
-- who may upload it. NULL for photos declared before this column: the road's chief's.
ALTER TABLE finding_photos ADD COLUMN declared_by_user_id TEXT REFERENCES users (id);

ALTER TABLE findings ADD COLUMN clock_skew_ms BIGINT;

-- A resolution of this category needs a photo of the result.
ALTER TABLE categories ADD COLUMN after_photo_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rule_changes ADD COLUMN old_after_photo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rule_changes ADD COLUMN new_after_photo INTEGER NOT NULL DEFAULT 0;
