//! The phone's storage and its tabs (`phone.js`): the outbox and receipts in IndexedDB, photo
//! files, the one-tab-syncs-at-a-time lock, word between tabs, and a sign-out that waits for
//! the network. In the browser only; rendered on the server these do nothing.

use super::outbox::{Change, Entry};
use crate::api::error::{ApiError, ErrorCode};

#[cfg(feature = "hydrate")]
pub(super) mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/offline/phone.js")]
    extern "C" {
        #[wasm_bindgen(catch, js_name = outboxEntries)]
        pub async fn outbox_entries(user: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = outboxChange)]
        pub async fn outbox_change(user: &str, change: JsValue) -> JsValue;
        #[wasm_bindgen(catch)]
        pub async fn receipts(user: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = sweepPhotos)]
        pub async fn sweep_photos();
        #[wasm_bindgen(catch, js_name = storePhoto)]
        pub async fn store_photo(file: web_sys::File, max_side: u32) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = photoUrl)]
        pub async fn photo_url(hash: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = uploadPhoto)]
        pub async fn upload_photo(finding_id: &str, hash: &str) -> JsValue;
        #[wasm_bindgen(js_name = persistStorage)]
        pub async fn persist_storage() -> JsValue;
        #[wasm_bindgen(js_name = storageNearlyFull)]
        pub async fn storage_nearly_full() -> JsValue;
        #[wasm_bindgen(catch)]
        pub async fn exclusively(name: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = nextTurn)]
        pub async fn next_turn() -> Result<JsValue, JsValue>;
        pub fn announce(what: &str);
        pub fn listen(heard: &js_sys::Function);
        #[wasm_bindgen(js_name = markSignOutPending)]
        pub async fn mark_sign_out_pending();
        #[wasm_bindgen(js_name = signOutPending)]
        pub async fn sign_out_pending() -> JsValue;
        #[wasm_bindgen(js_name = clearSignOutPending)]
        pub async fn clear_sign_out_pending();
    }
}

/// The storage refused a write: full, or unavailable (private mode, disabled).
pub fn refusal(name: &str) -> ApiError {
    ApiError::from(if name == "QuotaExceededError" { ErrorCode::StorageFull } else { ErrorCode::Internal })
}

/// This user's stored outbox entries, oldest first.
pub async fn entries(user: &str) -> Result<Vec<Entry>, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let list = js::outbox_entries(user).await.map_err(|_| ApiError::from(ErrorCode::Internal))?;
        let text = js_sys::JSON::stringify(&list).ok().and_then(|t| t.as_string()).unwrap_or_default();
        serde_json::from_str(&text).map_err(|_| ErrorCode::Internal.into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = user;
        Ok(Vec::new())
    }
}

/// Writes one change to this user's outbox, all or nothing.
pub async fn change(user: &str, change: &Change) -> Result<(), ApiError> {
    if change.is_empty() {
        return Ok(());
    }
    #[cfg(feature = "hydrate")]
    {
        let text = serde_json::to_string(change).expect("changes serialize");
        let value = js_sys::JSON::parse(&text).map_err(|_| ApiError::from(ErrorCode::Internal))?;
        match js::outbox_change(user, value).await.as_string().unwrap_or_default().as_str() {
            "" => Ok(()),
            name => Err(refusal(name)),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = user;
        Err(ErrorCode::Internal.into())
    }
}

/// This user's stored receipts, oldest first.
pub async fn receipts(user: &str) -> Vec<Entry> {
    #[cfg(feature = "hydrate")]
    {
        let Ok(list) = js::receipts(user).await else { return Vec::new() };
        let text = js_sys::JSON::stringify(&list).ok().and_then(|t| t.as_string()).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = user;
        Vec::new()
    }
}

/// Removes photo files nothing refers to any more (a form left without saving).
pub async fn sweep_photos() {
    #[cfg(feature = "hydrate")]
    js::sweep_photos().await;
}

/// A lock or turn held until dropped (then released in the browser).
pub struct Held {
    #[cfg(feature = "hydrate")]
    release: Option<js_sys::Function>,
}

impl Drop for Held {
    fn drop(&mut self) {
        #[cfg(feature = "hydrate")]
        if let Some(release) = self.release.take() {
            let _ = release.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    }
}

#[cfg(feature = "hydrate")]
fn held(answer: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>) -> Option<Held> {
    use wasm_bindgen::JsCast;
    let release = answer.ok()?.dyn_into::<js_sys::Function>().ok()?;
    Some(Held { release: Some(release) })
}

/// The lock of this name, unless another tab of the app holds it.
pub async fn exclusively(name: &str) -> Option<Held> {
    #[cfg(feature = "hydrate")]
    {
        held(js::exclusively(name).await)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// This tab's next turn: the turns asked for before it have ended.
pub async fn next_turn() -> Held {
    #[cfg(feature = "hydrate")]
    {
        held(js::next_turn().await).unwrap_or(Held { release: None })
    }
    #[cfg(not(feature = "hydrate"))]
    Held {}
}

/// What one tab tells the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    /// The outbox changed: read it again.
    Outbox,
    /// A sync brought news: the phone's copy changed.
    Replica,
    /// The user signed out.
    SignedOut,
}

impl Word {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn text(self) -> &'static str {
        match self {
            Word::Outbox => "outbox",
            Word::Replica => "replica",
            Word::SignedOut => "signed-out",
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn parse(text: &str) -> Option<Word> {
        [Word::Outbox, Word::Replica, Word::SignedOut].into_iter().find(|w| w.text() == text)
    }
}

pub fn announce(word: Word) {
    #[cfg(feature = "hydrate")]
    js::announce(word.text());
    #[cfg(not(feature = "hydrate"))]
    let _ = word;
}

/// Calls `heard` for every word of another tab, as long as the page lives.
pub fn listen(heard: impl Fn(Word) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        let callback = Closure::<dyn Fn(String)>::new(move |text: String| {
            if let Some(word) = Word::parse(&text) {
                heard(word)
            }
        });
        js::listen(callback.as_ref().unchecked_ref());
        callback.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = heard;
}

pub async fn mark_sign_out_pending() {
    #[cfg(feature = "hydrate")]
    js::mark_sign_out_pending().await;
}

pub async fn sign_out_pending() -> bool {
    #[cfg(feature = "hydrate")]
    {
        js::sign_out_pending().await.is_truthy()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

pub async fn clear_sign_out_pending() {
    #[cfg(feature = "hydrate")]
    js::clear_sign_out_pending().await;
}
