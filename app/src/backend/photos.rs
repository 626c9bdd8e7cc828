//! Photos of findings: declared with the finding, uploaded one by one afterwards, kept as
//! objects named by their SHA-256, shown only to who may see the finding (always through the
//! server, which checks that first).
//!
//! Where the files live is one interface with two kinds behind it: a local directory (the
//! default: written, fsynced, then renamed into place) or an S3-compatible bucket (the scale
//! path, through `object_store`).

use super::access::FindingAccess;
use super::store::photos;
use super::{BackendError, Pool, Result, User};
use crate::api::error::ErrorCode;
use crate::domain::evidence::PhotoStage;
use crate::domain::finding::Party;
use crate::domain::photo::{ImageKind, PhotoHash, MAX_PHOTO_BYTES};
use crate::domain::time::Timestamp;
use object_store::ObjectStore;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uuid::Uuid;

/// Where photo files are kept.
#[derive(Clone)]
pub struct PhotoStore {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    /// `<dir>/<first two hex digits>/<hash>`.
    Directory(PathBuf),
    /// `<prefix>/<first two hex digits>/<hash>` in a bucket.
    Bucket { store: Arc<dyn ObjectStore>, prefix: String },
}

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Directory(dir) => write!(f, "PhotoStore(directory {})", dir.display()),
            Kind::Bucket { prefix, .. } => write!(f, "PhotoStore(bucket, prefix {prefix:?})"),
        }
    }
}

/// An S3-compatible bucket: `s3://bucket/prefix`, its endpoint and credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    pub url: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl PhotoStore {
    /// Files under `<data dir>/photos`.
    pub fn directory(data_dir: &Path) -> PhotoStore {
        PhotoStore { kind: Kind::Directory(data_dir.join("photos")) }
    }

    pub fn bucket(bucket: &Bucket) -> std::result::Result<PhotoStore, String> {
        let rest = bucket.url.strip_prefix("s3://").ok_or("the photo bucket must be an s3://bucket/prefix URL")?;
        let (name, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if name.is_empty() {
            return Err("the photo bucket URL names no bucket".into());
        }
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(name)
            .with_region(&bucket.region)
            // Path-style addressing works with every S3-compatible server (MinIO, Ceph, OSS).
            .with_virtual_hosted_style_request(false);
        if let Some(endpoint) = &bucket.endpoint {
            builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        if let (Some(id), Some(secret)) = (&bucket.access_key_id, &bucket.secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret);
        }
        let store = builder.build().map_err(|e| format!("the photo bucket: {e}"))?;
        Ok(PhotoStore { kind: Kind::Bucket { store: Arc::new(store), prefix: prefix.trim_matches('/').to_owned() } })
    }

    fn object_path(prefix: &str, hash: &PhotoHash) -> object_store::path::Path {
        let name = format!("{}/{}", &hash.as_str()[..2], hash.as_str());
        if prefix.is_empty() {
            object_store::path::Path::from(name)
        } else {
            object_store::path::Path::from(format!("{prefix}/{name}"))
        }
    }

    /// Keeps the file for good before returning: a crash leaves it whole or absent.
    pub async fn put(&self, hash: &PhotoHash, bytes: &[u8]) -> std::io::Result<()> {
        match &self.kind {
            Kind::Directory(dir) => put_file(dir, hash, bytes).await,
            Kind::Bucket { store, prefix } => store
                .put(&Self::object_path(prefix, hash), bytes.to_vec().into())
                .await
                .map(|_| ())
                .map_err(std::io::Error::other),
        }
    }

    pub async fn get(&self, hash: &PhotoHash) -> std::io::Result<Vec<u8>> {
        match &self.kind {
            Kind::Directory(dir) => tokio::fs::read(dir.join(&hash.as_str()[..2]).join(hash.as_str())).await,
            Kind::Bucket { store, prefix } => {
                let found = store.get(&Self::object_path(prefix, hash)).await.map_err(std::io::Error::other)?;
                Ok(found.bytes().await.map_err(std::io::Error::other)?.to_vec())
            }
        }
    }
}

/// Write to a temporary file, fsync it, rename it into place, fsync the folder: the name
/// appears only for a complete file, and stays after power loss.
async fn put_file(dir: &Path, hash: &PhotoHash, bytes: &[u8]) -> std::io::Result<()> {
    let folder = dir.join(&hash.as_str()[..2]);
    let path = folder.join(hash.as_str());
    let tag: String = super::auth::random_bytes::<8>().iter().map(|b| format!("{b:02x}")).collect();
    let temporary = folder.join(format!("{hash}.{tag}.part"));
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        std::fs::create_dir_all(&folder)?;
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, &path)?;
        std::fs::File::open(&folder)?.sync_all()
    })
    .await
    .map_err(std::io::Error::other)?
}

