-- A resident may say a report is the same problem as one already known: an open finding (the
-- report then follows it) or a report waiting for the chief (handled with it).
-- The same SQL on both engines.
ALTER TABLE resident_reports ADD COLUMN same_as_finding TEXT;
ALTER TABLE resident_reports ADD COLUMN same_as_report TEXT;
CREATE INDEX resident_reports_same_as ON resident_reports (same_as_report);
-- A finding's photo the road's chief showed on the road's public board (NULL: not shown).
ALTER TABLE finding_photos ADD COLUMN public_at BIGINT;
