//! Reminders the scheduler decided on: one row per key, so each happens once.

use super::{Conn, Tx};
use crate::backend::Result;
use crate::domain::finding::FindingStatus;
use crate::domain::reminder::ReminderKind;
use crate::domain::time::Timestamp;
use std::collections::HashSet;

pub struct Reminder<'a> {
    pub id: &'a str,
    pub key: &'a str,
    pub kind: ReminderKind,
    pub finding_id: Option<&'a str>,
    pub road_id: Option<&'a str>,
    pub text: &'a str,
}

/// Writes the reminder unless its key exists; whether this call wrote it.
pub async fn claim(tx: &mut Tx, r: Reminder<'_>, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO reminders (id, reminder_key, kind, finding_id, road_id, text_zh, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reminder_key) DO NOTHING",
    )
    .bind(r.id)
    .bind(r.key)
    .bind(r.kind.as_str())
    .bind(r.finding_id)
    .bind(r.road_id)
    .bind(r.text)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// Keys already used for findings still with their section.
pub async fn keys_of_open_findings(conn: &mut Conn) -> Result<HashSet<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT r.reminder_key FROM reminders r JOIN findings f ON f.id = r.finding_id WHERE f.status IN ({})",
        super::statuses(&FindingStatus::WITH_SECTION)
    ))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(k,)| k).collect())
}

/// Keys of one kind used since `since`.
pub async fn keys_since(conn: &mut Conn, kind: ReminderKind, since: Timestamp) -> Result<HashSet<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT reminder_key FROM reminders WHERE kind = $1 AND created_at >= $2")
            .bind(kind.as_str())
            .bind(since.millis())
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(k,)| k).collect())
}

pub async fn exists(conn: &mut Conn, key: &str) -> Result<bool> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT id FROM reminders WHERE reminder_key = $1").bind(key).fetch_optional(conn).await?;
    Ok(row.is_some())
}

/// A finding's reminders: when, and of which kind.
pub async fn of_finding(conn: &mut Conn, finding_id: &str) -> Result<Vec<(Timestamp, String)>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT created_at, kind FROM reminders WHERE finding_id = $1 ORDER BY created_at")
            .bind(finding_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(at, kind)| (Timestamp(at), kind)).collect())
}
