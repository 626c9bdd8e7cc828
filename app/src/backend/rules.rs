//! Routing rules, the coordinator's to edit: per category, the section it goes to and its
//! number of working days. New findings follow the rule of the moment they are received;
//! deadlines already set stay, and their history row names the rule that set them.

use super::auth::{new_id, User};
use super::db::{begin_write, Pool};
use super::{calendars, directory, Result};
use crate::api::error::ErrorCode;
use crate::api::views::{CalendarYear, Named, RuleChange, RuleRow, Rules};
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
    let mut tx = begin_write(pool).await?;
    let current: Option<(String, i64)> =
        sqlx::query_as("SELECT section_id, deadline_days FROM categories WHERE code = $1")
            .bind(category)
            .fetch_optional(&mut *tx)
            .await?;
    let (old_section, old_days) = current.ok_or(ErrorCode::UnknownCategory)?;
    // A section that no longer exists (or never did) cannot receive findings.
    let section: Option<(String,)> =
        sqlx::query_as("SELECT id FROM sections WHERE id = $1").bind(section_id).fetch_optional(&mut *tx).await?;
    if section.is_none() {
        return Err(ErrorCode::UnknownSection.into());
    }
    if old_section == section_id && old_days == i64::from(days.get()) {
        return Ok(());
    }
    sqlx::query("UPDATE categories SET section_id = $1, deadline_days = $2 WHERE code = $3")
        .bind(section_id)
        .bind(i64::from(days.get()))
        .bind(category)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO rule_changes (id, category_code, at, actor_user_id, old_section_id, new_section_id, old_days, new_days) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id(now))
    .bind(category)
    .bind(now.millis())
    .bind(&user.id)
    .bind(&old_section)
    .bind(section_id)
    .bind(old_days)
    .bind(i64::from(days.get()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The coordinator's rules screen: every category's rule, the last changes, the calendars.
pub async fn screen(pool: &Pool, user: &User, now: Timestamp) -> Result<Rules> {
    coordinator(user)?;
    let categories = directory::categories(pool)
        .await?
        .into_iter()
        .map(|c| RuleRow { category: c.named(), section_id: c.section.id.clone(), days: c.deadline_days.get() })
        .collect();
    let sections = directory::sections(pool).await?.into_iter().map(|s| s.named).collect();
    #[allow(clippy::type_complexity)]
    let changes: Vec<(i64, String, String, String, Option<String>, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT r.at, u.display_name, c.name_zh, c.name_en, os.name_zh, ns.name_zh, r.old_days, r.new_days \
         FROM rule_changes r JOIN users u ON u.id = r.actor_user_id JOIN categories c ON c.code = r.category_code \
         LEFT JOIN sections os ON os.id = r.old_section_id LEFT JOIN sections ns ON ns.id = r.new_section_id \
         ORDER BY r.at DESC LIMIT 50",
    )
    .fetch_all(pool)
    .await?;
    let changes = changes
        .into_iter()
        .map(|(at, actor, zh, en, old_section, new_section, old_days, new_days)| RuleChange {
            at: Timestamp(at),
            actor,
            category: Named { id: String::new(), name_zh: zh, name_en: en },
            old_section,
            new_section,
            old_days: old_days as u16,
            new_days: new_days as u16,
        })
        .collect();
    let calendars = calendars::years(pool)
        .await?
        .into_iter()
        .map(|(year, imported_at, by)| CalendarYear { year, imported_at, imported_by: by })
        .collect();
    Ok(Rules { categories, sections, changes, calendars, missing_years: calendars::missing_years(pool, now).await? })
}
