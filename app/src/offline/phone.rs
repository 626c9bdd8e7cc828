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
        pub async fn exclusively(name: &str, work: &js_sys::Function) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch, js_name = inTurn)]
        pub async fn in_turn(work: &js_sys::Function) -> Result<JsValue, JsValue>;
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

/// This user's stored receipts (JSON texts), oldest first.
pub async fn receipts(user: &str) -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        let Ok(list) = js::receipts(user).await else { return Vec::new() };
        js_sys::Array::from(&list).iter().filter_map(|t| t.as_string()).collect()
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

/// Runs `work` unless another tab of the app runs work of this name; whether it ran.
pub async fn exclusively<F>(name: &str, work: F) -> bool
where
    F: std::future::Future<Output = ()> + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        let mut work = Some(work);
        let start = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
            let work = work.take();
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(work) = work {
                    work.await;
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        let ran = js::exclusively(name, start.as_ref().unchecked_ref()).await;
        ran.map(|v| v.is_truthy()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, work);
        false
    }
}

/// Runs `work` once the work this tab handed in before has finished, and gives its result.
pub async fn in_turn<T, F>(work: F) -> T
where
    T: 'static,
    F: std::future::Future<Output = T> + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        use std::cell::RefCell;
        use std::rc::Rc;
        use wasm_bindgen::prelude::*;
        let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
        let slot = result.clone();
        let mut work = Some(work);
        let start = Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
            let work = work.take();
            let slot = slot.clone();
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(work) = work {
                    *slot.borrow_mut() = Some(work.await);
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        let _ = js::in_turn(start.as_ref().unchecked_ref()).await;
        let taken = result.borrow_mut().take();
        taken.expect("the work ran in its turn")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        work.await
    }
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
