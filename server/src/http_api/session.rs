//! Signing in and out. Takes JSON (from the app) or a plain form post (before the app's code
//! has loaded); a form gets a redirect back, JSON gets JSON.

use super::ApiFailure;
use app::api::error::ErrorCode;
use app::api::operations::SignIn;
use app::backend::auth::{self, SignInRefusal, SESSION_COOKIE};
use app::backend::AppState;
use app::i18n::Lang;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use std::net::SocketAddr;

/// The address failures are counted against.
fn client_address(headers: &HeaderMap, peer: SocketAddr, trust_forwarded_for: bool) -> String {
    let forwarded = trust_forwarded_for
        .then(|| headers.get("x-forwarded-for")?.to_str().ok()?.split(',').next().map(|s| s.trim().to_owned()))
        .flatten()
        .filter(|s| !s.is_empty());
    forwarded.unwrap_or_else(|| peer.ip().to_string())
}

fn with_cookie(mut response: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

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
    match auth::sign_in(&state.pool, &input.username, &input.password, &address, now).await {
        Err(e) => refuse(ApiFailure::from_backend(e, lang)),
        Ok(Err(SignInRefusal::WrongCredentials)) => {
            tracing::info!(username = %input.username.trim(), %address, "sign-in refused");
            refuse(ApiFailure::new(ErrorCode::WrongCredentials, lang))
        }
        Ok(Err(SignInRefusal::Locked { retry_after_s })) => {
            tracing::warn!(username = %input.username.trim(), %address, "sign-in locked out");
            let failure = ApiFailure { code: ErrorCode::TooManyAttempts, lang, retry_after_s: Some(retry_after_s) };
            if is_form {
                let mut response = refuse(failure);
                if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
                response
            } else {
                failure.into_response()
            }
        }
        Ok(Ok((user, token))) => {
            let cookie = auth::session_cookie(Some(&token), state.settings.secure_cookies);
            let response = if is_form { Redirect::to("/").into_response() } else { Json(user.me()).into_response() };
            with_cookie(response, cookie)
        }
    }
}

fn code_name(code: ErrorCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

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
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.1".parse().unwrap());
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        assert_eq!(client_address(&headers, peer, false), "10.0.0.1");
        assert_eq!(client_address(&headers, peer, true), "203.0.113.9");
        assert_eq!(client_address(&HeaderMap::new(), peer, true), "10.0.0.1");
    }

    #[test]
    fn error_codes_go_into_redirects_by_name() {
        assert_eq!(code_name(ErrorCode::WrongCredentials), "wrong_credentials");
    }
}
