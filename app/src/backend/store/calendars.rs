//! The working-day calendars, one file per year as imported.

use super::{Conn, Tx};
use crate::backend::Result;
use crate::domain::time::Timestamp;

pub async fn all(conn: &mut Conn) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as("SELECT year, body FROM calendars").fetch_all(conn).await?)
}

/// Writes a year's file unless the year has one.
pub async fn insert_missing(tx: &mut Tx, year: i32, body: &str, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendars (year, body, imported_at, imported_by) VALUES ($1, $2, $3, NULL) \
         ON CONFLICT (year) DO NOTHING",
    )
    .bind(i64::from(year))
    .bind(body)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn put(tx: &mut Tx, year: i32, body: &str, by: &str, now: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendars (year, body, imported_at, imported_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year) DO UPDATE SET body = excluded.body, imported_at = excluded.imported_at, \
         imported_by = excluded.imported_by",
    )
    .bind(i64::from(year))
    .bind(body)
    .bind(now.millis())
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn body(conn: &mut Conn, year: i32) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT body FROM calendars WHERE year = $1").bind(i64::from(year)).fetch_optional(conn).await?;
    Ok(row.map(|(b,)| b))
}

/// The years that have a calendar, with when and by whom it was imported.
pub async fn years(conn: &mut Conn) -> Result<Vec<(i32, Timestamp, Option<String>)>> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT c.year, c.imported_at, u.display_name FROM calendars c LEFT JOIN users u ON u.id = c.imported_by \
         ORDER BY c.year",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(y, at, by)| (y as i32, Timestamp(at), by)).collect())
}
