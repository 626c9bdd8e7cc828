//! Joint cases (联合处置): a hard finding the coordinator hands to a joint team. The section the
//! finding is routed to leads (its own state machine, `domain::finding`, as for any finding);
//! one or more assisting sections each get a task of their own with a deadline in working days.
//! Each assisting section answers its task; the coordinator may waive one, with a reason. The
//! lead resolves only when no task is open.

use super::text::Note;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

/// At most this many assisting sections: the seed practice's joint team has eight units.
pub const MAX_ASSISTING: usize = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// The assisting section has not answered yet; its deadline runs.
    Open,
    /// The assisting section answered.
    Done,
    /// The coordinator released the section from it, with a reason.
    Waived,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Done, TaskStatus::Waived];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Waived => "waived",
        }
    }

    pub fn parse(text: &str) -> Option<TaskStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Why a joint team cannot be formed as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("a joint case needs at least one assisting section")]
    NoAssisting,
    #[error("at most {MAX_ASSISTING} sections assist")]
    TooManyAssisting,
    #[error("the lead section does not assist itself")]
    LeadAssists,
    #[error("a section is named twice")]
    Twice,
    #[error("only a finding still with its section becomes a joint case")]
    NotWithSection,
}

/// One assisting section's task, as the coordinator wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTask<S> {
    pub section: S,
    pub task: Note,
}

/// Checks a joint team: the lead is the finding's section; the assisting sections are others,
/// each named once. `already` are the sections assisting before (a team may grow, never name a
/// section twice).
pub fn check_plan<S: PartialEq>(
    lead: &S,
    lead_status_with_section: bool,
    already: &[S],
    adding: &[PlannedTask<S>],
) -> Result<(), PlanError> {
    if !lead_status_with_section {
        return Err(PlanError::NotWithSection);
    }
    if adding.is_empty() {
        return Err(PlanError::NoAssisting);
    }
    if already.len() + adding.len() > MAX_ASSISTING {
        return Err(PlanError::TooManyAssisting);
    }
    for (i, planned) in adding.iter().enumerate() {
        if &planned.section == lead {
            return Err(PlanError::LeadAssists);
        }
        if already.contains(&planned.section) || adding[..i].iter().any(|p| p.section == planned.section) {
            return Err(PlanError::Twice);
        }
    }
    Ok(())
}

/// Who acts on a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskParty {
    /// The head of the task's (assisting) section.
    Assisting,
    Coordinator,
}

/// What is done to a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskCommand {
    /// The assisting section says what it did.
    Answer { note: Note },
    /// The coordinator releases the section from the task.
    Waive { reason: Note },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("this party may not do this to the task")]
    NotYours,
    #[error("the task is answered or waived already")]
    NotOpen,
}

/// Decides a step on a task: where it goes from `from`.
pub fn decide_task(from: TaskStatus, party: TaskParty, command: &TaskCommand) -> Result<TaskStatus, TaskError> {
    let (needs, to) = match command {
        TaskCommand::Answer { .. } => (TaskParty::Assisting, TaskStatus::Done),
        TaskCommand::Waive { .. } => (TaskParty::Coordinator, TaskStatus::Waived),
    };
    if party != needs {
        return Err(TaskError::NotYours);
    }
    if from != TaskStatus::Open {
        return Err(TaskError::NotOpen);
    }
    Ok(to)
}

/// The lead may resolve the finding only when no task is open.
pub fn lead_may_resolve(tasks: &[TaskStatus]) -> bool {
    tasks.iter().all(|t| *t != TaskStatus::Open)
}

/// A task is late while it is open after its deadline.
pub fn task_overdue(status: TaskStatus, deadline: Timestamp, now: Timestamp) -> bool {
    status == TaskStatus::Open && now > deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(section: &'static str) -> PlannedTask<&'static str> {
        PlannedTask { section, task: Note::parse("拆除违建的配合执法").unwrap() }
    }

    #[test]
    fn a_team_needs_other_sections_each_named_once() {
        let lead = "enforcement";
        assert_eq!(check_plan(&lead, true, &[], &[task("urban"), task("engineering")]), Ok(()));
        assert_eq!(check_plan(&lead, true, &[], &[]), Err(PlanError::NoAssisting));
        assert_eq!(check_plan(&lead, true, &[], &[task("enforcement")]), Err(PlanError::LeadAssists));
        assert_eq!(check_plan(&lead, true, &[], &[task("urban"), task("urban")]), Err(PlanError::Twice));
        assert_eq!(check_plan(&lead, true, &["urban"], &[task("urban")]), Err(PlanError::Twice));
        assert_eq!(check_plan(&lead, false, &[], &[task("urban")]), Err(PlanError::NotWithSection));
        let many: Vec<_> = ["a", "b", "c", "d", "e", "f", "g", "h"].into_iter().map(task).collect();
        assert_eq!(check_plan(&lead, true, &[], &many), Err(PlanError::TooManyAssisting));
        assert_eq!(check_plan(&lead, true, &[], &many[..MAX_ASSISTING]), Ok(()));
        assert_eq!(check_plan(&lead, true, &["x"], &many[..MAX_ASSISTING]), Err(PlanError::TooManyAssisting));
    }

    #[test]
    fn a_task_is_answered_by_its_section_or_waived_by_the_coordinator_once() {
        let note = Note::parse("已配合清理").unwrap();
        let answer = TaskCommand::Answer { note: note.clone() };
        let waive = TaskCommand::Waive { reason: note };
        assert_eq!(decide_task(TaskStatus::Open, TaskParty::Assisting, &answer), Ok(TaskStatus::Done));
        assert_eq!(decide_task(TaskStatus::Open, TaskParty::Coordinator, &waive), Ok(TaskStatus::Waived));
        assert_eq!(decide_task(TaskStatus::Open, TaskParty::Coordinator, &answer), Err(TaskError::NotYours));
        assert_eq!(decide_task(TaskStatus::Open, TaskParty::Assisting, &waive), Err(TaskError::NotYours));
        for done in [TaskStatus::Done, TaskStatus::Waived] {
            assert_eq!(decide_task(done, TaskParty::Assisting, &answer), Err(TaskError::NotOpen));
            assert_eq!(decide_task(done, TaskParty::Coordinator, &waive), Err(TaskError::NotOpen));
        }
    }

    #[test]
    fn the_lead_resolves_when_no_task_is_open() {
        assert!(lead_may_resolve(&[]));
        assert!(lead_may_resolve(&[TaskStatus::Done, TaskStatus::Waived]));
        assert!(!lead_may_resolve(&[TaskStatus::Done, TaskStatus::Open]));
    }

    #[test]
    fn only_an_open_task_is_late() {
        let (deadline, after) = (Timestamp(1_000), Timestamp(2_000));
        assert!(task_overdue(TaskStatus::Open, deadline, after));
        assert!(!task_overdue(TaskStatus::Open, deadline, deadline));
        assert!(!task_overdue(TaskStatus::Done, deadline, after));
        assert!(!task_overdue(TaskStatus::Waived, deadline, after));
    }

    #[test]
    fn status_names_round_trip() {
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(TaskStatus::parse("late"), None);
    }
}
