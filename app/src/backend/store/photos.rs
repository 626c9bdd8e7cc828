//! The photos of findings: declared (by hash) with the finding, marked when the file arrives.

use super::{corrupt, uuid, Conn, Tx};
use crate::api::views::PhotoState;
use crate::backend::Result;
use crate::domain::photo::{ImageKind, PhotoHash};
use crate::domain::time::Timestamp;
use uuid::Uuid;

pub async fn declare(tx: &mut Tx, finding_id: &str, photos: &[PhotoHash]) -> Result<()> {
    for (position, photo) in photos.iter().enumerate() {
        sqlx::query("INSERT INTO finding_photos (finding_id, sha256, position) VALUES ($1, $2, $3)")
            .bind(finding_id)
            .bind(photo.as_str())
            .bind(position as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn of_finding(conn: &mut Conn, finding_id: &str) -> Result<Vec<PhotoState>> {
    let rows: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT sha256, uploaded_at, public_at FROM finding_photos WHERE finding_id = $1 ORDER BY position",
    )
    .bind(finding_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(hash, uploaded, public)| {
            let hash = PhotoHash::parse(&hash).map_err(|_| corrupt(format!("photo hash {hash}")))?;
            Ok(PhotoState { hash, uploaded: uploaded.is_some(), public: public.is_some() })
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

/// Whether the finding declared this photo: `None` if not, else whether it has arrived.
pub async fn declared(conn: &mut Conn, finding_id: &str, hash: &PhotoHash) -> Result<Option<bool>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT uploaded_at FROM finding_photos WHERE finding_id = $1 AND sha256 = $2")
            .bind(finding_id)
            .bind(hash.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(uploaded,)| uploaded.is_some()))
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
