//! What makes the app installable and usable offline: the web app manifest (in the reader's
//! language) and the service worker, filled in at start-up with this build's files, served
//! under a path that names the build (so the worker cannot be a static file in `public/`).

use app::backend::auth;
use app::i18n::Lang;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::path::Path;

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
    /// The worker for the build whose files are in `pkg_dir`, served under `base`.
    pub fn for_build(pkg_dir: &Path, base: &str, build: &str) -> ServiceWorker {
        let mut assets: Vec<String> = SHELL_FILES.iter().map(|s| s.to_string()).collect();
        let mut built = Vec::new();
        collect(pkg_dir, base, &mut built);
        built.sort();
        assets.extend(built);
        let list = serde_json::to_string(&assets).expect("strings serialize");
        let script = TEMPLATE.replace("__BUILD__", build).replace("__ASSETS__", &list);
        ServiceWorker { build: build.to_owned(), script }
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

/// The files under `dir`, as URL paths under `prefix`; precompressed twins are left out (the
/// server picks them by `Accept-Encoding`).
fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &format!("{prefix}/{name}"), out);
        } else if !name.ends_with(".br") && !name.ends_with(".gz") {
            out.push(format!("{prefix}/{name}"));
        }
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
        let root = std::env::temp_dir().join(format!("rc-sw-{}", std::process::id()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).unwrap();
        for f in ["road-chief.wasm", "road-chief.wasm.br", "road-chief.js", "snippets/photos.js"] {
            std::fs::write(pkg.join(f), b"x").unwrap();
        }
        let worker = ServiceWorker::for_build(&pkg, "/pkg/abc123", "abc123");
        assert!(worker.script.contains("\"/pkg/abc123/road-chief.wasm\""));
        assert!(worker.script.contains("\"/pkg/abc123/snippets/photos.js\""));
        assert!(worker.script.contains("\"/shell\""));
        assert!(worker.script.contains("const BUILD = \"abc123\""));
        assert!(!worker.script.contains(".br\""));
        assert!(!worker.script.contains("__BUILD__") && !worker.script.contains("__ASSETS__"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
