//! The scheduler's decisions turned into records: due-soon reminders and overdue escalations
//! for findings, Friday reminders for road chiefs, the Monday summary for the coordinator.
//! Each reminder is a row with a unique key written in the same transaction as its messages,
//! so it happens once however many times or processes run a round (`server::scheduler`).

use super::auth::new_id;
use super::db::{begin_write, Pool, Tx};
use super::findings::NEXT_CHANGE;
use super::notify::{self, Message};
use super::{calendars, Result};
use crate::domain::reminder::{self, ReminderKind};
use crate::domain::time::{IsoWeek, Timestamp};
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// What one round decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reminded {
    pub due_soon: usize,
    pub overdue: usize,
    pub chiefs: usize,
    pub summaries: usize,
}

/// Writes the reminder's row unless its key exists; whether this call is the one that did.
async fn claim(
    tx: &mut Tx,
    key: &str,
    kind: ReminderKind,
    finding_id: Option<&str>,
    road_id: Option<&str>,
    text: &str,
    now: Timestamp,
) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO reminders (id, reminder_key, kind, finding_id, road_id, text_zh, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reminder_key) DO NOTHING",
    )
    .bind(new_id(now))
    .bind(key)
    .bind(kind.as_str())
    .bind(finding_id)
    .bind(road_id)
    .bind(text)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// One round at `now`: everything that is due and was not done yet.
pub async fn run(pool: &Pool, now: Timestamp) -> Result<Reminded> {
    let mut done = Reminded::default();
    findings_round(pool, now, &mut done).await?;
    if let Some(week) = reminder::chief_reminder_week(now) {
        done.chiefs = chiefs_round(pool, week, now).await?;
    }
    if let Some(week) = reminder::summary_week(now) {
        done.summaries = usize::from(summary(pool, week, now).await?);
    }
    Ok(done)
}

async fn findings_round(pool: &Pool, now: Timestamp, done: &mut Reminded) -> Result<()> {
    // Open findings, and when their current deadline was set (the latest history row with one).
    let open: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT f.id, f.deadline_at, (SELECT MAX(h.at) FROM finding_history h WHERE h.finding_id = f.id \
         AND h.deadline_at IS NOT NULL) FROM findings f WHERE f.status IN ('routed', 'accepted')",
    )
    .fetch_all(pool)
    .await?;
    let sent: HashSet<String> = sqlx::query_as::<_, (String,)>(
        "SELECT r.reminder_key FROM reminders r JOIN findings f ON f.id = r.finding_id \
         WHERE f.status IN ('routed', 'accepted')",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(k,)| k)
    .collect();
    let calendar = calendars::current(&mut *pool.acquire().await?).await?;
    for (id, deadline, set_at) in open {
        let deadline = Timestamp(deadline);
        if now > deadline {
            let key = reminder::overdue_key(&id, deadline);
            if !sent.contains(&key) && escalate(pool, &id, &key, now).await? {
                done.overdue += 1;
            }
        } else if reminder::due_soon_now(deadline, Timestamp(set_at.unwrap_or(0)), now, &calendar) {
            let key = reminder::due_soon_key(&id, deadline);
            if !sent.contains(&key) && remind_due_soon(pool, &id, &key, deadline, now).await? {
                done.due_soon += 1;
            }
        }
    }
    Ok(())
}

