//! Extractors for the JSON API: the signed-in user, and a JSON body whose every rejection
//! is a localized 400 instead of axum's plain-text 4xx.

use super::ApiFailure;
use app::api::error::ErrorCode;
use app::backend::auth::{self, User, SESSION_COOKIE};
use app::backend::AppState;
use app::i18n::Lang;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct SignedIn {
    pub user: User,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = auth::request_lang(&parts.headers);
        let Some(token) = auth::cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(ApiFailure::new(ErrorCode::Unauthorized, lang));
        };
        match auth::user_for_session(&state.pool, token, state.clock.now()).await {
            Ok(Some(user)) => Ok(SignedIn { user, lang }),
            Ok(None) => Err(ApiFailure::new(ErrorCode::Unauthorized, lang)),
            Err(e) => Err(ApiFailure::from_backend(e, lang)),
        }
    }
}

/// A JSON request body; anything that does not parse is `400 malformed`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = auth::request_lang(req.headers());
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => {
                tracing::debug!(%rejection, "malformed request body");
                Err(ApiFailure::new(ErrorCode::Malformed, lang))
            }
        }
    }
}
