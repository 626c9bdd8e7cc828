//! Who is asking, resolved once per request: a middleware reads the session cookie and the
//! language and puts a `Visitor` into the request's extensions, where the JSON API's
//! extractor, the page guard and the server functions all find it.

use super::auth::{self, SESSION_COOKIE};
use super::{AppState, BackendError, User};
use crate::api::error::{ApiError, ErrorCode};
use crate::domain::time::Timestamp;
use crate::i18n::Lang;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct Visitor {
    pub lang: Lang,
    pub user: Option<User>,
    /// The session could not be looked up (the database failed): not the visitor's fault.
    pub unavailable: bool,
}

impl Visitor {
    pub fn anonymous(lang: Lang) -> Visitor {
        Visitor { lang, user: None, unavailable: false }
    }

    /// The signed-in user, or the refusal to answer with.
    pub fn signed_in(&self) -> Result<&User, ErrorCode> {
        match (&self.user, self.unavailable) {
            (Some(user), _) => Ok(user),
            (None, true) => Err(ErrorCode::Internal),
            (None, false) => Err(ErrorCode::Unauthorized),
        }
    }
}

async fn look_up(state: &AppState, headers: &http::HeaderMap, now: Timestamp) -> Visitor {
    let lang = auth::request_lang(headers);
    let Some(token) = auth::cookie(headers, SESSION_COOKIE) else {
        return Visitor::anonymous(lang);
    };
    match auth::session_user(&state.pool, token, now).await {
        Ok(user) => Visitor { lang, user, unavailable: false },
        Err(e) => {
            tracing::error!(error = %e, "looking up a session");
            Visitor { lang, user: None, unavailable: true }
        }
    }
}

/// The middleware: every request of the pages and the API carries its `Visitor`.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let visitor = look_up(&state, request.headers(), state.clock.now()).await;
    request.extensions_mut().insert(visitor);
    next.run(request).await
}

/// A server function's view of its request.
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

    /// A connection for the reads of this request.
    pub async fn read(&self) -> Result<super::db::Read, ApiError> {
        self.state.pool.read().await.map_err(|e| self.fail(e))
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

/// The visitor of the request a server function runs for.
pub fn visitor() -> Visitor {
    let parts = use_context::<http::request::Parts>();
    let found = parts.as_ref().and_then(|p| p.extensions.get::<Visitor>().cloned());
    // Without the middleware (a page rendered outside the router's layers) nobody is signed in.
    found.unwrap_or_else(|| Visitor::anonymous(parts.map(|p| auth::request_lang(&p.headers)).unwrap_or_default()))
}

pub fn app_state(lang: Lang) -> Result<AppState, ApiError> {
    use_context::<AppState>().ok_or_else(|| fail(BackendError::Corrupt("no AppState in context".into()), lang))
}

/// The signed-in user, or 401.
pub fn signed_in() -> Result<Ctx, ApiError> {
    let visitor = visitor();
    let state = app_state(visitor.lang)?;
    let user = visitor.signed_in().map_err(|code| fail(code.into(), visitor.lang))?.clone();
    Ok(Ctx { now: state.clock.now(), state, user, lang: visitor.lang })
}
