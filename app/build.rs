//! Turns the locale files into code: one `Msg` variant per key and one string table per
//! language. A key missing from either locale fails the build, so a screen can never show a
//! raw key; the `i18n` unit tests check the same from the files themselves.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

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

    let mut out = String::new();
    out.push_str("/// One message of the interface; its text comes from the locale files.\n");
    out.push_str(
        "#[allow(non_camel_case_types)]\n#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum Msg {\n",
    );
    for key in &keys {
        writeln!(out, "    {key},").unwrap();
    }
    out.push_str("}\n\n");
    out.push_str("#[cfg_attr(not(test), allow(dead_code))]\n");
    writeln!(out, "pub(crate) const KEYS: [&str; {}] = [", keys.len()).unwrap();
    for key in &keys {
        writeln!(out, "    {key:?},").unwrap();
    }
    out.push_str("];\n\n");
    out.push_str("#[cfg_attr(not(test), allow(dead_code))]\n");
    out.push_str("pub(crate) const ALL: [Msg; KEYS.len()] = [\n");
    for key in &keys {
        writeln!(out, "    Msg::{key},").unwrap();
    }
    out.push_str("];\n\n");
    // Each language as one string and the end offset of every message in it: a table of
    // `&str` would cost 8 bytes of pointer and length per message in the browser bundle.
    for (name, table) in &tables {
        let mut text = String::new();
        let mut ends = Vec::new();
        for key in &keys {
            text.push_str(&table[*key]);
            ends.push(text.len());
        }
        assert!(text.len() <= usize::from(u16::MAX), "locale {name} is longer than 64 KB");
        writeln!(out, "pub(crate) const {name}_TEXT: &str = {text:?};").unwrap();
        writeln!(out, "pub(crate) const {name}_ENDS: [u16; KEYS.len()] = {ends:?};\n").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("messages.rs");
    std::fs::write(dest, out).unwrap();
}
