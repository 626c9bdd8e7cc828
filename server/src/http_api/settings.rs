//! The coordinator's settings and decisions, and the section head's request for more time:
//!   PUT  /api/v1/categories/{code}/rule          {"section_id": "urban-management", "days": 5}
//!   GET  /api/v1/calendars/{year}                the year's calendar file
//!   PUT  /api/v1/calendars/{year}                a calendar file (JSON), checked completely first
//!   POST /api/v1/findings/{id}/extension         {"reason": "..."}             (section head, once)
//!   POST /api/v1/findings/{id}/extension/decision {"grant": true, "days": 3, "note": "..."}
//!                                                or {"grant": false, "note": "..."} (coordinator)

use super::doc::Refusals;
use super::extract::{Coordinator, SectionHead};
use super::extract::{JsonBody, PathParams};
use super::{ApiFailure, SignedIn};
use app::api::error::{ApiError, ErrorBody, ErrorCode};
use app::api::settings::{ExtensionAsk, ExtensionDecided, ExtensionDecision, RuleSetting};
use app::backend::{calendars, extensions, rules, AppState};
use app::domain::calendar::YearFile;
use app::domain::deadline::WorkingDays;
use app::domain::text::Note;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

fn working_days(days: i64, lang: app::i18n::Lang) -> Result<WorkingDays, ApiFailure> {
    u16::try_from(days)
        .ok()
        .and_then(|d| WorkingDays::try_from(d).ok())
        .ok_or_else(|| ApiFailure::new(ErrorCode::InvalidWorkingDays, lang))
}

/// Where a category's findings go and in how many working days they are due.
#[utoipa::path(
    put,
    path = "/categories/{code}/rule",
    tag = "categories",
    params(("code" = String, Path, description = "The category's code, e.g. `sanitation`")),
    request_body = RuleSetting,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn set_rule(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(code): PathParams<String>,
    JsonBody(setting): JsonBody<RuleSetting>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let days = working_days(setting.days, lang)?;
    let section = setting.section_id.trim();
    rules::set(&state.pool, &signed_in.user, &code, section, days, setting.after_photo, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

fn year_of(text: &str, lang: app::i18n::Lang) -> Result<i32, ApiFailure> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, lang))
}

/// A year's official calendar: holidays and make-up working days.
#[utoipa::path(
    get,
    path = "/calendars/{year}",
    tag = "calendars",
    params(("year" = String, Path, description = "2000 to 2100")),
    responses((status = 200, body = YearFile), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "section_head", "coordinator"])))
)]
pub async fn get_calendar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    PathParams(year): PathParams<String>,
) -> Result<Response, ApiFailure> {
    let lang = signed_in.lang;
    let year = year_of(&year, lang)?;
    let body = calendars::year(&state.pool, year).await.map_err(|e| ApiFailure::from_backend(e, lang))?;
    let body = body.ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, lang))?;
    Ok(([("content-type", "application/json; charset=utf-8")], body).into_response())
}

/// A year's calendar file. It is checked as a whole (dates valid and in the year, make-up days
/// on weekends, no day both); a refusal names the first problem and nothing is stored.
#[utoipa::path(
    put,
    path = "/calendars/{year}",
    tag = "calendars",
    params(("year" = String, Path, description = "2000 to 2100")),
    request_body = YearFile,
    responses((status = 204, description = "Stored"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn put_calendar(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(year): PathParams<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiFailure> {
    let lang = signed_in.lang;
    let year = year_of(&year, lang)?;
    let body = std::str::from_utf8(&body).map_err(|_| ApiFailure::new(ErrorCode::Malformed, lang))?;
    let file = match calendars::parse_year(year, body) {
        Ok(file) => file,
        Err(problem) => {
            let mut error = ApiError::new(ErrorCode::InvalidCalendar, lang);
            error.message = format!("{}（{}）", error.message, problem.describe(lang));
            return Ok((StatusCode::BAD_REQUEST, Json(ErrorBody { error })).into_response());
        }
    };
    calendars::import(&state.pool, &signed_in.user, &file, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn finding_id(text: &str, lang: app::i18n::Lang) -> Result<Uuid, ApiFailure> {
    Uuid::parse_str(text).map_err(|_| ApiFailure::new(ErrorCode::NotFound, lang))
}

/// The section head asks for more time, once per finding, with a reason.
#[utoipa::path(
    post,
    path = "/findings/{id}/extension",
    tag = "findings",
    params(("id" = String, Path, description = "The finding's id")),
    request_body = ExtensionAsk,
    responses((status = 204, description = "Asked; the coordinator is told"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["section_head"])))
)]
pub async fn ask_extension(
    State(state): State<AppState>,
    SectionHead(signed_in): SectionHead,
    PathParams(id): PathParams<String>,
    JsonBody(ask): JsonBody<ExtensionAsk>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let id = finding_id(&id, lang)?;
    let reason = Note::parse(&ask.reason).map_err(|e| ApiFailure::from_backend(e.into(), lang))?;
    extensions::ask(&state.pool, &signed_in.user, &id, &reason, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The coordinator grants more working days (counted on from the current deadline) or refuses.
#[utoipa::path(
    post,
    path = "/findings/{id}/extension/decision",
    tag = "findings",
    params(("id" = String, Path, description = "The finding's id")),
    request_body = ExtensionDecision,
    responses((status = 200, body = ExtensionDecided), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn decide_extension(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(id): PathParams<String>,
    JsonBody(decision): JsonBody<ExtensionDecision>,
) -> Result<Json<ExtensionDecided>, ApiFailure> {
    let lang = signed_in.lang;
    let id = finding_id(&id, lang)?;
    let days = match (decision.grant, decision.days) {
        (true, Some(d)) => Some(working_days(d, lang)?),
        (true, None) => return Err(ApiFailure::new(ErrorCode::InvalidWorkingDays, lang)),
        (false, _) => None,
    };
    let note = Note::parse_optional(decision.note.as_deref()).map_err(|e| ApiFailure::from_backend(e.into(), lang))?;
    let deadline = extensions::decide(&state.pool, &signed_in.user, &id, days, note.as_ref(), state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(Json(ExtensionDecided { deadline, granted: days.is_some() }))
}
