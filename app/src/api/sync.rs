//! `POST /api/v1/sync`: the phone's outbox goes up, what changed for the phone comes down.
//! The protocol is described in `docs/sync-api.md`.

use super::error::ApiError;
use super::operations::{OperationRequest, Outcome};
use super::views::{ChiefHome, FindingSummary, InspectionPage};
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SYNC_PATH: &str = "/api/v1/sync";
/// Operations in one push; the phone sends longer outboxes in several batches.
pub const MAX_BATCH: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Applied in order, each in its own transaction: one refused operation does not stop the
    /// others.
    #[serde(default)]
    pub ops: Vec<OperationRequest>,
    /// From the previous answer; absent on a phone's first sync.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// One per pushed operation, in the same order.
    pub results: Vec<OpResult>,
    /// To send with the next sync.
    pub cursor: String,
    /// Findings on the chief's roads that changed since the cursor (status, section, deadline).
    pub findings: Vec<FindingSummary>,
    /// What the chief's screens show, when anything in it changed since the cursor (new roads,
    /// categories, inspections, findings); absent when the phone's copy is current.
    pub screens: Option<ChiefScreens>,
    pub server_time: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum OpResult {
    /// Applied now, or earlier (`replayed`): either way the server has it, once.
    Applied { id: Uuid, outcome: Outcome, replayed: bool },
    /// Refused with a reason the phone shows next to the record; nothing of it was stored.
    Rejected { id: Uuid, status: u16, error: ApiError },
}

impl OpResult {
    pub fn id(&self) -> Uuid {
        match self {
            OpResult::Applied { id, .. } | OpResult::Rejected { id, .. } => *id,
        }
    }
}

/// Everything the road chief's screens need to work with no network: the home screen and this
/// week's inspection page of every road they look after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChiefScreens {
    pub home: ChiefHome,
    pub inspections: Vec<InspectionPage>,
}
