//! What the race board counts, read per period: raw rows and tallies, ranked elsewhere
//! (`domain::race`). `[from, until)` is the period's span.

use super::Conn;
use crate::backend::Result;
use crate::domain::time::{IsoWeek, Timestamp};
use std::collections::HashMap;

/// Inspections of the weeks `first..=last` submitted, as (road, week, submitted at).
pub async fn submissions(conn: &mut Conn, first: IsoWeek, last: IsoWeek) -> Result<Vec<(String, IsoWeek, Timestamp)>> {
    let key = |w: IsoWeek| i64::from(w.year()) * 100 + i64::from(w.week());
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT road_id, iso_year, iso_week, submitted_at FROM inspections \
         WHERE submitted_at IS NOT NULL AND iso_year * 100 + iso_week BETWEEN $1 AND $2",
    )
    .bind(key(first))
    .bind(key(last))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(road, year, week, at)| {
            let week = IsoWeek::new(i32::try_from(year).ok()?, u8::try_from(week).ok()?)?;
            Some((road, week, Timestamp(at)))
        })
        .collect())
}

/// Findings each user reported in the period (received then).
pub async fn findings_reported(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<HashMap<String, u32>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT reported_by_user_id, COUNT(*) FROM findings WHERE received_at >= $1 AND received_at < $2 \
         GROUP BY reported_by_user_id",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(user, n)| (user, n as u32)).collect())
}

/// Open shops registered before the period's end, as (road, shop).
pub async fn open_shops(conn: &mut Conn, until: Timestamp) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT road_id, id FROM shops WHERE is_open <> 0 AND created_at < $1")
        .bind(until.millis())
        .fetch_all(conn)
        .await?)
}

/// Shops visited in the period, each once, as (road, shop).
pub async fn shops_visited(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT road_id, shop_id FROM visits \
         WHERE shop_id IS NOT NULL AND visited_at >= $1 AND visited_at < $2",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?)
}

/// Residents' reports received in the period (set-aside spam included: it was handled), as
/// (road, received, handled).
pub async fn reports(
    conn: &mut Conn,
    from: Timestamp,
    until: Timestamp,
) -> Result<Vec<(String, Timestamp, Option<Timestamp>)>> {
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT road_id, received_at, handled_at FROM resident_reports WHERE received_at >= $1 AND received_at < $2",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(road, at, handled)| (road, Timestamp(at), handled.map(Timestamp))).collect())
}

/// Findings closed out in the period, as (road, received, closed).
pub async fn closings(
    conn: &mut Conn,
    from: Timestamp,
    until: Timestamp,
) -> Result<Vec<(String, Timestamp, Timestamp)>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT f.road_id, f.received_at, h.at FROM finding_history h JOIN findings f ON f.id = h.finding_id \
         WHERE h.to_status = 'closed' AND h.at >= $1 AND h.at < $2",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(road, received, at)| (road, Timestamp(received), Timestamp(at))).collect())
}

/// A section's resolution in the period: the finding's receipt, the resolution and the
/// deadline in force then (the latest set before it).
pub struct Resolution {
    pub section_id: String,
    pub received: Timestamp,
    pub resolved: Timestamp,
    pub deadline: Option<Timestamp>,
}

pub async fn resolutions(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<Vec<Resolution>> {
    let rows: Vec<(String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT h.section_id, f.received_at, h.at, (SELECT d.deadline_at FROM finding_history d \
         WHERE d.finding_id = h.finding_id AND d.seq < h.seq AND d.deadline_at IS NOT NULL ORDER BY d.seq DESC LIMIT 1) \
         FROM finding_history h JOIN findings f ON f.id = h.finding_id \
         WHERE h.to_status = 'resolved' AND h.at >= $1 AND h.at < $2",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(section_id, received, resolved, deadline)| Resolution {
            section_id,
            received: Timestamp(received),
            resolved: Timestamp(resolved),
            deadline: deadline.map(Timestamp),
        })
        .collect())
}

/// Per section, findings still with it whose deadline passed in `[from, until)`: late, and
/// not resolved at all.
pub async fn overdue_open(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<HashMap<String, u32>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT section_id, COUNT(*) FROM findings WHERE status IN ('routed', 'accepted') \
         AND deadline_at >= $1 AND deadline_at < $2 GROUP BY section_id",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s, n)| (s, n as u32)).collect())
}

/// Per section, the steps from `from_status` to `to_status` made in the period.
pub async fn steps(
    conn: &mut Conn,
    from_status: Option<&str>,
    to_status: &str,
    from: Timestamp,
    until: Timestamp,
) -> Result<HashMap<String, u32>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT section_id, COUNT(*) FROM finding_history WHERE to_status = $1 \
         AND ($2 IS NULL OR from_status = $2) AND at >= $3 AND at < $4 GROUP BY section_id",
    )
    .bind(to_status)
    .bind(from_status)
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s, n)| (s, n as u32)).collect())
}

/// The coordinator's steps out of `returned` in the period, as (the section that returned the
/// finding, the section that has it after).
pub async fn rulings(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.section_id, h.section_id FROM finding_history h \
         JOIN finding_history p ON p.finding_id = h.finding_id AND p.seq = h.seq - 1 \
         WHERE h.from_status = 'returned' AND h.at >= $1 AND h.at < $2",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?)
}

/// Per section, the findings it was given in the period (routed, re-routed, sent back or
/// reopened), each once.
pub async fn received(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<HashMap<String, u32>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT section_id, COUNT(DISTINCT finding_id) FROM finding_history \
         WHERE to_status = 'routed' AND at >= $1 AND at < $2 GROUP BY section_id",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s, n)| (s, n as u32)).collect())
}

/// Per section, the extensions it asked for in the period.
pub async fn extensions_asked(conn: &mut Conn, from: Timestamp, until: Timestamp) -> Result<HashMap<String, u32>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT section_id, COUNT(*) FROM extension_requests WHERE requested_at >= $1 AND requested_at < $2 \
         GROUP BY section_id",
    )
    .bind(from.millis())
    .bind(until.millis())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s, n)| (s, n as u32)).collect())
}

/// Every road with its chief now, as (road, chief).
pub async fn road_chiefs(conn: &mut Conn) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT id, chief_user_id FROM roads").fetch_all(conn).await?)
}

/// The road chiefs (enabled, holding a road now) as (id, name).
pub async fn chiefs(conn: &mut Conn) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT u.id, u.display_name FROM users u JOIN roads r ON r.chief_user_id = u.id \
         WHERE u.disabled_at IS NULL ORDER BY u.display_name, u.id",
    )
    .fetch_all(conn)
    .await?)
}
