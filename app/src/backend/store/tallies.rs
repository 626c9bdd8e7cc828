//! The coordinator's review numbers, counted per section and week as findings move (in the
//! transaction of the move), so that the overview reads a few hundred rows however many
//! findings there are. Migration 0007 counted the history that came before.

use super::{Conn, Tx};
use crate::backend::Result;
use crate::domain::finding::FindingStatus;
use crate::domain::performance::{on_time, tenths_of_day, week_start};
use crate::domain::time::Timestamp;

/// Counts a step of a finding: a first routing is a report, a resolution is on time or not
/// by the deadline in force, a close-out adds its time since the report.
pub async fn count(
    tx: &mut Tx,
    finding_id: &str,
    section_id: &str,
    from: Option<FindingStatus>,
    to: FindingStatus,
    at: Timestamp,
) -> Result<()> {
    let (reported, resolved, closed) = (from.is_none(), to == FindingStatus::Resolved, to == FindingStatus::Closed);
    if !(reported || resolved || closed) {
        return Ok(());
    }
    let mut in_time = false;
    let mut tenths = None;
    if resolved || closed {
        let (deadline, received): (i64, i64) =
            sqlx::query_as("SELECT deadline_at, received_at FROM findings WHERE id = $1")
                .bind(finding_id)
                .fetch_one(&mut **tx)
                .await?;
        in_time = resolved && on_time(at, Timestamp(deadline));
        tenths = closed.then(|| tenths_of_day(at.millis() - received));
    }
    let week = week_start(at).millis();
    sqlx::query(
        "INSERT INTO section_weeks (section_id, week_start, reported, resolved, resolved_on_time, closed) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (week_start, section_id) DO UPDATE SET \
         reported = section_weeks.reported + excluded.reported, resolved = section_weeks.resolved + excluded.resolved, \
         resolved_on_time = section_weeks.resolved_on_time + excluded.resolved_on_time, \
         closed = section_weeks.closed + excluded.closed",
    )
    .bind(section_id)
    .bind(week)
    .bind(i64::from(reported))
    .bind(i64::from(resolved))
    .bind(i64::from(in_time))
    .bind(i64::from(closed))
    .execute(&mut **tx)
    .await?;
    if let Some(tenths) = tenths {
        sqlx::query(
            "INSERT INTO section_close_times (section_id, week_start, tenths, closings) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (week_start, section_id, tenths) DO UPDATE SET closings = section_close_times.closings + 1",
        )
        .bind(section_id)
        .bind(week)
        .bind(tenths)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One section's week.
pub struct SectionWeek {
    pub section_id: String,
    pub week_start: Timestamp,
    pub reported: i64,
    pub resolved: i64,
    pub resolved_on_time: i64,
    pub closed: i64,
}

/// Every section's weeks from `since` (a week's start) on.
pub async fn weeks_since(conn: &mut Conn, since: Timestamp) -> Result<Vec<SectionWeek>> {
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT section_id, week_start, reported, resolved, resolved_on_time, closed FROM section_weeks \
         WHERE week_start >= $1",
    )
    .bind(since.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(section_id, week, reported, resolved, resolved_on_time, closed)| SectionWeek {
            section_id,
            week_start: Timestamp(week),
            reported,
            resolved,
            resolved_on_time,
            closed,
        })
        .collect())
}

/// Per section, its closing times since `since` as (tenths of a day, how many).
pub async fn close_times_since(conn: &mut Conn, since: Timestamp) -> Result<Vec<(String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT section_id, tenths, CAST(SUM(closings) AS BIGINT) FROM section_close_times WHERE week_start >= $1 \
         GROUP BY section_id, tenths",
    )
    .bind(since.millis())
    .fetch_all(conn)
    .await?)
}
