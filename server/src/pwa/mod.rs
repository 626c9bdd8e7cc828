//! What makes the app installable and usable offline: the web app manifest (in the reader's
//! language) and the service worker, filled in at start-up with this build's files, which
//! cargo-leptos names by their hash (so the worker cannot be a static file in `public/`).

use app::backend::auth;
use app::i18n::Lang;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
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
    pub fn for_site(site_root: &Path, pkg_dir: &str) -> ServiceWorker {
        let mut assets: Vec<String> = SHELL_FILES.iter().map(|s| s.to_string()).collect();
        let mut built = Vec::new();
        collect(&site_root.join(pkg_dir), &format!("/{pkg_dir}"), &mut built);
        built.sort();
        // The hashed names change whenever a byte of the build does.
        let build: String = Sha256::digest(built.join("\n")).iter().take(6).map(|b| format!("{b:02x}")).collect();
        assets.extend(built);
        let list = serde_json::to_string(&assets).expect("strings serialize");
        let script = TEMPLATE.replace("__BUILD__", &build).replace("__ASSETS__", &list);
        ServiceWorker { build, script }
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
    fn the_worker_lists_the_build_and_changes_with_it() {
        let root = std::env::temp_dir().join(format!("rc-sw-{}", std::process::id()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(pkg.join("snippets")).unwrap();
        for f in ["road-chief.abc.wasm", "road-chief.abc.wasm.br", "road-chief.abc.js", "snippets/photos.js"] {
            std::fs::write(pkg.join(f), b"x").unwrap();
        }
        let first = ServiceWorker::for_site(&root, "pkg");
        assert!(first.script.contains("\"/pkg/road-chief.abc.wasm\""));
        assert!(first.script.contains("\"/pkg/snippets/photos.js\""));
        assert!(first.script.contains("\"/shell\""));
        assert!(!first.script.contains(".br\""));
        assert!(!first.script.contains("__BUILD__") && !first.script.contains("__ASSETS__"));
        std::fs::rename(pkg.join("road-chief.abc.wasm"), pkg.join("road-chief.def.wasm")).unwrap();
        let second = ServiceWorker::for_site(&root, "pkg");
        assert_ne!(first.build, second.build);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
