//! What every request must pass and every answer carries, whatever route it takes:
//! - a state-changing request from another site is refused (`Sec-Fetch-Site`, else `Origin`);
//! - a body larger than the route takes is refused before it is read (413);
//! - a panic in a handler answers 500 and the server goes on;
//! - the headers that keep answers from being framed, sniffed, cached or leaked.
//!
//! Pages set their own Content-Security-Policy (with the nonce of their inline scripts:
//! `app::backend::page_policy`, set by `app::shell`); everything else gets one that allows
//! nothing.

use crate::http_api::ApiFailure;
use app::api::error::ErrorCode;
use app::backend::auth::request_lang;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::any::Any;

/// Whether a request from a browser comes from a page of this site. Requests without either
/// header (a script, a 311 app, the load test) are not a browser's cross-site requests.
pub fn same_site(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none": typed into the address bar or opened from a bookmark.
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let Some((_, host)) = origin.split_once("://") else { return false };
    let own_host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    own_host.is_some_and(|own| own.eq_ignore_ascii_case(host))
        || public_origin.is_some_and(|public| public.eq_ignore_ascii_case(origin))
}

/// Refuses state-changing requests that another site's page made (a form post signing the
/// browser in as someone else, a script calling the API with the user's cookie).
pub async fn refuse_cross_site(State(public_origin): State<Option<String>>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // Open311 takes no cookie: a platform's key is its only authority, whichever page sends it.
    let keyed = request.uri().path().starts_with("/open311/");
    if safe || keyed || same_site(request.headers(), public_origin.as_deref()) {
        return next.run(request).await;
    }
    tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-site request refused");
    ApiFailure::new(ErrorCode::CrossSite, request_lang(request.headers())).into_response()
}

/// Refuses a body over `max` bytes: at once when its length says so, else as soon as it grows
/// past it while read (the handler's extractor then answers 413).
pub async fn limit_body(State(max): State<usize>, request: Request, next: Next) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return ApiFailure::new(ErrorCode::BodyTooLarge, request_lang(request.headers())).into_response();
    }
    let (parts, body) = request.into_parts();
    let limited = Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, max)));
    next.run(limited).await
}

/// The answer to a handler that panicked: the server's fault, said as such; the details go
/// to the log only.
pub fn panicked(detail: Box<dyn Any + Send + 'static>) -> Response {
    let what = detail
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| detail.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %what, "a request handler panicked");
    ApiFailure::new(ErrorCode::Internal, Default::default()).into_response()
}

/// The address of the client. Behind a proxy we trust, the last entry of `X-Forwarded-For`
/// (the one our proxy wrote; whatever the client sent stands before it).
pub fn client_ip(headers: &HeaderMap, peer: std::net::SocketAddr, trust_forwarded_for: bool) -> std::net::IpAddr {
    trust_forwarded_for
        .then(|| {
            let last = headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
            last.rsplit(',').next()?.trim().parse().ok()
        })
        .flatten()
        .unwrap_or_else(|| peer.ip())
}

/// Anything that is not a page: nothing may run in it, nothing may frame it.
const NOTHING: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Headers on every answer. `https`: the site is served over https (then browsers are told to
/// keep to it).
pub async fn headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(NOTHING));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    // Pages show one person's work, and API answers are theirs: neither is kept by the browser
    // or a proxy (the app keeps its own copy, per user, for working offline).
    if api || html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn a_page_of_this_site_may_change_things_another_may_not() {
        let own = "road.example.gov.cn";
        assert!(same_site(&headers(&[("sec-fetch-site", "same-origin")]), None));
        assert!(same_site(&headers(&[("sec-fetch-site", "none")]), None));
        assert!(!same_site(&headers(&[("sec-fetch-site", "cross-site")]), None));
        assert!(!same_site(&headers(&[("sec-fetch-site", "same-site")]), None));
        // Fetch metadata wins over a forged-looking Origin.
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "cross-site"), ("host", own), ("origin", "https://road.example.gov.cn")]),
            None
        ));
        assert!(same_site(&headers(&[("host", own), ("origin", "https://road.example.gov.cn")]), None));
        assert!(same_site(
            &headers(&[("host", "ROAD.example.gov.cn"), ("origin", "https://road.example.gov.cn")]),
            None
        ));
        assert!(!same_site(&headers(&[("host", own), ("origin", "https://evil.example")]), None));
        assert!(!same_site(&headers(&[("host", own), ("origin", "null")]), None));
        assert!(!same_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3001")]), None));
        // Behind a proxy that rewrites Host, the configured public origin counts.
        assert!(same_site(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "https://road.example.gov.cn")]),
            Some("https://road.example.gov.cn")
        ));
        // Not a browser: nothing to go by, nothing refused.
        assert!(same_site(&HeaderMap::new(), None));
    }
}
