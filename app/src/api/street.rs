//! The chief's street as the screens read it: a road's shops with their visit coverage and the
//! work log, one shop's page, and a visit as the phone records it. Shops are saved and visits
//! recorded as operations (`SaveShop`, `RecordVisit`, `FollowUpDone`), through the outbox.
//!   GET /api/v1/roads/{id}/log.csv    the road's work log (CSV, UTF-8 with a byte-order mark)
//!   GET /api/v1/roads/{id}/log.xlsx   the same as an Excel workbook

use super::views::{CategoryView, FindingSummary, Named, RoadView};
use crate::domain::street::{Coverage, Quarter};
use crate::domain::time::{IsoWeek, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a road's work log is exported: `csv` or `xlsx`.
pub fn log_export_path(road_id: &str, format: &str) -> String {
    format!("/api/v1/roads/{road_id}/log.{format}")
}

/// A shop of the register. Its owner and contact are for the road's chief and the coordinator,
/// the only readers of the register.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShopView {
    pub id: String,
    pub road_id: String,
    pub name: String,
    pub house_number: String,
    pub business_type: String,
    pub owner: Option<String>,
    pub contact: Option<String>,
    pub pledge_signed: bool,
    pub open: bool,
    pub last_visit: Option<Timestamp>,
    /// Findings about it, any status.
    pub findings: u32,
}

/// One entry of the work log: a visit to a shop, or a conversation with no shop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitView {
    pub id: Uuid,
    pub road_id: String,
    pub shop_id: Option<String>,
    pub shop_name: Option<String>,
    pub asked: String,
    pub promised: Option<String>,
    /// `YYYY-MM-DD`.
    pub follow_up: Option<String>,
    pub follow_up_done: bool,
    pub visited_at: Timestamp,
    /// Who recorded it (the road's chief then).
    pub recorded_by: String,
    /// The finding its request became.
    pub finding_id: Option<Uuid>,
    /// Sent by the road's former chief after the hand-over (made while it was theirs).
    #[serde(default)]
    pub after_hand_over: bool,
}

/// A road's street screen: its shops, this quarter's visit coverage, the follow-ups due and
/// the latest entries of its work log. Kept on the phone for working with no signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StreetPage {
    pub road: RoadView,
    pub week: IsoWeek,
    pub quarter: Quarter,
    pub coverage: Coverage,
    /// By house number.
    pub shops: Vec<ShopView>,
    /// Follow-ups on or before today not marked done, oldest first.
    pub due: Vec<VisitView>,
    /// The latest entries, newest first (`LOG_ON_PAGE`); the whole log is searched online.
    pub log: Vec<VisitView>,
    /// For turning a request into a finding.
    pub categories: Vec<CategoryView>,
    /// The road's chiefs over time, newest first.
    #[serde(default)]
    pub chiefs: Vec<crate::api::admin::ChiefTerm>,
}

/// Entries of the work log on the street screen (and on the phone).
pub const LOG_ON_PAGE: usize = 30;
/// Entries one search of the work log answers with.
pub const LOG_SEARCH_MAX: usize = 200;

/// One shop's page: what it is, its visits and the findings about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShopPage {
    pub shop: ShopView,
    pub road: Named,
    /// Newest first.
    pub visits: Vec<VisitView>,
    /// Newest first.
    pub findings: Vec<FindingSummary>,
    /// Findings about it reached `REPEAT_FINDINGS`.
    pub repeat_offender: bool,
}

/// A visit or conversation as the phone records it; `id` is made on the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewVisit {
    pub id: Uuid,
    /// A shop of the same road, or none for a conversation.
    #[serde(default)]
    pub shop_id: Option<String>,
    /// What was asked or suggested.
    pub asked: String,
    /// What the chief promised.
    #[serde(default)]
    pub promised: Option<String>,
    /// `YYYY-MM-DD`: when to come back to it.
    #[serde(default)]
    pub follow_up: Option<String>,
    pub visited_at: Timestamp,
}
