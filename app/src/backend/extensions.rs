//! More time for a finding: the section head asks once per finding, with a reason; the
//! coordinator grants a number of extra working days (counted on from the current deadline, so
//! the new one is a working day too) or refuses. Both are recorded and told.

use super::access::FindingAccess;
use super::auth::new_id;
use super::store::{extensions, findings};
use super::{calendars, notify, Pool, Result, User};
use crate::api::error::ErrorCode;
use crate::domain::deadline::{DeadlineRule, WorkingDays};
use crate::domain::finding::Party;
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use crate::i18n::{Lang, ServerMsg};
use uuid::Uuid;

/// The section head asks for more time.
pub async fn ask(pool: &Pool, user: &User, id: &Uuid, reason: &Note, now: Timestamp) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    let access = FindingAccess::load_for_update(&mut tx, user, id).await?.require(Party::Section)?;
    if !access.standing.status.deadline_runs() {
        return Err(ErrorCode::IllegalTransition.into());
    }
    let key = access.key();
    let request = extensions::Ask {
        finding_id: &key,
        section_id: &access.standing.section_id,
        by: &user.id,
        reason,
        deadline: access.standing.deadline,
    };
    if !extensions::ask(&mut tx, request, now).await? {
        return Err(ErrorCode::ExtensionAlreadyAsked.into());
    }
    let headline = |lang: Lang| {
        let args = [("name", user.display_name.as_str()), ("reason", reason.as_str())];
        lang.server_format(ServerMsg::tell_extension_asked, &args)
    };
    let (_, letters) = notify::about_finding(&mut tx, "extension", &key, headline).await?;
    notify::to_coordinators(&mut tx, &format!("extension_asked:{id}"), &letters, now).await?;
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
    let mut tx = pool.begin_write().await?;
    let access = FindingAccess::load_for_update(&mut tx, user, id).await?.require(Party::Coordinator)?;
    let key = access.key();
    if extensions::status_of(&mut tx, &key).await? != Some(extensions::Status::Pending) {
        return Err(ErrorCode::NoExtensionPending.into());
    }
    let status = access.standing.status;
    let mut deadline = access.standing.deadline;
    if let Some(days) = grant {
        if !status.deadline_runs() {
            return Err(ErrorCode::IllegalTransition.into());
        }
        let rule = DeadlineRule::Extension(days);
        deadline = rule.deadline(deadline, &calendars::current(&mut tx).await?);
        findings::extend(&mut tx, &key, deadline, now).await?;
        // The new deadline in the finding's history, like every other change of it.
        let event = new_id(now);
        let step = findings::Step {
            id: &event,
            finding_id: &key,
            at: now,
            actor_id: &user.id,
            from: Some(status),
            to: status,
            section_id: &access.standing.section_id,
            deadline: Some((deadline, rule)),
            note,
        };
        findings::append(&mut tx, step).await?;
    }
    extensions::decide(&mut tx, &key, &user.id, grant.map(|_| deadline), note, now).await?;
    let headline = |lang: Lang| match grant {
        Some(days) => lang.server_format(ServerMsg::tell_extension_granted, &[("days", &days.get().to_string())]),
        None => lang.server(ServerMsg::tell_extension_refused).to_owned(),
    };
    let (section_id, letters) = notify::about_finding(&mut tx, "extension", &key, headline).await?;
    notify::to_section(&mut tx, &section_id, &format!("extension_decided:{id}"), &letters, now).await?;
    tx.commit().await?;
    Ok(deadline)
}
