//! Residents' reports as the road's chief (and the coordinator) handle them, and what a road
//! publishes on its board, as typed requests and answers:
//!   GET  /api/v1/reports                 `Vec<ReportView>`: the reports waiting, oldest first
//!   POST /api/v1/reports/{id}/confirm    `ConfirmReport` → `ReportConfirmed`
//!   POST /api/v1/reports/{id}/answer     `AnswerReport`
//!   POST /api/v1/reports/{id}/spam
//!   PUT  /api/v1/roads/{id}/board        `BoardSetting`

use super::views::Named;
use crate::domain::photo::PhotoHash;
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A resident's report waiting for its chief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub id: Uuid,
    pub road: Named,
    pub category: Named,
    pub note: String,
    /// `[lon, lat]`, if the resident gave a place.
    pub position: Option<[f64; 2]>,
    /// Metres from the road's start, if the resident gave a place.
    pub along_m: Option<f64>,
    /// How to reach the resident (for the chief only).
    pub contact: Option<String>,
    /// Photos, readable at `GET /api/v1/photos/{hash}`.
    pub photos: Vec<PhotoHash>,
    pub received_at: Timestamp,
    /// Whole hours it has waited, when it was read.
    pub waited_hours: u32,
    /// The code the resident noted down.
    pub short_code: String,
    /// What the residents who said theirs is the same problem wrote: handled with this one.
    #[serde(default)]
    pub joined: Vec<JoinedReport>,
    /// The road's line `[[lon, lat], …]` when the resident gave no place, to set one on it.
    #[serde(default)]
    pub road_line: Vec<[f64; 2]>,
}

/// A resident's report added to another as the same problem, as its chief reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JoinedReport {
    pub note: String,
    /// How to reach the resident (for the chief only).
    pub contact: Option<String>,
    pub received_at: Timestamp,
}

/// Where the chief's decision on a report goes: `confirm`, `answer` or `spam`.
pub fn decision_path(id: &Uuid, decision: &str) -> String {
    format!("/api/v1/reports/{id}/{decision}")
}

/// The chief confirms a report: a finding of the road is made from it. The category and note
/// are the report's unless given; the place is the report's unless given (one is needed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmReport {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    /// Shown to the resident on their tracking page.
    #[serde(default)]
    pub reply: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportConfirmed {
    pub finding_id: Uuid,
}

/// The chief answers a report without a finding; the reply is public on the tracking page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerReport {
    pub reply: String,
}

/// Whether a finding's photo shows on the road's public board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhotoOnBoard {
    pub public: bool,
}

/// Where a finding's photo is shown on or taken off the board.
pub fn photo_board_path(finding: &Uuid, hash: &str) -> String {
    format!("/api/v1/findings/{finding}/photos/{hash}/board")
}

/// What a road's board publishes besides its chief's name: a work contact and office hours
/// (`None` or empty: not shown).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BoardSetting {
    #[serde(default)]
    pub public_contact: Option<String>,
    #[serde(default)]
    pub office_hours: Option<String>,
}
