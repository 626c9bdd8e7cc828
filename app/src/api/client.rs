//! The browser's side of the JSON API: sign in and out, sync the outbox, the coordinator's
//! channel settings. On the server these
//! are never called (they run from event handlers), so there they only refuse.

use super::error::{ApiError, ErrorCode};
use super::operations::{SignIn, SESSION_PATH};
use super::sync::{SyncAnswer, SYNC_PATH};
use super::views::Me;
use crate::offline::outbox::Outgoing;
use uuid::Uuid;

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::api::error::ErrorBody;
    use gloo_net::http::{Request, Response};
    use serde::de::DeserializeOwned;

    pub async fn read<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
        let response = response.map_err(|_| ApiError::from(ErrorCode::Network))?;
        if response.status() == 204 {
            // No content: only callers that ignore the answer expect it.
            return serde_json::from_str::<T>("null").map_err(|_| ErrorCode::Internal.into());
        }
        if response.ok() {
            return response.json::<T>().await.map_err(|_| ErrorCode::Internal.into());
        }
        match response.json::<ErrorBody>().await {
            Ok(body) => Err(body.error),
            Err(_) => Err(match response.status() {
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                429 => ErrorCode::TooManyAttempts,
                502..=504 => ErrorCode::Network,
                _ => ErrorCode::Internal,
            }
            .into()),
        }
    }

    pub async fn post<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
        let request = Request::post(path)
            .header("Accept", "application/json")
            .json(body)
            .map_err(|_| ApiError::from(ErrorCode::Internal))?;
        read(request.send().await).await
    }

    pub fn random_bytes() -> [u8; 10] {
        let mut bytes = [0u8; 10];
        let crypto = web_sys::window().and_then(|w| w.crypto().ok());
        match crypto {
            Some(c) if c.get_random_values_with_u8_array(&mut bytes).is_ok() => bytes,
            _ => bytes.map(|_| (js_sys::Math::random() * 256.0) as u8),
        }
    }
}

/// A new id for something made on this device (UUID v7).
pub fn new_id() -> Uuid {
    #[cfg(feature = "hydrate")]
    {
        crate::domain::ids::uuid_v7(js_sys::Date::now() as u64, browser::random_bytes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Uuid::nil()
    }
}

pub async fn sign_in(username: String, password: String) -> Result<Me, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        browser::post(SESSION_PATH, &SignIn { username, password }).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (SignIn { username, password }, SESSION_PATH);
        Err(ErrorCode::Network.into())
    }
}

pub async fn sign_out() -> Result<(), ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let response = gloo_net::http::Request::delete(SESSION_PATH).send().await;
        match response {
            Ok(r) if r.ok() => Ok(()),
            // No session (ended already, or expired): nothing left to end.
            Ok(r) if r.status() == 401 => Err(ErrorCode::Unauthorized.into()),
            Ok(_) => Err(ErrorCode::Internal.into()),
            Err(_) => Err(ErrorCode::Network.into()),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(ErrorCode::Network.into())
    }
}

/// The body of a sync request (`SyncRequest` on the wire) from the outbox's operations as
/// they were made.
pub fn sync_body(ops: &[Outgoing<'_>], cursor: Option<&str>) -> String {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        ops: &'a [Outgoing<'a>],
        cursor: Option<&'a str>,
    }
    serde_json::to_string(&Body { ops, cursor }).expect("sync requests serialize")
}

/// How long one sync request may take before it is given up (and tried again later).
#[cfg(feature = "hydrate")]
const SYNC_TIMEOUT_MS: u32 = 60_000;

/// One sync exchange: pushes operations, pulls what changed since the cursor.
pub async fn sync(body: String) -> Result<SyncAnswer, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        // A request that hangs (a dead connection) must not hold the sync, and its lock, forever.
        // `AbortSignal.timeout` is missing from older browsers (Safari before 16): no limit there.
        let has_timeout = js_sys::Reflect::get(&js_sys::global(), &"AbortSignal".into())
            .ok()
            .and_then(|signal| js_sys::Reflect::has(&signal, &"timeout".into()).ok())
            .unwrap_or(false);
        let timeout = has_timeout.then(|| web_sys::AbortSignal::timeout_with_u32(SYNC_TIMEOUT_MS));
        let request = gloo_net::http::Request::post(SYNC_PATH)
            .abort_signal(timeout.as_ref())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .body(body)
            .map_err(|_| ApiError::from(ErrorCode::Internal))?;
        browser::read(request.send().await).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (body, SYNC_PATH);
        Err(ErrorCode::Network.into())
    }
}

/// Sends a coordinator's or section head's setting or decision (`PUT`/`POST` with a JSON
/// body) and waits for the server's yes or its refusal; the answer's content is not needed.
pub async fn send<B: serde::Serialize>(method: &str, path: &str, body: Option<&B>) -> Result<(), ApiError> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_net::http::RequestBuilder;
        let builder = RequestBuilder::new(path).method(match method {
            "PUT" => gloo_net::http::Method::PUT,
            _ => gloo_net::http::Method::POST,
        });
        let request = match body {
            Some(b) => builder.json(b).map_err(|_| ApiError::from(ErrorCode::Internal))?,
            None => builder.build().map_err(|_| ApiError::from(ErrorCode::Internal))?,
        };
        browser::read::<serde::de::IgnoredAny>(request.send().await).await.map(|_| ())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, path, body);
        Err(ErrorCode::Network.into())
    }
}

/// Loads a new page in full (after signing in or out, so every screen starts fresh).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
