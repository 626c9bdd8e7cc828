//! The section head's inbox and the coordinator's weekly overview.

use super::auth::User;
use super::db::Pool;
use super::{calendars, directory, findings, review, Result};
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

pub async fn inbox(pool: &Pool, head: &User, filter: InboxFilter, scope: &InboxScope, now: Timestamp) -> Result<Inbox> {
    if head.role != Role::SectionHead {
        return Err(ErrorCode::Forbidden.into());
    }
    let section =
        directory::sections_headed_by(pool, &head.id).await?.into_iter().next().ok_or(ErrorCode::Forbidden)?;
    let everything = findings::of_section(pool, &section.id, now).await?;
    let community_of: HashMap<String, Named> =
        directory::all_roads(pool).await?.into_iter().map(|r| (r.named.id, r.community)).collect();
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
pub async fn week(pool: &Pool, coordinator: &User, week: IsoWeek, now: Timestamp) -> Result<Overview> {
    if coordinator.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT road_id, started_at, submitted_at FROM inspections WHERE iso_year = $1 AND iso_week = $2",
    )
    .bind(week.year())
    .bind(i32::from(week.week()))
    .fetch_all(pool)
    .await?;
    let by_road: HashMap<String, InspectionStatus> = rows
        .into_iter()
        .map(|(road, started, submitted)| {
            (road, InspectionStatus::from_times(Some(Timestamp(started)), submitted.map(Timestamp)))
        })
        .collect();
    let roads: Vec<OverviewRoad> = directory::all_roads(pool)
        .await?
        .into_iter()
        .map(|r| OverviewRoad {
            status: by_road.get(&r.named.id).copied().unwrap_or(InspectionStatus::NotStarted),
            road: r.named,
            community: r.community,
            chief_name: r.chief_name,
        })
        .collect();

    let open: Vec<(String, i64)> =
        sqlx::query_as("SELECT section_id, deadline_at FROM findings WHERE status IN ('routed', 'accepted')")
            .fetch_all(pool)
            .await?;
    let performance = review::section_performance(pool, now).await?;
    let sections = directory::sections(pool)
        .await?
        .into_iter()
        .map(|s| {
            let mine = open.iter().filter(|(sid, _)| *sid == s.named.id);
            let (on_time_percent, median_close_tenths) = performance.get(&s.named.id).copied().unwrap_or_default();
            SectionLoad {
                open: mine.clone().count() as u32,
                overdue: mine.clone().filter(|(_, d)| now > Timestamp(*d)).count() as u32,
                due_this_week: mine
                    .filter(|(_, d)| matches!(urgency(Timestamp(*d), now), Urgency::DueToday | Urgency::DueThisWeek))
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
        returned: findings::returned(pool, now).await?,
        trend: review::trend(pool, road_count, now).await?,
        missing_calendar_years: calendars::missing_years(pool, now).await?,
    })
}
