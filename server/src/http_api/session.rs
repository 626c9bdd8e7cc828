//! Signing in and out. Takes JSON (from the app) or a plain form post (before the app's code
//! has loaded); a form gets a redirect back, JSON gets JSON.

use super::doc::Refusals;
use super::extract::JsonBody;
use super::{ApiFailure, SignedIn};
use app::api::error::ErrorCode;
use app::api::operations::{PasswordChange, SignIn};
use app::api::views::Me;
use app::backend::auth::{self, SignInRefusal, DEVICE_COOKIE, SESSION_COOKIE};
use app::backend::AppState;
use app::domain::text::NewPassword;
use app::i18n::Lang;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use std::net::SocketAddr;

/// The address failures are counted against (`protect::client_ip`).
pub fn client_address(headers: &HeaderMap, peer: SocketAddr, trust_forwarded_for: bool) -> String {
    crate::protect::client_ip(headers, peer, trust_forwarded_for).to_string()
}

fn with_cookie(mut response: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Signs in: the session cookie (and the browser's device cookie) for the right password. A form
/// post is answered with a redirect (to `/`, or back to `/login?error=<code>`).
#[utoipa::path(
    post,
    path = "/session",
    tag = "session",
    request_body(content((SignIn = "application/json"), (SignIn = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, body = Me, description = "Signed in: `Set-Cookie` carries the session"),
        (status = 303, description = "A form post: to the app, or back to the sign-in page with the refusal's code"),
        Refusals,
    ),
    extensions(("x-roles" = json!(["anyone"])))
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = auth::request_lang(&headers);
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let parsed: Option<SignIn> = if is_form {
        serde_urlencoded::from_bytes(&body).ok()
    } else if content_type.starts_with("application/json") {
        serde_json::from_slice(&body).ok()
    } else {
        None
    };
    let refuse = |failure: ApiFailure| -> Response {
        if is_form {
            Redirect::to(&format!("/login?error={}", code_name(failure.code))).into_response()
        } else {
            failure.into_response()
        }
    };
    let Some(input) = parsed else {
        return refuse(ApiFailure::new(ErrorCode::Malformed, lang));
    };
    let address = client_address(&headers, peer, state.settings.trust_forwarded_for);
    let now = state.clock.now();
    let attempt = auth::Attempt {
        username: &input.username,
        password: &input.password,
        address: &address,
        device: auth::cookie(&headers, DEVICE_COOKIE),
    };
    match auth::sign_in(&state.pool, &attempt, now).await {
        Err(e) => refuse(ApiFailure::from_backend(e, lang)),
        Ok(Err(refusal)) => {
            let failure = refusal_failure(&refusal, lang);
            // Debug formatting: what people type cannot forge log lines.
            tracing::info!(username = ?input.username.trim(), %address, ?refusal, "sign-in refused");
            let mut response = refuse(failure);
            if let SignInRefusal::Wait { retry_after_s } = refusal {
                if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            response
        }
        Ok(Ok(signed_in)) => {
            // A session this browser had before ends: one browser, one session.
            if let Some(old) = auth::cookie(&headers, SESSION_COOKIE) {
                if let Err(e) = auth::end_session(&state.pool, old).await {
                    tracing::warn!(error = %e, "ending the session replaced by a sign-in");
                }
            }
            let secure = state.settings.secure_cookies;
            let response =
                if is_form { Redirect::to("/").into_response() } else { Json(signed_in.user.me()).into_response() };
            let response = with_cookie(response, auth::session_cookie(Some(&signed_in.session), secure));
            with_cookie(response, auth::device_cookie(&signed_in.device, secure))
        }
    }
}

fn refusal_failure(refusal: &SignInRefusal, lang: Lang) -> ApiFailure {
    match refusal {
        SignInRefusal::WrongCredentials => ApiFailure::new(ErrorCode::WrongCredentials, lang),
        SignInRefusal::Disabled => ApiFailure::new(ErrorCode::AccountDisabled, lang),
        SignInRefusal::Wait { retry_after_s } => {
            ApiFailure { code: ErrorCode::TooManyAttempts, lang, retry_after_s: Some(*retry_after_s), detail: None }
        }
    }
}

/// A signed-in user changes their own password; every other session of theirs ends. The
/// current password is checked like a sign-in (the same waits after failures).
#[utoipa::path(
    put,
    path = "/password",
    tag = "session",
    request_body = PasswordChange,
    responses((status = 204, description = "Changed"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "section_head", "coordinator"])))
)]
pub async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    signed_in: SignedIn,
    headers: HeaderMap,
    JsonBody(change): JsonBody<PasswordChange>,
) -> Response {
    let lang = signed_in.lang;
    let Ok(new) = NewPassword::parse(&change.new) else {
        return ApiFailure::new(ErrorCode::WeakPassword, lang).into_response();
    };
    let Some(session) = auth::cookie(&headers, SESSION_COOKIE) else {
        return ApiFailure::new(ErrorCode::Unauthorized, lang).into_response();
    };
    let address = client_address(&headers, peer, state.settings.trust_forwarded_for);
    let attempt = auth::Attempt {
        username: &signed_in.user.username,
        password: &change.current,
        address: &address,
        device: auth::cookie(&headers, DEVICE_COOKIE),
    };
    match auth::change_password(&state.pool, &attempt, session, new, state.clock.now()).await {
        Err(e) => ApiFailure::from_backend(e, lang).into_response(),
        Ok(Err(refusal)) => refusal_failure(&refusal, lang).into_response(),
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
    }
}

fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Signs out: the session ends (an ended or missing one is fine too).
#[utoipa::path(
    delete,
    path = "/session",
    tag = "session",
    responses((status = 204, description = "Signed out"), Refusals),
    extensions(("x-roles" = json!(["anyone"])))
)]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang: Lang = auth::request_lang(&headers);
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = auth::end_session(&state.pool, token).await {
            return ApiFailure::from_backend(e, lang).into_response();
        }
    }
    with_cookie(StatusCode::NO_CONTENT.into_response(), auth::session_cookie(None, state.settings.secure_cookies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_used_only_when_trusted() {
        let mut headers = HeaderMap::new();
        // The client wrote the first entry itself; our proxy appended the address it saw.
        headers.insert("x-forwarded-for", "198.51.100.7, 203.0.113.9".parse().unwrap());
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        assert_eq!(client_address(&headers, peer, false), "10.0.0.1");
        assert_eq!(client_address(&headers, peer, true), "203.0.113.9");
        assert_eq!(client_address(&HeaderMap::new(), peer, true), "10.0.0.1");
        // Not an address: the peer's.
        headers.insert("x-forwarded-for", "198.51.100.7, <script>".parse().unwrap());
        assert_eq!(client_address(&headers, peer, true), "10.0.0.1");
    }

    #[test]
    fn error_codes_go_into_redirects_by_name() {
        assert_eq!(code_name(ErrorCode::WrongCredentials), "wrong_credentials");
    }
}
