//! Server functions that read what a screen shows. Each one takes the request's signed-in
//! user (resolved once, by `backend::identity`), checks what they may see, and answers refusals
//! with the right status (401/403/404).

use super::error::ApiError;
use super::views::{Channels, ChiefHome, FindingDetail, FindingSummary, Inbox, InspectionPage, Me, Overview};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::error::ErrorCode,
    super::views::InboxFilter,
    crate::backend::{self, identity::signed_in, store},
    crate::domain::Role,
};

/// The signed-in user, or `None`.
#[server(endpoint = "me", output = super::wire::Json)]
pub async fn load_current_user() -> Result<Option<Me>, ApiError> {
    let visitor = backend::identity::visitor();
    if visitor.unavailable {
        return Err(backend::identity::fail(ErrorCode::Internal.into(), visitor.lang));
    }
    Ok(visitor.user.map(|u| u.me()))
}

#[server(endpoint = "chief_home", output = super::wire::Json)]
pub async fn load_chief_home() -> Result<ChiefHome, ApiError> {
    let ctx = signed_in()?;
    if ctx.user.role != Role::RoadChief {
        return Err(ctx.fail(ErrorCode::Forbidden));
    }
    backend::inspections::chief_home(&mut *ctx.read().await?, &ctx.user, ctx.now).await.map_err(|e| ctx.fail(e))
}

#[server(endpoint = "inspection", output = super::wire::Json)]
pub async fn load_inspection(road_id: String) -> Result<InspectionPage, ApiError> {
    let ctx = signed_in()?;
    backend::inspections::page(&mut *ctx.read().await?, &ctx.user, &road_id, ctx.now).await.map_err(|e| ctx.fail(e))
}

#[server(endpoint = "my_findings", output = super::wire::Json)]
pub async fn load_my_findings() -> Result<Vec<FindingSummary>, ApiError> {
    let ctx = signed_in()?;
    if ctx.user.role != Role::RoadChief {
        return Err(ctx.fail(ErrorCode::Forbidden));
    }
    store::findings::on_roads_of(&mut *ctx.read().await?, &ctx.user.id, ctx.now).await.map_err(|e| ctx.fail(e))
}

#[server(endpoint = "finding", output = super::wire::Json)]
pub async fn load_finding(id: String) -> Result<FindingDetail, ApiError> {
    let ctx = signed_in()?;
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| ctx.fail(ErrorCode::NotFound))?;
    backend::finding_page::detail(&mut *ctx.read().await?, &ctx.user, &id, ctx.now).await.map_err(|e| ctx.fail(e))
}

/// Reminders, messages and extension steps of a finding, for its timeline (a separate read, so
/// the phone's offline copy of finding pages stays small).
#[server(endpoint = "finding_notices", output = super::wire::Json)]
pub async fn load_finding_notices(id: String) -> Result<Vec<super::views::NoticeEntry>, ApiError> {
    let ctx = signed_in()?;
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| ctx.fail(ErrorCode::NotFound))?;
    backend::finding_page::notices(&mut *ctx.read().await?, &ctx.user, &id).await.map_err(|e| ctx.fail(e))
}

#[server(endpoint = "inbox", output = super::wire::Json)]
pub async fn load_inbox(filter: String, road: Option<String>, community: Option<String>) -> Result<Inbox, ApiError> {
    let ctx = signed_in()?;
    let filter = InboxFilter::parse(&filter).unwrap_or_default();
    let given = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let scope = backend::overview::InboxScope { road: given(road), community: given(community) };
    backend::overview::inbox(&mut *ctx.read().await?, &ctx.user, filter, &scope, ctx.now).await.map_err(|e| ctx.fail(e))
}

#[server(endpoint = "overview", output = super::wire::Json)]
pub async fn load_overview(week: Option<String>) -> Result<Overview, ApiError> {
    let ctx = signed_in()?;
    // No week (or an empty one) means this week; a week that is not `2026-W48` is refused.
    let week = match week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        None => crate::domain::time::IsoWeek::containing(ctx.now),
        Some(w) => crate::domain::time::IsoWeek::parse(w).map_err(|_| ctx.fail(ErrorCode::Malformed))?,
    };
    backend::overview::week(&mut *ctx.read().await?, &ctx.user, week, ctx.now).await.map_err(|e| ctx.fail(e))
}

