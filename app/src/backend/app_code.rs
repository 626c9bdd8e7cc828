//! The script that brings the app's code to a page the server rendered.
//!
//! The page is whole without the code, so the code is fetched only after the page's first
//! paint: on a slow phone line its few hundred kilobytes would otherwise share the line with the
//! page's own bytes (Leptos's `HydrationScripts` preloads it from the `<head>`). Links and plain
//! forms work before it arrives; returning phones have it from the service worker.

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos::WasmSplitManifest;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The file names of one build: the hashed names when the build hashes its files.
#[derive(Clone, Debug, PartialEq, Eq)]
struct BuildFiles {
    js: String,
    wasm: String,
    /// The chunk loader of a split build and its manifest (which chunks each lazy screen needs).
    split_js: String,
    split_manifest: String,
}

impl BuildFiles {
    /// From the build's hash file (`js: <hash>` lines), or the plain names without one.
    fn new(output_name: &str, hashes: Option<&str>) -> BuildFiles {
        let mut files = BuildFiles {
            js: format!("{output_name}.js"),
            // wasm-bindgen's name, unless the build named the output (cargo-leptos does).
            wasm: if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
                format!("{output_name}.wasm")
            } else {
                format!("{output_name}_bg.wasm")
            },
            split_js: "__wasm_split.______________________.js".to_string(),
            split_manifest: "__wasm_split_manifest.json".to_string(),
        };
        let Some(hashes) = hashes else { return files };
        for (file, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
            let hash = hash.trim();
            match file.trim() {
                "js" => files.js = format!("{output_name}.{hash}.js"),
                "wasm" => files.wasm = format!("{output_name}.{hash}.wasm"),
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

struct Loaded {
    files: BuildFiles,
    split: Option<WasmSplitManifest>,
}

fn loaded(options: &LeptosOptions) -> &'static Loaded {
    static LOADED: OnceLock<Loaded> = OnceLock::new();
    LOADED.get_or_init(|| {
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
        let files = BuildFiles::new(&options.output_name, hashes.as_deref());
        let pkg = format!("/{}", options.site_pkg_dir);
        let manifest_path = std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join(&files.split_manifest);
        // A build without split screens has no manifest: nothing to preload then.
        let split = std::fs::read_to_string(manifest_path)
            .ok()
            .and_then(|text| serde_json::from_str::<HashMap<String, Vec<String>>>(&text).ok())
            .map(|chunks| WasmSplitManifest(ArcStoredValue::new((pkg, chunks, files.split_js.clone()))));
        Loaded { files, split }
    })
}

/// In the document's `<head>`: the start script (and, for the server's renderer, which chunks a
/// lazy screen on this page needs, so it can name them in the `<head>`).
#[component]
pub fn AppCode(options: LeptosOptions) -> impl IntoView {
    let loaded = loaded(&options);
    if let Some(split) = &loaded.split {
        provide_context(split.clone());
    }
    let pkg = &options.site_pkg_dir;
    let script = start_script(&format!("/{pkg}/{}", loaded.files.js), &format!("/{pkg}/{}", loaded.files.wasm));
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_build_names_its_hashed_files() {
        let files = BuildFiles::new("road-chief", Some("js: AAA\nwasm: BBB\ncss: CCC\nsplit: DDD\nmanifest: EEE\n"));
        assert_eq!(files.js, "road-chief.AAA.js");
        assert_eq!(files.wasm, "road-chief.BBB.wasm");
        assert_eq!(files.split_js, "__wasm_split.DDD.js");
        assert_eq!(files.split_manifest, "__wasm_split_manifest.EEE.json");
    }

    #[test]
    fn an_unhashed_build_names_the_plain_files() {
        let files = BuildFiles::new("road-chief", None);
        assert_eq!(files.js, "road-chief.js");
        assert!(files.wasm.starts_with("road-chief") && files.wasm.ends_with(".wasm"), "{}", files.wasm);
        assert_eq!(files.split_manifest, "__wasm_split_manifest.json");
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
