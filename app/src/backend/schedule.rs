//! The scheduler's decisions turned into records: due-soon reminders and overdue escalations
//! for findings, Friday reminders for road chiefs, the Monday summary for the coordinator.
//! Each reminder is a row with a unique key written in the same transaction as its messages,
//! so it happens once however many times or processes run a round (`server::scheduler`).

use super::auth::new_id;
use super::notify::{self, Letters, Message};
use super::store::{findings, inspections, joint, reminders, reports as stored_reports};
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
    /// Tasks of joint cases: reminded a working day before their deadline, escalated after it.
    pub task_due_soon: usize,
    pub task_overdue: usize,
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
    tasks_round(pool, now, &mut done).await?;
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
    let headline = |lang: Lang| lang.server(ServerMsg::tell_due_soon).to_owned();
    let (section_id, letters) = notify::about_finding(&mut tx, "due_soon", id, headline).await?;
    if !claim(&mut tx, key, ReminderKind::DueSoon, Some(id), None, &letters.to(Lang::default()).text, now).await? {
        return Ok(false);
    }
    notify::to_section(&mut tx, &section_id, key, &letters, now).await?;
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
    let headline = |lang: Lang| lang.server(ServerMsg::tell_overdue).to_owned();
    let (section_id, letters) = notify::about_finding(&mut tx, "overdue", id, headline).await?;
    if !claim(&mut tx, key, ReminderKind::Overdue, Some(id), None, &letters.to(Lang::default()).text, now).await? {
        return Ok(false);
    }
    notify::to_section(&mut tx, &section_id, key, &letters, now).await?;
    notify::to_coordinators(&mut tx, key, &letters.as_kind("escalated"), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The open tasks of joint cases, each on its own deadline: its section is reminded a working
/// day before; past it, the task is marked late and the section and the coordinator are told.
async fn tasks_round(pool: &Pool, now: Timestamp, done: &mut Reminded) -> Result<()> {
    let (open, sent, calendar) = {
        let mut conn = pool.read().await?;
        let open = joint::open(&mut conn).await?;
        (open, reminders::keys_of_open_findings(&mut conn).await?, calendars::current(&mut conn).await?)
    };
    for task in open {
        let (finding, section, deadline) = (task.finding_id.as_str(), task.section.id.as_str(), task.deadline);
        let overdue = now > deadline;
        let key = if overdue && task.escalated_at.is_none() {
            reminder::task_overdue_key(finding, section, deadline)
        } else if !overdue && reminder::due_soon_now(deadline, task.created_at, now, &calendar) {
            reminder::task_due_soon_key(finding, section, deadline)
        } else {
            continue;
        };
        if sent.contains(&key) {
            continue;
        }
        let mut tx = pool.begin_write().await?;
        // The finding first, then its task: the order every write on a joint case locks them in.
        let engine = tx.engine();
        if findings::standing(&mut tx, finding, Some(engine)).await?.is_none() {
            continue;
        }
        let still = if overdue {
            joint::escalate(&mut tx, finding, section, deadline, now).await?
        } else {
            joint::still_open(&mut tx, finding, section, deadline).await?
        };
        if !still {
            continue;
        }
        let (msg, kind) = if overdue {
            (ServerMsg::tell_task_overdue, "overdue")
        } else {
            (ServerMsg::tell_task_due_soon, "due_soon")
        };
        let said = task.task.clone();
        let headline = move |lang: Lang| lang.server_format(msg, &[("task", &said)]);
        let (_, letters) = notify::about_finding(&mut tx, kind, finding, headline).await?;
        let reminder_kind = if overdue { ReminderKind::Overdue } else { ReminderKind::DueSoon };
        if !claim(&mut tx, &key, reminder_kind, Some(finding), None, &letters.to(Lang::default()).text, now).await? {
            continue;
        }
        notify::to_section(&mut tx, section, &key, &letters, now).await?;
        if overdue {
            notify::to_coordinators(&mut tx, &key, &letters.as_kind("escalated"), now).await?;
            done.task_overdue += 1;
        } else {
            done.task_due_soon += 1;
        }
        tx.commit().await?;
    }
    Ok(())
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
        let waited = received.format_local();
        let letters = Letters::write(|lang| {
            let road = lang.pick(&road.name_zh, &road.name_en);
            let (subject, text) = report_waiting_text(lang, road, &chief, &waited, &notify::home_link());
            Message {
                kind: "escalated",
                finding_id: None,
                subject,
                json: json!({ "event": "report_waiting", "report_id": id, "road": road, "received_at": received, "text": text }),
                text,
            }
        });
        notify::to_coordinators(&mut tx, &format!("report-waiting:{id}"), &letters, now).await?;
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
        let letters = Letters::write(|lang| {
            let name = lang.pick(&road.road_zh, &road.road_en);
            let week = week.to_string();
            let (subject, text) = chief_reminder_text(lang, name, &week, &notify::home_link());
            Message {
                kind: "chief_reminder",
                finding_id: None,
                subject,
                json: json!({ "event": "chief_reminder", "road": road.road_zh, "week": week, "text": text }),
                text,
            }
        });
        let said = &letters.to(Lang::default()).text;
        if !claim(&mut tx, &key, ReminderKind::ChiefReminder, None, Some(&road.road_id), said, now).await? {
            continue;
        }
        notify::to_user(&mut tx, &road.chief_id, &key, &letters, now).await?;
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
    let mut by_section: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (_, zh, en) in overdue {
        *by_section.entry((zh, en)).or_default() += 1;
    }
    let letters = Letters::write(|lang| {
        let week = week.to_string();
        let text = summary_text(lang, &week, &missed, &by_section);
        Message {
            kind: "weekly_summary",
            finding_id: None,
            subject: lang.server_format(ServerMsg::tell_summary_subject, &[("week", &week)]),
            json: json!({
                "event": "weekly_summary",
                "week": week,
                "roads_not_inspected": missed.iter().map(|r| &r.road_zh).collect::<Vec<_>>(),
                "overdue_by_section": by_section.iter().map(|((zh, _), n)| (zh.clone(), *n)).collect::<BTreeMap<_, _>>(),
                "text": text,
            }),
            text,
        }
    });
    let mut tx = pool.begin_write().await?;
    if !claim(&mut tx, &key, ReminderKind::WeeklySummary, None, None, &letters.to(Lang::default()).text, now).await? {
        return Ok(false);
    }
    notify::to_coordinators(&mut tx, &key, &letters, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The coordinator's message about a resident's report left waiting: subject and text.
pub fn report_waiting_text(lang: Lang, road: &str, chief: &str, since: &str, link: &str) -> (String, String) {
    let args = [("road", road), ("chief", chief), ("since", since)];
    let text = format!("{}\n{link}", lang.server_format(ServerMsg::tell_report_waiting, &args));
    (lang.server_format(ServerMsg::tell_report_waiting_subject, &args), text)
}

/// A chief's Friday reminder: subject and text.
pub fn chief_reminder_text(lang: Lang, road: &str, week: &str, link: &str) -> (String, String) {
    let text = lang.server_format(ServerMsg::tell_chief_reminder, &[("road", road), ("week", week), ("link", link)]);
    (lang.server_format(ServerMsg::tell_chief_reminder_subject, &[("road", road)]), text)
}

/// The weekly summary's text: the roads without a submitted inspection, the overdue problems
/// by section.
pub fn summary_text(
    lang: Lang,
    week: &str,
    missed: &[inspections::Missed],
    by_section: &BTreeMap<(String, String), usize>,
) -> String {
    let mut lines = vec![lang.server_format(ServerMsg::tell_summary_subject, &[("week", week)])];
    lines.push(lang.server_format(ServerMsg::tell_summary_missed, &[("n", &missed.len().to_string())]));
    for road in missed {
        let args = [("road", lang.pick(&road.road_zh, &road.road_en)), ("chief", road.chief_name.as_str())];
        lines.push(lang.server_format(ServerMsg::tell_summary_missed_road, &args));
    }
    let total: usize = by_section.values().sum();
    lines.push(lang.server_format(ServerMsg::tell_summary_overdue, &[("n", &total.to_string())]));
    for ((zh, en), n) in by_section {
        let args = [("section", lang.pick(zh, en)), ("n", &n.to_string())];
        lines.push(lang.server_format(ServerMsg::tell_summary_overdue_section, &args));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `{name}` filled: a placeholder the code does not pass (or misspells) stays in the
    /// text and fails here.
    fn filled(text: &str) -> bool {
        !text.contains('{') && !text.contains('}')
    }

    #[test]
    fn each_message_is_filled_in_both_languages() {
        let missed = vec![inspections::Missed {
            road_id: "market-road-1".into(),
            road_zh: "市场一路".into(),
            road_en: "Market Road 1".into(),
            chief_id: "u1".into(),
            chief_name: "张三".into(),
        }];
        let by_section = BTreeMap::from([(("城市管理科".to_owned(), "Urban Management".to_owned()), 2)]);
        for lang in [Lang::ZhCn, Lang::En] {
            let summary = summary_text(lang, "2026-W49", &missed, &by_section);
            assert!(filled(&summary), "{summary}");
            assert!(summary.contains(lang.pick("市场一路", "Market Road 1")) && summary.contains("张三"), "{summary}");
            assert!(summary.contains(lang.pick("城市管理科", "Urban Management")), "{summary}");
            let (subject, text) = chief_reminder_text(lang, "市场一路", "2026-W49", "http://x/");
            assert!(filled(&subject) && filled(&text) && text.contains("2026-W49") && text.contains("http://x/"));
            let (subject, text) = report_waiting_text(lang, "市场一路", "张三", "2026-12-01 09:00", "http://x/");
            assert!(filled(&subject) && filled(&text) && text.contains("张三") && text.contains("2026-12-01 09:00"));
        }
        assert!(summary_text(Lang::En, "2026-W49", &missed, &by_section).starts_with("[Road Chief] Weekly summary"));
    }
}
