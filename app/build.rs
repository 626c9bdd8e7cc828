//! Turns the locale files into code: one `Msg` variant per key and one string table per
//! language. A key missing from either locale fails the build, so a screen can never show a
//! raw key; the `i18n` unit tests check the same from the files themselves.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Key prefixes of texts only the server uses.
/// The race board's and the subdistrict map's texts come with them (their screens load on
/// demand, and the texts would otherwise be in every first load).
const SERVER_ONLY: [&str; 5] = ["district_", "public_", "race_", "sheet_", "tell_"];

const LOCALES: [(&str, &str); 2] = [("ZH_CN", "locales/zh-CN.json"), ("EN", "locales/en.json")];

fn read(path: &str) -> BTreeMap<String, String> {
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not a flat JSON object of strings: {e}"))
}

fn main() {
    let tables: Vec<(&str, BTreeMap<String, String>)> =
        LOCALES.iter().map(|(name, path)| (*name, read(path))).collect();
    let keys: Vec<&String> = tables[0].1.keys().collect();
    for (name, table) in &tables[1..] {
        let missing: Vec<_> = keys.iter().filter(|k| !table.contains_key(**k)).collect();
        let extra: Vec<_> = table.keys().filter(|k| !tables[0].1.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "locale {name}: missing keys {missing:?}, extra keys {extra:?}"
        );
    }
    for key in &keys {
        assert!(
            !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "locale key {key:?} must be snake_case"
        );
    }

    // What only the server says (the public pages, messages to people and sections) keeps its
    // texts out of the browser bundle: those keys start with one of `SERVER_ONLY` and become
    // `ServerMsg`, compiled with `ssr` only.
    let (server, interface): (Vec<&String>, Vec<&String>) =
        keys.iter().copied().partition(|k| SERVER_ONLY.iter().any(|p| k.starts_with(p)));
    let mut out = String::new();
    emit(&mut out, "Msg", "", &interface, &tables, None);
    emit(&mut out, "ServerMsg", "SERVER_", &server, &tables, Some("feature = \"ssr\""));
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    std::fs::write(dest, out).unwrap();
}

/// One message enum, its key list and one string table per language.
fn emit(
    out: &mut String,
    name: &str,
    prefix: &str,
    keys: &[&String],
    tables: &[(&str, BTreeMap<String, String>)],
    cfg: Option<&str>,
) {
    let gate = cfg.map(|c| format!("#[cfg({c})]\n")).unwrap_or_default();
    let len = keys.len();
    writeln!(out, "/// One message; its text comes from the locale files.").unwrap();
    write!(out, "{gate}#[allow(non_camel_case_types)]\n#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum {name} {{\n").unwrap();
    for key in keys {
        writeln!(out, "    {key},").unwrap();
    }
    out.push_str("}\n\n");
    writeln!(out, "{gate}#[cfg_attr(not(test), allow(dead_code))]\npub(crate) const {prefix}KEYS: [&str; {len}] = [")
        .unwrap();
    for key in keys {
        writeln!(out, "    {key:?},").unwrap();
    }
    out.push_str("];\n\n");
    writeln!(out, "{gate}#[cfg_attr(not(test), allow(dead_code))]\npub(crate) const {prefix}ALL: [{name}; {len}] = [")
        .unwrap();
    for key in keys {
        writeln!(out, "    {name}::{key},").unwrap();
    }
    out.push_str("];\n\n");
    // Each language as one string and the end offset of every message in it (a table of
    // `&str` would cost 8 bytes of pointer and length per message in the browser bundle). The
    // browser's code keeps only the offsets: it reads the string of the page's language from
    // the page (`i18n::PageTexts`), so that neither language's texts sit in its code.
    let in_code = match cfg {
        Some(_) => gate.clone(),
        None => "#[cfg(not(all(feature = \"hydrate\", not(feature = \"ssr\"))))]\n".to_owned(),
    };
    for (language, table) in tables {
        let mut text = String::new();
        let mut ends = Vec::new();
        for key in keys {
            text.push_str(&table[*key]);
            ends.push(text.len());
        }
        assert!(text.len() <= usize::from(u16::MAX), "locale {language} is longer than 64 KB");
        writeln!(out, "{in_code}pub(crate) const {language}_{prefix}TEXT: &str = {text:?};").unwrap();
        writeln!(out, "{gate}pub(crate) const {language}_{prefix}ENDS: [u16; {len}] = {ends:?};\n").unwrap();
        if cfg.is_none() {
            // Raw inside a `<script type="text/plain">` element, where `<` could end it early.
            let bad: Vec<_> = keys.iter().filter(|k| table[**k].contains('<')).collect();
            assert!(bad.is_empty(), "locale {language}: {bad:?} hold '<', which the page cannot carry raw");
        }
    }
}
