//! The photos of findings: declared (by hash) with the finding, marked when the file arrives.

use super::{corrupt, uuid, Conn, Tx};
use crate::api::views::PhotoState;
use crate::backend::Result;
use crate::domain::evidence::{ClockSkew, PhotoStage, PhotoTaken};
use crate::domain::geometry::GeoPoint;
use crate::domain::photo::{ImageKind, PhotoHash};
use crate::domain::time::Timestamp;
use uuid::Uuid;

/// Photos declared together (with a finding, or with its resolution), as checked.
pub struct Declared<'a> {
    pub finding_id: &'a str,
    pub photos: &'a [PhotoHash],
    pub taken: &'a [PhotoTaken],
    pub stage: PhotoStage,
    pub declared_by: &'a str,
    pub clock_skew: Option<ClockSkew>,
}

pub async fn declare(tx: &mut Tx, d: Declared<'_>) -> Result<()> {
    // After the finding's own photos, in the order given.
    let (first,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(position) + 1, 0) FROM finding_photos WHERE finding_id = $1")
            .bind(d.finding_id)
            .fetch_one(&mut **tx)
            .await?;
    for (i, photo) in d.photos.iter().enumerate() {
        let taken = d.taken.iter().find(|t| &t.hash == photo);
        sqlx::query(
            "INSERT INTO finding_photos (finding_id, sha256, position, stage, taken_at, taken_lon, taken_lat, \
             clock_skew_ms, declared_by_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(d.finding_id)
        .bind(photo.as_str())
        .bind(first + i as i64)
        .bind(d.stage.as_str())
        .bind(taken.map(|t| t.at.millis()))
        .bind(taken.and_then(|t| t.place).map(|p| p.lon))
        .bind(taken.and_then(|t| t.place).map(|p| p.lat))
        .bind(d.clock_skew.map(|s| s.0))
        .bind(d.declared_by)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The hashes of a finding's photos of one stage.
pub async fn hashes(conn: &mut Conn, finding_id: &str, stage: PhotoStage) -> Result<Vec<PhotoHash>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT sha256 FROM finding_photos WHERE finding_id = $1 AND stage = $2 ORDER BY position")
            .bind(finding_id)
            .bind(stage.as_str())
            .fetch_all(conn)
            .await?;
    rows.into_iter().map(|(h,)| PhotoHash::parse(&h).map_err(|_| corrupt(format!("photo hash {h}")))).collect()
}

#[derive(sqlx::FromRow)]
struct PhotoRow {
    sha256: String,
    uploaded_at: Option<i64>,
    public_at: Option<i64>,
    stage: String,
    taken_at: Option<i64>,
    taken_lon: Option<f64>,
    taken_lat: Option<f64>,
    clock_skew_ms: Option<i64>,
}

pub async fn of_finding(conn: &mut Conn, finding_id: &str) -> Result<Vec<PhotoState>> {
    let rows: Vec<PhotoRow> = sqlx::query_as(
        "SELECT sha256, uploaded_at, public_at, stage, taken_at, taken_lon, taken_lat, clock_skew_ms \
         FROM finding_photos WHERE finding_id = $1 ORDER BY position",
    )
    .bind(finding_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let hash = PhotoHash::parse(&r.sha256).map_err(|_| corrupt(format!("photo hash {}", r.sha256)))?;
            let stage = PhotoStage::parse(&r.stage).ok_or_else(|| corrupt(format!("photo stage {}", r.stage)))?;
            let taken_place = match (r.taken_lon, r.taken_lat) {
                (Some(lon), Some(lat)) => GeoPoint::parse(lon, lat).ok(),
                _ => None,
            };
            Ok(PhotoState {
                hash,
                uploaded: r.uploaded_at.is_some(),
                public: r.public_at.is_some(),
                stage,
                taken_at: r.taken_at.map(Timestamp),
                taken_place,
                received_at: r.uploaded_at.map(Timestamp),
                clock_skew: r.clock_skew_ms.map(ClockSkew),
            })
        })
        .collect()
}

/// Shows an arrived photo of a finding on the public board, or hides it again; `false` if the
/// finding has no such photo yet (nothing changes then).
pub async fn set_public(tx: &mut Tx, finding_id: &str, hash: &PhotoHash, public: bool, now: Timestamp) -> Result<bool> {
    let written = sqlx::query(
        "UPDATE finding_photos SET public_at = $1 WHERE finding_id = $2 AND sha256 = $3 AND uploaded_at IS NOT NULL",
    )
    .bind(public.then_some(now.millis()))
    .bind(finding_id)
    .bind(hash.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// The photos shown on `road_id`'s board, by finding, in order.
pub async fn public_of_road(conn: &mut Conn, road_id: &str) -> Result<std::collections::HashMap<Uuid, Vec<PhotoHash>>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.finding_id, p.sha256 FROM finding_photos p JOIN findings f ON f.id = p.finding_id \
         WHERE f.road_id = $1 AND p.public_at IS NOT NULL ORDER BY p.finding_id, p.position",
    )
    .bind(road_id)
    .fetch_all(conn)
    .await?;
    let mut shown = std::collections::HashMap::<Uuid, Vec<PhotoHash>>::new();
    for (finding, hash) in rows {
        let hash = PhotoHash::parse(&hash).map_err(|_| corrupt(format!("photo hash {hash}")))?;
        shown.entry(uuid(&finding)?).or_default().push(hash);
    }
    Ok(shown)
}

/// The type of a photo shown on some board, if one shows it.
pub async fn public_kind(conn: &mut Conn, hash: &PhotoHash) -> Result<Option<ImageKind>> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT content_type FROM finding_photos WHERE sha256 = $1 AND public_at IS NOT NULL AND uploaded_at IS NOT NULL",
    )
    .bind(hash.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(kind,)| kind.as_deref().and_then(ImageKind::parse_content_type)))
}

