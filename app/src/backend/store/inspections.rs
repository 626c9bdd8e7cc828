//! Weekly inspections and their per-category results.

use super::{corrupt, Conn, Tx};
use crate::backend::Result;
use crate::domain::inspection::{CheckResult, InspectionStatus};
use crate::domain::text::Code;
use crate::domain::time::{IsoWeek, Timestamp};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Inspection {
    pub id: String,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
}

impl Inspection {
    pub fn status(this: Option<&Inspection>) -> InspectionStatus {
        InspectionStatus::from_times(
            this.map(|r| Timestamp(r.started_at)),
            this.and_then(|r| r.submitted_at.map(Timestamp)),
        )
    }

    pub fn submitted(&self) -> Option<Timestamp> {
        self.submitted_at.map(Timestamp)
    }
}

pub async fn find(conn: &mut Conn, road_id: &str, week: IsoWeek) -> Result<Option<Inspection>> {
    Ok(sqlx::query_as(
        "SELECT id, started_at, submitted_at FROM inspections WHERE road_id = $1 AND iso_year = $2 AND iso_week = $3",
    )
    .bind(road_id)
    .bind(i64::from(week.year()))
    .bind(i64::from(week.week()))
    .fetch_optional(conn)
    .await?)
}

/// The week's inspection of the road, started now as `id` if there is none. Two writers
/// starting it at once both end up with the one that was written first.
pub async fn start_or_continue(
    tx: &mut Tx,
    id: &str,
    road_id: &str,
    week: IsoWeek,
    chief_id: &str,
    now: Timestamp,
) -> Result<Inspection> {
    sqlx::query(
        "INSERT INTO inspections (id, road_id, iso_year, iso_week, chief_user_id, started_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (road_id, iso_year, iso_week) DO NOTHING",
    )
    .bind(id)
    .bind(road_id)
    .bind(i64::from(week.year()))
    .bind(i64::from(week.week()))
    .bind(chief_id)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    find(tx, road_id, week).await?.ok_or_else(|| corrupt(format!("inspection of {road_id} {week} vanished")))
}

pub async fn results(conn: &mut Conn, inspection_id: &str) -> Result<Vec<(String, CheckResult)>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT category_code, result FROM inspection_results WHERE inspection_id = $1")
            .bind(inspection_id)
            .fetch_all(conn)
            .await?;
    rows.into_iter()
        .map(|(c, r)| CheckResult::parse(&r).map(|r| (c, r)).ok_or_else(|| corrupt(format!("result {r}"))))
        .collect()
}

pub async fn set_result(tx: &mut Tx, inspection_id: &str, category: &Code, result: CheckResult) -> Result<()> {
    sqlx::query(
        "INSERT INTO inspection_results (inspection_id, category_code, result) VALUES ($1, $2, $3) \
         ON CONFLICT (inspection_id, category_code) DO UPDATE SET result = excluded.result",
    )
    .bind(inspection_id)
    .bind(category.as_str())
    .bind(result.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_submitted(tx: &mut Tx, inspection_id: &str, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE inspections SET submitted_at = $1 WHERE id = $2")
        .bind(now.millis())
        .bind(inspection_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every road's inspection state in a week.
pub async fn of_week(conn: &mut Conn, week: IsoWeek) -> Result<Vec<(String, InspectionStatus)>> {
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT road_id, started_at, submitted_at FROM inspections WHERE iso_year = $1 AND iso_week = $2",
    )
    .bind(i64::from(week.year()))
    .bind(i64::from(week.week()))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(road, started, submitted)| {
            (road, InspectionStatus::from_times(Some(Timestamp(started)), submitted.map(Timestamp)))
        })
        .collect())
}

/// A road whose week has no submitted inspection, and its chief.
pub struct Missed {
    pub road_id: String,
    pub road_zh: String,
    pub road_en: String,
    pub chief_id: String,
    pub chief_name: String,
}

pub async fn not_submitted(conn: &mut Conn, week: IsoWeek) -> Result<Vec<Missed>> {
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT r.id, r.name_zh, r.name_en, r.chief_user_id, u.display_name FROM roads r JOIN users u ON u.id = r.chief_user_id \
         WHERE NOT EXISTS (SELECT 1 FROM inspections i WHERE i.road_id = r.id AND i.iso_year = $1 AND i.iso_week = $2 \
         AND i.submitted_at IS NOT NULL) ORDER BY r.name_zh, r.id",
    )
    .bind(i64::from(week.year()))
    .bind(i64::from(week.week()))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(road_id, road_zh, road_en, chief_id, chief_name)| Missed {
            road_id,
            road_zh,
            road_en,
            chief_id,
            chief_name,
        })
        .collect())
}

/// Submitted inspections per ISO week from `since` on: ((year, week), count).
pub async fn submitted_per_week(conn: &mut Conn, since: IsoWeek) -> Result<Vec<((i64, i64), i64)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT iso_year, iso_week, COUNT(*) FROM inspections WHERE submitted_at IS NOT NULL \
         AND (iso_year > $1 OR (iso_year = $1 AND iso_week >= $2)) GROUP BY iso_year, iso_week",
    )
    .bind(i64::from(since.year()))
    .bind(i64::from(since.week()))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(y, w, n)| ((y, w), n)).collect())
}
