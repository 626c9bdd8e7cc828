//! Joint cases: the tasks of a finding's assisting sections (`joint_tasks`).

use super::{corrupt, Conn, Tx};
use crate::api::views::Named;
use crate::backend::db::Engine;
use crate::backend::Result;
use crate::domain::joint::TaskStatus;
use crate::domain::text::Note;
use crate::domain::time::Timestamp;

/// One assisting section's task as stored, with the names a reader needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub finding_id: String,
    pub section: Named,
    pub task: String,
    pub status: TaskStatus,
    pub deadline: Timestamp,
    pub created_at: Timestamp,
    pub created_by: String,
    pub answer: Option<String>,
    pub answered_at: Option<Timestamp>,
    pub answered_by: Option<String>,
    pub escalated_at: Option<Timestamp>,
}

type TaskRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

const SELECT: &str = "SELECT t.finding_id, t.section_id, s.name_zh, s.name_en, t.task, t.status, t.deadline_at, \
     t.created_at, c.display_name, t.answer, t.answered_at, a.display_name, t.escalated_at \
     FROM joint_tasks t JOIN sections s ON s.id = t.section_id JOIN users c ON c.id = t.created_by \
     LEFT JOIN users a ON a.id = t.answered_by";

fn task(row: TaskRow) -> Result<Task> {
    let (
        finding_id,
        id,
        name_zh,
        name_en,
        task,
        status,
        deadline,
        created_at,
        created_by,
        answer,
        answered_at,
        answered_by,
        escalated_at,
    ) = row;
    Ok(Task {
        status: TaskStatus::parse(&status).ok_or_else(|| corrupt(format!("task status {status}")))?,
        finding_id,
        section: Named { id, name_zh, name_en },
        task,
        deadline: Timestamp(deadline),
        created_at: Timestamp(created_at),
        created_by,
        answer,
        answered_at: answered_at.map(Timestamp),
        answered_by,
        escalated_at: escalated_at.map(Timestamp),
    })
}

/// A finding's tasks, in the order they were given. With `lock` (inside a write), they stay
/// locked until it commits: a task is answered and the lead resolves one after the other.
pub async fn of_finding(conn: &mut Conn, finding_id: &str, lock: Option<Engine>) -> Result<Vec<Task>> {
    let sql = format!(
        "{SELECT} WHERE t.finding_id = $1 ORDER BY t.created_at, t.section_id{}",
        lock.map(|engine| engine.lock_rows_of("t")).unwrap_or_default()
    );
    let rows: Vec<TaskRow> = sqlx::query_as(&sql).bind(finding_id).fetch_all(conn).await?;
    rows.into_iter().map(task).collect()
}

/// The open tasks of a section, the first due first.
pub async fn open_of_section(conn: &mut Conn, section_id: &str) -> Result<Vec<Task>> {
    let sql = format!("{SELECT} WHERE t.section_id = $1 AND t.status = $2 ORDER BY t.deadline_at, t.finding_id");
    let rows: Vec<TaskRow> =
        sqlx::query_as(&sql).bind(section_id).bind(TaskStatus::Open.as_str()).fetch_all(conn).await?;
    rows.into_iter().map(task).collect()
}

/// Every open task, for the reminders.
pub async fn open(conn: &mut Conn) -> Result<Vec<Task>> {
    let sql = format!("{SELECT} WHERE t.status = $1 ORDER BY t.deadline_at");
    let rows: Vec<TaskRow> = sqlx::query_as(&sql).bind(TaskStatus::Open.as_str()).fetch_all(conn).await?;
    rows.into_iter().map(task).collect()
}

/// Whether the section has a task on the finding (of any status).
pub async fn assists(conn: &mut Conn, finding_id: &str, section_id: &str) -> Result<bool> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT section_id FROM joint_tasks WHERE finding_id = $1 AND section_id = $2")
            .bind(finding_id)
            .bind(section_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}

/// The section a user heads among a finding's assisting sections, if any.
pub async fn assisting_section_of(conn: &mut Conn, finding_id: &str, user_id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT t.section_id FROM joint_tasks t JOIN sections s ON s.id = t.section_id \
         WHERE t.finding_id = $1 AND s.head_user_id = $2 ORDER BY t.section_id LIMIT 1",
    )
    .bind(finding_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(s,)| s))
}

pub struct NewTask<'a> {
    pub finding_id: &'a str,
    pub section_id: &'a str,
    pub task: &'a Note,
    pub deadline: Timestamp,
    pub by: &'a str,
}

pub async fn insert(tx: &mut Tx, t: NewTask<'_>, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO joint_tasks (finding_id, section_id, task, status, deadline_at, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.finding_id)
    .bind(t.section_id)
    .bind(t.task.as_str())
    .bind(TaskStatus::Open.as_str())
    .bind(t.deadline.millis())
    .bind(now.millis())
    .bind(t.by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Closes an open task as `to` (done or waived) with the answer or reason; whether it was open.
pub async fn close(
    tx: &mut Tx,
    finding_id: &str,
    section_id: &str,
    to: TaskStatus,
    note: &Note,
    by: &str,
    now: Timestamp,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE joint_tasks SET status = $1, answer = $2, answered_at = $3, answered_by = $4 \
         WHERE finding_id = $5 AND section_id = $6 AND status = $7",
    )
    .bind(to.as_str())
    .bind(note.as_str())
    .bind(now.millis())
    .bind(by)
    .bind(finding_id)
    .bind(section_id)
    .bind(TaskStatus::Open.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks an open task late (escalated) once, if it is still open with this deadline.
pub async fn escalate(
    tx: &mut Tx,
    finding_id: &str,
    section_id: &str,
    deadline: Timestamp,
    now: Timestamp,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE joint_tasks SET escalated_at = $1 WHERE finding_id = $2 AND section_id = $3 AND status = $4 \
         AND deadline_at = $5 AND escalated_at IS NULL",
    )
    .bind(now.millis())
    .bind(finding_id)
    .bind(section_id)
    .bind(TaskStatus::Open.as_str())
    .bind(deadline.millis())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the task is still open with this deadline (it may have moved since a round began).
pub async fn still_open(conn: &mut Conn, finding_id: &str, section_id: &str, deadline: Timestamp) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT section_id FROM joint_tasks WHERE finding_id = $1 AND section_id = $2 AND status = $3 AND deadline_at = $4",
    )
    .bind(finding_id)
    .bind(section_id)
    .bind(TaskStatus::Open.as_str())
    .bind(deadline.millis())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// The tasks of joint cases not yet closed out, with their finding's status: the overview's
/// counts of joint cases and of who is late in them.
pub async fn of_unclosed(conn: &mut Conn) -> Result<Vec<Task>> {
    let sql = format!(
        "{SELECT} JOIN findings f ON f.id = t.finding_id WHERE f.status <> '{closed}' ORDER BY t.section_id",
        closed = crate::domain::finding::FindingStatus::Closed.as_str()
    );
    let rows: Vec<TaskRow> = sqlx::query_as(&sql).fetch_all(conn).await?;
    rows.into_iter().map(task).collect()
}
