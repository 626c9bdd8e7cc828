//! The record of changes to routing rules.

use super::{Conn, Tx};
use crate::api::views::{Named, RuleChange};
use crate::backend::Result;
use crate::domain::deadline::WorkingDays;
use crate::domain::time::Timestamp;

pub struct Change<'a> {
    pub id: &'a str,
    pub category: &'a str,
    pub actor_id: &'a str,
    pub old: (&'a str, WorkingDays),
    pub new: (&'a str, WorkingDays),
}

pub async fn record(tx: &mut Tx, c: Change<'_>, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO rule_changes (id, category_code, at, actor_user_id, old_section_id, new_section_id, old_days, new_days) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id)
    .bind(c.category)
    .bind(now.millis())
    .bind(c.actor_id)
    .bind(c.old.0)
    .bind(c.new.0)
    .bind(i64::from(c.old.1.get()))
    .bind(i64::from(c.new.1.get()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<RuleChange>> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, String, Option<String>, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT r.at, u.display_name, c.name_zh, c.name_en, os.name_zh, ns.name_zh, r.old_days, r.new_days \
         FROM rule_changes r JOIN users u ON u.id = r.actor_user_id JOIN categories c ON c.code = r.category_code \
         LEFT JOIN sections os ON os.id = r.old_section_id LEFT JOIN sections ns ON ns.id = r.new_section_id \
         ORDER BY r.at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, zh, en, old_section, new_section, old_days, new_days)| RuleChange {
            at: Timestamp(at),
            actor,
            category: Named { id: String::new(), name_zh: zh, name_en: en },
            old_section,
            new_section,
            old_days: u16::try_from(old_days).unwrap_or(0),
            new_days: u16::try_from(new_days).unwrap_or(0),
        })
        .collect())
}
