//! The outbox of messages to sections and people outside the app, and every delivery attempt.

use super::{uuid, Conn, Tx};
use crate::backend::Result;
use crate::domain::time::Timestamp;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Sent,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Failed => "failed",
        }
    }
}

/// One message for one channel, as it will be sent on every attempt.
pub struct NewMessage<'a> {
    pub id: &'a str,
    /// One message per event and channel: a second insert with this key does nothing.
    pub key: &'a str,
    pub kind: &'a str,
    pub finding_id: Option<&'a str>,
    pub section_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub channel: &'a str,
    pub target: &'a str,
    pub format: &'a str,
    pub subject: Option<&'a str>,
    pub body: &'a str,
}

pub async fn insert(tx: &mut Tx, m: NewMessage<'_>, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (id, idempotency_key, kind, finding_id, section_id, user_id, channel, target, format, \
         subject, body, status, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(m.id)
    .bind(m.key)
    .bind(m.kind)
    .bind(m.finding_id)
    .bind(m.section_id)
    .bind(m.user_id)
    .bind(m.channel)
    .bind(m.target)
    .bind(m.format)
    .bind(m.subject)
    .bind(m.body)
    .bind(Status::Pending.as_str())
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A message the courier has taken to send now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Due {
    pub id: String,
    pub idempotency_key: String,
    pub channel: String,
    pub subject: Option<String>,
    pub target: String,
    pub format: String,
    pub body: String,
    pub failures: i64,
}

/// Messages whose time has come and that nobody holds.
pub async fn due(conn: &mut Conn, now: Timestamp, limit: i64) -> Result<Vec<Due>> {
    Ok(sqlx::query_as(
        "SELECT id, idempotency_key, channel, subject, target, format, body, failures FROM notifications \
         WHERE status = $1 AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2) \
         ORDER BY next_attempt_at LIMIT $3",
    )
    .bind(Status::Pending.as_str())
    .bind(now.millis())
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Leases the message until `until` unless someone else holds it; whether we got it.
pub async fn lease(tx: &mut Tx, id: &str, now: Timestamp, until: Timestamp) -> Result<bool> {
    let taken = sqlx::query(
        "UPDATE notifications SET lease_until = $1 WHERE id = $2 AND status = $3 \
         AND (lease_until IS NULL OR lease_until < $4)",
    )
    .bind(until.millis())
    .bind(id)
    .bind(Status::Pending.as_str())
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(taken.rows_affected() == 1)
}

pub async fn log_attempt(
    tx: &mut Tx,
    id: &str,
    message_id: &str,
    ok: bool,
    detail: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("INSERT INTO notification_attempts (id, notification_id, at, ok, detail) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(message_id)
        .bind(now.millis())
        .bind(crate::backend::db::flag(ok))
        .bind(detail)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn mark_sent(tx: &mut Tx, id: &str, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE notifications SET status = $1, sent_at = $2, lease_until = NULL WHERE id = $3")
        .bind(Status::Sent.as_str())
        .bind(now.millis())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// After a failure: due again at `next`, or given up (`Failed`).
pub async fn mark_failed(tx: &mut Tx, id: &str, status: Status, failures: i64, next: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET status = $1, failures = $2, next_attempt_at = $3, lease_until = NULL WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(failures)
    .bind(next.millis())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes a waiting or failed message due now; whether there was one.
pub async fn retry_now(tx: &mut Tx, id: &str, now: Timestamp) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE notifications SET status = $1, next_attempt_at = $2, lease_until = NULL \
         WHERE id = $3 AND status IN ($1, $4)",
    )
    .bind(Status::Pending.as_str())
    .bind(now.millis())
    .bind(id)
    .bind(Status::Failed.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// A message that failed at least once and is not sent.
#[derive(sqlx::FromRow)]
pub struct Troubled {
    pub id: String,
    pub finding_id: Option<String>,
    pub recipient: String,
    pub channel: String,
    pub status: String,
    pub failures: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
}

impl Troubled {
    pub fn finding(&self) -> Result<Option<Uuid>> {
        self.finding_id.as_deref().map(uuid).transpose()
    }
}

pub async fn troubled(conn: &mut Conn, limit: i64) -> Result<Vec<Troubled>> {
    Ok(sqlx::query_as(
        "SELECT n.id, n.finding_id, COALESCE(s.name_zh, u.display_name, n.target) AS recipient, n.channel, n.status, \
         n.failures, n.next_attempt_at, \
         (SELECT a.detail FROM notification_attempts a WHERE a.notification_id = n.id ORDER BY a.at DESC LIMIT 1) AS last_error \
         FROM notifications n LEFT JOIN sections s ON s.id = n.section_id LEFT JOIN users u ON u.id = n.user_id \
         WHERE n.status = $1 OR (n.status = $2 AND n.failures > 0) ORDER BY n.created_at DESC LIMIT $3",
    )
    .bind(Status::Failed.as_str())
    .bind(Status::Pending.as_str())
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// A message about a finding, for its timeline.
#[derive(sqlx::FromRow)]
pub struct Sent {
    pub at: i64,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub status: String,
}

pub async fn of_finding(conn: &mut Conn, finding_id: &str) -> Result<Vec<Sent>> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(n.sent_at, n.created_at) AS at, n.kind, n.channel, \
         COALESCE(s.name_zh, u.display_name, n.target) AS recipient, n.status \
         FROM notifications n LEFT JOIN sections s ON s.id = n.section_id LEFT JOIN users u ON u.id = n.user_id \
         WHERE n.finding_id = $1 ORDER BY n.created_at",
    )
    .bind(finding_id)
    .fetch_all(conn)
    .await?)
}
