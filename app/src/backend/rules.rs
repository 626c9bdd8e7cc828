//! Routing rules, the coordinator's to edit: per category, the section it goes to and its
//! number of working days. New findings follow the rule of the moment they are received;
//! deadlines already set stay, and their history row names the rule that set them.

use super::auth::new_id;
use super::store::{self, directory};
use super::{calendars, Pool, Result, User};
use crate::api::error::ErrorCode;
use crate::api::views::{CalendarYear, RuleRow, Rules};
use crate::domain::deadline::WorkingDays;
use crate::domain::time::Timestamp;
use crate::domain::Role;

fn coordinator(user: &User) -> Result<()> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(())
}

/// Sets a category's section, working days and (when given) whether a resolution needs an
/// "after" photo, and records the change.
pub async fn set(
    pool: &Pool,
    user: &User,
    category: &str,
    section_id: &str,
    days: WorkingDays,
    after_photo: Option<bool>,
    now: Timestamp,
) -> Result<()> {
    coordinator(user)?;
    let mut tx = pool.begin_write().await?;
    let old = directory::rule(&mut tx, category).await?.ok_or(ErrorCode::UnknownCategory)?;
    // A section that no longer exists (or never did) cannot receive findings.
    if !directory::section_exists(&mut tx, section_id).await? {
        return Err(ErrorCode::UnknownSection.into());
    }
    let new = directory::Rule {
        section_id: section_id.to_owned(),
        days,
        after_photo: after_photo.unwrap_or(old.after_photo),
    };
    if new == old {
        return Ok(());
    }
    directory::set_rule(&mut tx, category, &new).await?;
    let id = new_id(now);
    let change = store::rules::Change { id: &id, category, actor_id: &user.id, old: &old, new: &new };
    store::rules::record(&mut tx, change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The coordinator's rules screen: every category's rule, the last changes, the calendars.
pub async fn screen(pool: &Pool, user: &User, now: Timestamp) -> Result<Rules> {
    coordinator(user)?;
    let mut conn = pool.read().await?;
    let categories = directory::categories(&mut conn)
        .await?
        .into_iter()
        .map(|c| RuleRow {
            category: c.named(),
            section_id: c.section.id.clone(),
            days: c.deadline_days.get(),
            after_photo: c.after_photo,
        })
        .collect();
    let sections = directory::sections(&mut conn).await?.into_iter().map(|s| s.named).collect();
    let changes = store::rules::recent(&mut conn, 50).await?;
    let calendars_known = store::calendars::years(&mut conn)
        .await?
        .into_iter()
        .map(|(year, imported_at, by)| CalendarYear { year, imported_at, imported_by: by })
        .collect();
    Ok(Rules {
        categories,
        sections,
        changes,
        calendars: calendars_known,
        missing_years: calendars::missing_years(&mut conn, now).await?,
    })
}
