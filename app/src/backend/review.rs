//! The coordinator's review numbers: per section the on-time rate and the median time to close
//! over the last 12 weeks, per community this week's inspections, and the 12-week trend.

use super::store::{inspections, tallies, Conn};
use super::Result;
use crate::api::views::{CommunityProgress, OverviewRoad, WeekPoint};
use crate::domain::inspection::InspectionStatus;
use crate::domain::performance::{last_weeks, median_tenths, percent};
use crate::domain::time::Timestamp;
use std::collections::HashMap;

pub const TREND_WEEKS: usize = 12;

/// Per section: (on-time percent, median close in tenths of a day). A finding past its
/// deadline and still with its section counts as late already (`overdue`, per section).
pub async fn section_performance(
    conn: &mut Conn,
    overdue: &HashMap<String, u32>,
    now: Timestamp,
) -> Result<HashMap<String, (Option<u32>, Option<u32>)>> {
    let since = Timestamp::start_of_day(last_weeks(now, TREND_WEEKS)[0].monday());
    let mut on_time: HashMap<String, (i64, i64)> = HashMap::new();
    for week in tallies::weeks_since(conn, since).await? {
        let entry = on_time.entry(week.section_id).or_default();
        entry.0 += week.resolved_on_time;
        entry.1 += week.resolved;
    }
    for (section, late) in overdue {
        on_time.entry(section.clone()).or_default().1 += i64::from(*late);
    }
    let mut close_times: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for (section, tenths, closings) in tallies::close_times_since(conn, since).await? {
        close_times.entry(section).or_default().push((tenths, closings));
    }
    let mut out: HashMap<String, (Option<u32>, Option<u32>)> = HashMap::new();
    for (section, (good, all)) in on_time {
        out.entry(section).or_default().0 = percent(good as u32, all as u32);
    }
    for (section, counted) in close_times {
        out.entry(section).or_default().1 = median_tenths(&counted);
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
    let mut counted: HashMap<Timestamp, (i64, i64)> = HashMap::new();
    for week in tallies::weeks_since(conn, since).await? {
        let entry = counted.entry(week.week_start).or_default();
        entry.0 += week.reported;
        entry.1 += week.closed;
    }
    Ok(weeks
        .into_iter()
        .map(|week| {
            let (reported, closed) = counted.get(&Timestamp::start_of_day(week.monday())).copied().unwrap_or_default();
            WeekPoint {
                week,
                inspected: inspected.get(&(i64::from(week.year()), i64::from(week.week()))).copied().unwrap_or(0)
                    as u32,
                roads,
                reported: reported as u32,
                closed: closed as u32,
            }
        })
        .collect())
}
