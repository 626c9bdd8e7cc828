//! Patrols: the figures of each, and its positions until the retention period ends.

use super::{corrupt, Conn, Tx};
use crate::backend::db::flag;
use crate::backend::Result;
use crate::domain::patrol::{Coverage, PatrolSummary, TraceFlag};
use crate::domain::time::{IsoWeek, Timestamp};
use std::collections::HashMap;

pub struct NewPatrol<'a> {
    pub id: &'a str,
    pub road_id: &'a str,
    pub week: IsoWeek,
    pub inspection_id: &'a str,
    pub chief_user_id: &'a str,
    pub trail: &'a str,
    pub summary: &'a PatrolSummary,
    pub coverage: &'a Coverage,
    pub after_hand_over: bool,
}

/// Writes a patrol; false if one with its id exists already.
pub async fn insert(tx: &mut Tx, p: NewPatrol<'_>, now: Timestamp) -> Result<bool> {
    let flags: Vec<&str> = p.summary.flags.iter().map(|f| f.as_str()).collect();
    let written = sqlx::query(
        "INSERT INTO patrols (id, road_id, week, inspection_id, chief_user_id, started_at, ended_at, received_at, \
         trail, walked, walked_percent, distance_m, positions, board_checked, flags, after_hand_over) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (id) DO NOTHING",
    )
    .bind(p.id)
    .bind(p.road_id)
    .bind(p.week.to_string())
    .bind(p.inspection_id)
    .bind(p.chief_user_id)
    .bind(p.summary.started_at.millis())
    .bind(p.summary.ended_at.millis())
    .bind(now.millis())
    .bind(p.trail)
    .bind(p.coverage.to_text())
    .bind(i64::from(p.summary.walked_percent))
    .bind(i64::from(p.summary.distance_m))
    .bind(i64::from(p.summary.positions))
    .bind(flag(p.summary.board_checked))
    .bind(flags.join(","))
    .bind(flag(p.after_hand_over))
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    road_id: String,
    chief_user_id: String,
    chief_name: String,
    started_at: i64,
    ended_at: i64,
    trail: Option<String>,
    walked: String,
    walked_percent: i64,
    distance_m: i64,
    positions: i64,
    board_checked: i64,
    flags: String,
}

/// A stored patrol.
pub struct Patrol {
    pub id: String,
    pub road_id: String,
    pub chief_user_id: String,
    pub chief_name: String,
    pub summary: PatrolSummary,
    pub coverage: Option<Coverage>,
    /// None once forgotten.
    pub trail: Option<String>,
}

impl Row {
    fn patrol(self) -> Result<Patrol> {
        let flags = self
            .flags
            .split(',')
            .filter(|f| !f.is_empty())
            .map(|f| TraceFlag::parse(f).ok_or_else(|| corrupt(format!("patrol {} flag {f}", self.id))))
            .collect::<Result<Vec<_>>>()?;
        let (started_at, ended_at) = (Timestamp(self.started_at), Timestamp(self.ended_at));
        Ok(Patrol {
            summary: PatrolSummary {
                started_at,
                ended_at,
                walked_percent: self.walked_percent as u32,
                distance_m: self.distance_m as u32,
                minutes: crate::domain::patrol::minutes(started_at, ended_at),
                board_checked: self.board_checked != 0,
                flags,
                positions: self.positions as u32,
            },
            coverage: Coverage::from_text(&self.walked),
            id: self.id,
            road_id: self.road_id,
            chief_user_id: self.chief_user_id,
            chief_name: self.chief_name,
            trail: self.trail,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.road_id, p.chief_user_id, u.display_name AS chief_name, p.started_at, \
     p.ended_at, p.trail, p.walked, p.walked_percent, p.distance_m, p.positions, p.board_checked, p.flags \
     FROM patrols p JOIN users u ON u.id = p.chief_user_id";

/// A road's patrols of a week, in the order they started.
pub async fn of_road_week(conn: &mut Conn, road_id: &str, week: IsoWeek) -> Result<Vec<Patrol>> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE p.road_id = $1 AND p.week = $2 ORDER BY p.started_at, p.id"))
            .bind(road_id)
            .bind(week.to_string())
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(Row::patrol).collect()
}

/// Every road's patrols of a week, by road.
pub async fn of_week(conn: &mut Conn, week: IsoWeek) -> Result<HashMap<String, Vec<Patrol>>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE p.week = $1 ORDER BY p.started_at, p.id"))
        .bind(week.to_string())
        .fetch_all(conn)
        .await?;
    let mut by_road: HashMap<String, Vec<Patrol>> = HashMap::new();
    for row in rows {
        let patrol = row.patrol()?;
        by_road.entry(patrol.road_id.clone()).or_default().push(patrol);
    }
    Ok(by_road)
}

/// Deletes the positions of patrols that ended before `cutoff`; the figures stay. Returns how
/// many trails went.
pub async fn forget_trails(tx: &mut Tx, cutoff: Timestamp) -> Result<u64> {
    let done = sqlx::query("UPDATE patrols SET trail = NULL WHERE ended_at < $1 AND trail IS NOT NULL")
        .bind(cutoff.millis())
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}
