//! A road's public board: who its chief is and how to reach them, this week's inspection, the
//! road's open and lately closed problems (kind, place, status: nothing about people), the
//! report form and the tracking-code lookup.

use super::sketch::{Sketch, HEIGHT, WIDTH};
use super::{day, document, language_switch, state_text, text};
use crate::api::views::KnownProblem;
use crate::backend::reports::{Board, Refusal};
use crate::backend::store::reports::PublicFinding;
use crate::domain::duplicate::{said_distance_m, SameAs, SAME_PLACE_M};
use crate::domain::finding::FindingStatus;
use crate::domain::inspection::InspectionStatus;
use crate::domain::report::{MAX_CONTACT_CHARS, MAX_REPORT_PHOTOS, WORK_BITS};
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use crate::i18n::{Lang, ServerMsg};
use leptos::prelude::*;

/// What the report form shows: a fresh challenge, and after a refusal what was typed and why.
#[derive(Clone, Debug, Default)]
pub struct FormState {
    pub challenge: String,
    pub category: String,
    pub note: String,
    pub contact: String,
    pub lon: String,
    pub lat: String,
    pub refusal: Option<Refusal>,
}

pub fn refusal_text(lang: Lang, refusal: Refusal) -> String {
    let msg = match refusal {
        Refusal::UnknownCategory => ServerMsg::public_refused_category,
        Refusal::NoteEmpty => ServerMsg::public_refused_note_empty,
        Refusal::NoteTooLong => ServerMsg::public_refused_note_too_long,
        Refusal::ContactTooLong => ServerMsg::public_refused_contact_too_long,
        Refusal::InvalidPosition => ServerMsg::public_refused_position,
        Refusal::TooFarFromRoad => ServerMsg::public_refused_too_far,
        Refusal::TooManyPhotos => ServerMsg::public_refused_too_many_photos,
        Refusal::NotAnImage => ServerMsg::public_refused_not_an_image,
        Refusal::PhotoTooLarge => ServerMsg::public_refused_photo_too_large,
        Refusal::ProofMissing => ServerMsg::public_refused_proof,
        Refusal::ProofExpired => ServerMsg::public_refused_expired,
        Refusal::AlreadySent => ServerMsg::public_refused_already_sent,
        Refusal::Busy => ServerMsg::public_refused_busy,
        Refusal::TooLarge => ServerMsg::public_refused_too_large,
        Refusal::Unreadable => ServerMsg::public_refused_unreadable,
        Refusal::Wait { retry_after_s } => {
            let minutes = ((retry_after_s + 59) / 60).max(1).to_string();
            return lang.server_format(ServerMsg::public_refused_wait, &[("minutes", &minutes)]);
        }
    };
    text(lang, msg).to_owned()
}

fn problems(lang: Lang, board: &Board, now: Timestamp) -> impl IntoView {
    let findings = &board.findings;
    let (open, closed): (Vec<&PublicFinding>, Vec<&PublicFinding>) =
        findings.iter().partition(|f| f.status != FindingStatus::Closed);
    let item = move |f: &PublicFinding| {
        let place = lang.server_format(ServerMsg::public_problem_at, &[("m", &format!("{:.0}", f.along_m))]);
        let found = lang.server_format(ServerMsg::public_reported_on, &[("date", &day(f.received_at))]);
        let class = if f.status == FindingStatus::Closed { "problem closed" } else { "problem" };
        let shown = board.photos.get(&f.id).cloned().unwrap_or_default();
        let alt = text(lang, ServerMsg::public_photo_alt);
        let photos = (!shown.is_empty()).then(|| {
            let thumbs = shown
                .iter()
                .map(|hash| {
                    let src = format!("/board/photos/{}", hash.as_str());
                    let href = src.clone();
                    view! { <a href=href><img src=src alt=alt loading="lazy" width="96" height="72"/></a> }
                })
                .collect_view();
            view! { <span class="photos">{thumbs}</span> }
        });
        view! {
            <li class=class>
                <strong>{lang.pick(&f.category.name_zh, &f.category.name_en).to_owned()}</strong>
                <span class="meta">{format!("{place} · {found}")}</span>
                <span class="status">{state_text(lang, f.status, &f.section, f.deadline, now)}</span>
                {photos}
            </li>
        }
    };
    let open_list = if open.is_empty() {
        view! { <p class="quiet">{text(lang, ServerMsg::public_problems_none)}</p> }.into_any()
    } else {
        view! { <ul class="problems">{open.into_iter().map(item).collect_view()}</ul> }.into_any()
    };
    let closed_list = (!closed.is_empty()).then(|| {
        view! {
            <h3>{text(lang, ServerMsg::public_problems_closed)}</h3>
            <ul class="problems">{closed.into_iter().map(item).collect_view()}</ul>
        }
    });
    view! {
        <section aria-labelledby="problems">
            <h2 id="problems">{text(lang, ServerMsg::public_problems_title)}</h2>
            {open_list}
            {closed_list}
        </section>
    }
}

