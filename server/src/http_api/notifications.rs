//! The coordinator's hand on messages to sections: a section's webhook, and retrying a message.
//!   PUT  /api/v1/sections/{id}/webhook       {"url": "https://...", "format": "wecom"} or {"url": null}
//!   PUT  /api/v1/sections/{id}/email         {"email": "name@example.gov.cn"} or {"email": null}
//!   POST /api/v1/notifications/{id}/retry

use super::doc::Refusals;
use super::extract::Coordinator;
use super::extract::{JsonBody, PathParams};
use super::ApiFailure;
use app::api::error::ErrorCode;
use app::api::settings::{EmailSetting, WebhookSetting};
use app::backend::{notify, AppState};
use app::domain::notice::{EmailAddress, WebhookFormat, WebhookUrl};
use axum::extract::State;
use axum::http::StatusCode;

/// Sets (or with `"url": null`, removes) a section's webhook. The URL must point at a public
/// address (or one the operator allowed).
#[utoipa::path(
    put,
    path = "/sections/{id}/webhook",
    tag = "sections",
    params(("id" = String, Path, description = "The section's id")),
    request_body = WebhookSetting,
    responses((status = 204, description = "Saved"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn set_webhook(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(section_id): PathParams<String>,
    JsonBody(setting): JsonBody<WebhookSetting>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let invalid = || ApiFailure::new(ErrorCode::InvalidWebhook, lang);
    let webhook = match setting.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(url) => {
            let url = WebhookUrl::parse(url).map_err(|_| invalid())?;
            let format = WebhookFormat::parse(setting.format.as_deref().unwrap_or("json")).ok_or_else(invalid)?;
            Some((url, format))
        }
    };
    notify::set_webhook(
        &state.pool,
        &section_id,
        webhook.as_ref().map(|(u, f)| (u, *f)),
        &state.settings.webhook_allow,
    )
    .await
    .map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets (or with `"email": null`, removes) a section's email address.
#[utoipa::path(
    put,
    path = "/sections/{id}/email",
    tag = "sections",
    params(("id" = String, Path, description = "The section's id")),
    request_body = EmailSetting,
    responses((status = 204, description = "Saved"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn set_email(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(section_id): PathParams<String>,
    JsonBody(setting): JsonBody<EmailSetting>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let email = match setting.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(text) => Some(EmailAddress::parse(text).map_err(|_| ApiFailure::new(ErrorCode::InvalidEmail, lang))?),
    };
    notify::set_email(&state.pool, &section_id, email.as_ref()).await.map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a failed message again, now.
#[utoipa::path(
    post,
    path = "/notifications/{id}/retry",
    tag = "notifications",
    params(("id" = String, Path, description = "The message's id")),
    responses((status = 204, description = "Queued again"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn retry(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(id): PathParams<String>,
) -> Result<StatusCode, ApiFailure> {
    notify::retry_now(&state.pool, &id, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, signed_in.lang))?;
    Ok(StatusCode::NO_CONTENT)
}
