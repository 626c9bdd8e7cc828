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

    /// The language's name in itself (what the switch to it says, in any language).
    pub fn name(self) -> &'static str {
        match self {
            Lang::ZhCn => "中文",
            Lang::En => "English",
        }
    }

    /// The id of the page element that carries this language's texts to the browser.
    pub fn texts_element_id(self) -> &'static str {
        match self {
            Lang::ZhCn => "texts-zh-CN",
            Lang::En => "texts-en",
        }
    }

    pub fn text(self, msg: Msg) -> &'static str {
        let ends = match self {
            Lang::ZhCn => &ZH_CN_ENDS,
            Lang::En => &EN_ENDS,
        };
        cut(self.interface_text(), ends, msg as usize)
    }

    /// Every interface message of the language, one after another.
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    fn interface_text(self) -> &'static str {
        match self {
            Lang::ZhCn => ZH_CN_TEXT,
            Lang::En => EN_TEXT,
        }
    }

    /// In the browser, from the page (see `PageTexts`); empty for another language.
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    fn interface_text(self) -> &'static str {
        page_texts::text(self)
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

/// The interface's texts of the page's language, inside an element the browser does not run:
/// the browser's code then carries neither language, only where each message ends. The offline
/// shell carries both, since the language is chosen on the phone when it opens.
#[cfg(feature = "ssr")]
#[component]
pub fn PageTexts(langs: Vec<Lang>) -> impl IntoView {
    langs
        .into_iter()
        .map(|lang| view! { <script type="text/plain" id=lang.texts_element_id() inner_html=lang.interface_text()></script> })
        .collect_view()
}

/// Reads the page's texts in `lang` (once; a page has one language). `I18n::provide` calls it;
/// the offline shell calls it before it empties the body that carries them.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn load_page_texts(lang: Lang) {
    page_texts::load(lang);
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod page_texts {
    use super::{Lang, EN_ENDS, ZH_CN_ENDS};
    use std::cell::Cell;

    thread_local! {
        static LOADED: Cell<Option<(Lang, &'static str)>> = const { Cell::new(None) };
    }

    pub fn text(lang: Lang) -> &'static str {
        match LOADED.with(Cell::get) {
            Some((loaded, text)) if loaded == lang => text,
            _ => "",
        }
    }

    pub fn load(lang: Lang) {
        if LOADED.with(Cell::get).is_some() {
            return;
        }
        let text = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(lang.texts_element_id()))
            .and_then(|e| e.text_content())
            .unwrap_or_default();
        let ends: &[u16] = match lang {
            Lang::ZhCn => &ZH_CN_ENDS,
            Lang::En => &EN_ENDS,
        };
        // The page and the code come from the same build (hashed file names); a page from
        // another build would cut every text in the wrong place, so it shows none instead.
        if ends.last().map(|end| usize::from(*end)) == Some(text.len())
            && ends.iter().all(|end| text.is_char_boundary(usize::from(*end)))
        {
            LOADED.with(|l| l.set(Some((lang, String::leak(text)))));
        } else {
            web_sys::console::error_1(&"the page's texts do not match this code".into());
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

/// The language of the page. It does not change while the page lives: switching reloads the
/// page in the other language, so every text is plain text, not a reactive one (each reactive
/// text cost code and an effect to hydrate).
#[derive(Clone, Copy)]
pub struct I18n {
    lang: Lang,
}

impl I18n {
    pub fn provide(initial: Lang) -> I18n {
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        load_page_texts(initial);
        let i18n = I18n { lang: initial };
        provide_context(i18n);
        i18n
    }

    pub fn lang(self) -> Lang {
        self.lang
    }

    pub fn t(self, msg: Msg) -> &'static str {
        self.lang.text(msg)
    }

    pub fn f(self, msg: Msg, args: &[(&str, &str)]) -> String {
        self.lang.format(msg, args)
    }

    pub fn pick(self, zh: &str, en: &str) -> String {
        self.lang.pick(zh, en).to_owned()
    }

    /// Remembers `lang` for a year and reloads the page in it (from the service worker's copy
    /// when there is no network). Records are on the phone already; a half-typed note is not.
    pub fn set(self, lang: Lang) {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(window) = web_sys::window() else { return };
            if let Some(html_doc) = window.document().and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) {
                let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
                let _ = html_doc.set_cookie(&cookie);
            }
            let _ = window.location().reload();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = lang;
    }
}

/// The language chosen on this phone (the cookie `I18n::set` writes), if any.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn remembered() -> Option<Lang> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?;
    let cookies = document.cookie().ok()?;
    cookies.split(';').find_map(|c| c.trim().strip_prefix(LANG_COOKIE)?.strip_prefix('=').and_then(Lang::exact))
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// `t!(i18n, key)` is the text of a message in the page's language.
#[macro_export]
macro_rules! t {
    ($i18n:expr, $key:ident) => {
        $i18n.t($crate::i18n::Msg::$key)
    };
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