/// The section is reminded one working day before its deadline.
async fn remind_due_soon(pool: &Pool, id: &str, key: &str, deadline: Timestamp, now: Timestamp) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    // Still open with the same deadline? (It may have moved since the round began.)
    let still: Option<(i64,)> = sqlx::query_as(
        "SELECT deadline_at FROM findings WHERE id = $1 AND status IN ('routed', 'accepted') AND deadline_at = $2",
    )
    .bind(id)
    .bind(deadline.millis())
    .fetch_optional(&mut *tx)
    .await?;
    if still.is_none() {
        return Ok(false);
    }
    let (section_id, message) = notify::about_finding(&mut tx, "due_soon", id, "明天到期，请及时处理").await?;
    if !claim(&mut tx, key, ReminderKind::DueSoon, Some(id), None, &message.text, now).await? {
        return Ok(false);
    }
    notify::to_section(&mut tx, &section_id, key, &message, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Past its deadline while with the section: marked overdue (escalated), the section told and
/// the coordinator told.
async fn escalate(pool: &Pool, id: &str, key: &str, now: Timestamp) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    let still: Option<(i64,)> = sqlx::query_as(
        "SELECT deadline_at FROM findings WHERE id = $1 AND status IN ('routed', 'accepted') AND deadline_at < $2",
    )
    .bind(id)
    .bind(now.millis())
    .fetch_optional(&mut *tx)
    .await?;
    if still.is_none() {
        return Ok(false);
    }
    let (section_id, message) = notify::about_finding(&mut tx, "overdue", id, "已逾期，已上报协调员").await?;
    if !claim(&mut tx, key, ReminderKind::Overdue, Some(id), None, &message.text, now).await? {
        return Ok(false);
    }
    sqlx::query(&format!("UPDATE findings SET escalated_at = $1, change_seq = {NEXT_CHANGE} WHERE id = $2"))
        .bind(now.millis())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    notify::to_section(&mut tx, &section_id, key, &message, now).await?;
    let to_coordinator = Message { kind: "escalated", ..message };
    notify::to_coordinators(&mut tx, key, &to_coordinator, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Friday afternoon: each chief whose road has no submitted inspection this week.
async fn chiefs_round(pool: &Pool, week: IsoWeek, now: Timestamp) -> Result<usize> {
    let roads: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT r.id, r.name_zh, r.chief_user_id FROM roads r WHERE NOT EXISTS (SELECT 1 FROM inspections i \
         WHERE i.road_id = r.id AND i.iso_year = $1 AND i.iso_week = $2 AND i.submitted_at IS NOT NULL) ORDER BY r.id",
    )
    .bind(week.year())
    .bind(i32::from(week.week()))
    .fetch_all(pool)
    .await?;
    let sent: HashSet<String> = sqlx::query_as::<_, (String,)>(
        "SELECT reminder_key FROM reminders WHERE kind = 'chief_reminder' AND created_at >= $1",
    )
    .bind(Timestamp::start_of_day(week.monday()).millis())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(k,)| k)
    .collect();
    let mut reminded = 0;
    for (road_id, road_zh, chief_id) in roads {
        let key = reminder::chief_key(&road_id, week);
        if sent.contains(&key) {
            continue;
        }
        let mut tx = begin_write(pool).await?;
        let text = format!(
            "【路长巡查】{road_zh}本周（{week}）的巡查还没有提交，请在周日前完成并提交。\n打开：{}",
            notify::home_link()
        );
        if !claim(&mut tx, &key, ReminderKind::ChiefReminder, None, Some(&road_id), &text, now).await? {
            continue;
        }
        let message = Message {
            kind: "chief_reminder",
            finding_id: None,
            subject: format!("【路长巡查】{road_zh}本周巡查尚未提交"),
            json: json!({ "event": "chief_reminder", "road": road_zh, "week": week.to_string(), "text": text }),
            text,
        };
        notify::to_user(&mut tx, &chief_id, &key, &message, now).await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Monday: last week's roads without a submitted inspection and the overdue findings by
/// section, to the coordinator.
async fn summary(pool: &Pool, week: IsoWeek, now: Timestamp) -> Result<bool> {
    let key = reminder::summary_key(week);
    let exists: Option<(String,)> =
        sqlx::query_as("SELECT id FROM reminders WHERE reminder_key = $1").bind(&key).fetch_optional(pool).await?;
    if exists.is_some() {
        return Ok(false);
    }
    let missed: Vec<(String, String)> = sqlx::query_as(
        "SELECT r.name_zh, u.display_name FROM roads r JOIN users u ON u.id = r.chief_user_id WHERE NOT EXISTS \
         (SELECT 1 FROM inspections i WHERE i.road_id = r.id AND i.iso_year = $1 AND i.iso_week = $2 \
         AND i.submitted_at IS NOT NULL) ORDER BY r.name_zh",
    )
    .bind(week.year())
    .bind(i32::from(week.week()))
    .fetch_all(pool)
    .await?;
    let overdue: Vec<(String,)> = sqlx::query_as(
        "SELECT s.name_zh FROM findings f JOIN sections s ON s.id = f.section_id \
         WHERE f.status IN ('routed', 'accepted') AND f.deadline_at < $1",
    )
    .bind(now.millis())
    .fetch_all(pool)
    .await?;
    let mut by_section: BTreeMap<String, usize> = BTreeMap::new();
    for (s,) in overdue {
        *by_section.entry(s).or_default() += 1;
    }
    let mut text = format!("【路长巡查】{week} 周报\n未提交巡查的道路：{} 条", missed.len());
    for (road, chief) in &missed {
        text.push_str(&format!("\n· {road}（{chief}）"));
    }
    text.push_str(&format!("\n逾期未办结的问题：{} 件", by_section.values().sum::<usize>()));
    for (section, n) in &by_section {
        text.push_str(&format!("\n· {section}：{n} 件"));
    }
    let mut tx = begin_write(pool).await?;
    if !claim(&mut tx, &key, ReminderKind::WeeklySummary, None, None, &text, now).await? {
        return Ok(false);
    }
    let message = Message {
        kind: "weekly_summary",
        finding_id: None,
        subject: format!("【路长巡查】{week} 周报"),
        json: json!({
            "event": "weekly_summary",
            "week": week.to_string(),
            "roads_not_inspected": missed.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            "overdue_by_section": by_section,
            "text": text,
        }),
        text,
    };
    notify::to_coordinators(&mut tx, &key, &message, now).await?;
    tx.commit().await?;
    Ok(true)
}
