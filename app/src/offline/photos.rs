//! The phone's photo store (`photos.js`): downsizing, IndexedDB, uploads. In the browser only;
//! rendered on the server these refuse.

use crate::domain::photo::PhotoHash;
#[cfg(feature = "hydrate")]
use crate::domain::photo::MAX_PHOTO_SIDE_PX;
use uuid::Uuid;

#[cfg(feature = "hydrate")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/offline/photos.js")]
    extern "C" {
        #[wasm_bindgen(catch, js_name = storePhoto)]
        pub async fn store_photo(file: web_sys::File, max_side: u32) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = photoUrl)]
        pub async fn photo_url(hash: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = uploadPhoto)]
        pub async fn upload_photo(finding_id: &str, hash: &str) -> JsValue;
        #[wasm_bindgen(catch, js_name = forgetPhoto)]
        pub async fn forget_photo(hash: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = persistStorage)]
        pub async fn persist_storage() -> JsValue;
        #[wasm_bindgen(js_name = storageNearlyFull)]
        pub async fn storage_nearly_full() -> JsValue;
    }
}

/// A photo picked or taken on the phone, downsized and stored; its hash, or `None` if the file
/// is not an image the browser can read.
#[cfg(feature = "hydrate")]
pub async fn store(file: web_sys::File) -> Option<PhotoHash> {
    let hash = js::store_photo(file, MAX_PHOTO_SIDE_PX).await.ok()?.as_string()?;
    PhotoHash::parse(&hash).ok()
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

pub async fn forget(hash: &PhotoHash) {
    #[cfg(feature = "hydrate")]
    let _ = js::forget_photo(hash.as_str()).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = hash;
}

/// Asks the browser to keep this site's storage (records must never vanish under pressure).
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
