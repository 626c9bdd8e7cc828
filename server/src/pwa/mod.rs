//! What makes the app installable and usable offline: the web app manifest (in the reader's
//! language) and the service worker, filled in at start-up with this build's files, served
//! under a path that names the build (so the worker cannot be a static file in `public/`).

use app::backend::app_code::Served;
use app::backend::auth;
use app::i18n::Lang;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

const TEMPLATE: &str = include_str!("sw.js");

/// Files of the app shell besides the build's `pkg/` folder.
const SHELL_FILES: [&str; 6] =
    ["/shell", "/favicon.svg", "/pwa.js", "/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon-512.png"];

/// The service worker for the build in `site_root`.
#[derive(Clone, Debug)]
pub struct ServiceWorker {
    pub build: String,
    pub script: String,
}

impl ServiceWorker {
    /// The worker for the build `served`.
    pub fn for_build(served: &Served) -> ServiceWorker {
        let mut assets: Vec<String> = SHELL_FILES.iter().map(|s| s.to_string()).collect();
        assets.extend(served.files.iter().map(|f| format!("{}/{f}", served.base)));
        let list = serde_json::to_string(&assets).expect("strings serialize");
        let script = TEMPLATE.replace("__BUILD__", &served.build).replace("__ASSETS__", &list);
        ServiceWorker { build: served.build.clone(), script }
    }

    pub fn response(&self) -> Response {
        let mut response = self.script.clone().into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"));
        // Browsers must see a new deploy's worker at once.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        // A worker runs under its own script's policy: it fetches the app's files and ends
        // sessions, on this site only.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
        );
        response
    }
}

/// `GET /manifest.webmanifest`, named in the reader's language.
pub async fn manifest(headers: HeaderMap) -> Response {
    let lang = auth::request_lang(&headers);
    let (name, short_name, description) = match lang {
        Lang::ZhCn => ("路长巡查", "路长巡查", "路长制每周巡查、问题上报与办理"),
        Lang::En => ("Road Chief", "Road Chief", "Weekly road inspections, findings and their handling"),
    };
    let icon = |src: &str, size: &str, purpose: &str| serde_json::json!({ "src": src, "sizes": size, "type": "image/png", "purpose": purpose });
    let body = serde_json::json!({
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang.code(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#0f5c4d",
        "background_color": "#f6f7f5",
        "icons": [
            icon("/icons/icon-192.png", "192x192", "any"),
            icon("/icons/icon-512.png", "512x512", "any"),
            icon("/icons/maskable-192.png", "192x192", "maskable"),
            icon("/icons/maskable-512.png", "512x512", "maskable"),
        ],
    });
    let mut response = body.to_string().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/manifest+json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_the_build_under_its_path() {
        let served = Served {
            build: "abc123".into(),
            base: "/pkg/abc123".into(),
            files: vec!["road-chief.wasm".into(), "snippets/photos.js".into()],
        };
        let worker = ServiceWorker::for_build(&served);
        assert!(worker.script.contains("\"/pkg/abc123/road-chief.wasm\""));
        assert!(worker.script.contains("\"/pkg/abc123/snippets/photos.js\""));
        assert!(worker.script.contains("\"/shell\""));
        assert!(worker.script.contains("const BUILD = \"abc123\""));
        assert!(!worker.script.contains("__BUILD__") && !worker.script.contains("__ASSETS__"));
    }
}
