//! Patrols on the road: what the phone sends (`RecordPatrol`), and what the patrol screen, the
//! road sketch and the coordinator read back. Positions go only to the chief who walked and to
//! the coordinator.

use super::error::ApiError;
use crate::domain::patrol::{PatrolSummary, PatrolWeek};
use crate::domain::time::{IsoWeek, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A patrol as the phone recorded it: the trail (see `domain::patrol::encode`) and the board
/// scans. The server works out the figures itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPatrol {
    pub id: Uuid,
    pub started_at: Timestamp,
    pub ended_at: Timestamp,
    /// Positions, polyline-encoded: seconds since the start, latitude and longitude in 1e-5
    /// degrees, accuracy in metres, each as the difference to the position before.
    pub trail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub board: Vec<BoardScan>,
}

/// What the chief scanned from the road's board (its QR code's address) or typed from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BoardScan {
    pub at: Timestamp,
    pub text: String,
}

/// One patrol with its positions, for the road sketch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PatrolTrail {
    pub id: Uuid,
    pub chief_name: String,
    pub summary: PatrolSummary,
    /// `[lon, lat]` of each position kept; empty once the retention period has passed.
    pub positions: Vec<[f64; 2]>,
}

/// A road's patrols of one week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoadPatrols {
    pub road_id: String,
    pub week: IsoWeek,
    pub summary: Option<PatrolWeek>,
    /// The ones the reader may see the positions of: a chief their own, the coordinator all.
    pub trails: Vec<PatrolTrail>,
}

/// A road's patrols of `week` (this week when none is given).
#[server(endpoint = "patrols", output = super::wire::Json)]
pub async fn load_patrols(road_id: String, week: Option<String>) -> Result<RoadPatrols, ApiError> {
    use super::error::ErrorCode;
    let ctx = crate::backend::identity::signed_in()?;
    let week = match week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => IsoWeek::containing(ctx.now),
        Some(text) => IsoWeek::parse(text).map_err(|_| ctx.fail(ErrorCode::Malformed))?,
    };
    crate::backend::patrols::of_road(&mut *ctx.read().await?, &ctx.user, &road_id, week).await.map_err(|e| ctx.fail(e))
}
