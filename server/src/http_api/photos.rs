//! Photo files: `PUT /api/v1/findings/{id}/photos/{sha256}` (the raw image as the body) and
//! `GET /api/v1/photos/{sha256}`. See `app::backend::photos`.

use super::doc::Refusals;
use super::extract::{JsonBody, PathParams};
use super::extract::{PhotoTaker, RoadKeeper};
use super::{ApiFailure, SignedIn};
use app::api::error::ErrorCode;
use app::api::reports::PhotoOnBoard;
use app::backend::{photos, AppState};
use app::domain::photo::{PhotoHash, MAX_PHOTO_BYTES};
use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// Uploads a photo declared with a finding (by its chief) or with its resolution (by the section
/// head who resolved it): the raw JPEG, PNG or WebP as the body, named by the SHA-256 of its
/// bytes. Only who declared it uploads it. Again with the same bytes changes nothing.
#[utoipa::path(
    put,
    path = "/findings/{finding_id}/photos/{hash}",
    tag = "photos",
    params(
        ("finding_id" = String, Path, description = "The finding's id (a UUID)"),
        ("hash" = String, Path, description = "SHA-256 of the file, 64 lowercase hex digits"),
    ),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"))),
    responses((status = 204, description = "Stored"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "section_head"])))
)]
pub async fn upload(
    State(state): State<AppState>,
    PhotoTaker(signed_in): PhotoTaker,
    PathParams((finding_id, hash)): PathParams<(String, String)>,
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

/// Shows a finding's photo on the road's public board, or takes it off: the road's chief (or
/// the coordinator) judges that no one can be recognised in it.
#[utoipa::path(
    put,
    path = "/findings/{finding_id}/photos/{hash}/board",
    tag = "photos",
    params(
        ("finding_id" = String, Path, description = "The finding's id (a UUID)"),
        ("hash" = String, Path, description = "SHA-256 of the file, 64 lowercase hex digits"),
    ),
    request_body = PhotoOnBoard,
    responses((status = 204, description = "Saved"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn on_board(
    State(state): State<AppState>,
    RoadKeeper(signed_in): RoadKeeper,
    PathParams((finding_id, hash)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<PhotoOnBoard>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let refuse = |code| ApiFailure::new(code, lang);
    let finding_id = Uuid::parse_str(&finding_id).map_err(|_| refuse(ErrorCode::NotFound))?;
    let hash = PhotoHash::parse(&hash).map_err(|_| refuse(ErrorCode::NotFound))?;
    photos::publish(&state.pool, &signed_in.user, &finding_id, &hash, body.public, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A photo, to whoever may see one of the findings it belongs to.
#[utoipa::path(
    get,
    path = "/photos/{hash}",
    tag = "photos",
    params(("hash" = String, Path, description = "SHA-256 of the file")),
    responses(
        (
            status = 200,
            description = "The image, with the type its bytes were sniffed as",
            content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"))
        ),
        Refusals,
    ),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "section_head", "coordinator"])))
)]
pub async fn download(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PathParams(hash): PathParams<String>,
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
