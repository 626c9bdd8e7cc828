-- Joint cases (联合处置): a finding's lead section is its own section; each assisting section
-- has a task of its own with a deadline in working days, answered by that section or waived
-- by the coordinator with a reason (the same SQL on both engines).
CREATE TABLE joint_tasks (
    finding_id TEXT NOT NULL REFERENCES findings (id),
    section_id TEXT NOT NULL REFERENCES sections (id),
    task TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'waived')),
    deadline_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    answer TEXT,
    answered_at BIGINT,
    answered_by TEXT REFERENCES users (id),
    escalated_at BIGINT,
    PRIMARY KEY (finding_id, section_id)
);
CREATE INDEX joint_tasks_section ON joint_tasks (section_id, status, deadline_at);
