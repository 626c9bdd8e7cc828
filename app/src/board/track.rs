//! The tracking page: one report's way, as its sender may see it (the status, the chief's
//! public reply, the steps of the finding made from it). Nothing else is reachable from it.

use super::road::lookup;
use super::{document, language_switch, report_state, step_text, text};
use crate::backend::reports::Tracking;
use crate::domain::report::ReportStatus;
use crate::i18n::{Lang, ServerMsg};
use leptos::prelude::*;

/// The page's look of a status (a report marked as spam looks like any other closed one).
fn state_class(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::New => "new",
        ReportStatus::Confirmed | ReportStatus::Answered => "handled",
        ReportStatus::Spam => "closed",
    }
}

/// The page of one report. `fresh`: it was sent just now (say thanks and how to come back).
/// `path`: this page's own address (the link or the code lookup).
pub fn page(lang: Lang, nonce: &str, tracking: &Tracking, fresh: bool, path: &str) -> String {
    let report = &tracking.report;
    let code = report.short_code.display();
    let road = lang.pick(&report.road.name_zh, &report.road.name_en).to_owned();
    let state = report_state(report.status, report.same_as);
    let reply = report.reply.clone().filter(|_| report.status != ReportStatus::Spam);
    let steps = tracking
        .steps
        .iter()
        .map(|(status, at, section)| {
            let said = step_text(lang, *status, section);
            view! {
                <li>
                    <span class="meta">{at.format_local()}</span>
                    <span>{said}</span>
                </li>
            }
        })
        .collect_view();
    let photos = (tracking.photos > 0).then(|| {
        view! {
            <dt>{text(lang, ServerMsg::public_field_photos_short)}</dt>
            <dd>{tracking.photos.to_string()}</dd>
        }
    });
    let body = view! {
        <header class="board">
            {language_switch(lang, path)}
            <p class="kicker">{road.clone()}</p>
            <h1>{text(lang, ServerMsg::public_tracking_title)}</h1>
        </header>
        <main>
            {fresh.then(|| view! {
                <p class="thanks" role="status">{text(lang, ServerMsg::public_tracking_sent)}</p>
                <p class="keep">
                    {lang.server_format(ServerMsg::public_tracking_keep, &[("code", &code)])}
                </p>
            })}
            <section aria-labelledby="state">
                <h2 id="state" class=format!("state {}", state_class(report.status))>{text(lang, state)}</h2>
                <dl>
                    <dt>{text(lang, ServerMsg::public_track_code)}</dt>
                    <dd class="code">{code.clone()}</dd>
                    <dt>{text(lang, ServerMsg::public_field_category)}</dt>
                    <dd>{lang.pick(&report.category.name_zh, &report.category.name_en).to_owned()}</dd>
                    <dt>{text(lang, ServerMsg::public_field_note)}</dt>
                    <dd class="note">{report.note.clone()}</dd>
                    {photos}
                    <dt>{text(lang, ServerMsg::public_received)}</dt>
                    <dd>{report.received_at.format_local()}</dd>
                </dl>
                {reply.map(|reply| view! {
                    <h3>{text(lang, ServerMsg::public_tracking_reply)}</h3>
                    <p class="reply">{reply}</p>
                })}
                {(!tracking.steps.is_empty()).then(|| view! {
                    <h3>{text(lang, ServerMsg::public_tracking_steps)}</h3>
                    <ol class="steps">{steps}</ol>
                })}
            </section>
            <p>
                <a href=format!("/board/{}", report.road.id)>{text(lang, ServerMsg::public_back_to_board)}</a>
            </p>
            {lookup(lang, "")}
        </main>
    }
    .to_html();
    let title = format!("{} · {road}", text(lang, ServerMsg::public_tracking_title));
    document(lang, nonce, &title, body, false)
}

/// The lookup page: empty, or after a code that matched nothing (or was not a code).
pub fn lookup_page(lang: Lang, nonce: &str, code: &str, missed: bool) -> String {
    let body = view! {
        <header class="board">
            {language_switch(lang, "/track")}
            <h1>{text(lang, ServerMsg::public_tracking_title)}</h1>
        </header>
        <main>
            {missed.then(|| view! { <p class="refusal" role="alert">{text(lang, ServerMsg::public_not_found_report)}</p> })}
            {lookup(lang, code)}
        </main>
    }
    .to_html();
    document(lang, nonce, text(lang, ServerMsg::public_tracking_title), body, false)
}
