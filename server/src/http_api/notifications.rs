//! The coordinator's hand on messages to sections: a section's webhook, and retrying a message.
//!   PUT  /api/v1/sections/{id}/webhook       {"url": "https://...", "format": "wecom"} or {"url": null}
//!   PUT  /api/v1/sections/{id}/email         {"email": "name@example.gov.cn"} or {"email": null}
//!   POST /api/v1/notifications/{id}/retry

use super::extract::JsonBody;
use super::{ApiFailure, SignedIn};
use app::api::error::ErrorCode;
use app::api::settings::{EmailSetting, WebhookSetting};
use app::backend::{notify, AppState};
use app::domain::notice::{EmailAddress, WebhookFormat, WebhookUrl};
use app::domain::Role;
use axum::extract::{Path, State};
use axum::http::StatusCode;

fn coordinator(signed_in: &SignedIn) -> Result<(), ApiFailure> {
    match signed_in.user.role {
        Role::Coordinator => Ok(()),
        _ => Err(ApiFailure::new(ErrorCode::Forbidden, signed_in.lang)),
    }
}

pub async fn set_webhook(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(section_id): Path<String>,
    JsonBody(setting): JsonBody<WebhookSetting>,
) -> Result<StatusCode, ApiFailure> {
    coordinator(&signed_in)?;
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

pub async fn set_email(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(section_id): Path<String>,
    JsonBody(setting): JsonBody<EmailSetting>,
) -> Result<StatusCode, ApiFailure> {
    coordinator(&signed_in)?;
    let lang = signed_in.lang;
    let email = match setting.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(text) => Some(EmailAddress::parse(text).map_err(|_| ApiFailure::new(ErrorCode::InvalidEmail, lang))?),
    };
    notify::set_email(&state.pool, &section_id, email.as_ref()).await.map_err(|e| ApiFailure::from_backend(e, lang))?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn retry(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiFailure> {
    coordinator(&signed_in)?;
    notify::retry_now(&state.pool, &id, state.clock.now())
        .await
        .map_err(|e| ApiFailure::from_backend(e, signed_in.lang))?;
    Ok(StatusCode::NO_CONTENT)
}
