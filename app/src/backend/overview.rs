//! The section head's inbox and the coordinator's weekly overview.

use super::store::findings::Within;
use super::store::{directory, findings, inspections, Conn};
use super::{calendars, review, Result, User};
use crate::api::error::ErrorCode;
use crate::api::views::{Inbox, InboxCounts, InboxFilter, Named, Overview, OverviewRoad, SectionLoad};
use crate::domain::deadline::Urgency;
use crate::domain::finding::{FindingStatus, Selection};
use crate::domain::inspection::InspectionStatus;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::domain::Role;
use std::collections::HashMap;

/// Narrows the inbox to one road or one community (by id); empty means all.
#[derive(Clone, Debug, Default)]
pub struct InboxScope {
    pub road: Option<String>,
    pub community: Option<String>,
}

/// At most this many findings are listed; the counts and the narrowing lists cover them all.
pub const INBOX_LIMIT: usize = 200;

pub async fn inbox(
    conn: &mut Conn,
    head: &User,
    filter: InboxFilter,
    scope: &InboxScope,
    now: Timestamp,
) -> Result<Inbox> {
    if head.role != Role::SectionHead {
        return Err(ErrorCode::Forbidden.into());
    }
    let section = directory::section_headed_by(conn, &head.id).await?.ok_or(ErrorCode::Forbidden)?;
    let places: HashMap<String, (Named, Named)> = directory::road_communities(conn)
        .await?
        .into_iter()
        .map(|(road, community)| (road.id.clone(), (road, community)))
        .collect();
    let mine = Within { section_id: Some(&section.id), ..Within::default() };
    let mut roads: Vec<Named> = Vec::new();
    let mut communities: Vec<Named> = Vec::new();
    for road_id in findings::roads_selected(conn, &Selection::of(&FindingStatus::IN_INBOX), &mine).await? {
        let Some((road, community)) = places.get(&road_id) else { continue };
        roads.push(road.clone());
        if !communities.iter().any(|x| x.id == community.id) {
            communities.push(community.clone());
        }
    }
    roads.sort_by(|a, b| a.name_zh.cmp(&b.name_zh));
    communities.sort_by(|a, b| a.name_zh.cmp(&b.name_zh));
    let within = Within { road_id: scope.road.as_deref(), community_id: scope.community.as_deref(), ..mine };
    let counts = InboxCounts {
        open: findings::count_selected(conn, &InboxFilter::Open.selection(now), &within).await?,
        due_today: findings::count_selected(conn, &InboxFilter::DueToday.selection(now), &within).await?,
        due_this_week: findings::count_selected(conn, &InboxFilter::DueThisWeek.selection(now), &within).await?,
        overdue: findings::count_selected(conn, &InboxFilter::Overdue.selection(now), &within).await?,
    };
    let listed = filter.selection(now);
    // The counts are these filters' totals; only the resolved ones are not counted above.
    let total = match filter {
        InboxFilter::Open => counts.open,
        InboxFilter::DueToday => counts.due_today,
        InboxFilter::DueThisWeek => counts.due_this_week,
        InboxFilter::Overdue => counts.overdue,
        InboxFilter::Resolved => findings::count_selected(conn, &listed, &within).await?,
    };
    let items = findings::selected(conn, &listed, &within, INBOX_LIMIT, now).await?;
    let tasks = super::joint::inbox(conn, &section.id, now).await?;
    Ok(Inbox { section, items, total, counts, roads, communities, tasks })
}

/// The coordinator's overview of `week` (inspections by road and community); the sections'
/// load, the trend and what waits for re-routing are as of now.
pub async fn week(conn: &mut Conn, coordinator: &User, week: IsoWeek, now: Timestamp) -> Result<Overview> {
    if coordinator.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let by_road: HashMap<String, InspectionStatus> = inspections::of_week(conn, week).await?.into_iter().collect();
    let patrols = super::store::patrols::of_week(conn, week).await?;
    let roads: Vec<OverviewRoad> = directory::all_roads(conn)
        .await?
        .into_iter()
        .map(|r| OverviewRoad {
            status: by_road.get(&r.named.id).copied().unwrap_or(InspectionStatus::NotStarted),
            patrol: patrols.get(&r.named.id).and_then(|p| super::patrols::week_of(p)),
            road: r.named,
            community: r.community,
            chief_name: r.chief_name,
        })
        .collect();

    let open = findings::count_selected_by_section(conn, &Selection::of(&FindingStatus::WITH_SECTION)).await?;
    let overdue = findings::count_selected_by_section(conn, &Selection::running(now, Urgency::Overdue)).await?;
    let due = findings::count_selected_by_section(conn, &Selection::running(now, Urgency::DueThisWeek)).await?;
    let performance = review::section_performance(conn, &overdue, now).await?;
    let sections = directory::sections(conn)
        .await?
        .into_iter()
        .map(|s| {
            let id = &s.named.id;
            let (on_time_percent, median_close_tenths) = performance.get(id).copied().unwrap_or_default();
            SectionLoad {
                open: open.get(id).copied().unwrap_or(0),
                overdue: overdue.get(id).copied().unwrap_or(0),
                due_this_week: due.get(id).copied().unwrap_or(0),
                on_time_percent,
                median_close_tenths,
                section: s.named,
                head_name: s.head_name,
            }
        })
        .collect();
    let road_count = roads.len() as u32;
    Ok(Overview {
        week,
        communities: review::communities(&roads),
        roads,
        sections,
        returned: findings::returned(conn, now).await?,
        trend: review::trend(conn, road_count, now).await?,
        missing_calendar_years: calendars::missing_years(conn, now).await?,
        joint: super::joint::counts(conn, now).await?,
    })
}
