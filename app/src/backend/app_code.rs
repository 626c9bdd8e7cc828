//! The script that brings the app's code to a page the server rendered, and where the build's
//! files are served.
//!
//! The page is whole without the code, so the code is fetched only after the page's first
//! paint: on a slow phone line its few hundred kilobytes would otherwise share the line with the
//! page's own bytes (Leptos's `HydrationScripts` preloads it from the `<head>`). Links and plain
//! forms work before it arrives; returning phones have it from the service worker.
//!
//! The files keep their plain names and are served under a path that names the build
//! (`/pkg/<build>/road-chief.wasm`): browsers keep them for good, a new build is new paths, and
//! the chunk loader does not carry a hash for each of its two hundred chunk names (≈4.5 KB of
//! the first load, compressed).

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos::WasmSplitManifest;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The file names of one build: the hashed names when the build hashes its files.
#[derive(Clone, Debug, PartialEq, Eq)]
struct BuildFiles {
    js: String,
    wasm: String,
    css: String,
    /// The chunk loader of a split build and its manifest (which chunks each lazy screen needs).
    split_js: String,
    split_manifest: String,
}

impl BuildFiles {
    /// From the build's hash file (`js: <hash>` lines), or the plain names without one.
    fn new(output_name: &str, hashes: Option<&str>) -> BuildFiles {
        let mut files = BuildFiles {
            js: format!("{output_name}.js"),
            // cargo-leptos's name (`loaded` falls back to wasm-bindgen's `_bg` name when only
            // that file is there).
            wasm: format!("{output_name}.wasm"),
            css: format!("{output_name}.css"),
            split_js: "__wasm_split.______________________.js".to_string(),
            split_manifest: "__wasm_split_manifest.json".to_string(),
        };
        let Some(hashes) = hashes else { return files };
        for (file, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
            let hash = hash.trim();
            match file.trim() {
                "js" => files.js = format!("{output_name}.{hash}.js"),
                "wasm" => files.wasm = format!("{output_name}.{hash}.wasm"),
                "css" => files.css = format!("{output_name}.{hash}.css"),
                "split" => files.split_js = format!("__wasm_split.{hash}.js"),
                "manifest" => files.split_manifest = format!("__wasm_split_manifest.{hash}.json"),
                _ => {}
            }
        }
        files
    }
}

/// The inline module script: after the first paint (or half a second, whichever is first, for
/// a tab opened in the background), load the JS, compile the wasm and hydrate.
fn start_script(js: &str, wasm: &str) -> String {
    // `{:?}` of a Rust string is a valid JS string literal for these file names.
    format!(
        "(function(js,wasm){{var started=false;var start=function(){{if(started)return;started=true;\
         import(js).then(function(m){{return m.default({{module_or_path:wasm}}).then(function(){{m.hydrate();}});}});}};\
         requestAnimationFrame(function(){{setTimeout(start,0);}});setTimeout(start,500);}})({js:?},{wasm:?});"
    )
}

/// The build's files under `pkg_dir`, as sorted paths relative to it; not the precompressed
/// twins, which follow from them (the server picks one by `Accept-Encoding`).
fn build_files(pkg_dir: &Path) -> Vec<String> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                collect(&path, out);
            } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    collect(pkg_dir, &mut files);
    let mut names: Vec<String> =
        files.iter().map(|f| f.strip_prefix(pkg_dir).unwrap_or(f).to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Names the build: a digest of every file's path and bytes, so any changed byte is a new build.
fn build_id(pkg_dir: &Path, files: &[String]) -> String {
    let mut digest = Sha256::new();
    for file in files {
        digest.update(file.as_bytes());
        digest.update([0]);
        digest.update(std::fs::read(pkg_dir.join(file)).unwrap_or_default());
        digest.update([0]);
    }
    digest.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Where one build is served: its id, the URL path of its files (`/pkg/<build>`) and the files
/// (relative to that path).
pub struct Served {
    pub build: String,
    pub base: String,
    pub files: Vec<String>,
}

struct Loaded {
    files: BuildFiles,
    served: Served,
    split: Option<WasmSplitManifest>,
}

/// Read once per site (a test process runs several servers, each on a site of its own).
fn loaded(options: &LeptosOptions) -> &'static Loaded {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, &'static Loaded>>> = OnceLock::new();
    let pkg_dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let mut sites = LOADED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    sites.entry(pkg_dir.clone()).or_insert_with(|| {
        let hashes = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
            })
            .flatten();
        if options.hash_files && hashes.is_none() {
            tracing::error!("the build hashes its files but its hash file is missing");
        }
        let mut files = BuildFiles::new(&options.output_name, hashes.as_deref());
        // Decided by what the build wrote, not by how the server was compiled: a server built by
        // plain cargo serves cargo-leptos's files as well.
        let bindgen_wasm = format!("{}_bg.wasm", options.output_name);
        if !pkg_dir.join(&files.wasm).exists() && pkg_dir.join(&bindgen_wasm).exists() {
            files.wasm = bindgen_wasm;
        }
        let served_files = build_files(&pkg_dir);
        let build = build_id(&pkg_dir, &served_files);
        let base = format!("/{}/{build}", options.site_pkg_dir);
        // A build without split screens has no manifest: nothing to preload then.
        let split = std::fs::read_to_string(pkg_dir.join(&files.split_manifest))
            .ok()
            .and_then(|text| serde_json::from_str::<HashMap<String, Vec<String>>>(&text).ok())
            .map(|chunks| WasmSplitManifest(ArcStoredValue::new((base.clone(), chunks, files.split_js.clone()))));
        Box::leak(Box::new(Loaded { files, served: Served { build, base, files: served_files }, split }))
    })
}

