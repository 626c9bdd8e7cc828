-- The coordinator's review numbers are counted per section and week as findings move (the
-- store counts each step in the transaction that makes it), so the overview reads a few
-- hundred rows however many findings there are (keys start with the week: the overview reads
-- the last twelve); the history so far is counted here. The
-- inbox and the overview's open deadlines read from covering indexes alone.
--
-- A week starts on Monday 00:00 Asia/Shanghai (UTC+8; 1970-01-01 was a Thursday).

CREATE TABLE section_weeks (
    section_id TEXT NOT NULL,
    week_start INTEGER NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    resolved_on_time INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (week_start, section_id)
);

-- Closings by how long they took since the report, in tenths of a day (rounded half up).
CREATE TABLE section_close_times (
    section_id TEXT NOT NULL,
    week_start INTEGER NOT NULL,
    tenths INTEGER NOT NULL,
    closings INTEGER NOT NULL,
    PRIMARY KEY (week_start, section_id, tenths)
);

-- A resolution is on time when no later than the deadline in force: the latest one set
-- before it.
INSERT INTO section_weeks (section_id, week_start, reported, resolved, resolved_on_time, closed)
SELECT section_id, week_start, SUM(reported), SUM(resolved), SUM(resolved_on_time), SUM(closed)
FROM (
    SELECT h.section_id, ((((h.at) + 28800000) / 86400000 - (((h.at) + 28800000) / 86400000 + 3) % 7) * 86400000 - 28800000) AS week_start,
        CASE WHEN h.from_status IS NULL THEN 1 ELSE 0 END AS reported,
        CASE WHEN h.to_status = 'resolved' THEN 1 ELSE 0 END AS resolved,
        CASE WHEN h.to_status = 'resolved' AND h.at <= COALESCE((SELECT d.deadline_at FROM finding_history d
            WHERE d.finding_id = h.finding_id AND d.seq < h.seq AND d.deadline_at IS NOT NULL
            ORDER BY d.seq DESC LIMIT 1), h.at) THEN 1 ELSE 0 END AS resolved_on_time,
        CASE WHEN h.to_status = 'closed' THEN 1 ELSE 0 END AS closed
    FROM finding_history h
    WHERE h.from_status IS NULL OR h.to_status IN ('resolved', 'closed')
) steps
GROUP BY section_id, week_start;

INSERT INTO section_close_times (section_id, week_start, tenths, closings)
SELECT section_id, week_start, tenths, COUNT(*)
FROM (
    SELECT h.section_id, ((((h.at) + 28800000) / 86400000 - (((h.at) + 28800000) / 86400000 + 3) % 7) * 86400000 - 28800000) AS week_start,
        (MAX(h.at - f.received_at, 0) * 10 + 43200000) / 86400000 AS tenths
    FROM finding_history h JOIN findings f ON f.id = h.finding_id
    WHERE h.to_status = 'closed'
) closings
GROUP BY section_id, week_start, tenths;

DROP INDEX findings_section;
CREATE INDEX findings_inbox ON findings (section_id, status, deadline_at, received_at, road_id, id);
DROP INDEX findings_status_deadline;
CREATE INDEX findings_open ON findings (status, deadline_at, section_id);