/// Sections' webhooks and troubled deliveries, for the coordinator.
#[server(endpoint = "channels", output = super::wire::Json)]
pub async fn load_channels() -> Result<Channels, ApiError> {
    let ctx = signed_in()?;
    if ctx.user.role != Role::Coordinator {
        return Err(ctx.fail(ErrorCode::Forbidden));
    }
    backend::notify::channels(ctx.pool()).await.map_err(|e| ctx.fail(e))
}

/// Routing rules, their changes and the working-day calendars, for the coordinator.
#[server(endpoint = "rules", output = super::wire::Json)]
pub async fn load_rules() -> Result<super::views::Rules, ApiError> {
    let ctx = signed_in()?;
    backend::rules::screen(ctx.pool(), &ctx.user, ctx.now).await.map_err(|e| ctx.fail(e))
}

/// Residents' reports waiting: on the chief's roads, or all of them for the coordinator.
#[server(endpoint = "reports", output = super::wire::Json)]
pub async fn load_reports() -> Result<Vec<super::reports::ReportView>, ApiError> {
    let ctx = signed_in()?;
    backend::reports::waiting(&mut *ctx.read().await?, &ctx.user, ctx.now).await.map_err(|e| ctx.fail(e))
}

/// A road's street screen: its shops, visit coverage and work log.
#[server(endpoint = "street", output = super::wire::Json)]
pub async fn load_street(road_id: String) -> Result<super::street::StreetPage, ApiError> {
    let ctx = signed_in()?;
    backend::street::page(&mut *ctx.read().await?, &ctx.user, &road_id, ctx.now).await.map_err(|e| ctx.fail(e))
}

/// One shop's page: its visits and the findings about it.
#[server(endpoint = "shop", output = super::wire::Json)]
pub async fn load_shop(id: String) -> Result<super::street::ShopPage, ApiError> {
    let ctx = signed_in()?;
    backend::street::shop_page(&mut *ctx.read().await?, &ctx.user, id.trim(), ctx.now).await.map_err(|e| ctx.fail(e))
}

/// A road's work log searched for `words` (all of it, newest first, when blank).
#[server(endpoint = "work_log", output = super::wire::Json)]
pub async fn search_work_log(
    road_id: String,
    words: Option<String>,
) -> Result<Vec<super::street::VisitView>, ApiError> {
    let ctx = signed_in()?;
    let words = words.unwrap_or_default();
    backend::street::search_log(&mut *ctx.read().await?, &ctx.user, &road_id, &words).await.map_err(|e| ctx.fail(e))
}

/// Who may call each server function above: `None` anyone, else the roles whose session it
/// takes (what each role then sees is the function's business). The authorization test calls
/// every registered server function as everyone and holds it to this list; a function missing
/// from it fails the test.
#[cfg(feature = "ssr")]
pub const CALLERS: &[(&str, Option<&[Role]>)] = &[
    ("me", None),
    ("chief_home", Some(&[Role::RoadChief])),
    ("inspection", Some(&[Role::RoadChief, Role::Coordinator])),
    ("my_findings", Some(&[Role::RoadChief])),
    ("finding", Some(&[Role::RoadChief, Role::SectionHead, Role::Coordinator])),
    ("finding_notices", Some(&[Role::RoadChief, Role::SectionHead, Role::Coordinator])),
    ("inbox", Some(&[Role::SectionHead])),
    ("overview", Some(&[Role::Coordinator])),
    ("district_map", Some(&[Role::Coordinator])),
    ("channels", Some(&[Role::Coordinator])),
    ("rules", Some(&[Role::Coordinator])),
    ("reports", Some(&[Role::RoadChief, Role::Coordinator])),
    ("street", Some(&[Role::RoadChief, Role::Coordinator])),
    ("shop", Some(&[Role::RoadChief, Role::Coordinator])),
    ("work_log", Some(&[Role::RoadChief, Role::Coordinator])),
    ("directory", Some(&[Role::Coordinator])),
    ("patrols", Some(&[Role::RoadChief, Role::Coordinator])),
    ("race", Some(&[Role::RoadChief, Role::SectionHead, Role::Coordinator])),
];
