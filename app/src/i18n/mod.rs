//! The interface's languages: Chinese (zh-CN) by default, English complete. Texts live in
//! `app/locales/*.json`; `build.rs` turns them into the `Msg` enum and one table per language.

use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

/// The cookie that remembers the chosen language (read by the server when it renders).
pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        if code.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if code.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of a setting: exactly "zh-CN" or "en".
    pub fn exact(code: &str) -> Option<Lang> {
        match code {
            "zh-CN" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language for a request: the remembered choice, else the first language of
    /// `Accept-Language` we have, else Chinese.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        cookie
            .and_then(Lang::from_code)
            .or_else(|| {
                accept_language?
                    .split(',')
                    .filter_map(|part| Lang::from_code(part.split(';').next().unwrap_or("")))
                    .next()
            })
            .unwrap_or_default()
    }

    pub fn text(self, msg: Msg) -> &'static str {
        let (text, ends) = match self {
            Lang::ZhCn => (ZH_CN_TEXT, &ZH_CN_ENDS),
            Lang::En => (EN_TEXT, &EN_ENDS),
        };
        cut(text, ends, msg as usize)
    }

    /// A text only the server uses (the public pages, messages to people and sections).
    #[cfg(feature = "ssr")]
    pub fn server(self, msg: ServerMsg) -> &'static str {
        let (text, ends) = match self {
            Lang::ZhCn => (ZH_CN_SERVER_TEXT, &ZH_CN_SERVER_ENDS),
            Lang::En => (EN_SERVER_TEXT, &EN_SERVER_ENDS),
        };
        cut(text, ends, msg as usize)
    }

    /// A server text with `{name}` placeholders filled in.
    #[cfg(feature = "ssr")]
    pub fn server_format(self, msg: ServerMsg, args: &[(&str, &str)]) -> String {
        fill(self.server(msg), args)
    }

    /// A message with `{name}` placeholders filled in.
    pub fn format(self, msg: Msg, args: &[(&str, &str)]) -> String {
        fill(self.text(msg), args)
    }

    /// Chooses between the two names a road, section or category carries.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::ZhCn => zh,
            Lang::En if en.is_empty() => zh,
            Lang::En => en,
        }
    }
}

/// Message `i` of a language's text, cut at the offsets build.rs wrote.
fn cut(text: &'static str, ends: &[u16], i: usize) -> &'static str {
    let start = if i == 0 { 0 } else { usize::from(ends[i - 1]) };
    // The offsets were cut at message boundaries by build.rs: always char boundaries.
    text.get(start..usize::from(ends[i])).unwrap_or("")
}

pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

// Only tests look messages up by key: in the browser the key strings would cost bundle bytes.
#[cfg(test)]
impl Msg {
    pub fn key(self) -> &'static str {
        KEYS[self as usize]
    }

    pub fn from_key(key: &str) -> Option<Msg> {
        KEYS.iter().position(|k| *k == key).map(|i| ALL[i])
    }
}

/// The language of the page, in the reactive context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    pub fn provide(initial: Lang) -> I18n {
        let i18n = I18n { lang: RwSignal::new(initial) };
        provide_context(i18n);
        i18n
    }

    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    pub fn t(self, msg: Msg) -> &'static str {
        self.lang.get().text(msg)
    }

    pub fn f(self, msg: Msg, args: &[(&str, &str)]) -> String {
        self.lang.get().format(msg, args)
    }

    pub fn pick(self, zh: &str, en: &str) -> String {
        self.lang.get().pick(zh, en).to_owned()
    }

    /// Switches language and remembers the choice for a year.
    pub fn set(self, lang: Lang) {
        self.lang.set(lang);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Some(html) = doc.document_element() {
                    let _ = html.set_attribute("lang", lang.code());
                }
                if let Ok(html_doc) = doc.dyn_into::<web_sys::HtmlDocument>() {
                    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
                    let _ = html_doc.set_cookie(&cookie);
                }
            }
        }
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// `t!(i18n, key)` is a reactive text node for a message.
#[macro_export]
macro_rules! t {
    ($i18n:expr, $key:ident) => {{
        let i18n = $i18n;
        move || i18n.t($crate::i18n::Msg::$key)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn load(file: &str) -> BTreeMap<String, String> {
        let path = format!("{}/locales/{file}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn both_locales_have_the_same_keys() {
        let zh = load("zh-CN.json");
        let en = load("en.json");
        let zh_keys: Vec<_> = zh.keys().collect();
        let en_keys: Vec<_> = en.keys().collect();
        assert_eq!(zh_keys, en_keys);
    }

    #[test]
    fn placeholders_match_between_locales() {
        let zh = load("zh-CN.json");
        let en = load("en.json");
        let names = |s: &str| {
            let mut v: Vec<String> =
                s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect();
            v.sort();
            v
        };
        for (key, zh_text) in &zh {
            assert_eq!(names(zh_text), names(&en[key]), "placeholders of {key}");
            assert!(!zh_text.trim().is_empty() && !en[key].trim().is_empty(), "{key} is empty");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_servers_texts_are_there_in_both_languages() {
        assert_eq!(SERVER_KEYS.len(), SERVER_ALL.len());
        for (key, msg) in SERVER_KEYS.iter().zip(SERVER_ALL) {
            assert!(["district_", "public_", "race_", "sheet_", "tell_"].iter().any(|p| key.starts_with(p)), "{key}");
            assert!(!Lang::ZhCn.server(msg).is_empty() && !Lang::En.server(msg).is_empty(), "{key}");
        }
        let server_only =
            |k: &&str| ["district_", "public_", "race_", "sheet_", "tell_"].iter().any(|p| k.starts_with(p));
        assert!(!KEYS.iter().any(server_only), "kept out of the browser");
        assert_eq!(Lang::En.server_format(ServerMsg::public_due, &[("date", "2026-12-03")]), "due 2026-12-03");
    }

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(None, None), Lang::ZhCn);
        assert_eq!(Lang::negotiate(Some("en"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("fr-FR,en-GB;q=0.8")), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), Some("zh-TW")), Lang::ZhCn);
    }

    #[test]
    fn texts_and_placeholders() {
        assert_eq!(Lang::En.text(Msg::app_name), "Road Chief");
        assert_eq!(Lang::ZhCn.text(Msg::app_name), "路长巡查");
        assert_eq!(Msg::from_key("app_name"), Some(Msg::app_name));
        assert_eq!(Msg::from_key("nope"), None);
        assert_eq!(Lang::En.format(Msg::distance_from_start, &[("m", "120")]), "120 m from the start");
    }
}
