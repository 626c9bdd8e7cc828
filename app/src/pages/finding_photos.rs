//! A finding's photos as evidence: the problem as found beside the result, each with when and
//! where the phone says it was taken, a mark where the phone's clock was off, and for the
//! coordinator the file's SHA-256 and the time the server received it.

use crate::api::client;
use crate::api::error::ApiError;
use crate::api::reports::{photo_board_path, PhotoOnBoard};
use crate::api::views::PhotoState;
use crate::domain::evidence::{ClockSkew, PhotoStage};
use crate::domain::geometry::GeoPoint;
use crate::i18n::{use_i18n, I18n, Msg};
use crate::t;
use leptos::prelude::*;

/// "Phone clock 2 h 5 min ahead of the server", for a marked skew.
pub fn skew_text(i18n: I18n, skew: ClockSkew) -> String {
    let minutes = skew.minutes().unsigned_abs();
    let span = if minutes >= 60 {
        i18n.f(Msg::hours_minutes, &[("h", &(minutes / 60).to_string()), ("m", &(minutes % 60).to_string())])
    } else {
        i18n.f(Msg::minutes_n, &[("n", &minutes.to_string())])
    };
    let which = if skew.0 > 0 { Msg::clock_ahead } else { Msg::clock_behind };
    i18n.f(which, &[("t", &span)])
}

/// The photos the server has, and how many are still on their way; with a result, the two
/// side by side. The road's chief (and the coordinator) may show one on the public board.
#[component]
pub fn Photos(
    photos: Vec<PhotoState>,
    finding: uuid::Uuid,
    /// The problem's place, to say how far from it each photo was taken.
    point: GeoPoint,
    may_publish: bool,
    evidence_shown: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let pending = photos.iter().filter(|p| !p.uploaded).count();
    let (before, after): (Vec<PhotoState>, Vec<PhotoState>) =
        photos.iter().filter(|p| p.uploaded).cloned().partition(|p| p.stage == PhotoStage::Before);
    let paired = !after.is_empty();
    let group = move |title: Msg, shown: Vec<PhotoState>| {
        view! {
            <div class="photo-stage">
                {paired.then(|| view! { <h3>{i18n.t(title)}</h3> })}
                <ul class="thumbs large evidence">
                    {shown
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| view! { <PhotoItem photo=p n=i + 1 finding point may_publish evidence_shown/> })
                        .collect_view()}
                </ul>
            </div>
        }
    };
    (!photos.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2>{i18n.t(if paired { Msg::before_after_title } else { Msg::photos_title })}</h2>
                <div class:before-after=paired>
                    {group(Msg::photos_before, before)} {paired.then(|| group(Msg::photos_after, after))}
                </div>
                {(pending > 0).then(|| view! { <p class="muted small">{move || i18n.f(Msg::photos_pending, &[("n", &pending.to_string())])}</p> })}
            </section>
        }
    })
}

#[component]
fn PhotoItem(
    photo: PhotoState,
    n: usize,
    finding: uuid::Uuid,
    point: GeoPoint,
    may_publish: bool,
    evidence_shown: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let src = format!("/api/v1/photos/{}", photo.hash);
    let href = src.clone();
    let public = RwSignal::new(photo.public);
    let failed = RwSignal::new(None::<ApiError>);
    let path = photo_board_path(&finding, photo.hash.as_str());
    let toggle = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        let path = path.clone();
        failed.set(None);
        leptos::task::spawn_local(async move {
            match client::send("PUT", &path, Some(&PhotoOnBoard { public: wanted })).await {
                Ok(()) => public.set(wanted),
                Err(e) => {
                    public.set(!wanted);
                    failed.set(Some(e));
                }
            }
        });
    };
    let taken = photo.taken_at.map(|at| {
        let away = photo.taken_place.map(|p| p.distance_m(point).round());
        move || match away {
            Some(m) => i18n.f(Msg::photo_taken_near, &[("at", &at.format_local()), ("m", &format!("{m:.0}"))]),
            None => i18n.f(Msg::photo_taken_at, &[("at", &at.format_local())]),
        }
    });
    let skew = photo.clock_skew.filter(|s| s.marked());
    let hash = photo.hash.to_string();
    let received = photo.received_at.map(|at| at.format_local());
    view! {
        <li>
            <a href=href target="_blank">
                <img src=src alt=move || i18n.f(Msg::photo_alt, &[("n", &n.to_string())]) loading="lazy"/>
            </a>
            {taken.map(|text| view! { <span class="muted small">{text}</span> })}
            {skew.map(|s| view! { <span class="badge warning small">{move || skew_text(i18n, s)}</span> })}
            {evidence_shown
                .then(|| {
                    view! {
                        <dl class="evidence-facts small">
                            <dt>{t!(i18n, photo_received)}</dt>
                            <dd>{received.clone().unwrap_or_default()}</dd>
                            <dt>"SHA-256"</dt>
                            <dd>
                                <code>{hash.clone()}</code>
                            </dd>
                        </dl>
                    }
                })}
            {may_publish
                .then(|| {
                    view! {
                        <label class="check small">
                            <input type="checkbox" prop:checked=move || public.get() on:change=toggle/>
                            {t!(i18n, photo_public)}
                        </label>
                        {move || failed.get().map(|e| view! { <p class="field-error" role="alert">{e.localized(i18n.lang())}</p> })}
                    }
                })}
        </li>
    }
}
