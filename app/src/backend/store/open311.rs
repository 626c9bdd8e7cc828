//! Open311: the platforms' keys, and findings as service requests (as the public board shows
//! them, across the subdistrict).

use super::reports::{public, PublicFinding, PublicRow, PUBLIC_SELECT};
use super::{Conn, Tx};
use crate::backend::Result;
use crate::domain::finding::FindingStatus;
use crate::domain::open311::RequestStatus;
use crate::domain::time::Timestamp;
use uuid::Uuid;

/// Keeps a new key for `name`; `false` if `name` holds a key not revoked (nothing changes then).
/// A revoked name may be given a new key.
pub async fn insert_key(tx: &mut Tx, name: &str, key_hash: &str, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "INSERT INTO open311_keys (name, key_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET key_hash = excluded.key_hash, created_at = excluded.created_at, \
         revoked_at = NULL WHERE open311_keys.revoked_at IS NOT NULL",
    )
    .bind(name)
    .bind(key_hash)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// Revokes `name`'s key; `false` if it has none in use.
pub async fn revoke_key(tx: &mut Tx, name: &str, now: Timestamp) -> Result<bool> {
    let written = sqlx::query("UPDATE open311_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
        .bind(now.millis())
        .bind(name)
        .execute(&mut **tx)
        .await?;
    Ok(written.rows_affected() == 1)
}

/// The platform whose key (not revoked) has this hash.
pub async fn platform_of(conn: &mut Conn, key_hash: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT name FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(key_hash)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(name,)| name))
}

/// The subdistricts (jurisdictions) there are.
pub async fn subdistricts(conn: &mut Conn) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM subdistricts ORDER BY id").fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The communities of a subdistrict.
pub async fn communities_of(conn: &mut Conn, subdistrict: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM communities WHERE subdistrict_id = $1")
        .bind(subdistrict)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn finding_request(conn: &mut Conn, id: &Uuid) -> Result<Option<PublicFinding>> {
    let row: Option<PublicRow> =
        sqlx::query_as(&format!("{PUBLIC_SELECT} WHERE f.id = $1")).bind(id.to_string()).fetch_optional(conn).await?;
    row.map(public).transpose()
}

/// Which findings a listing asks for.
#[derive(Clone, Debug)]
pub struct Listing<'a> {
    pub subdistrict: Option<&'a str>,
    /// Received within `[from, to]`.
    pub from: Timestamp,
    pub to: Timestamp,
    /// Of these categories (all when empty).
    pub categories: &'a [String],
    /// In these states (all when empty).
    pub statuses: &'a [RequestStatus],
    pub limit: usize,
}

/// Findings as service requests, newest first.
pub async fn finding_requests(conn: &mut Conn, listing: &Listing<'_>) -> Result<Vec<PublicFinding>> {
    let mut sql = format!("{PUBLIC_SELECT} WHERE f.received_at >= $1 AND f.received_at <= $2");
    let mut next = 3;
    if listing.subdistrict.is_some() {
        sql.push_str(&format!(" AND m.subdistrict_id = ${next}"));
        next += 1;
    }
    if !listing.categories.is_empty() {
        let marks: Vec<String> = (0..listing.categories.len()).map(|i| format!("${}", next + i)).collect();
        sql.push_str(&format!(" AND f.category_code IN ({})", marks.join(", ")));
    }
    let closed = FindingStatus::Closed.as_str();
    match listing.statuses {
        [RequestStatus::Open] => sql.push_str(&format!(" AND f.status <> '{closed}'")),
        [RequestStatus::Closed] => sql.push_str(&format!(" AND f.status = '{closed}'")),
        _ => {}
    }
    sql.push_str(&format!(" ORDER BY f.received_at DESC LIMIT {}", listing.limit));
    let mut query = sqlx::query_as::<_, PublicRow>(&sql).bind(listing.from.millis()).bind(listing.to.millis());
    if let Some(subdistrict) = listing.subdistrict {
        query = query.bind(subdistrict);
    }
    for category in listing.categories {
        query = query.bind(category);
    }
    query.fetch_all(conn).await?.into_iter().map(public).collect()
}
