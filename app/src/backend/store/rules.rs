//! The record of changes to routing rules.

use super::directory::Rule;
use super::{Conn, Tx};
use crate::api::views::{Named, RuleChange};
use crate::backend::Result;
use crate::domain::time::Timestamp;

pub struct Change<'a> {
    pub id: &'a str,
    pub category: &'a str,
    pub actor_id: &'a str,
    pub old: &'a Rule,
    pub new: &'a Rule,
}

pub async fn record(tx: &mut Tx, c: Change<'_>, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO rule_changes (id, category_code, at, actor_user_id, old_section_id, new_section_id, old_days, \
         new_days, old_after_photo, new_after_photo) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(c.id)
    .bind(c.category)
    .bind(now.millis())
    .bind(c.actor_id)
    .bind(&c.old.section_id)
    .bind(&c.new.section_id)
    .bind(i64::from(c.old.days.get()))
    .bind(i64::from(c.new.days.get()))
    .bind(i64::from(c.old.after_photo))
    .bind(i64::from(c.new.after_photo))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<RuleChange>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, String, Option<String>, Option<String>, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT r.at, u.display_name, c.name_zh, c.name_en, os.name_zh, ns.name_zh, r.old_days, r.new_days, \
         r.old_after_photo, r.new_after_photo \
         FROM rule_changes r JOIN users u ON u.id = r.actor_user_id JOIN categories c ON c.code = r.category_code \
         LEFT JOIN sections os ON os.id = r.old_section_id LEFT JOIN sections ns ON ns.id = r.new_section_id \
         ORDER BY r.at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, zh, en, old_section, new_section, old_days, new_days, old_after_photo, new_after_photo)| {
            RuleChange {
                at: Timestamp(at),
                actor,
                category: Named { id: String::new(), name_zh: zh, name_en: en },
                old_section,
                new_section,
                old_days: u16::try_from(old_days).unwrap_or(0),
                new_days: u16::try_from(new_days).unwrap_or(0),
                old_after_photo: old_after_photo != 0,
                new_after_photo: new_after_photo != 0,
            }
        })
        .collect())
}
