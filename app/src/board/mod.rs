//! The public pages (server side only): a road's board, the resident's report form and the
//! tracking page. Residents open them by scanning the board's QR code, mostly in a messaging
//! app's browser on a cheap phone on mobile data, so they are plain server-rendered HTML with
//! their own small style and script (no wasm, no app bundle): a first visit is a few KB.
//! Texts are the locale files' `public_` messages, compiled into the server only.

pub mod print;
pub mod road;
pub mod sketch;
pub mod track;

use crate::api::views::Named;
use crate::domain::duplicate::SameAs;
use crate::domain::finding::{overdue, FindingStatus};
use crate::domain::report::ReportStatus;
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

/// A finding's step as the public is told it: what happened, with which section.
pub fn step_text(lang: Lang, status: FindingStatus, section: &Named) -> String {
    let msg = match status {
        FindingStatus::Routed => ServerMsg::public_status_routed,
        FindingStatus::Accepted => ServerMsg::public_status_accepted,
        FindingStatus::Resolved => ServerMsg::public_status_resolved,
        FindingStatus::Closed => ServerMsg::public_status_closed,
        FindingStatus::Returned => ServerMsg::public_status_returned,
    };
    lang.server_format(msg, &[("section", lang.pick(&section.name_zh, &section.name_en))])
}

/// Where a finding stands for the public: its step and, while the section has it, by when.
pub fn state_text(lang: Lang, status: FindingStatus, section: &Named, deadline: Timestamp, now: Timestamp) -> String {
    let said = step_text(lang, status, section);
    if !status.deadline_runs() {
        return said;
    }
    let due = if overdue(status, deadline, now) {
        text(lang, ServerMsg::public_overdue).to_owned()
    } else {
        lang.server_format(ServerMsg::public_due, &[("date", &day(deadline))])
    };
    format!("{said} · {due}")
}

/// What a report's sender is told of its state (a report marked as spam is simply not taken
/// up; one added to the same problem says so).
pub fn report_state(status: ReportStatus, same_as: Option<SameAs>) -> ServerMsg {
    match (status, same_as) {
        (ReportStatus::New, Some(SameAs::Report(_))) => ServerMsg::public_tracking_joined_waiting,
        (ReportStatus::Confirmed, Some(SameAs::Finding(_))) => ServerMsg::public_tracking_joined,
        (ReportStatus::New, _) => ServerMsg::public_tracking_waiting,
        (ReportStatus::Confirmed, _) => ServerMsg::public_tracking_confirmed,
        (ReportStatus::Answered, _) => ServerMsg::public_tracking_answered,
        (ReportStatus::Spam, _) => ServerMsg::public_tracking_not_taken,
    }
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
