//! The scheduler's decisions turned into records: due-soon reminders and overdue escalations
//! for findings, Friday reminders for road chiefs, the Monday summary for the coordinator.
//! Each reminder is a row with a unique key written in the same transaction as its messages,
//! so it happens once however many times or processes run a round (`server::scheduler`).

use super::auth::new_id;
use super::notify::{self, Message};
use super::store::{findings, inspections, reminders, reports as stored_reports};
use super::{calendars, Pool, Result, Tx};
use crate::domain::reminder::{self, ReminderKind};
use crate::domain::report::answer_due;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::i18n::{Lang, ServerMsg};
use serde_json::json;
use std::collections::BTreeMap;

/// What one round decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reminded {
    pub due_soon: usize,
    pub overdue: usize,
    pub chiefs: usize,
    pub summaries: usize,
    /// Residents' reports the coordinator was told had waited too long.
    pub reports: usize,
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
    let id = new_id(now);
    reminders::claim(tx, reminders::Reminder { id: &id, key, kind, finding_id, road_id, text }, now).await
}

/// One round at `now`: everything that is due and was not done yet.
pub async fn run(pool: &Pool, now: Timestamp) -> Result<Reminded> {
    let mut done = Reminded::default();
    findings_round(pool, now, &mut done).await?;
    done.reports = reports_round(pool, now).await?;
    if let Some(week) = reminder::chief_reminder_week(now) {
        done.chiefs = chiefs_round(pool, week, now).await?;
    }
    if let Some(week) = reminder::summary_week(now) {
        done.summaries = usize::from(summary(pool, week, now).await?);
    }
    Ok(done)
}

async fn findings_round(pool: &Pool, now: Timestamp, done: &mut Reminded) -> Result<()> {
    let (open, sent, calendar) = {
        let mut conn = pool.read().await?;
        let open = findings::with_section(&mut conn).await?;
        let sent = reminders::keys_of_open_findings(&mut conn).await?;
        (open, sent, calendars::current(&mut conn).await?)
    };
    for due in open {
        let (id, deadline) = (due.id.as_str(), due.deadline);
        if now > deadline {
            let key = reminder::overdue_key(id, deadline);
            if !sent.contains(&key) && escalate(pool, id, &key, deadline, now).await? {
                done.overdue += 1;
            }
        } else if reminder::due_soon_now(deadline, due.set_at.unwrap_or(Timestamp(0)), now, &calendar) {
            let key = reminder::due_soon_key(id, deadline);
            if !sent.contains(&key) && remind_due_soon(pool, id, &key, deadline, now).await? {
                done.due_soon += 1;
            }
        }
    }
    Ok(())
}

