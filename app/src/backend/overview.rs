//! The section head's inbox and the coordinator's weekly overview.

use super::store::{directory, findings, inspections, Conn};
use super::{calendars, review, Result, User};
use crate::api::error::ErrorCode;
use crate::api::views::{Inbox, InboxCounts, InboxFilter, Named, Overview, OverviewRoad, SectionLoad};
use crate::domain::deadline::{urgency, Urgency};
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
    let everything = findings::of_section(conn, &section.id, now).await?;
    let community_of: HashMap<String, Named> = directory::road_communities(conn).await?.into_iter().collect();
    let mut roads: Vec<Named> = Vec::new();
    let mut communities: Vec<Named> = Vec::new();
    for f in &everything {
        if !roads.iter().any(|r| r.id == f.road.id) {
            roads.push(f.road.clone());
        }
        if let Some(c) = community_of.get(&f.road.id) {
            if !communities.iter().any(|x| x.id == c.id) {
                communities.push(c.clone());
            }
        }
    }
    roads.sort_by(|a, b| a.name_zh.cmp(&b.name_zh));
    communities.sort_by(|a, b| a.name_zh.cmp(&b.name_zh));
    let all: Vec<_> = everything
        .into_iter()
        .filter(|f| scope.road.as_ref().is_none_or(|r| *r == f.road.id))
        .filter(|f| scope.community.as_ref().is_none_or(|c| community_of.get(&f.road.id).is_some_and(|n| n.id == *c)))
        .collect();
    let mut counts = InboxCounts::default();
    for f in &all {
        if f.status.deadline_runs() {
            counts.open += 1;
        }
        match f.urgency {
            Some(Urgency::Overdue) => counts.overdue += 1,
            Some(Urgency::DueToday) => {
                counts.due_today += 1;
                counts.due_this_week += 1;
            }
            Some(Urgency::DueThisWeek) => counts.due_this_week += 1,
            _ => {}
        }
    }
    let items = all.into_iter().filter(|f| filter.admits(f.status, f.urgency)).collect();
    Ok(Inbox { section, items, counts, roads, communities })
}

/// The coordinator's overview of `week` (inspections by road and community); the sections'
/// load, the trend and what waits for re-routing are as of now.
pub async fn week(conn: &mut Conn, coordinator: &User, week: IsoWeek, now: Timestamp) -> Result<Overview> {
    if coordinator.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let by_road: HashMap<String, InspectionStatus> = inspections::of_week(conn, week).await?.into_iter().collect();
    let roads: Vec<OverviewRoad> = directory::all_roads(conn)
        .await?
        .into_iter()
        .map(|r| OverviewRoad {
            status: by_road.get(&r.named.id).copied().unwrap_or(InspectionStatus::NotStarted),
            road: r.named,
            community: r.community,
            chief_name: r.chief_name,
        })
        .collect();

    let open = findings::open_deadlines(conn).await?;
    let performance = review::section_performance(conn, now).await?;
    let sections = directory::sections(conn)
        .await?
        .into_iter()
        .map(|s| {
            let mine = open.iter().filter(|(sid, _)| *sid == s.named.id);
            let (on_time_percent, median_close_tenths) = performance.get(&s.named.id).copied().unwrap_or_default();
            SectionLoad {
                open: mine.clone().count() as u32,
                overdue: mine.clone().filter(|(_, d)| now > *d).count() as u32,
                due_this_week: mine
                    .filter(|(_, d)| matches!(urgency(*d, now), Urgency::DueToday | Urgency::DueThisWeek))
                    .count() as u32,
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
    })
}
