//! The race board (赛马): road chiefs and sections ranked per week or month by the rules of
//! `domain::race`. The coordinator sees everyone; a chief or a section head their own row,
//! with what would move it up.

use super::error::ApiError;
use super::views::Named;
use crate::domain::race::{Figure, Measure, Place};
use crate::i18n::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One figure of one participant, where it places them, and (on their own row) the figure of
/// the nearest participant above.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RaceCell {
    pub measure: Measure,
    pub figure: Figure,
    pub place: Place,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_move_up: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RaceRow {
    pub who: Named,
    pub overall: Place,
    pub cells: Vec<RaceCell>,
    /// The reader's own row.
    #[serde(default)]
    pub mine: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RaceBoard {
    /// `2026-W49` or `2026-12`.
    pub period: String,
    pub monthly: bool,
    pub previous: String,
    /// None for the period under way.
    pub next: Option<String>,
    /// Inspections due in the period (whole weeks ended by now); none yet: nothing to rank on.
    pub weeks_due: u32,
    /// Ranked best first; the reader's own row only, unless they are the coordinator.
    pub chiefs: Vec<RaceRow>,
    pub sections: Vec<RaceRow>,
    /// The coordinator: every row, and the export.
    pub everyone: bool,
}

/// The measure's name on the board and in the export.
pub fn measure_msg(measure: Measure) -> Msg {
    match measure {
        Measure::InspectionsOnTime => Msg::race_inspections_on_time,
        Measure::RoadWalked => Msg::race_road_walked,
        Measure::BoardChecked => Msg::race_board_checked,
        Measure::ShopsVisited => Msg::race_shops_visited,
        Measure::FindingsPerRoadWeek => Msg::race_findings_per_road_week,
        Measure::ReportsAnswered => Msg::race_reports_answered,
        Measure::DaysToClose => Msg::race_days_to_close,
        Measure::OnTime => Msg::race_on_time,
        Measure::DaysToResolve => Msg::race_days_to_resolve,
        Measure::Reopened => Msg::race_reopened,
        Measure::ReturnsOverruled => Msg::race_returns_overruled,
        Measure::ExtensionsAsked => Msg::race_extensions_asked,
    }
}

pub fn export_path(period: &str) -> String {
    format!("/api/v1/race.csv?period={period}")
}

/// The race board of a period (`2026-W49`, `2026-12`); none: last week.
#[server(endpoint = "race", output = super::wire::Json)]
pub async fn load_race(period: Option<String>) -> Result<RaceBoard, ApiError> {
    let ctx = crate::backend::identity::signed_in()?;
    let period = crate::backend::race::period_of(period.as_deref(), ctx.now).map_err(|e| ctx.fail(e))?;
    crate::backend::race::board(&mut *ctx.read().await?, &ctx.user, period, ctx.now).await.map_err(|e| ctx.fail(e))
}
