//! Residents' reports as their road's chief handles them, and what a road's board publishes:
//!   GET  /api/v1/reports               the reports waiting (a chief's roads; all for the coordinator)
//!   POST /api/v1/reports/{id}/confirm  {"reply": "..."} and optional changes → the new finding
//!   POST /api/v1/reports/{id}/answer   {"reply": "..."}: answered without a finding
//!   POST /api/v1/reports/{id}/spam     hidden, and counted against its sender
//!   PUT  /api/v1/roads/{id}/board      {"public_contact": "...", "office_hours": "..."}

use super::doc::Refusals;
use super::extract::{Coordinator, JsonBody, PathParams, RoadChief};
use super::{ApiFailure, SignedIn};
use app::api::error::ErrorCode;
use app::api::reports::{AnswerReport, BoardSetting, ConfirmReport, ReportConfirmed, ReportView};
use app::backend::reports::{self, Confirmation};
use app::backend::AppState;
use app::domain::text::Note;
use app::i18n::Lang;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use uuid::Uuid;

fn report_id(text: &str, lang: Lang) -> Result<Uuid, ApiFailure> {
    Uuid::parse_str(text).map_err(|_| ApiFailure::new(ErrorCode::NotFound, lang))
}

fn note(text: Option<&str>, lang: Lang) -> Result<Option<Note>, ApiFailure> {
    Note::parse_optional(text).map_err(|e| ApiFailure::from_backend(e.into(), lang))
}

/// The residents' reports waiting for a decision, oldest first.
#[utoipa::path(
    get,
    path = "/reports",
    tag = "reports",
    responses((status = 200, body = Vec<ReportView>), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn waiting(State(state): State<AppState>, signed_in: SignedIn) -> Result<Json<Vec<ReportView>>, ApiFailure> {
    let lang = signed_in.lang;
    let mut conn = state.pool.read().await.map_err(|e| ApiFailure::from_backend(e.into(), lang))?;
    let reports = reports::waiting(&mut conn, &signed_in.user, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(Json(reports))
}

/// The road's chief confirms a report: it becomes a finding of this week's inspection of the
/// road, routed to its section with a deadline, with the report's photos.
#[utoipa::path(
    post,
    path = "/reports/{id}/confirm",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    request_body = ConfirmReport,
    responses((status = 200, body = ReportConfirmed), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief"])))
)]
pub async fn confirm(
    State(state): State<AppState>,
    RoadChief(signed_in): RoadChief,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<ConfirmReport>,
) -> Result<Json<ReportConfirmed>, ApiFailure> {
    let lang = signed_in.lang;
    let id = report_id(&id, lang)?;
    let position = match (body.lon, body.lat) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        (None, None) => None,
        _ => return Err(ApiFailure::new(ErrorCode::InvalidPosition, lang)),
    };
    let confirmation = Confirmation {
        category: body.category.filter(|c| !c.trim().is_empty()),
        note: note(body.note.as_deref(), lang)?,
        position,
        reply: note(body.reply.as_deref(), lang)?,
    };
    let finding_id = reports::confirm(&state.pool, &signed_in.user, &id, &confirmation, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(Json(ReportConfirmed { finding_id }))
}

/// The road's chief answers a report without a finding; the reply is public on its tracking page.
#[utoipa::path(
    post,
    path = "/reports/{id}/answer",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    request_body = AnswerReport,
    responses((status = 204, description = "Answered"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief"])))
)]
pub async fn answer(
    State(state): State<AppState>,
    RoadChief(signed_in): RoadChief,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<AnswerReport>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let id = report_id(&id, lang)?;
    let reply = Note::parse(&body.reply).map_err(|e| ApiFailure::from_backend(e.into(), lang))?;
    reports::answer(&state.pool, &signed_in.user, &id, &reply, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The road's chief marks a report as spam: it leaves the lists, and a sender marked twice in
/// a month is not heard for the rest of it.
#[utoipa::path(
    post,
    path = "/reports/{id}/spam",
    tag = "reports",
    params(("id" = String, Path, description = "The report's id")),
    responses((status = 204, description = "Marked"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief"])))
)]
pub async fn spam(
    State(state): State<AppState>,
    RoadChief(signed_in): RoadChief,
    PathParams(id): PathParams<String>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let id = report_id(&id, lang)?;
    reports::mark_spam(&state.pool, &signed_in.user, &id, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a road's public board shows besides its chief's name.
#[utoipa::path(
    put,
    path = "/roads/{id}/board",
    tag = "reports",
    params(("id" = String, Path, description = "The road's id")),
    request_body = BoardSetting,
    responses((status = 204, description = "Saved"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn set_board(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<BoardSetting>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let contact = body.public_contact.unwrap_or_default();
    let hours = body.office_hours.unwrap_or_default();
    reports::publish(&state.pool, &signed_in.user, &id, &contact, &hours)
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}
