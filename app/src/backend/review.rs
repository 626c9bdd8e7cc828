//! The coordinator's review numbers: per section the on-time rate and the median time to close
//! over the last 12 weeks, per community this week's inspections, and the 12-week trend.

use super::store::{findings, inspections, Conn};
use super::Result;
use crate::api::views::{CommunityProgress, OverviewRoad, WeekPoint};
use crate::domain::inspection::InspectionStatus;
use crate::domain::performance::{last_weeks, median_days_tenths, percent};
use crate::domain::time::{IsoWeek, Timestamp};
use std::collections::HashMap;

pub const TREND_WEEKS: usize = 12;

/// Per section: (on-time percent, median close in tenths of a day).
pub async fn section_performance(
    conn: &mut Conn,
    now: Timestamp,
) -> Result<HashMap<String, (Option<u32>, Option<u32>)>> {
    let since = Timestamp::start_of_day(last_weeks(now, TREND_WEEKS)[0].monday());
    let resolved = findings::resolutions_since(conn, since).await?;
    let overdue = findings::overdue_sections(conn, now).await?;
    let closed = findings::closings_since(conn, since).await?;
    let mut on_time: HashMap<String, (u32, u32)> = HashMap::new();
    for (section, at, deadline) in resolved {
        let entry = on_time.entry(section).or_default();
        entry.1 += 1;
        if deadline.is_none_or(|d| at <= d) {
            entry.0 += 1;
        }
    }
    for (section, _) in overdue {
        on_time.entry(section).or_default().1 += 1;
    }
    let mut durations: HashMap<String, Vec<i64>> = HashMap::new();
    for (section, at, received) in closed {
        durations.entry(section).or_default().push(at - received);
    }
    let mut out: HashMap<String, (Option<u32>, Option<u32>)> = HashMap::new();
    for (section, (good, all)) in on_time {
        out.entry(section).or_default().0 = percent(good, all);
    }
    for (section, mut d) in durations {
        out.entry(section).or_default().1 = median_days_tenths(&mut d);
    }
    Ok(out)
}

/// This week's submitted inspections by community.
pub fn communities(roads: &[OverviewRoad]) -> Vec<CommunityProgress> {
    let mut out: Vec<CommunityProgress> = Vec::new();
    for r in roads {
        let i = match out.iter().position(|c| c.community.id == r.community.id) {
            Some(i) => i,
            None => {
                out.push(CommunityProgress { community: r.community.clone(), submitted: 0, roads: 0 });
                out.len() - 1
            }
        };
        out[i].roads += 1;
        if r.status == InspectionStatus::Submitted {
            out[i].submitted += 1;
        }
    }
    out.sort_by(|a, b| a.community.name_zh.cmp(&b.community.name_zh));
    out
}

/// The last 12 weeks: roads inspected, findings reported, findings closed.
pub async fn trend(conn: &mut Conn, roads: u32, now: Timestamp) -> Result<Vec<WeekPoint>> {
    let weeks = last_weeks(now, TREND_WEEKS);
    let since = Timestamp::start_of_day(weeks[0].monday());
    let inspected: HashMap<(i64, i64), i64> =
        inspections::submitted_per_week(conn, weeks[0]).await?.into_iter().collect();
    let reported = findings::received_since(conn, since).await?;
    let closed: Vec<Timestamp> =
        findings::closings_since(conn, since).await?.into_iter().map(|(_, at, _)| Timestamp(at)).collect();
    let bucket =
        |times: &[Timestamp], week: IsoWeek| times.iter().filter(|t| IsoWeek::containing(**t) == week).count() as u32;
    Ok(weeks
        .into_iter()
        .map(|week| WeekPoint {
            week,
            inspected: inspected.get(&(i64::from(week.year()), i64::from(week.week()))).copied().unwrap_or(0) as u32,
            roads,
            reported: bucket(&reported, week),
            closed: bucket(&closed, week),
        })
        .collect())
}
