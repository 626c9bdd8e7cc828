//! Photo files: `PUT /api/v1/findings/{id}/photos/{sha256}` (the raw image as the body) and
//! `GET /api/v1/photos/{sha256}`. See `app::backend::photos`.

use super::{ApiFailure, SignedIn};
use app::api::error::ErrorCode;
use app::backend::{photos, AppState};
use app::domain::photo::{PhotoHash, MAX_PHOTO_BYTES};
use axum::body::{to_bytes, Body};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

pub async fn upload(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((finding_id, hash)): Path<(String, String)>,
    body: Body,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let refuse = |code| ApiFailure::new(code, lang);
    let finding_id = Uuid::parse_str(&finding_id).map_err(|_| refuse(ErrorCode::NotFound))?;
    let hash = PhotoHash::parse(&hash).map_err(|_| refuse(ErrorCode::NotFound))?;
    // Read one byte past the limit so that "too large" is told apart from "exactly 10 MB".
    let bytes = to_bytes(body, MAX_PHOTO_BYTES + 1).await.map_err(|_| refuse(ErrorCode::PhotoTooLarge))?;
    let now = state.clock.now();
    photos::upload(&state.pool, &state.settings.photos, &signed_in.user, &finding_id, &hash, &bytes, now)
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(hash): Path<String>,
) -> Result<Response, ApiFailure> {
    let lang = signed_in.lang;
    let hash = PhotoHash::parse(&hash).map_err(|_| ApiFailure::new(ErrorCode::NotFound, lang))?;
    let (bytes, kind) = photos::readable(&state.pool, &state.settings.photos, &signed_in.user, &hash)
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    // The type the bytes were sniffed as when they arrived, never what the uploader said; and
    // should a browser still try to read the file as something else, nothing in it may run.
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    Ok(response)
}