fn report_form(lang: Lang, board: &Board, form: &FormState) -> impl IntoView {
    let road_id = board.road.named.id.clone();
    let action = format!("/board/{road_id}/reports");
    let sketch = Sketch::of(&board.road.geometry);
    let categories = board
        .categories
        .iter()
        .map(|c| {
            let selected = c.id == form.category;
            view! { <option value=c.id.clone() selected=selected>{lang.pick(&c.name_zh, &c.name_en).to_owned()}</option> }
        })
        .collect_view();
    let refusal = form.refusal.map(|r| view! { <p class="refusal" role="alert">{refusal_text(lang, r)}</p> });
    // The script fills in `{m}` itself.
    let place_set = text(lang, ServerMsg::public_place_set);
    view! {
        <section aria-labelledby="report">
            <h2 id="report">{text(lang, ServerMsg::public_report_title)}</h2>
            <p class="quiet">{text(lang, ServerMsg::public_report_lead)}</p>
            {refusal}
            <form
                id="report-form"
                method="post"
                action=action
                enctype="multipart/form-data"
                aria-labelledby="report"
                data-bits=WORK_BITS.to_string()
                data-sending=text(lang, ServerMsg::public_sending)
                data-place-set=place_set
                data-place-tapped=text(lang, ServerMsg::public_place_tapped)
                data-no-position=text(lang, ServerMsg::public_no_position)
                data-same=format!("/board/{road_id}/same?lang={}", lang.code())
            >
                <input type="hidden" name="challenge" value=form.challenge.clone()/>
                <input type="hidden" name="counter" value=""/>
                <input type="hidden" name="lon" value=form.lon.clone()/>
                <input type="hidden" name="lat" value=form.lat.clone()/>
                <label for="category">{text(lang, ServerMsg::public_field_category)}</label>
                <select id="category" name="category" required>{categories}</select>
                <label for="note">{text(lang, ServerMsg::public_field_note)}</label>
                <textarea id="note" name="note" rows="4" required maxlength=Note::MAX_CHARS.to_string()>
                    {form.note.clone()}
                </textarea>
                <fieldset>
                    <legend>{text(lang, ServerMsg::public_field_place)}</legend>
                    <button type="button" id="use-position" class="secondary">
                        {text(lang, ServerMsg::public_use_my_position)}
                    </button>
                    <p class="quiet">{text(lang, ServerMsg::public_place_hint)}</p>
                    <svg
                        id="sketch"
                        role="img"
                        aria-label=text(lang, ServerMsg::public_sketch_label)
                        viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                        data-west=sketch.west.to_string()
                        data-north=sketch.north.to_string()
                        data-per-lon=sketch.per_lon.to_string()
                        data-per-lat=sketch.per_lat.to_string()
                    >
                        <polyline points=sketch.points class="road"></polyline>
                        <circle id="mark" r="7" cx="-20" cy="-20"></circle>
                    </svg>
                    <p id="place" class="quiet" aria-live="polite"></p>
                </fieldset>
                <div id="same" aria-live="polite"></div>
                <label for="photos">
                    {lang.server_format(ServerMsg::public_field_photos, &[("n", &MAX_REPORT_PHOTOS.to_string())])}
                </label>
                <input id="photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple/>
                <label for="contact">{text(lang, ServerMsg::public_field_contact)}</label>
                <input
                    id="contact"
                    name="contact"
                    autocomplete="tel"
                    maxlength=MAX_CONTACT_CHARS.to_string()
                    value=form.contact.clone()
                />
                <noscript>
                    <p class="refusal">{text(lang, ServerMsg::public_needs_script)}</p>
                </noscript>
                <button type="submit" id="send">{text(lang, ServerMsg::public_send)}</button>
                <p id="sending" class="quiet" role="status" aria-live="polite"></p>
            </form>
        </section>
    }
}

/// A refusal alone, for a fragment the page's script asked for.
pub fn refusal_fragment(lang: Lang, refusal: Refusal) -> String {
    view! { <p class="refusal" role="alert">{refusal_text(lang, refusal)}</p> }.to_html()
}

