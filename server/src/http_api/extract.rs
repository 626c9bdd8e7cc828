//! Extractors for the JSON API: the signed-in user (resolved once per request by
//! `app::backend::identity`), and a JSON body whose every rejection is localized: too large is
//! `413`, anything that does not parse `400 malformed`.

use super::ApiFailure;
use app::api::error::ErrorCode;
use app::api::sync::TOO_MANY_OPERATIONS;
use app::backend::auth;
use app::backend::identity::Visitor;
use app::backend::{AppState, User};
use app::domain::Role;
use app::i18n::Lang;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

pub struct SignedIn {
    pub user: User,
    pub lang: Lang,
}

pub fn visitor(parts: &Parts) -> Visitor {
    parts.extensions.get::<Visitor>().cloned().unwrap_or_else(|| Visitor::anonymous(auth::request_lang(&parts.headers)))
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        let visitor = visitor(parts);
        match visitor.signed_in() {
            Ok(user) => Ok(SignedIn { user: user.clone(), lang: visitor.lang }),
            Err(code) => Err(ApiFailure::new(code, visitor.lang)),
        }
    }
}

/// The signed-in user if their role is one of `roles`; anyone else is refused (403) before the
/// body of the request is even read.
fn signed_in_as(parts: &Parts, roles: &[Role]) -> Result<SignedIn, ApiFailure> {
    let visitor = visitor(parts);
    match visitor.signed_in() {
        Ok(user) if roles.contains(&user.role) => Ok(SignedIn { user: user.clone(), lang: visitor.lang }),
        Ok(_) => Err(ApiFailure::new(ErrorCode::Forbidden, visitor.lang)),
        Err(code) => Err(ApiFailure::new(code, visitor.lang)),
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $($role:expr),+) => {
        $(#[$doc])*
        pub struct $name(pub SignedIn);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiFailure;

            async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
                signed_in_as(parts, &[$($role),+]).map($name)
            }
        }
    };
}

role_extractor!(
    /// The office's coordinator.
    Coordinator,
    Role::Coordinator
);
role_extractor!(
    /// A section's head.
    SectionHead,
    Role::SectionHead
);
role_extractor!(
    /// A road chief.
    RoadChief,
    Role::RoadChief
);
role_extractor!(
    /// Who takes photos of findings: a road chief (as found), a section head (the result).
    PhotoTaker,
    Role::RoadChief,
    Role::SectionHead
);
role_extractor!(
    /// Who answers for a road to the public: its chief, or the coordinator.
    RoadKeeper,
    Role::RoadChief,
    Role::Coordinator
);

/// A JSON request body, read up to the route's body limit (`DefaultBodyLimit`): a larger one is
/// refused while it streams in, before any of it is parsed.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = auth::request_lang(req.headers());
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(ApiFailure::new(ErrorCode::Malformed, lang));
        }
        let bytes = match Bytes::from_request(req, state).await {
            Ok(bytes) => bytes,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiFailure::new(ErrorCode::BodyTooLarge, lang))
            }
            Err(rejection) => {
                tracing::debug!(%rejection, "unreadable request body");
                return Err(ApiFailure::new(ErrorCode::Malformed, lang));
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(JsonBody(value)),
            Err(e) if e.to_string().contains(TOO_MANY_OPERATIONS) => {
                Err(ApiFailure::new(ErrorCode::BatchTooLarge, lang))
            }
            Err(e) => {
                tracing::debug!(error = %e, "malformed request body");
                Err(ApiFailure::new(ErrorCode::Malformed, lang))
            }
        }
    }
}

/// Path parameters whose every rejection (say, percent-encoded bytes that are not UTF-8) is a
/// localized `400 malformed`, like the rest of the API's refusals.
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParams(value)),
            Err(rejection) => {
                tracing::debug!(%rejection, "path parameters not understood");
                Err(ApiFailure::new(ErrorCode::Malformed, auth::request_lang(&parts.headers)))
            }
        }
    }
}

/// Query parameters, refused the same way.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(rejection) => {
                tracing::debug!(%rejection, "query parameters not understood");
                Err(ApiFailure::new(ErrorCode::Malformed, auth::request_lang(&parts.headers)))
            }
        }
    }
}
