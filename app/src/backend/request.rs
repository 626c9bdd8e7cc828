//! The signed-in user behind a server function, and how a refusal becomes an HTTP status.

use super::auth::{self, User, SESSION_COOKIE};
use super::{AppState, BackendError};
use crate::api::error::{ApiError, ErrorCode};
use crate::domain::time::Timestamp;
use crate::i18n::Lang;
use leptos::prelude::*;

pub struct Ctx {
    pub state: AppState,
    pub user: User,
    pub now: Timestamp,
    pub lang: Lang,
}

impl Ctx {
    pub fn pool(&self) -> &super::Pool {
        &self.state.pool
    }

    pub fn fail(&self, e: impl Into<BackendError>) -> ApiError {
        fail(e.into(), self.lang)
    }
}

/// Logs what users must not see and sets the status code the error calls for.
pub fn fail(e: BackendError, lang: Lang) -> ApiError {
    let code = e.code();
    if code == ErrorCode::Internal {
        tracing::error!(error = %e, "server function failed");
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response
            .set_status(http::StatusCode::from_u16(code.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    ApiError::new(code, lang)
}

/// The user of the request's session, if any.
pub async fn current() -> Result<(AppState, Option<User>, Timestamp, Lang), ApiError> {
    let state = use_context::<AppState>()
        .ok_or_else(|| fail(BackendError::Corrupt("no AppState in context".into()), Lang::default()))?;
    let parts = use_context::<http::request::Parts>();
    let headers = parts.as_ref().map(|p| p.headers.clone()).unwrap_or_default();
    let lang = auth::request_lang(&headers);
    let now = state.clock.now();
    let user = match auth::cookie(&headers, SESSION_COOKIE) {
        Some(token) => auth::user_for_session(&state.pool, token, now).await.map_err(|e| fail(e, lang))?,
        None => None,
    };
    Ok((state, user, now, lang))
}

/// The signed-in user, or 401.
pub async fn signed_in() -> Result<Ctx, ApiError> {
    let (state, user, now, lang) = current().await?;
    let user = user.ok_or_else(|| fail(ErrorCode::Unauthorized.into(), lang))?;
    Ok(Ctx { state, user, now, lang })
}