/// "Is it one of these?": the open problems of the chosen kind near the chosen place, for the
/// form to offer (a fragment the page's script puts in; empty when there are none). Choosing
/// one adds the report to it.
pub fn same_choices(lang: Lang, choices: &[(KnownProblem, f64)]) -> String {
    if choices.is_empty() {
        return String::new();
    }
    let item = |(known, metres): &(KnownProblem, f64)| {
        let away = lang.server_format(ServerMsg::public_same_away, &[("m", &said_distance_m(*metres).to_string())]);
        let found = lang.server_format(ServerMsg::public_reported_on, &[("date", &day(known.since))]);
        let state = match known.which {
            SameAs::Finding(_) => text(lang, ServerMsg::public_same_handling),
            SameAs::Report(_) => text(lang, ServerMsg::public_tracking_waiting),
        };
        let reports = (known.reports > 0)
            .then(|| lang.server_format(ServerMsg::public_same_reports, &[("n", &known.reports.to_string())]));
        let said = [Some(away), Some(found), reports].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        view! {
            <label class="choice">
                <input type="radio" name="same_as" value=known.which.form_value()/>
                <span>
                    <span class="meta">{said}</span>
                    <span class="status">{state}</span>
                </span>
            </label>
        }
    };
    let lead = lang.server_format(ServerMsg::public_same_lead, &[("m", &format!("{SAME_PLACE_M:.0}"))]);
    view! {
        <fieldset class="same">
            <legend>{text(lang, ServerMsg::public_same_title)}</legend>
            <p class="quiet">{lead}</p>
            {choices.iter().map(item).collect_view()}
            <label class="choice">
                <input type="radio" name="same_as" value="" checked/>
                <span>{text(lang, ServerMsg::public_same_new)}</span>
            </label>
        </fieldset>
    }
    .to_html()
}

/// The code lookup, also on the tracking pages.
pub fn lookup(lang: Lang, code: &str) -> impl IntoView {
    view! {
        <section aria-labelledby="lookup">
            <h2 id="lookup">{text(lang, ServerMsg::public_track_title)}</h2>
            <form method="get" action="/track" class="lookup" aria-labelledby="lookup">
                <label for="code">{text(lang, ServerMsg::public_track_code)}</label>
                <input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="20" value=code.to_owned()/>
                <button type="submit" class="secondary">{text(lang, ServerMsg::public_track_go)}</button>
            </form>
        </section>
    }
}

/// The whole board page.
pub fn page(lang: Lang, nonce: &str, board: &Board, form: &FormState, now: Timestamp) -> String {
    let road = lang.pick(&board.road.named.name_zh, &board.road.named.name_en).to_owned();
    let community = lang.pick(&board.road.community.name_zh, &board.road.community.name_en).to_owned();
    let week = match board.this_week {
        InspectionStatus::NotStarted => ServerMsg::public_week_not_started,
        InspectionStatus::InProgress => ServerMsg::public_week_in_progress,
        InspectionStatus::Submitted => ServerMsg::public_week_done,
    };
    let contact = board.publication.public_contact.clone();
    let hours = board.publication.office_hours.clone();
    let path = format!("/board/{}", board.road.named.id);
    let body = view! {
        <header class="board">
            {language_switch(lang, &path)}
            <p class="kicker">{text(lang, ServerMsg::public_board_subtitle)}</p>
            <h1>{road.clone()}</h1>
            <dl>
                <dt>{text(lang, ServerMsg::public_community)}</dt>
                <dd>{community}</dd>
                <dt>{text(lang, ServerMsg::public_chief)}</dt>
                <dd>{board.road.chief_name.clone()}</dd>
                <dt>{text(lang, ServerMsg::public_contact)}</dt>
                <dd>{contact.unwrap_or_else(|| text(lang, ServerMsg::public_contact_none).to_owned())}</dd>
                {hours.map(|h| view! {
                    <dt>{text(lang, ServerMsg::public_hours)}</dt>
                    <dd>{h}</dd>
                })}
                <dt>{text(lang, ServerMsg::public_this_week)}</dt>
                <dd class=format!("week {}", week_class(board.this_week))>{text(lang, week)}</dd>
            </dl>
        </header>
        <main class="columns">
            {report_form(lang, board, form)}
            {problems(lang, board, now)}
            {lookup(lang, "")}
        </main>
    }
    .to_html();
    let title = format!("{road} · {}", text(lang, ServerMsg::public_board_subtitle));
    document(lang, nonce, &title, body, true)
}

fn week_class(status: InspectionStatus) -> &'static str {
    match status {
        InspectionStatus::NotStarted => "not-started",
        InspectionStatus::InProgress => "in-progress",
        InspectionStatus::Submitted => "done",
    }
}