/// Where this site's build is served.
pub fn served(options: &LeptosOptions) -> &'static Served {
    &loaded(options).served
}

/// In the document's `<head>`: the stylesheet and the start script (and, for the server's
/// renderer, which chunks a lazy screen on this page needs, so it can name them in the `<head>`).
#[component]
pub fn AppCode(options: LeptosOptions) -> impl IntoView {
    let loaded = loaded(&options);
    if let Some(split) = &loaded.split {
        provide_context(split.clone());
    }
    let base = &loaded.served.base;
    let script = start_script(&format!("{base}/{}", loaded.files.js), &format!("{base}/{}", loaded.files.wasm));
    view! {
        <link rel="stylesheet" id="leptos" href=format!("{base}/{}", loaded.files.css)/>
        <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_build_names_its_hashed_files() {
        let files = BuildFiles::new("road-chief", Some("js: AAA\nwasm: BBB\ncss: CCC\nsplit: DDD\nmanifest: EEE\n"));
        assert_eq!(files.js, "road-chief.AAA.js");
        assert_eq!(files.wasm, "road-chief.BBB.wasm");
        assert_eq!(files.css, "road-chief.CCC.css");
        assert_eq!(files.split_js, "__wasm_split.DDD.js");
        assert_eq!(files.split_manifest, "__wasm_split_manifest.EEE.json");
    }

    #[test]
    fn an_unhashed_build_names_the_plain_files() {
        let files = BuildFiles::new("road-chief", None);
        assert_eq!(files.js, "road-chief.js");
        assert_eq!(files.wasm, "road-chief.wasm");
        assert_eq!(files.split_manifest, "__wasm_split_manifest.json");
        assert_eq!(files.css, "road-chief.css");
    }

    #[test]
    fn the_build_lists_its_files_and_its_id_changes_with_any_byte() {
        let pkg = std::env::temp_dir().join(format!("rc-build-{}", std::process::id()));
        std::fs::create_dir_all(pkg.join("snippets")).unwrap();
        std::fs::write(pkg.join("road-chief.wasm"), b"one").unwrap();
        std::fs::write(pkg.join("snippets/phone.js"), b"two").unwrap();
        let id = || build_id(&pkg, &build_files(&pkg));
        let first = id();
        assert_eq!(first.len(), 12);
        std::fs::write(pkg.join("road-chief.wasm.br"), b"compressed").unwrap();
        std::fs::write(pkg.join("road-chief.wasm.gz"), b"compressed").unwrap();
        assert_eq!(build_files(&pkg), ["road-chief.wasm", "snippets/phone.js"], "not the compressed twins");
        assert_eq!(id(), first);
        std::fs::write(pkg.join("snippets/phone.js"), b"tw0").unwrap();
        let second = id();
        assert_ne!(second, first);
        std::fs::rename(pkg.join("snippets/phone.js"), pkg.join("snippets/other.js")).unwrap();
        assert_ne!(id(), second, "a renamed file is another build");
        std::fs::remove_dir_all(&pkg).unwrap();
    }

    #[test]
    fn the_code_starts_after_the_first_paint_from_the_named_files() {
        let script = start_script("/pkg/road-chief.AAA.js", "/pkg/road-chief.BBB.wasm");
        assert!(script.contains(r#"("/pkg/road-chief.AAA.js","/pkg/road-chief.BBB.wasm")"#), "{script}");
        assert!(script.contains("requestAnimationFrame"));
        assert!(script.contains("m.hydrate()"));
        assert!(!script.contains("preload"));
    }
}