/// The section is reminded one working day before its deadline.
async fn remind_due_soon(pool: &Pool, id: &str, key: &str, deadline: Timestamp, now: Timestamp) -> Result<bool> {
    let mut tx = pool.begin_write().await?;
    // Still open with the same deadline? (It may have moved since the round began.)
    if !findings::still_due(&mut tx, id, deadline).await? {
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
async fn escalate(pool: &Pool, id: &str, key: &str, deadline: Timestamp, now: Timestamp) -> Result<bool> {
    let mut tx = pool.begin_write().await?;
    // Still with its section and past this deadline? (It may have moved since the round began.)
    if !findings::escalate(&mut tx, id, deadline, now).await? {
        return Ok(false);
    }
    let (section_id, message) = notify::about_finding(&mut tx, "overdue", id, "已逾期，已上报协调员").await?;
    if !claim(&mut tx, key, ReminderKind::Overdue, Some(id), None, &message.text, now).await? {
        return Ok(false);
    }
    notify::to_section(&mut tx, &section_id, key, &message, now).await?;
    let to_coordinator = Message { kind: "escalated", ..message };
    notify::to_coordinators(&mut tx, key, &to_coordinator, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Residents' reports that waited more than two working days for their chief: the
/// coordinator is told, once per report.
async fn reports_round(pool: &Pool, now: Timestamp) -> Result<usize> {
    let (waiting, calendar) = {
        let mut conn = pool.read().await?;
        (stored_reports::waiting_unescalated(&mut conn).await?, calendars::current(&mut conn).await?)
    };
    let mut told = 0;
    for (id, road, chief, received) in waiting {
        if now <= answer_due(received, &calendar) {
            continue;
        }
        let mut tx = pool.begin_write().await?;
        if !stored_reports::mark_escalated(&mut tx, &id, now).await? {
            continue;
        }
        let lang = Lang::default();
        let waited = received.format_local();
        let args = [("road", road.as_str()), ("chief", chief.as_str()), ("since", waited.as_str())];
        let text = format!("{}\n{}", lang.server_format(ServerMsg::tell_report_waiting, &args), notify::home_link());
        let message = Message {
            kind: "escalated",
            finding_id: None,
            subject: lang.server_format(ServerMsg::tell_report_waiting_subject, &args),
            json: json!({ "event": "report_waiting", "report_id": id, "road": road, "received_at": received, "text": text }),
            text,
        };
        notify::to_coordinators(&mut tx, &format!("report-waiting:{id}"), &message, now).await?;
        tx.commit().await?;
        told += 1;
    }
    Ok(told)
}

/// Friday afternoon: each chief whose road has no submitted inspection this week.
async fn chiefs_round(pool: &Pool, week: IsoWeek, now: Timestamp) -> Result<usize> {
    let (roads, sent) = {
        let mut conn = pool.read().await?;
        let roads = inspections::not_submitted(&mut conn, week).await?;
        let since = Timestamp::start_of_day(week.monday());
        (roads, reminders::keys_since(&mut conn, ReminderKind::ChiefReminder, since).await?)
    };
    let mut reminded = 0;
    for road in roads {
        let key = reminder::chief_key(&road.road_id, week);
        if sent.contains(&key) {
            continue;
        }
        let mut tx = pool.begin_write().await?;
        let text = format!(
            "【路长巡查】{}本周（{week}）的巡查还没有提交，请在周日前完成并提交。\n打开：{}",
            road.road_zh,
            notify::home_link()
        );
        if !claim(&mut tx, &key, ReminderKind::ChiefReminder, None, Some(&road.road_id), &text, now).await? {
            continue;
        }
        let message = Message {
            kind: "chief_reminder",
            finding_id: None,
            subject: format!("【路长巡查】{}本周巡查尚未提交", road.road_zh),
            json: json!({ "event": "chief_reminder", "road": road.road_zh, "week": week.to_string(), "text": text }),
            text,
        };
        notify::to_user(&mut tx, &road.chief_id, &key, &message, now).await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// Monday: last week's roads without a submitted inspection and the overdue findings by
/// section, to the coordinator.
async fn summary(pool: &Pool, week: IsoWeek, now: Timestamp) -> Result<bool> {
    let key = reminder::summary_key(week);
    let (missed, overdue) = {
        let mut conn = pool.read().await?;
        if reminders::exists(&mut conn, &key).await? {
            return Ok(false);
        }
        (inspections::not_submitted(&mut conn, week).await?, findings::overdue_sections(&mut conn, now).await?)
    };
    let mut by_section: BTreeMap<String, usize> = BTreeMap::new();
    for (_, s) in overdue {
        *by_section.entry(s).or_default() += 1;
    }
    let mut text = format!("【路长巡查】{week} 周报\n未提交巡查的道路：{} 条", missed.len());
    for road in &missed {
        text.push_str(&format!("\n· {}（{}）", road.road_zh, road.chief_name));
    }
    text.push_str(&format!("\n逾期未办结的问题：{} 件", by_section.values().sum::<usize>()));
    for (section, n) in &by_section {
        text.push_str(&format!("\n· {section}：{n} 件"));
    }
    let mut tx = pool.begin_write().await?;
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
            "roads_not_inspected": missed.iter().map(|r| &r.road_zh).collect::<Vec<_>>(),
            "overdue_by_section": by_section,
            "text": text,
        }),
        text,
    };
    notify::to_coordinators(&mut tx, &key, &message, now).await?;
    tx.commit().await?;
    Ok(true)
}
