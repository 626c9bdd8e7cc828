//! The coordinator's settings and decisions, and the section head's request for more time:
//!   PUT  /api/v1/categories/{code}/rule          {"section_id": "urban-management", "days": 5}
//!   GET  /api/v1/calendars/{year}                the year's calendar file
//!   PUT  /api/v1/calendars/{year}                a calendar file (JSON), checked completely first
//!   POST /api/v1/findings/{id}/extension         {"reason": "..."}             (section head, once)
//!   POST /api/v1/findings/{id}/extension/decision {"grant": true, "days": 3, "note": "..."}
//!                                                or {"grant": false, "note": "..."} (coordinator)

use super::extract::JsonBody;
use super::{ApiFailure, SignedIn};
use app::api::error::{ApiError, ErrorBody, ErrorCode};
use app::api::settings::{ExtensionAsk, ExtensionDecision, RuleSetting};
use app::backend::{calendars, extensions, rules, AppState};
use app::domain::deadline::WorkingDays;
use app::domain::text::Note;
use app::domain::Role;
use axum::extract::{Path, State};
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

pub async fn set_rule(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(code): Path<String>,
    JsonBody(setting): JsonBody<RuleSetting>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    if signed_in.user.role != Role::Coordinator {
        return Err(ApiFailure::new(ErrorCode::Forbidden, lang));
    }
    let days = working_days(setting.days, lang)?;
    rules::set(&state.pool, &signed_in.user, &code, setting.section_id.trim(), days, state.clock.now())
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

pub async fn get_calendar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(year): Path<String>,
) -> Result<Response, ApiFailure> {
    let lang = signed_in.lang;
    let year = year_of(&year, lang)?;
    let body = calendars::year(&state.pool, year).await.map_err(|e| ApiFailure::from_backend(e, lang))?;
    let body = body.ok_or_else(|| ApiFailure::new(ErrorCode::NotFound, lang))?;
    Ok(([("content-type", "application/json; charset=utf-8")], body).into_response())
}

/// The file is checked as a whole (dates valid and in the year, make-up days on weekends, no
/// day both); a refusal names the first problem and nothing is stored.
pub async fn put_calendar(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(year): Path<String>,
    body: String,
) -> Result<Response, ApiFailure> {
    let lang = signed_in.lang;
    if signed_in.user.role != Role::Coordinator {
        return Err(ApiFailure::new(ErrorCode::Forbidden, lang));
    }
    let year = year_of(&year, lang)?;
    let file = match calendars::parse_year(year, &body) {
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

pub async fn ask_extension(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
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

pub async fn decide_extension(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    JsonBody(decision): JsonBody<ExtensionDecision>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
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
    Ok(Json(serde_json::json!({ "deadline": deadline.millis(), "granted": days.is_some() })))
}
