//! Open311: the platforms' keys, and findings as service requests (what the public board shows
//! of them, across the subdistrict).

use super::{status, uuid, Conn, Tx};
use crate::api::views::Named;
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

/// A finding as a service request: what the public board shows of it, and where.
#[derive(Clone, Debug)]
pub struct FindingRequest {
    pub id: Uuid,
    pub road: Named,
    pub category: Named,
    pub status: FindingStatus,
    pub section: Named,
    pub lon: f64,
    pub lat: f64,
    pub along_m: f64,
    pub received_at: Timestamp,
    pub deadline: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    road_id: String,
    road_zh: String,
    road_en: String,
    category_code: String,
    category_zh: String,
    category_en: String,
    status: String,
    section_id: String,
    section_zh: String,
    section_en: String,
    lon: f64,
    lat: f64,
    along_m: f64,
    received_at: i64,
    deadline_at: i64,
    updated_at: i64,
}

const SELECT: &str = "SELECT f.id, r.id AS road_id, r.name_zh AS road_zh, r.name_en AS road_en, f.category_code, \
     c.name_zh AS category_zh, c.name_en AS category_en, f.status, s.id AS section_id, s.name_zh AS section_zh, \
     s.name_en AS section_en, f.lon, f.lat, f.along_m, f.received_at, f.deadline_at, f.updated_at \
     FROM findings f JOIN categories c ON c.code = f.category_code JOIN sections s ON s.id = f.section_id \
     JOIN roads r ON r.id = f.road_id JOIN communities m ON m.id = r.community_id";

fn request(row: Row) -> Result<FindingRequest> {
    Ok(FindingRequest {
        id: uuid(&row.id)?,
        road: Named { id: row.road_id, name_zh: row.road_zh, name_en: row.road_en },
        category: Named { id: row.category_code, name_zh: row.category_zh, name_en: row.category_en },
        status: status(&row.status)?,
        section: Named { id: row.section_id, name_zh: row.section_zh, name_en: row.section_en },
        lon: row.lon,
        lat: row.lat,
        along_m: row.along_m,
        received_at: Timestamp(row.received_at),
        deadline: Timestamp(row.deadline_at),
        updated_at: Timestamp(row.updated_at),
    })
}

pub async fn finding_request(conn: &mut Conn, id: &Uuid) -> Result<Option<FindingRequest>> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE f.id = $1")).bind(id.to_string()).fetch_optional(conn).await?;
    row.map(request).transpose()
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
pub async fn finding_requests(conn: &mut Conn, listing: &Listing<'_>) -> Result<Vec<FindingRequest>> {
    let mut sql = format!("{SELECT} WHERE f.received_at >= $1 AND f.received_at <= $2");
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
    let mut query = sqlx::query_as::<_, Row>(&sql).bind(listing.from.millis()).bind(listing.to.millis());
    if let Some(subdistrict) = listing.subdistrict {
        query = query.bind(subdistrict);
    }
    for category in listing.categories {
        query = query.bind(category);
    }
    query.fetch_all(conn).await?.into_iter().map(request).collect()
}
