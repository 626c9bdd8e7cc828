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

/// Sets a category's section and working days, and records the change.
pub async fn set(
    pool: &Pool,
    user: &User,
    category: &str,
    section_id: &str,
    days: WorkingDays,
    now: Timestamp,
) -> Result<()> {
    coordinator(user)?;
    let mut tx = pool.begin_write().await?;
    let (old_section, old_days) = directory::rule(&mut tx, category).await?.ok_or(ErrorCode::UnknownCategory)?;
    // A section that no longer exists (or never did) cannot receive findings.
    if !directory::section_exists(&mut tx, section_id).await? {
        return Err(ErrorCode::UnknownSection.into());
    }
    if old_section == section_id && old_days == days {
        return Ok(());
    }
    directory::set_rule(&mut tx, category, section_id, days).await?;
    let id = new_id(now);
    let change = store::rules::Change {
        id: &id,
        category,
        actor_id: &user.id,
        old: (&old_section, old_days),
        new: (section_id, days),
    };
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
        .map(|c| RuleRow { category: c.named(), section_id: c.section.id.clone(), days: c.deadline_days.get() })
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
