//! How a refusal leaves the JSON API: the status its code calls for, the localized message,
//! and `Retry-After` when the caller must wait.

use app::api::error::{ApiError, ErrorBody, ErrorCode};
use app::backend::BackendError;
use app::i18n::{Lang, Msg};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub struct ApiFailure {
    pub code: ErrorCode,
    pub lang: Lang,
    pub retry_after_s: Option<i64>,
    /// Said after the message: which part of the input was wrong, in the caller's language.
    pub detail: Option<String>,
}

impl ApiFailure {
    pub fn new(code: ErrorCode, lang: Lang) -> ApiFailure {
        ApiFailure { code, lang, retry_after_s: None, detail: None }
    }

    pub fn from_backend(error: BackendError, lang: Lang) -> ApiFailure {
        if error.code() == ErrorCode::Internal {
            tracing::error!(%error, "request failed");
        }
        ApiFailure::new(error.code(), lang)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut error = ApiError::new(self.code, self.lang);
        if let (ErrorCode::TooManyAttempts, Some(seconds)) = (self.code, self.retry_after_s) {
            error.message = self.lang.format(Msg::error_too_many_attempts_wait, &[("s", &seconds.to_string())]);
        }
        if let Some(detail) = &self.detail {
            error.message = match self.lang {
                Lang::ZhCn => format!("{}（{detail}）", error.message),
                Lang::En => format!("{} ({detail})", error.message),
            };
        }
        let body = ErrorBody { error };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after_s {
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
