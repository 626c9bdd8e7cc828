//! What the phone itself provides: its clock, its storage, its position. Every function here
//! does its work only in the browser; rendered on the server they are inert.

pub mod hydration;
pub mod patrol;

use crate::domain::geometry::GeoPoint;
use crate::domain::time::Timestamp;
use serde::{de::DeserializeOwned, Serialize};

/// Now, by the device's clock.
pub fn now() -> Timestamp {
    #[cfg(feature = "hydrate")]
    {
        Timestamp(js_sys::Date::now() as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }
}

/// Reads a record kept on the device (localStorage survives reloads and browser restarts).
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::get(key).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Keeps a record on the device. Returns false if the browser refused (storage full or
/// disabled), so the screen can say so instead of pretending it was saved.
pub fn save<T: Serialize>(key: &str, value: &T) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::set(key, value).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (key, value);
        true
    }
}

/// The browser believes it has a network connection (`navigator.onLine`).
pub fn network_up() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// A stored text as it is, unparsed.
pub fn load_text(key: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::raw().get_item(key).ok().flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// The stored keys that start with `prefix`.
pub fn keys_with_prefix(prefix: &str) -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        let storage = gloo_storage::LocalStorage::raw();
        let count = storage.length().unwrap_or(0);
        (0..count).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = prefix;
        Vec::new()
    }
}

pub fn forget(key: &str) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::delete(key);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Brings the element with this id into view once the screen has been drawn.
pub fn scroll_to(id: String) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(move || {
        if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id)) {
            element.scroll_into_view();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Asks the user a yes/no question the browser's way; `true` on the server.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PositionError {
    /// The browser has no geolocation, or the user said no.
    Unavailable,
}

/// Asks the browser once where the phone is; `done` gets the answer (also on refusal).
pub fn locate(done: impl FnOnce(Result<GeoPoint, PositionError>) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::RefCell;
        use std::rc::Rc;
        use wasm_bindgen::prelude::*;
        use wasm_bindgen::JsCast;

        // Success and failure callbacks share the one `done`; whichever comes first takes it.
        type Done = Box<dyn FnOnce(Result<GeoPoint, PositionError>)>;
        let done: Rc<RefCell<Option<Done>>> = Rc::new(RefCell::new(Some(Box::new(done))));
        let finish = move |result| {
            if let Some(f) = done.borrow_mut().take() {
                f(result)
            }
        };
        let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            finish(Err(PositionError::Unavailable));
            return;
        };
        let on_error = finish.clone();
        let success = Closure::once(move |position: JsValue| {
            let coords = position.unchecked_into::<web_sys::Position>().coords();
            finish(GeoPoint::parse(coords.longitude(), coords.latitude()).map_err(|_| PositionError::Unavailable));
        });
        let failure = Closure::once(move |_: JsValue| on_error(Err(PositionError::Unavailable)));
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(15_000);
        options.set_maximum_age(60_000);
        let asked = geolocation.get_current_position_with_error_callback_and_options(
            success.as_ref().unchecked_ref(),
            Some(failure.as_ref().unchecked_ref()),
            &options,
        );
        // The browser calls back once, later; the closures must outlive this function.
        success.forget();
        failure.forget();
        if asked.is_err() {
            web_sys::console::warn_1(&"geolocation request failed".into());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    done(Err(PositionError::Unavailable))
}
