//! Joint cases (联合处置): the coordinator gives assisting sections their tasks, each answers
//! its own, the coordinator may waive one; the lead section resolves the finding only when no
//! task is open (`moves`). The rules are `domain::joint`'s; this is their I/O.

use super::access::FindingAccess;
use super::reference::Reference;
use super::store::joint::{self as stored, NewTask, Task};
use super::store::{directory, Conn};
use super::{notify, Result, Tx, User};
use crate::api::error::ErrorCode;
use crate::api::joint::{AssistingTask, InboxTask, JointCounts, JointTaskView, LateInJoint};
use crate::api::operations::Outcome;
use crate::domain::deadline::DeadlineRule;
use crate::domain::finding::Party;
use crate::domain::joint::{
    self as rules, check_plan, decide_task, task_overdue, PlannedTask, TaskCommand, TaskParty, TaskStatus,
    MAX_ASSISTING,
};
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use crate::i18n::{Lang, ServerMsg};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The coordinator makes the finding a joint case, or adds sections to its team.
pub async fn make(
    tx: &mut Tx,
    reference: &mut Reference,
    user: &User,
    finding_id: &Uuid,
    tasks: &[AssistingTask],
    now: Timestamp,
) -> Result<Outcome> {
    let access = FindingAccess::load_for_update(tx, user, finding_id).await?.require(Party::Coordinator)?;
    let key = access.key();
    // Before any lookup: a long list is refused at once.
    if tasks.len() > MAX_ASSISTING {
        return Err(ErrorCode::JointTooMany.into());
    }
    let mut planned = Vec::with_capacity(tasks.len());
    for t in tasks {
        let section = t.section_id.trim();
        if !directory::section_exists(tx, section).await? {
            return Err(ErrorCode::UnknownSection.into());
        }
        planned.push(PlannedTask { section: section.to_owned(), task: Note::parse(&t.task)? });
    }
    let engine = tx.engine();
    let already: Vec<String> =
        stored::of_finding(tx, &key, Some(engine)).await?.into_iter().map(|t| t.section.id).collect();
    let standing = &access.standing;
    check_plan(&standing.section_id, standing.status.deadline_runs(), &already, &planned)?;

    // Each task runs on the finding's own rule (its category's working days, or urgent), from now.
    let rule = DeadlineRule::for_finding(standing.deadline_days, standing.urgent);
    let deadline = rule.deadline(now, reference.calendar(tx).await?);
    for p in &planned {
        let task = NewTask { finding_id: &key, section_id: &p.section, task: &p.task, deadline, by: &user.id };
        stored::insert(tx, task, now).await?;
        let (due, said) = (deadline.format_local(), p.task.as_str().to_owned());
        let headline =
            move |lang: Lang| lang.server_format(ServerMsg::tell_task_given, &[("task", &said), ("deadline", &due)]);
        let (_, letters) = notify::about_finding(tx, "routed", &key, headline).await?;
        notify::to_section(tx, &p.section, &format!("task:{key}:{}", p.section), &letters, now).await?;
    }
    Ok(Outcome::JointMade { finding_id: *finding_id, sections: planned.into_iter().map(|p| p.section).collect() })
}

/// The head of an assisting section answers the section's task.
pub async fn answer(tx: &mut Tx, user: &User, finding_id: &Uuid, note: &str, now: Timestamp) -> Result<Outcome> {
    let access = FindingAccess::load_for_update(tx, user, finding_id).await?;
    let section = access.assisting.clone().ok_or(ErrorCode::Forbidden)?;
    let command = TaskCommand::Answer { note: Note::parse(note)? };
    close(tx, user, &access, &section, TaskParty::Assisting, command, now).await
}

/// The coordinator releases an assisting section from its task.
pub async fn waive(
    tx: &mut Tx,
    user: &User,
    finding_id: &Uuid,
    section_id: &str,
    reason: &str,
    now: Timestamp,
) -> Result<Outcome> {
    let access = FindingAccess::load_for_update(tx, user, finding_id).await?.require(Party::Coordinator)?;
    let command = TaskCommand::Waive { reason: Note::parse(reason)? };
    close(tx, user, &access, section_id.trim(), TaskParty::Coordinator, command, now).await
}

