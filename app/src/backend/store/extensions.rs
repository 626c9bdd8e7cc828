//! Requests for more time: one per finding, asked by the section, decided by the coordinator.

use super::{corrupt, Conn, Tx};
use crate::backend::Result;
use crate::domain::text::Note;
use crate::domain::time::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Granted,
    Refused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Granted => "granted",
            Status::Refused => "refused",
        }
    }

    fn parse(text: &str) -> Result<Status> {
        [Status::Pending, Status::Granted, Status::Refused]
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| corrupt(format!("extension status {text}")))
    }
}

pub async fn status_of(conn: &mut Conn, finding_id: &str) -> Result<Option<Status>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT status FROM extension_requests WHERE finding_id = $1")
        .bind(finding_id)
        .fetch_optional(conn)
        .await?;
    row.map(|(s,)| Status::parse(&s)).transpose()
}

pub struct Ask<'a> {
    pub finding_id: &'a str,
    pub section_id: &'a str,
    pub by: &'a str,
    pub reason: &'a Note,
    pub deadline: Timestamp,
}

/// Records the request unless the finding has one already; whether this one was recorded.
pub async fn ask(tx: &mut Tx, ask: Ask<'_>, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO extension_requests (finding_id, section_id, requested_by, requested_at, reason, old_deadline_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (finding_id) DO NOTHING",
    )
    .bind(ask.finding_id)
    .bind(ask.section_id)
    .bind(ask.by)
    .bind(now.millis())
    .bind(ask.reason.as_str())
    .bind(ask.deadline.millis())
    .bind(Status::Pending.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// Decides the pending request; whether there was one.
pub async fn decide(
    tx: &mut Tx,
    finding_id: &str,
    by: &str,
    new_deadline: Option<Timestamp>,
    note: Option<&Note>,
    now: Timestamp,
) -> Result<bool> {
    let decided = if new_deadline.is_some() { Status::Granted } else { Status::Refused };
    let done = sqlx::query(
        "UPDATE extension_requests SET status = $1, decided_by = $2, decided_at = $3, new_deadline_at = $4, \
         decision_note = $5 WHERE finding_id = $6 AND status = $7",
    )
    .bind(decided.as_str())
    .bind(by)
    .bind(now.millis())
    .bind(new_deadline.map(Timestamp::millis))
    .bind(note.map(Note::as_str))
    .bind(finding_id)
    .bind(Status::Pending.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The request of a finding as the timeline shows it.
#[derive(sqlx::FromRow)]
pub struct Request {
    pub requested_at: i64,
    pub asked_by: String,
    pub reason: String,
    pub status: String,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub new_deadline_at: Option<i64>,
    pub decision_note: Option<String>,
}

impl Request {
    pub fn status(&self) -> Result<Status> {
        Status::parse(&self.status)
    }
}

pub async fn of_finding(conn: &mut Conn, finding_id: &str) -> Result<Option<Request>> {
    Ok(sqlx::query_as(
        "SELECT e.requested_at, a.display_name AS asked_by, e.reason, e.status, e.decided_at, \
         d.display_name AS decided_by, e.new_deadline_at, e.decision_note FROM extension_requests e \
         JOIN users a ON a.id = e.requested_by LEFT JOIN users d ON d.id = e.decided_by WHERE e.finding_id = $1",
    )
    .bind(finding_id)
    .fetch_optional(conn)
    .await?)
}
