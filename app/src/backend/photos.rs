//! Photos of findings: declared with the finding, uploaded one by one afterwards, kept as files
//! named by their SHA-256 under the data directory, shown only to who may see the finding.

use super::auth::{new_id, User};
use super::db::Pool;
use super::{findings, BackendError, Result};
use crate::api::error::ErrorCode;
use crate::api::views::PhotoState;
use crate::domain::finding::Party;
use crate::domain::photo::{ImageKind, PhotoHash, MAX_PHOTO_BYTES};
use crate::domain::time::Timestamp;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use uuid::Uuid;

/// The folder photo files live in: `<data dir>/photos/<first two hex digits>/<hash>`.
#[derive(Clone, Debug)]
pub struct PhotoStore {
    dir: PathBuf,
}

impl PhotoStore {
    pub fn new(data_dir: &std::path::Path) -> PhotoStore {
        PhotoStore { dir: data_dir.join("photos") }
    }

    pub fn path(&self, hash: &PhotoHash) -> PathBuf {
        self.dir.join(&hash.as_str()[..2]).join(hash.as_str())
    }

    /// Writes the file whole or not at all: a crash mid-write leaves only a temporary file.
    async fn put(&self, hash: &PhotoHash, bytes: &[u8], now: Timestamp) -> std::io::Result<()> {
        let path = self.path(hash);
        if tokio::fs::try_exists(&path).await? {
            return Ok(());
        }
        let folder = path.parent().expect("photo paths have a folder");
        tokio::fs::create_dir_all(folder).await?;
        let temporary = folder.join(format!("{}.{}.part", hash, new_id(now)));
        tokio::fs::write(&temporary, bytes).await?;
        tokio::fs::rename(&temporary, &path).await
    }
}

pub async fn of_finding(pool: &Pool, id: &Uuid) -> Result<Vec<PhotoState>> {
    let rows: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT sha256, uploaded_at FROM finding_photos WHERE finding_id = $1 ORDER BY position")
            .bind(id.to_string())
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(hash, uploaded)| {
            let hash = PhotoHash::parse(&hash).map_err(|_| BackendError::Corrupt(format!("photo hash {hash}")))?;
            Ok(PhotoState { hash, uploaded: uploaded.is_some() })
        })
        .collect()
}

/// Takes an upload of a photo the finding's chief declared with it. Uploading it again is
/// fine (nothing changes); anything that is not that image is refused before it is stored.
pub async fn upload(
    pool: &Pool,
    store: &PhotoStore,
    user: &User,
    finding_id: &Uuid,
    hash: &PhotoHash,
    bytes: &[u8],
    now: Timestamp,
) -> Result<()> {
    let parties = findings::parties_of(pool, user, finding_id).await?;
    if !parties.contains(&Party::RoadChief) {
        return Err(ErrorCode::Forbidden.into());
    }
    let declared: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT uploaded_at FROM finding_photos WHERE finding_id = $1 AND sha256 = $2")
            .bind(finding_id.to_string())
            .bind(hash.as_str())
            .fetch_optional(pool)
            .await?;
    let Some((uploaded,)) = declared else {
        return Err(ErrorCode::NotFound.into());
    };
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ErrorCode::PhotoTooLarge.into());
    }
    let kind = ImageKind::sniff(bytes).ok_or(ErrorCode::NotAnImage)?;
    let actual: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    if actual != hash.as_str() {
        return Err(ErrorCode::PhotoHashMismatch.into());
    }
    if uploaded.is_some() {
        return Ok(());
    }
    store.put(hash, bytes, now).await.map_err(|e| BackendError::Storage(format!("writing photo {hash}: {e}")))?;
    sqlx::query(
        "UPDATE finding_photos SET content_type = $1, byte_len = $2, uploaded_at = $3 \
         WHERE finding_id = $4 AND sha256 = $5 AND uploaded_at IS NULL",
    )
    .bind(kind.content_type())
    .bind(bytes.len() as i64)
    .bind(now.millis())
    .bind(finding_id.to_string())
    .bind(hash.as_str())
    .execute(pool)
    .await?;
    Ok(())
}

/// The photo's file and type, if `user` may see a finding it belongs to.
pub async fn readable(pool: &Pool, store: &PhotoStore, user: &User, hash: &PhotoHash) -> Result<(PathBuf, ImageKind)> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT finding_id, content_type FROM finding_photos WHERE sha256 = $1 AND uploaded_at IS NOT NULL",
    )
    .bind(hash.as_str())
    .fetch_all(pool)
    .await?;
    let mut refusal = ErrorCode::NotFound;
    for (finding, content_type) in rows {
        let id = Uuid::parse_str(&finding).map_err(|e| BackendError::Corrupt(format!("finding id {finding}: {e}")))?;
        match findings::parties_of(pool, user, &id).await {
            Ok(_) => {
                let kind = content_type
                    .as_deref()
                    .and_then(ImageKind::parse_content_type)
                    .ok_or_else(|| BackendError::Corrupt(format!("photo type of {hash}")))?;
                return Ok((store.path(hash), kind));
            }
            Err(BackendError::Refused(code)) => refusal = code,
            Err(e) => return Err(e),
        }
    }
    Err(refusal.into())
}
