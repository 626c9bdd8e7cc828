//! `POST /api/v1/sync`: see `app::backend::sync` and `docs/sync-api.md`.

use super::doc::Refusals;
use super::extract::JsonBody;
use super::{ApiFailure, SignedIn};
use app::api::sync::{SyncRequest, SyncResponse};
use app::backend::{sync, AppState};
use axum::extract::State;
use axum::Json;

/// The phone's outbox up (each operation applied once, a refusal answered beside it), what
/// changed for the user since their cursor down. See `docs/sync-api.md`.
#[utoipa::path(
    post,
    path = "/sync",
    tag = "sync",
    request_body = SyncRequest,
    responses((status = 200, body = SyncResponse), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "section_head", "coordinator"])))
)]
pub async fn sync(
    State(state): State<AppState>,
    signed_in: SignedIn,
    JsonBody(request): JsonBody<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiFailure> {
    let now = state.clock.now();
    sync::sync(&state.pool, &signed_in.user, &request, signed_in.lang, now)
        .await
        .map(Json)
        .map_err(|e| ApiFailure::from_backend(e, signed_in.lang))
}
