//! The race board (赛马): road chiefs and sections ranked per week or month by the rules of
//! `domain::race`. The coordinator sees everyone; a chief or a section head their own row,
//! with what would move it up.

use super::error::ApiError;
use super::views::Named;
use crate::domain::race::{Figure, Measure, Place};
#[cfg(feature = "ssr")]
use crate::i18n::ServerMsg;
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
    pub texts: RaceTexts,
}

/// The measure's name on the board and in the export.
#[cfg(feature = "ssr")]
pub fn measure_msg(measure: Measure) -> ServerMsg {
    match measure {
        Measure::InspectionsOnTime => ServerMsg::race_inspections_on_time,
        Measure::RoadWalked => ServerMsg::race_road_walked,
        Measure::BoardChecked => ServerMsg::race_board_checked,
        Measure::ShopsVisited => ServerMsg::race_shops_visited,
        Measure::FindingsPerRoadWeek => ServerMsg::race_findings_per_road_week,
        Measure::ReportsAnswered => ServerMsg::race_reports_answered,
        Measure::DaysToClose => ServerMsg::race_days_to_close,
        Measure::OnTime => ServerMsg::race_on_time,
        Measure::DaysToResolve => ServerMsg::race_days_to_resolve,
        Measure::Reopened => ServerMsg::race_reopened,
        Measure::ReturnsOverruled => ServerMsg::race_returns_overruled,
        Measure::ExtensionsAsked => ServerMsg::race_extensions_asked,
    }
}

/// A measure's name and its rule ("higher is better · at least 5 cases").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MeasureText {
    pub measure: Measure,
    pub name: String,
    pub rule: String,
}

/// The board's texts in the reader's language, sent with it: the screen is loaded on demand,
/// and its texts would otherwise weigh on every first load. `{…}` marks what the screen fills in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RaceTexts {
    pub title: String,
    pub rules_title: String,
    pub rules: Vec<String>,
    pub chiefs: String,
    pub sections: String,
    pub measures: Vec<MeasureText>,
    pub period_nav: String,
    pub weekly: String,
    pub monthly: String,
    pub export: String,
    pub nothing_due: String,
    pub overall: String,
    pub name: String,
    /// `{place}`, `{of}`.
    pub place: String,
    pub too_few: String,
    /// `{n}`.
    pub days: String,
    /// `{n}`.
    pub cases: String,
    /// `{name}`.
    pub standing_of: String,
    /// `{figure}`.
    pub to_move_up: String,
}

impl RaceTexts {
    pub fn measure(&self, measure: Measure) -> &MeasureText {
        self.measures.iter().find(|m| m.measure == measure).expect("every measure has its text")
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
    crate::backend::race::board(&mut *ctx.read().await?, &ctx.user, period, ctx.lang, ctx.now)
        .await
        .map_err(|e| ctx.fail(e))
}
