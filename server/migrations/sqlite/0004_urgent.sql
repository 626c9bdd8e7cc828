-- Urgent findings (e.g. a safety hazard) are due the same working day; the history keeps which
-- rule set each deadline (`working_days:N` or `urgent`).
ALTER TABLE findings ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE finding_history ADD COLUMN deadline_rule TEXT;
