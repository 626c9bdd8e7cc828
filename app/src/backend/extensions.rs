//! More time for a finding: the section head asks once per finding, with a reason; the
//! coordinator grants a number of extra working days (counted on from the current deadline, so
//! the new one is a working day too) or refuses. Both are recorded and told.

use super::auth::User;
use super::db::{begin_write, Pool};
use super::findings::{self, NEXT_CHANGE};
use super::{calendars, notify, Result};
use crate::api::error::ErrorCode;
use crate::domain::deadline::{DeadlineRule, WorkingDays};
use crate::domain::finding::Party;
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use uuid::Uuid;

/// The status of the finding's extension request (`pending`, `granted`, `refused`), if any.
pub async fn of_finding(pool: &Pool, id: &Uuid) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT status FROM extension_requests WHERE finding_id = $1")
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(s,)| s))
}

/// The section head asks for more time.
pub async fn ask(pool: &Pool, user: &User, id: &Uuid, reason: &Note, now: Timestamp) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let access = findings::access(&mut tx, id).await?.ok_or(ErrorCode::NotFound)?;
    let parties = findings::parties(user, &access.chief_user_id, access.head_user_id.as_deref());
    if !parties.contains(&Party::Section) {
        return Err(ErrorCode::Forbidden.into());
    }
    if !findings::status(&access.status)?.deadline_runs() {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let written = sqlx::query(
        "INSERT INTO extension_requests (finding_id, section_id, requested_by, requested_at, reason, old_deadline_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (finding_id) DO NOTHING",
    )
    .bind(id.to_string())
    .bind(&access.section_id)
    .bind(&user.id)
    .bind(now.millis())
    .bind(reason.as_str())
    .bind(access.deadline_at)
    .execute(&mut *tx)
    .await?;
    if written.rows_affected() == 0 {
        return Err(ErrorCode::ExtensionAlreadyAsked.into());
    }
    let headline = format!("申请延期（{}）：{}", user.display_name, reason.as_str());
    let (_, message) = notify::about_finding(&mut tx, "extension", &id.to_string(), &headline).await?;
    notify::to_coordinators(&mut tx, &format!("extension_asked:{id}"), &message, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The coordinator's answer: `Some(days)` grants that many more working days.
pub async fn decide(
    pool: &Pool,
    user: &User,
    id: &Uuid,
    grant: Option<WorkingDays>,
    note: Option<&Note>,
    now: Timestamp,
) -> Result<Timestamp> {
    let mut tx = begin_write(pool).await?;
    let access = findings::access(&mut tx, id).await?.ok_or(ErrorCode::NotFound)?;
    let parties = findings::parties(user, &access.chief_user_id, access.head_user_id.as_deref());
    if !parties.contains(&Party::Coordinator) {
        return Err(ErrorCode::Forbidden.into());
    }
    let pending: Option<(String,)> =
        sqlx::query_as("SELECT finding_id FROM extension_requests WHERE finding_id = $1 AND status = 'pending'")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if pending.is_none() {
        return Err(ErrorCode::NoExtensionPending.into());
    }
    let status = findings::status(&access.status)?;
    let mut deadline = Timestamp(access.deadline_at);
    if let Some(days) = grant {
        if !status.deadline_runs() {
            return Err(ErrorCode::IllegalTransition.into());
        }
        let rule = DeadlineRule::Extension(days);
        deadline = rule.deadline(deadline, &calendars::current(&mut tx).await?);
        sqlx::query(&format!(
            "UPDATE findings SET deadline_at = $1, escalated_at = NULL, updated_at = $2, change_seq = {NEXT_CHANGE} \
             WHERE id = $3"
        ))
        .bind(deadline.millis())
        .bind(now.millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        // The new deadline in the finding's history, like every other change of it.
        let step = Some((deadline, rule));
        findings::record(&mut tx, &id.to_string(), now, user, Some(status), status, &access.section_id, step, note)
            .await?;
    }
    sqlx::query(
        "UPDATE extension_requests SET status = $1, decided_by = $2, decided_at = $3, new_deadline_at = $4, \
         decision_note = $5 WHERE finding_id = $6",
    )
    .bind(if grant.is_some() { "granted" } else { "refused" })
    .bind(&user.id)
    .bind(now.millis())
    .bind(grant.map(|_| deadline.millis()))
    .bind(note.map(Note::as_str))
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    let headline = match grant {
        Some(days) => format!("延期已批准：增加 {} 个工作日", days.get()),
        None => "延期申请未获批准，请按原期限办理".to_owned(),
    };
    let (section_id, message) = notify::about_finding(&mut tx, "extension", &id.to_string(), &headline).await?;
    notify::to_section(&mut tx, &section_id, &format!("extension_decided:{id}"), &message, now).await?;
    tx.commit().await?;
    Ok(deadline)
}
