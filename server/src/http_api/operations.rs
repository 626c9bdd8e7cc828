//! `POST /api/v1/operations`: the one door for writes. See `app::backend::operations`.

use super::doc::Refusals;
use super::extract::JsonBody;
use super::{ApiFailure, SignedIn};
use app::api::operations::{OperationRequest, Outcome};
use app::backend::{operations, AppState};
use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Marks a response that repeats the stored outcome of an operation applied earlier.
pub const REPLAY_HEADER: &str = "idempotent-replayed";

/// Applies one operation once: the same id again answers the first outcome
/// (`idempotent-replayed: true`) and changes nothing; the same id with other content is a
/// conflict.
#[utoipa::path(
    post,
    path = "/operations",
    tag = "operations",
    request_body = OperationRequest,
    responses(
        (status = 200, body = Outcome, headers(("idempotent-replayed" = String, description = "`true` for a repeat"))),
        Refusals,
    ),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "section_head", "coordinator"])))
)]
pub async fn apply(
    State(state): State<AppState>,
    signed_in: SignedIn,
    JsonBody(request): JsonBody<OperationRequest>,
) -> Result<Response, ApiFailure> {
    let now = state.clock.now();
    let applied = operations::apply(&state.pool, &signed_in.user, &request, now)
        .await
        .map_err(|e| ApiFailure::from_backend(e, signed_in.lang))?;
    let replayed = applied.replayed();
    let mut response = Json(applied.outcome()).into_response();
    response.headers_mut().insert(REPLAY_HEADER, HeaderValue::from_static(if replayed { "true" } else { "false" }));
    Ok(response)
}
