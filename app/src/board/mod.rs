//! The public pages (server side only): a road's board, the resident's report form and the
//! tracking page. Residents open them by scanning the board's QR code, mostly in a messaging
//! app's browser on a cheap phone on mobile data, so they are plain server-rendered HTML with
//! their own small style and script (no wasm, no app bundle): a first visit is a few KB.
//! Texts are the locale files' `public_` messages, compiled into the server only.

pub mod print;
pub mod road;
pub mod sketch;
pub mod track;

use crate::domain::time::Timestamp;
use crate::i18n::{Lang, ServerMsg};
use leptos::prelude::*;

/// The pages' style (mobile first; the board's colours).
const STYLE: &str = include_str!("board.css");
/// The report form's script: the proof of work, the position, the sketch, smaller photos.
pub const SCRIPT: &str = include_str!("board.js");

/// A whole page: `body` is HTML this module rendered (everything in it escaped). The style and
/// script are this module's own constants, written as they are (escaping would break them).
pub fn document(lang: Lang, nonce: &str, title: &str, body: String, script: bool) -> String {
    document_with(lang, nonce, title, body, script, STYLE)
}

/// A page with its own style.
pub fn document_with(lang: Lang, nonce: &str, title: &str, body: String, script: bool, style: &str) -> String {
    let title = view! { <title>{title.to_owned()}</title> }.to_html();
    let nonce: String = nonce.chars().filter(char::is_ascii_alphanumeric).collect();
    let script = if script { format!("<script nonce=\"{nonce}\">{SCRIPT}</script>") } else { String::new() };
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">{title}<style nonce=\"{nonce}\">{style}</style></head>\
         <body>{body}{script}</body></html>",
        lang.code()
    )
}

/// The policy of a public page: its own style and script (by nonce), photos from nowhere,
/// forms to this site only.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self' data: blob:; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

pub fn text(lang: Lang, msg: ServerMsg) -> &'static str {
    lang.server(msg)
}

/// A day as the board shows it.
pub fn day(at: Timestamp) -> String {
    at.local_date().to_string()
}

/// The link to the same page in the other language.
pub fn language_switch(lang: Lang, path: &str) -> impl IntoView {
    let other = match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    let join = if path.contains('?') { '&' } else { '?' };
    let href = format!("{path}{join}lang={}", other.code());
    view! {
        <a class="lang" href=href hreflang=other.code() lang=other.code()>
            {text(lang, ServerMsg::public_language_other)}
        </a>
    }
}

/// A page that says only that something is not there.
pub fn not_found(lang: Lang, nonce: &str, what: ServerMsg) -> String {
    let body = view! {
        <main>
            <h1>{text(lang, ServerMsg::public_site_name)}</h1>
            <p class="refusal" role="alert">{text(lang, what)}</p>
        </main>
    }
    .to_html();
    document(lang, nonce, text(lang, ServerMsg::public_site_name), body, false)
}