/// A declared photo as its upload needs it.
pub struct Expected {
    pub uploaded: bool,
    pub stage: PhotoStage,
    /// `None` for photos declared before this was kept (the road's chief's).
    pub declared_by: Option<String>,
}

/// The finding's declared photo of this hash, if it has one.
pub async fn declared(conn: &mut Conn, finding_id: &str, hash: &PhotoHash) -> Result<Option<Expected>> {
    let row: Option<(Option<i64>, String, Option<String>)> = sqlx::query_as(
        "SELECT uploaded_at, stage, declared_by_user_id FROM finding_photos WHERE finding_id = $1 AND sha256 = $2",
    )
    .bind(finding_id)
    .bind(hash.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|(uploaded, stage, declared_by)| {
        let stage = PhotoStage::parse(&stage).ok_or_else(|| corrupt(format!("photo stage {stage}")))?;
        Ok(Expected { uploaded: uploaded.is_some(), stage, declared_by })
    })
    .transpose()
}

pub async fn mark_uploaded(
    tx: &mut Tx,
    finding_id: &str,
    hash: &PhotoHash,
    kind: ImageKind,
    bytes: usize,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE finding_photos SET content_type = $1, byte_len = $2, uploaded_at = $3 \
         WHERE finding_id = $4 AND sha256 = $5 AND uploaded_at IS NULL",
    )
    .bind(kind.content_type())
    .bind(bytes as i64)
    .bind(now.millis())
    .bind(finding_id)
    .bind(hash.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The findings an uploaded photo belongs to, with its type.
pub async fn holders(conn: &mut Conn, hash: &PhotoHash) -> Result<Vec<(Uuid, ImageKind)>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT finding_id, content_type FROM finding_photos WHERE sha256 = $1 AND uploaded_at IS NOT NULL",
    )
    .bind(hash.as_str())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(finding, content_type)| {
            let kind = content_type
                .as_deref()
                .and_then(ImageKind::parse_content_type)
                .ok_or_else(|| corrupt(format!("photo type of {hash}")))?;
            Ok((uuid(&finding)?, kind))
        })
        .collect()
}
