//! Joint cases (联合处置) as the screens read them: a finding's assisting sections and their
//! tasks, a section's tasks in its inbox, and the overview's count of who is late in them.
//! The coordinator makes a case joint (`MakeJoint`) and may waive a task (`WaiveTask`); an
//! assisting section answers its task (`AnswerTask`); all three are operations.

use super::views::{FindingSummary, Named};
use crate::domain::joint::TaskStatus;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

/// One assisting section's task on a finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JointTaskView {
    pub section: Named,
    pub task: String,
    pub status: TaskStatus,
    /// In working days from when the task was given, by the finding's category rule.
    pub deadline: Timestamp,
    /// Open past its deadline.
    pub overdue: bool,
    pub given_at: Timestamp,
    pub given_by: String,
    /// The section's answer, or the coordinator's reason for waiving it.
    pub answer: Option<String>,
    pub answered_at: Option<Timestamp>,
    pub answered_by: Option<String>,
}

/// A task of the reader's section, in its inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxTask {
    pub finding: FindingSummary,
    /// The lead section (the finding's own).
    pub lead: Named,
    pub task: String,
    pub deadline: Timestamp,
    pub overdue: bool,
}

/// A section late on tasks of joint cases.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LateInJoint {
    pub section: Named,
    pub late: u32,
}

/// Joint cases not closed out yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JointCounts {
    pub cases: u32,
    pub open_tasks: u32,
    pub late_tasks: u32,
    /// The most late first.
    pub late_by_section: Vec<LateInJoint>,
}

/// An assisting section and its task, as the coordinator gives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssistingTask {
    pub section_id: String,
    pub task: String,
}