/// Takes an upload of a photo declared with the finding (by its chief) or with its resolution
/// (by the section head who resolved it): only who declared it uploads it. Uploading it again
/// is fine (nothing changes); anything that is not that image is refused before it is stored.
pub async fn upload(
    pool: &Pool,
    store: &PhotoStore,
    user: &User,
    finding_id: &Uuid,
    hash: &PhotoHash,
    bytes: &[u8],
    now: Timestamp,
) -> Result<()> {
    let (uploaded, theirs) = {
        let mut conn = pool.read().await?;
        let access = FindingAccess::load(&mut conn, user, finding_id).await?;
        let expected = photos::declared(&mut conn, &access.key(), hash).await?.ok_or(ErrorCode::NotFound)?;
        let theirs = match (&expected.declared_by, expected.stage) {
            (Some(by), _) => by == &user.id,
            (None, PhotoStage::Before) => access.parties.contains(&Party::RoadChief),
            (None, PhotoStage::After) => false,
        };
        (expected.uploaded, theirs)
    };
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ErrorCode::PhotoTooLarge.into());
    }
    let kind = ImageKind::sniff(bytes).ok_or(ErrorCode::NotAnImage)?;
    let actual: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    if actual != hash.as_str() {
        return Err(ErrorCode::PhotoHashMismatch.into());
    }
    // The same bytes again change nothing, whoever of the finding's people sends them; a file
    // not there yet comes only from who declared it.
    if uploaded {
        return Ok(());
    }
    if !theirs {
        return Err(ErrorCode::Forbidden.into());
    }
    // The file first, durably; then the row that says it is there. A crash in between leaves a
    // file nobody points to, and the phone sends it again.
    store.put(hash, bytes).await.map_err(|e| BackendError::Storage(format!("writing photo {hash}: {e}")))?;
    let mut tx = pool.begin_write().await?;
    photos::mark_uploaded(&mut tx, &finding_id.to_string(), hash, kind, bytes.len(), now).await?;
    tx.commit().await?;
    Ok(())
}

/// The photo and its type, if `user` may see a finding it belongs to.
pub async fn readable(pool: &Pool, store: &PhotoStore, user: &User, hash: &PhotoHash) -> Result<(Vec<u8>, ImageKind)> {
    let mut conn = pool.read().await?;
    let mut refusal = ErrorCode::NotFound;
    for (finding, kind) in photos::holders(&mut conn, hash).await? {
        match FindingAccess::load(&mut conn, user, &finding).await {
            Ok(_) => {
                drop(conn);
                let bytes =
                    store.get(hash).await.map_err(|e| BackendError::Storage(format!("reading photo {hash}: {e}")))?;
                return Ok((bytes, kind));
            }
            Err(BackendError::Refused(code)) => refusal = code,
            Err(e) => return Err(e),
        }
    }
    // A resident's photo: seen by the road's chief and the coordinator.
    for (chief, kind) in super::store::reports::photo_holders(&mut conn, hash).await? {
        if user.role == crate::domain::Role::Coordinator || chief == user.id {
            drop(conn);
            let bytes =
                store.get(hash).await.map_err(|e| BackendError::Storage(format!("reading photo {hash}: {e}")))?;
            return Ok((bytes, kind));
        }
        refusal = ErrorCode::Forbidden;
    }
    Err(refusal.into())
}

/// The road's chief (or the coordinator) shows a finding's arrived photo on the road's public
/// board, or hides it again. Only they judge that no one can be recognised in it.
pub async fn publish(
    pool: &Pool,
    user: &User,
    finding_id: &Uuid,
    hash: &PhotoHash,
    public: bool,
    now: Timestamp,
) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    let access = FindingAccess::load_for_update(&mut tx, user, finding_id).await?;
    if !super::finding_page::may_publish(&access) {
        return Err(ErrorCode::Forbidden.into());
    }
    if !photos::set_public(&mut tx, &access.key(), hash, public, now).await? {
        return Err(ErrorCode::NotFound.into());
    }
    tx.commit().await?;
    Ok(())
}

/// A photo some board shows, for anyone; `None` if no board shows it.
pub async fn public(pool: &Pool, store: &PhotoStore, hash: &PhotoHash) -> Result<Option<(Vec<u8>, ImageKind)>> {
    let kind = {
        let mut conn = pool.read().await?;
        photos::public_kind(&mut conn, hash).await?
    };
    let Some(kind) = kind else { return Ok(None) };
    let bytes = store.get(hash).await.map_err(|e| BackendError::Storage(format!("reading photo {hash}: {e}")))?;
    Ok(Some((bytes, kind)))
}
