//! What the patrol screen asks of the phone: positions as they come, the screen kept on, and a
//! QR code read from a photo. Each is optional in some browser; each says so instead of failing.
//! Rendered on the server these do nothing.

use crate::domain::geometry::GeoPoint;
use crate::domain::time::Timestamp;

/// A position as the phone reports it, before the patrol decides to keep it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sighting {
    pub at: Timestamp,
    pub point: GeoPoint,
    pub accuracy_m: f64,
}

#[cfg(feature = "hydrate")]
type Callback = wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue)>;

/// The phone following the position; dropping it stops that. Browser only.
#[cfg(feature = "hydrate")]
pub struct Watch {
    id: i32,
    _callbacks: (Callback, Callback),
}

#[cfg(feature = "hydrate")]
impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) {
            geolocation.clear_watch(self.id);
        }
    }
}

/// Follows the phone's position (high accuracy, no cached positions): `seen` gets each one,
/// `lost` is told when the browser has no geolocation or the user refused it.
#[cfg(feature = "hydrate")]
pub fn watch_position(seen: impl Fn(Sighting) + 'static, lost: impl Fn() + 'static) -> Option<Watch> {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        lost();
        return None;
    };
    let success = Closure::<dyn FnMut(JsValue)>::new(move |position: JsValue| {
        let position = position.unchecked_into::<web_sys::Position>();
        let coords = position.coords();
        if let Ok(point) = GeoPoint::parse(coords.longitude(), coords.latitude()) {
            seen(Sighting { at: Timestamp(position.timestamp() as i64), point, accuracy_m: coords.accuracy() });
        }
    });
    let failure = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| lost());
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_maximum_age(0);
    let id = geolocation
        .watch_position_with_error_callback_and_options(
            success.as_ref().unchecked_ref(),
            Some(failure.as_ref().unchecked_ref()),
            &options,
        )
        .ok()?;
    Some(Watch { id, _callbacks: (success, failure) })
}

/// Asks to keep the screen on (Screen Wake Lock). False where the browser has no such thing or
/// refused (a page in the background, a battery saver). The browser lets the lock go when the
/// page is hidden, so the patrol screen asks again when it is shown.
pub async fn keep_screen_on() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else { return false };
        let Ok(wake_lock) = js_sys::Reflect::get(&window.navigator(), &"wakeLock".into()) else { return false };
        if wake_lock.is_undefined() || wake_lock.is_null() {
            return false;
        }
        let Ok(request) =
            js_sys::Reflect::get(&wake_lock, &"request".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
        else {
            return false;
        };
        let Ok(promise) = request.call1(&wake_lock, &"screen".into()).and_then(|p| p.dyn_into::<js_sys::Promise>())
        else {
            return false;
        };
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The page is on screen (not a background tab, not a locked phone).
pub fn page_visible() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| js_sys::Reflect::get(&d, &"visibilityState".into()).ok())
            .and_then(|v| v.as_string())
            .is_none_or(|state| state == "visible")
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// The browser can read a QR code from a picture (`BarcodeDetector`, Chrome on Android).
pub fn can_read_qr() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"BarcodeDetector".into()).ok())
            .is_some_and(|c| c.is_function())
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The text of the first QR code in a photo; none when there is none or the browser cannot
/// read one. Works with no network: the detector is the phone's own.
#[cfg(feature = "hydrate")]
pub async fn read_qr(file: web_sys::File) -> Option<String> {
    {
        use js_sys::{Array, Function, Object, Promise, Reflect};
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;

        let window = web_sys::window()?;
        let constructor = Reflect::get(&window, &"BarcodeDetector".into()).ok()?.dyn_into::<Function>().ok()?;
        let options = Object::new();
        Reflect::set(&options, &"formats".into(), &Array::of1(&"qr_code".into())).ok()?;
        let detector = Reflect::construct(&constructor, &Array::of1(&options)).ok()?;
        let bitmap_of = Reflect::get(&window, &"createImageBitmap".into()).ok()?.dyn_into::<Function>().ok()?;
        let bitmap = JsFuture::from(bitmap_of.call1(&window, &file).ok()?.dyn_into::<Promise>().ok()?).await.ok()?;
        let detect = Reflect::get(&detector, &"detect".into()).ok()?.dyn_into::<Function>().ok()?;
        let found = JsFuture::from(detect.call1(&detector, &bitmap).ok()?.dyn_into::<Promise>().ok()?).await.ok()?;
        let first = found.dyn_into::<Array>().ok()?.get(0);
        Reflect::get(&first, &"rawValue".into()).ok()?.as_string()
    }
}
