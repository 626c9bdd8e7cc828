//! The road chief's and the sections' writes, as operations with ids made on the device.
//! The server applies each one once (`POST /api/v1/operations`); sending the same operation
//! again returns the first result. The phone queues them in its outbox and sends them in
//! batches through `POST /api/v1/sync` (see `docs/sync-api.md`).

use crate::api::joint::AssistingTask;
use crate::api::patrol::NewPatrol;
use crate::api::street::NewVisit;
use crate::domain::deadline::Urgency;
use crate::domain::evidence::PhotoTaken;
use crate::domain::finding::{FindingStatus, Move};
use crate::domain::inspection::CheckResult;
use crate::domain::joint::TaskStatus;
use crate::domain::patrol::PatrolSummary;
use crate::domain::photo::PhotoHash;
use crate::domain::street::ShopFields;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub const OPERATIONS_PATH: &str = "/api/v1/operations";
pub const SESSION_PATH: &str = "/api/v1/session";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OperationRequest {
    pub id: Uuid,
    pub op: Operation,
    /// The phone's clock as it sent the operation (each time it sends it): how far that clock
    /// stands from the server's. Not part of the operation: a resend is the same operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operation {
    /// Opening a road starts this week's inspection, or continues the one already started.
    StartInspection { road_id: String, week: String },
    /// One finding, recorded on the phone and sent on its own (the offline outbox sends each
    /// finding as soon as it can). Starts the week's inspection if needed; routed on receipt.
    RecordFinding { road_id: String, week: String, finding: NewFinding },
    /// Results for every category and any new findings not sent on their own, in one
    /// transaction.
    SubmitInspection {
        road_id: String,
        week: String,
        results: BTreeMap<String, CheckResult>,
        findings: Vec<NewFinding>,
    },
    /// A section, coordinator or chief moves a finding along (see `domain::finding`).
    MoveFinding {
        finding_id: Uuid,
        #[serde(rename = "move")]
        action: Move,
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        section_id: Option<String>,
        /// A resolution's photos of the result ("after"), uploaded like a finding's. Left out
        /// of the JSON when empty, so moves stored before keep their hash.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        photos: Vec<PhotoHash>,
        /// When and where the phone took them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        taken: Vec<PhotoTaken>,
    },
    /// The road's chief (or the coordinator) adds a shop to the road's register or changes
    /// one; a new shop's id is made on the phone (a UUID).
    SaveShop { road_id: String, shop_id: String, shop: ShopFields },
    /// A visit to a shop, or a conversation, in the road's work log.
    RecordVisit { road_id: String, visit: NewVisit },
    /// The follow-up of a visit is done: it no longer comes due.
    FollowUpDone { visit_id: Uuid },
    /// The coordinator makes a finding a joint case, or adds sections to its team: each
    /// assisting section gets its own task with a deadline (see `domain::joint`).
    MakeJoint { finding_id: Uuid, tasks: Vec<AssistingTask> },
    /// The head of an assisting section answers the section's task.
    AnswerTask { finding_id: Uuid, note: String },
    /// The coordinator releases an assisting section from its task, with a reason.
    WaiveTask { finding_id: Uuid, section_id: String, reason: String },
    /// A patrol of the road, walked with the patrol screen open; part of the week's
    /// inspection (started by it if need be).
    RecordPatrol { road_id: String, week: String, patrol: NewPatrol },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewFinding {
    pub id: Uuid,
    pub category: String,
    pub note: String,
    pub lon: f64,
    pub lat: f64,
    #[serde(default)]
    pub off_road_confirmed: bool,
    pub observed_at: Timestamp,
    /// Photos taken with it, uploaded separately (`PUT /api/v1/findings/{id}/photos/{hash}`).
    /// Left out of the JSON when empty, so operations stored before photos keep their hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PhotoHash>,
    /// When and where the phone took them (none from older phones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<PhotoTaken>,
    /// Due the same working day (e.g. a safety hazard) instead of the category's working days.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub urgent: bool,
    /// The visit whose request this finding is (one finding per visit); its shop too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    /// The shop it is about, of the same road.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    InspectionStarted { inspection_id: Uuid, started_at: Timestamp },
    FindingRecorded { inspection_id: Uuid, finding: RoutedFinding },
    InspectionSubmitted { inspection_id: Uuid, submitted_at: Timestamp, findings: Vec<RoutedFinding> },
    FindingMoved { finding_id: Uuid, status: FindingStatus, section_id: String, deadline: Timestamp },
    ShopSaved { shop_id: String, created: bool },
    VisitRecorded { visit_id: Uuid },
    FollowUpClosed { visit_id: Uuid },
    JointMade { finding_id: Uuid, sections: Vec<String> },
    TaskClosed { finding_id: Uuid, section_id: String, status: TaskStatus },
    PatrolRecorded { patrol_id: Uuid, summary: PatrolSummary },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoutedFinding {
    pub id: Uuid,
    pub section_id: String,
    pub deadline: Timestamp,
    pub urgency: Urgency,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

/// `PUT /api/v1/password`: the signed-in user's current password and the new one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}
