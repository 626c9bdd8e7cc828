//! The Content-Security-Policy of the app's pages (every other answer gets one that allows
//! nothing: `server::protect`).

/// For a page whose inline scripts (the app's start script, Leptos's resources) carry `nonce`: scripts
/// only from this site or with the nonce, wasm compiled only from this site's files, styles
/// only from its stylesheet, nothing framed, no plugins, forms only to this site.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered (called by the document shell).
pub fn set_for_this_page() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_runs_only_our_scripts() {
        let policy = page_policy("abc");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains(" 'unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