async fn close(
    tx: &mut Tx,
    user: &User,
    access: &FindingAccess,
    section_id: &str,
    party: TaskParty,
    command: TaskCommand,
    now: Timestamp,
) -> Result<Outcome> {
    let key = access.key();
    let engine = tx.engine();
    let tasks = stored::of_finding(tx, &key, Some(engine)).await?;
    let task = tasks.iter().find(|t| t.section.id == section_id).ok_or(ErrorCode::NotFound)?;
    let to = decide_task(task.status, party, &command)?;
    let note = match &command {
        TaskCommand::Answer { note } => note,
        TaskCommand::Waive { reason } => reason,
    };
    if !stored::close(tx, &key, section_id, to, note, &user.id, now).await? {
        return Err(ErrorCode::TaskNotOpen.into());
    }
    Ok(Outcome::TaskClosed { finding_id: access.id, section_id: section_id.to_owned(), status: to })
}

/// Whether the lead may resolve the finding now (`domain::joint::lead_may_resolve`), its tasks
/// read locked inside the resolving write.
pub async fn lead_may_resolve(tx: &mut Tx, finding_id: &str) -> Result<bool> {
    let engine = tx.engine();
    let tasks = stored::of_finding(tx, finding_id, Some(engine)).await?;
    Ok(rules::lead_may_resolve(&tasks.iter().map(|t| t.status).collect::<Vec<_>>()))
}

pub fn view(task: Task, now: Timestamp) -> JointTaskView {
    JointTaskView {
        overdue: task_overdue(task.status, task.deadline, now),
        section: task.section,
        task: task.task,
        status: task.status,
        deadline: task.deadline,
        given_at: task.created_at,
        given_by: task.created_by,
        answer: task.answer,
        answered_at: task.answered_at,
        answered_by: task.answered_by,
    }
}

/// A section's open tasks, for its inbox.
pub async fn inbox(conn: &mut Conn, section_id: &str, now: Timestamp) -> Result<Vec<InboxTask>> {
    let tasks = stored::open_of_section(conn, section_id).await?;
    let ids: Vec<&str> = tasks.iter().map(|t| t.finding_id.as_str()).collect();
    let mut findings: BTreeMap<String, _> = super::store::findings::summaries_of(conn, &ids, now)
        .await?
        .into_iter()
        .map(|f| (f.id.to_string(), f))
        .collect();
    Ok(tasks
        .into_iter()
        .filter_map(|t| {
            let finding = findings.remove(&t.finding_id)?;
            Some(InboxTask {
                lead: finding.section.clone(),
                overdue: task_overdue(t.status, t.deadline, now),
                finding,
                task: t.task,
                deadline: t.deadline,
            })
        })
        .collect())
}

/// Joint cases not closed out, and who is late in them.
pub async fn counts(conn: &mut Conn, now: Timestamp) -> Result<JointCounts> {
    let tasks = stored::of_unclosed(conn).await?;
    let mut cases: Vec<&str> = tasks.iter().map(|t| t.finding_id.as_str()).collect();
    cases.sort_unstable();
    cases.dedup();
    let mut late: BTreeMap<&str, LateInJoint> = BTreeMap::new();
    let mut counts = JointCounts { cases: cases.len() as u32, ..JointCounts::default() };
    for t in &tasks {
        if t.status == TaskStatus::Open {
            counts.open_tasks += 1;
        }
        if task_overdue(t.status, t.deadline, now) {
            counts.late_tasks += 1;
            late.entry(&t.section.id).or_insert_with(|| LateInJoint { section: t.section.clone(), late: 0 }).late += 1;
        }
    }
    counts.late_by_section = late.into_values().collect();
    counts.late_by_section.sort_by(|a, b| b.late.cmp(&a.late).then_with(|| a.section.id.cmp(&b.section.id)));
    Ok(counts)
}
