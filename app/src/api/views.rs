//! What the screens read: plain data shaped for each screen, sent by the server functions.

use crate::domain::deadline::{DeadlineRule, Urgency};
use crate::domain::duplicate::{Known, SameAs};
use crate::domain::evidence::{ClockSkew, PhotoStage};
use crate::domain::finding::{FindingStatus, Move, ReturnRuling, Selection};
use crate::domain::geometry::GeoPoint;
use crate::domain::inspection::{CheckResult, InspectionStatus};
use crate::domain::photo::PhotoHash;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// Anything with a Chinese and an English name: a section, community, category or road.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub section: Named,
    pub deadline_days: u16,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoadView {
    pub road: Named,
    pub community: Named,
    pub chief_name: String,
    /// `[lon, lat]` pairs of the centre line.
    pub coordinates: Vec<[f64; 2]>,
}

/// A road on the chief's home screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoadCard {
    pub road: Named,
    pub community: Named,
    pub status: InspectionStatus,
    /// Findings the sections call resolved, waiting for this chief's check.
    pub awaiting_check: u32,
    /// Findings still with a section or the coordinator.
    pub open: u32,
    /// Work-log follow-ups due today or before, not done.
    #[serde(default)]
    pub follow_ups_due: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChiefHome {
    pub week: IsoWeek,
    pub roads: Vec<RoadCard>,
    /// Residents' reports on the chief's roads waiting for them (copies kept before it have none).
    #[serde(default)]
    pub reports: ReportsWaiting,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportsWaiting {
    pub count: u32,
    /// When the oldest of them came in.
    pub oldest: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FindingSummary {
    pub id: Uuid,
    pub road: Named,
    pub category: Named,
    pub note: String,
    pub status: FindingStatus,
    pub section: Named,
    pub deadline: Timestamp,
    /// Only while the deadline runs (routed or accepted).
    pub urgency: Option<Urgency>,
    pub observed_at: Timestamp,
    pub received_at: Timestamp,
    pub along_m: f64,
    #[serde(default)]
    pub urgent: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InspectionPage {
    pub road: RoadView,
    pub week: IsoWeek,
    pub status: InspectionStatus,
    pub submitted_at: Option<Timestamp>,
    /// `(category code, result)` as submitted so far.
    pub results: Vec<(String, CheckResult)>,
    pub findings: Vec<FindingSummary>,
    pub categories: Vec<CategoryView>,
    /// The road's open findings (any week) and residents' reports waiting, for "is it one of
    /// these?" when a problem is recorded. Kept as text: the finding form reads it, so its
    /// parser stays out of the first load.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<KnownProblem>))]
    pub known: Option<crate::api::sync::Kept>,
    /// This week's patrols of the road together, kept as text: the patrol line reads it, so
    /// its parser stays out of the first load.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<crate::domain::patrol::PatrolWeek>))]
    pub patrol: Option<crate::api::sync::Kept>,
}

/// An open problem of a road: a finding not closed out, or a resident's report waiting for
/// the chief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KnownProblem {
    pub which: SameAs,
    /// The category's code.
    pub category: String,
    pub lon: f64,
    pub lat: f64,
    pub along_m: f64,
    /// A finding's status; none for a report.
    pub status: Option<FindingStatus>,
    /// When it came in.
    pub since: Timestamp,
    /// Residents' reports on it (a waiting report counts itself and those added to it).
    pub reports: u32,
}

impl Known for KnownProblem {
    fn which(&self) -> SameAs {
        self.which
    }
    fn category(&self) -> &str {
        &self.category
    }
    fn place(&self) -> GeoPoint {
        GeoPoint { lon: self.lon, lat: self.lat }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub at: Timestamp,
    pub actor: String,
    pub from: Option<FindingStatus>,
    pub to: FindingStatus,
    /// A step out of `returned`: whether the coordinator upheld the return or overruled it.
    #[serde(default)]
    pub ruling: Option<ReturnRuling>,
    pub section: Named,
    pub deadline: Option<Timestamp>,
    pub note: Option<String>,
    /// What set the deadline of this step, if it set one.
    #[serde(default)]
    pub deadline_rule: Option<DeadlineRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FindingDetail {
    pub summary: FindingSummary,
    pub road: RoadView,
    pub point: GeoPoint,
    pub off_road_m: f64,
    pub off_road_confirmed: bool,
    pub reported_by: String,
    /// Sent by the road's former chief after the road went to another (made while it was theirs).
    #[serde(default)]
    pub after_hand_over: bool,
    pub history: Vec<HistoryEntry>,
    pub photos: Vec<PhotoState>,
    /// What the signed-in user may do now.
    pub moves: Vec<Move>,
    /// Where the coordinator may re-route it (empty unless re-routing is offered).
    pub reroute_targets: Vec<Named>,
    /// The section head may ask for more time (once per finding, while it is with them).
    #[serde(default)]
    pub may_ask_extension: bool,
    /// A request waits for the coordinator's decision, and the reader is the coordinator.
    #[serde(default)]
    pub may_decide_extension: bool,
    /// The reader may show its photos on the road's public board (the road's chief, the
    /// coordinator).
    #[serde(default)]
    pub may_publish_photos: bool,
    /// A joint case's assisting sections and their tasks (none for an ordinary finding).
    #[serde(default)]
    pub joint: Vec<crate::api::joint::JointTaskView>,
    /// The coordinator may make it joint or add sections: the sections offered (none otherwise).
    #[serde(default)]
    pub joint_targets: Vec<Named>,
    /// The reader heads an assisting section whose task is open.
    #[serde(default)]
    pub may_answer_task: bool,
    /// The reader is the coordinator, who may waive an open task.
    #[serde(default)]
    pub may_waive_tasks: bool,
    /// The phone's clock minus the server's when the finding arrived.
    #[serde(default)]
    pub clock_skew: Option<ClockSkew>,
    /// Its category's resolution needs an "after" photo.
    #[serde(default)]
    pub after_photo_required: bool,
    /// The reader is the coordinator, who sees each photo's SHA-256 and receipt time.
    #[serde(default)]
    pub evidence_shown: bool,
}

/// Something that happened around a finding besides its moves: a reminder, a message to a
/// section or a person, an extension asked for or decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoticeEntry {
    pub at: Timestamp,
    /// `routed`, `due_soon`, `overdue`, `escalated`, `extension` (messages and reminders);
    /// `extension_asked`, `extension_granted`, `extension_refused`.
    pub kind: String,
    /// `webhook` or `email` for a message; none for a reminder or a decision.
    pub channel: Option<String>,
    /// Whom the message was for.
    pub to: Option<String>,
    /// `pending`, `sent` or `failed` for a message.
    pub status: Option<String>,
    pub actor: Option<String>,
    pub note: Option<String>,
    pub deadline: Option<Timestamp>,
}

/// A photo declared with a finding; `uploaded` once its file has reached the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhotoState {
    pub hash: PhotoHash,
    pub uploaded: bool,
    /// The road's chief showed it on the road's public board (no people in it).
    #[serde(default)]
    pub public: bool,
    /// Taken with the finding, or with its resolution.
    #[serde(default)]
    pub stage: PhotoStage,
    /// When and where the phone says it was taken (by the phone's clock).
    #[serde(default)]
    pub taken_at: Option<Timestamp>,
    #[serde(default)]
    pub taken_place: Option<GeoPoint>,
    /// When its file reached the server (the server's clock).
    #[serde(default)]
    pub received_at: Option<Timestamp>,
    /// The phone's clock minus the server's as the record arrived.
    #[serde(default)]
    pub clock_skew: Option<ClockSkew>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxCounts {
    pub open: u32,
    pub due_today: u32,
    pub due_this_week: u32,
    pub overdue: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub section: Named,
    /// The first (by deadline) of the findings the filter admits, at most a page of them.
    pub items: Vec<FindingSummary>,
    /// How many the filter admits in all.
    pub total: u32,
    /// Counted within the chosen road or community.
    pub counts: InboxCounts,
    /// The roads and communities the section has findings on, to narrow the list by.
    pub roads: Vec<Named>,
    pub communities: Vec<Named>,
    /// The section's open tasks in joint cases other sections lead.
    #[serde(default)]
    pub tasks: Vec<crate::api::joint::InboxTask>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InboxFilter {
    /// Everything the section still has to handle (routed and accepted).
    #[default]
    Open,
    DueToday,
    DueThisWeek,
    Overdue,
    /// Resolved, waiting for the road chief.
    Resolved,
}

impl InboxFilter {
    pub const ALL: [InboxFilter; 5] = [
        InboxFilter::Open,
        InboxFilter::DueToday,
        InboxFilter::DueThisWeek,
        InboxFilter::Overdue,
        InboxFilter::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxFilter::Open => "open",
            InboxFilter::DueToday => "due_today",
            InboxFilter::DueThisWeek => "due_this_week",
            InboxFilter::Overdue => "overdue",
            InboxFilter::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<InboxFilter> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// What the filter lists `now`, as a selection the store can search by.
    pub fn selection(self, now: Timestamp) -> Selection {
        match self {
            InboxFilter::Open => Selection::of(&FindingStatus::WITH_SECTION),
            InboxFilter::DueToday => Selection::running(now, Urgency::DueToday),
            InboxFilter::DueThisWeek => Selection::running(now, Urgency::DueThisWeek),
            InboxFilter::Overdue => Selection::running(now, Urgency::Overdue),
            InboxFilter::Resolved => Selection::of(&[FindingStatus::Resolved]),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OverviewRoad {
    pub road: Named,
    pub community: Named,
    pub chief_name: String,
    pub status: InspectionStatus,
    /// The week's patrols of the road together.
    #[serde(default)]
    pub patrol: Option<crate::domain::patrol::PatrolWeek>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectionLoad {
    pub section: Named,
    pub head_name: Option<String>,
    pub open: u32,
    pub overdue: u32,
    pub due_this_week: u32,
    /// Of the findings resolved in the last 12 weeks plus those overdue now, the share resolved
    /// by their deadline.
    pub on_time_percent: Option<u32>,
    /// Median days from receipt to close-out (销号) of findings closed in the last 12 weeks,
    /// in tenths.
    pub median_close_tenths: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    pub week: IsoWeek,
    pub roads: Vec<OverviewRoad>,
    pub sections: Vec<SectionLoad>,
    /// Findings a section sent back, waiting for re-routing.
    pub returned: Vec<FindingSummary>,
    pub communities: Vec<CommunityProgress>,
    /// The last 12 weeks, oldest first.
    pub trend: Vec<WeekPoint>,
    /// Years near today without an official calendar (deadlines count Monday–Friday there).
    pub missing_calendar_years: Vec<i32>,
    /// Joint cases not closed out, and who is late in them.
    #[serde(default)]
    pub joint: crate::api::joint::JointCounts,
}

/// This week's inspections in one community.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommunityProgress {
    pub community: Named,
    pub submitted: u32,
    pub roads: u32,
}

/// One week of the trend: roads inspected (of all roads now), findings reported and closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeekPoint {
    pub week: IsoWeek,
    pub inspected: u32,
    pub roads: u32,
    pub reported: u32,
    pub closed: u32,
}

/// The coordinator's view of messages to sections: each section's webhook, and the messages
/// that did not get through (yet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Channels {
    pub sections: Vec<SectionChannel>,
    pub troubled: Vec<Delivery>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectionChannel {
    pub section: Named,
    pub webhook_url: Option<String>,
    pub webhook_format: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: String,
    pub finding_id: Option<Uuid>,
    /// The section or the person (display name) it was for.
    pub recipient: String,
    /// `webhook` or `email`.
    pub channel: String,
    /// `pending` (retrying) or `failed` (given up).
    pub status: String,
    pub failures: u32,
    pub last_error: Option<String>,
    pub next_attempt_at: Timestamp,
}

/// The coordinator's rules screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rules {
    pub categories: Vec<RuleRow>,
    pub sections: Vec<Named>,
    pub changes: Vec<RuleChange>,
    pub calendars: Vec<CalendarYear>,
    /// This year (and next, from November) without an official calendar: Monday–Friday.
    pub missing_years: Vec<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RuleRow {
    pub category: Named,
    pub section_id: String,
    pub days: u16,
    /// A resolution needs a photo of the result.
    #[serde(default)]
    pub after_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RuleChange {
    pub at: Timestamp,
    pub actor: String,
    pub category: Named,
    pub old_section: Option<String>,
    pub new_section: Option<String>,
    pub old_days: u16,
    pub new_days: u16,
    #[serde(default)]
    pub old_after_photo: bool,
    #[serde(default)]
    pub new_after_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarYear {
    pub year: i32,
    pub imported_at: Timestamp,
    /// None for a calendar that shipped with the app.
    pub imported_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_filters() {
        use FindingStatus::*;
        // Wednesday 2 December 2026, noon in Shanghai.
        let now = Timestamp(
            crate::domain::time::Timestamp::start_of_day(crate::domain::time::LocalDate::new(2026, 12, 2).unwrap()).0
                + 12 * 3_600_000,
        );
        let hours = |h: i64| Timestamp(now.0 + h * 3_600_000);
        let lists = |f: InboxFilter, status, deadline| f.selection(now).contains(status, deadline);
        assert!(lists(InboxFilter::Open, Routed, hours(24 * 30)));
        assert!(!lists(InboxFilter::Open, Resolved, hours(1)));
        assert!(lists(InboxFilter::DueToday, Accepted, hours(1)));
        assert!(!lists(InboxFilter::DueToday, Accepted, hours(13)), "tomorrow");
        assert!(lists(InboxFilter::DueThisWeek, Accepted, hours(1)));
        assert!(lists(InboxFilter::DueThisWeek, Routed, hours(24 * 4)), "Sunday");
        assert!(!lists(InboxFilter::DueThisWeek, Accepted, hours(-1)), "overdue is not due");
        assert!(lists(InboxFilter::Overdue, Routed, hours(-1)));
        assert!(!lists(InboxFilter::Overdue, Resolved, hours(-1)), "a resolved finding is not late");
        assert!(lists(InboxFilter::Resolved, Resolved, hours(-100)));
        for f in InboxFilter::ALL {
            assert_eq!(InboxFilter::parse(f.as_str()), Some(f));
        }
    }
}
