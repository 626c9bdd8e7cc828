//! The phone's photo store (`phone.js`): downsizing, IndexedDB, uploads. In the browser only;
//! rendered on the server these refuse.

use crate::domain::photo::PhotoHash;
#[cfg(feature = "hydrate")]
use crate::domain::photo::MAX_PHOTO_SIDE_PX;
use uuid::Uuid;

#[cfg(feature = "hydrate")]
use super::phone::js;

/// A photo picked or taken on the phone, downsized and stored; its hash, or why not: the
/// phone's storage is full (`StorageFull`), or the file is not an image the browser can read.
#[cfg(feature = "hydrate")]
pub async fn store(file: web_sys::File) -> Result<PhotoHash, crate::api::error::ApiError> {
    use crate::api::error::ErrorCode;
    match js::store_photo(file, MAX_PHOTO_SIDE_PX).await {
        Ok(hash) => hash.as_string().and_then(|h| PhotoHash::parse(&h).ok()).ok_or(ErrorCode::NotAnImage.into()),
        Err(name) => Err(match name.as_string() {
            Some(name) => super::phone::refusal(&name),
            None => ErrorCode::NotAnImage.into(),
        }),
    }
}

/// A URL to show a stored photo with.
pub async fn url(hash: &PhotoHash) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        js::photo_url(hash.as_str()).await.ok()?.as_string().filter(|u| !u.is_empty())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = hash;
        None
    }
}

/// What became of one upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upload {
    Done,
    /// No connection (or the server is down): try again later.
    Offline,
    /// The server refused it (HTTP status); retrying will not help.
    Refused(u16),
    /// The phone no longer has the file.
    Lost,
}

pub async fn upload(finding_id: Uuid, hash: &PhotoHash) -> Upload {
    #[cfg(feature = "hydrate")]
    {
        let status = js::upload_photo(&finding_id.to_string(), hash.as_str()).await.as_f64().unwrap_or(0.0) as i32;
        match status {
            200..=299 => Upload::Done,
            -1 => Upload::Lost,
            0 | 502..=504 => Upload::Offline,
            s => Upload::Refused(s as u16),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (finding_id, hash);
        Upload::Offline
    }
}

/// Asks the browser to keep this site's storage (records must never vanish under pressure);
/// whether it does.
pub async fn persist_storage() -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::persist_storage().await.as_bool().unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

pub async fn storage_nearly_full() -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::storage_nearly_full().await.as_bool().unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    false
}
