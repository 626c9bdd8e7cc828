//! The subdistrict on one map (一张图): every road with this week's inspection and patrol,
//! and the findings not closed out, for the coordinator. Drawn from the roads' own lines: no
//! map tiles, which an office intranet cannot reach.

use super::error::ApiError;
use super::views::Named;
use crate::domain::deadline::Urgency;
use crate::domain::finding::FindingStatus;
use crate::domain::inspection::InspectionStatus;
use crate::domain::time::{IsoWeek, Timestamp};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// At most this many findings are drawn, the most pressing first.
pub const MAP_FINDINGS_LIMIT: usize = 1000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictMap {
    pub week: IsoWeek,
    pub roads: Vec<MapRoad>,
    pub findings: Vec<MapFinding>,
    /// Findings not closed out beyond those drawn.
    pub not_drawn: u32,
    /// The map's own words, in the reader's language: they come with it, so they stay out of
    /// the first load.
    pub texts: MapTexts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapTexts {
    pub title: String,
    pub hint: String,
    pub label: String,
    pub roads: String,
    pub walked: String,
    /// `{p}`.
    pub walked_share: String,
    pub findings: String,
    pub due_later: String,
    /// `{n}` not drawn, `{m}` drawn.
    pub not_drawn: String,
}

#[cfg(feature = "ssr")]
impl MapTexts {
    pub fn of(lang: crate::i18n::Lang) -> MapTexts {
        use crate::i18n::ServerMsg;
        let t = |msg| lang.server(msg).to_owned();
        MapTexts {
            title: t(ServerMsg::district_title),
            hint: t(ServerMsg::district_hint),
            label: t(ServerMsg::district_label),
            roads: t(ServerMsg::district_roads),
            walked: t(ServerMsg::district_walked),
            walked_share: t(ServerMsg::district_walked_share),
            findings: t(ServerMsg::district_findings),
            due_later: t(ServerMsg::district_due_later),
            not_drawn: t(ServerMsg::district_not_drawn),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapRoad {
    pub road: Named,
    pub chief_name: String,
    pub status: InspectionStatus,
    /// `[lon, lat]` of the road's line.
    pub coordinates: Vec<[f64; 2]>,
    /// The share of the road walked in the week's patrols; none without a patrol.
    pub walked_percent: Option<u32>,
    /// The stretches walked, as lines along the road.
    pub walked: Vec<Vec<[f64; 2]>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapFinding {
    pub id: Uuid,
    pub road_id: String,
    pub category: Named,
    pub status: FindingStatus,
    /// Only while the section's clock runs.
    pub urgency: Option<Urgency>,
    pub deadline: Timestamp,
    pub lon: f64,
    pub lat: f64,
}

/// The map of `week` (this week when none is given); the findings are those open now.
#[server(endpoint = "district_map", output = super::wire::Json)]
pub async fn load_district_map(week: Option<String>) -> Result<DistrictMap, ApiError> {
    use super::error::ErrorCode;
    let ctx = crate::backend::identity::signed_in()?;
    let week = match week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => IsoWeek::containing(ctx.now),
        Some(text) => IsoWeek::parse(text).map_err(|_| ctx.fail(ErrorCode::Malformed))?,
    };
    crate::backend::district::map(&mut *ctx.read().await?, &ctx.user, week, ctx.lang, ctx.now)
        .await
        .map_err(|e| ctx.fail(e))
}
