//! Recording one problem: category, note, place on the road, time seen.

use crate::api::operations::NewFinding;
use crate::api::sync::Kept;
use crate::api::views::{CategoryView, KnownProblem, RoadView};
use crate::components::badges::{finding_status_msg, metres, whole_metres};
use crate::components::photo_picker::PhotoPicker;
use crate::components::road_map::RoadMap;
use crate::device;
use crate::domain::duplicate::{likely_same, SameAs, SAME_PLACE_M};
use crate::domain::evidence::PhotoTaken;
use crate::domain::geometry::{check_placement, GeoPoint, RoadGeometry, OFF_ROAD_LIMIT_M};
use crate::domain::photo::PhotoHash;
use crate::domain::text::{Note, NoteError};
use crate::domain::time::Timestamp;
use crate::i18n::{use_i18n, Msg};
use crate::{api::client, t};
use leptos::lazy;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A finding recorded on the phone, not yet sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftFinding {
    pub id: Uuid,
    pub category: String,
    pub note: String,
    pub lon: f64,
    pub lat: f64,
    pub along_m: f64,
    pub off_road_confirmed: bool,
    pub observed_at: Timestamp,
    #[serde(default)]
    pub photos: Vec<PhotoHash>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taken: Vec<PhotoTaken>,
    #[serde(default)]
    pub urgent: bool,
    /// The work-log visit whose request this is, and its shop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
}

impl DraftFinding {
    pub fn to_new(&self) -> NewFinding {
        NewFinding {
            id: self.id,
            category: self.category.clone(),
            note: self.note.clone(),
            lon: self.lon,
            lat: self.lat,
            off_road_confirmed: self.off_road_confirmed,
            observed_at: self.observed_at,
            photos: self.photos.clone(),
            // Only of the photos it still has.
            taken: self.taken.iter().filter(|t| self.photos.contains(&t.hash)).cloned().collect(),
            urgent: self.urgent,
            visit_id: self.visit_id,
            shop_id: self.shop_id.clone(),
        }
    }

    /// A finding waiting in the outbox, back in the form for fixing.
    pub fn from_new(finding: &NewFinding, along_m: f64) -> DraftFinding {
        DraftFinding {
            id: finding.id,
            category: finding.category.clone(),
            note: finding.note.clone(),
            lon: finding.lon,
            lat: finding.lat,
            along_m,
            off_road_confirmed: finding.off_road_confirmed,
            observed_at: finding.observed_at,
            photos: finding.photos.clone(),
            taken: finding.taken.clone(),
            urgent: finding.urgent,
            visit_id: finding.visit_id,
            shop_id: finding.shop_id.clone(),
        }
    }
}

/// Where the place came from: the slider along the road, or the phone's position.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Along,
    Gps(GeoPoint),
}

#[derive(Clone, Copy, PartialEq)]
enum Locating {
    Idle,
    Busy,
    Found,
    Failed,
}

/// What opening the form needs. Concrete types only: the form is loaded on demand (`#[lazy]`),
/// in a chunk of its own that the service worker keeps for offline use.
pub struct FormArgs {
    pub road: RoadView,
    pub categories: Vec<CategoryView>,
    pub category: String,
    pub initial: Option<DraftFinding>,
    /// The road's open problems, for "is it one of these?" (`InspectionPage::known`).
    pub known: Option<Kept>,
    /// `initial` is a new finding filled in beforehand (from a work-log request), not one to fix.
    pub prefilled: bool,
    pub on_save: Callback<DraftFinding>,
    pub on_cancel: Callback<()>,
}

/// The form, loaded on demand: the checklist is what a phone needs first.
#[lazy]
pub fn finding_form(args: FormArgs) -> AnyView {
    let FormArgs { road, categories, category, initial, known, prefilled, on_save, on_cancel } = args;
    let known: Vec<KnownProblem> = known.and_then(|k| k.read()).unwrap_or_default();
    view! {
        <FindingForm
            road
            categories
            category
            initial
            known
            prefilled
            on_save=move |f| on_save.run(f)
            on_cancel=move || on_cancel.run(())
        />
    }
    .into_any()
}

#[component]
pub fn FindingForm(
    road: RoadView,
    categories: Vec<CategoryView>,
    category: String,
    /// A finding to fix, instead of a new one.
    #[prop(default = None)]
    initial: Option<DraftFinding>,
    /// The road's open problems: those of the same category near the place are offered first.
    #[prop(optional)]
    known: Vec<KnownProblem>,
    /// `initial` is a new finding filled in beforehand, not one to fix.
    #[prop(optional)]
    prefilled: bool,
    on_save: impl Fn(DraftFinding) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let geometry = StoredValue::new(RoadGeometry::parse(&road.coordinates).ok());
    let length = geometry.with_value(|g| g.as_ref().map(RoadGeometry::length_m).unwrap_or(0.0));
    let fixing = initial.is_some() && !prefilled;
    let link = StoredValue::new(initial.as_ref().map(|f| (f.visit_id, f.shop_id.clone())).unwrap_or_default());
    let id = initial.as_ref().map_or_else(client::new_id, |f| f.id);
    let category = RwSignal::new(initial.as_ref().map_or(category, |f| f.category.clone()));
    let note = RwSignal::new(initial.as_ref().map(|f| f.note.clone()).unwrap_or_default());
    // A finding opened again is placed from its point (a queued one may not know its place).
    let initial_along = initial.as_ref().map(|f| {
        let placed = GeoPoint::parse(f.lon, f.lat)
            .ok()
            .and_then(|p| geometry.with_value(|g| g.as_ref().map(|g| g.place(p).along_m)));
        placed.unwrap_or(f.along_m)
    });
    let along = RwSignal::new(initial_along.unwrap_or(length / 2.0).round());
    let place = RwSignal::new(match &initial {
        Some(f) => GeoPoint::parse(f.lon, f.lat).map_or(Place::Along, Place::Gps),
        None => Place::Along,
    });
    let locating = RwSignal::new(Locating::Idle);
    let confirmed = RwSignal::new(initial.as_ref().is_some_and(|f| f.off_road_confirmed));
    let observed = RwSignal::new(initial.as_ref().map_or(device::now(), |f| f.observed_at).to_local_input());
    let urgent = RwSignal::new(initial.as_ref().is_some_and(|f| f.urgent));
    let taken = RwSignal::new(initial.as_ref().map(|f| f.taken.clone()).unwrap_or_default());
    let photos = RwSignal::new(initial.map(|f| f.photos).unwrap_or_default());
    let error = RwSignal::new(None::<Msg>);

    let point = move || match place.get() {
        Place::Gps(p) => Some(p),
        Place::Along => geometry.with_value(|g| g.as_ref().map(|g| g.point_at(along.get()))),
    };
    let off_road_m = move || match place.get() {
        Place::Gps(p) => geometry.with_value(|g| g.as_ref().map(|g| g.place(p).off_road_m)).unwrap_or(0.0),
        Place::Along => 0.0,
    };

    let use_position = move || {
        locating.set(Locating::Busy);
        device::locate(move |found| match found {
            Ok(p) => {
                if let Some(placement) = geometry.with_value(|g| g.as_ref().map(|g| g.place(p))) {
                    along.set(placement.along_m.round());
                }
                place.set(Place::Gps(p));
                locating.set(Locating::Found);
            }
            Err(_) => locating.set(Locating::Failed),
        });
    };
    // Prefill from the phone's position when the browser allows it.
    Effect::new(move |first: Option<()>| {
        if first.is_none() && !fixing {
            use_position();
        }
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note_text = match Note::parse(&note.get_untracked()) {
            Ok(n) => n,
            Err(NoteError::Empty) => return error.set(Some(Msg::error_note_empty)),
            Err(NoteError::TooLong) => return error.set(Some(Msg::error_note_too_long)),
        };
        let Ok(observed_at) = Timestamp::parse_local(&observed.get_untracked()) else {
            return error.set(Some(Msg::error_observed_time));
        };
        if observed_at > Timestamp(device::now().0 + 10 * 60_000) {
            return error.set(Some(Msg::error_observed_in_future));
        }
        let Some(p) = point() else {
            return error.set(Some(Msg::error_invalid_position));
        };
        let placement = geometry.with_value(|g| g.as_ref().map(|g| check_placement(g, p, confirmed.get_untracked())));
        let placement = match placement {
            Some(Ok(placement)) => placement,
            Some(Err(_)) => return error.set(Some(Msg::error_off_road_unconfirmed)),
            None => return error.set(Some(Msg::error_invalid_position)),
        };
        on_save(DraftFinding {
            id,
            category: category.get_untracked(),
            note: note_text.to_string(),
            lon: p.lon,
            lat: p.lat,
            along_m: placement.along_m,
            off_road_confirmed: placement.is_off_road(),
            observed_at,
            photos: photos.get_untracked(),
            taken: taken.get_untracked(),
            urgent: urgent.get_untracked(),
            visit_id: link.with_value(|l| l.0),
            shop_id: link.with_value(|l| l.1.clone()),
        });
    };

    // Open problems of this kind near this place: the chief opens one instead of recording it
    // again (a resident's report waiting is confirmed from the reports screen).
    let known = StoredValue::new(known);
    let same = move || {
        let Some(p) = point() else { return Vec::new() };
        let c = category.get();
        known.with_value(|k| likely_same(k, &c, p).into_iter().map(|(k, m)| (k.clone(), m)).collect::<Vec<_>>())
    };
    let same_item = move |(known, m): (KnownProblem, f64)| {
        let date = known.since.local_date().to_string();
        let (href, said) = match (known.which, known.status) {
            (SameAs::Finding(id), Some(status)) => (
                format!("/findings/{id}"),
                i18n.f(
                    Msg::same_finding,
                    &[("m", &whole_metres(m)), ("date", &date), ("status", i18n.t(finding_status_msg(status)))],
                ),
            ),
            _ => ("/reports".to_owned(), i18n.f(Msg::same_report, &[("m", &whole_metres(m)), ("date", &date)])),
        };
        let residents = (known.reports > 0).then(|| i18n.f(Msg::same_residents, &[("n", &known.reports.to_string())]));
        view! {
            <li>
                <span>
                    {said}
                    {residents.map(|r| view! { <span class="muted small">{r}</span> })}
                </span>
                <a class="button secondary" href=href>{t!(i18n, same_open)}</a>
            </li>
        }
    };

    let road_name = (road.road.name_zh.clone(), road.road.name_en.clone());
    let map_label = Signal::derive(move || i18n.f(Msg::map_label, &[("road", &i18n.pick(&road_name.0, &road_name.1))]));
    let category_name = {
        let categories = categories.clone();
        move || {
            categories
                .iter()
                .find(|c| c.code == category.get())
                .map(|c| i18n.pick(&c.name_zh, &c.name_en))
                .unwrap_or_default()
        }
    };

    view! {
        <form class="card finding-form" on:submit=save novalidate>
            <h2>{move || i18n.f(Msg::record_finding_title, &[("category", &category_name())])}</h2>

            <label for="finding-category">{t!(i18n, category)}</label>
            <select
                id="finding-category"
                prop:value=move || category.get()
                on:change=move |ev| category.set(event_target_value(&ev))
            >
                {categories
                    .into_iter()
                    .map(|c| {
                        let code = c.code.clone();
                        view! {
                            <option value=code.clone() selected=move || category.get() == code>
                                {move || i18n.pick(&c.name_zh, &c.name_en)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>

            <label for="finding-note">{t!(i18n, note_label)}</label>
            <textarea
                id="finding-note"
                rows="4"
                maxlength="2000"
                aria-describedby="finding-note-count"
                prop:value=move || note.get()
                on:input=move |ev| {
                    note.set(event_target_value(&ev));
                    error.set(None);
                }
            ></textarea>
            <p id="finding-note-count" class="muted small counter">
                {move || format!("{} / {}", note.with(|n| n.chars().count()), Note::MAX_CHARS)}
            </p>

            <fieldset class="place">
                <legend>{t!(i18n, place_label)}</legend>
                <RoadMap coordinates=road.coordinates.clone() marker=Signal::derive(point) label=map_label/>
                <label for="finding-along">{move || metres(i18n, along.get())}</label>
                <input
                    id="finding-along"
                    type="range"
                    min="0"
                    max=whole_metres(length.floor())
                    step="5"
                    prop:value=move || whole_metres(along.get())
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            along.set(v);
                            place.set(Place::Along);
                            confirmed.set(false);
                        }
                    }
                />
                <div class="row">
                    <button type="button" class="secondary" on:click=move |_| use_position() disabled=move || locating.get() == Locating::Busy>
                        {t!(i18n, use_my_position)}
                    </button>
                    <span class="muted small" aria-live="polite">
                        {move || match locating.get() {
                            Locating::Idle => "",
                            Locating::Busy => i18n.t(Msg::locating),
                            Locating::Found => i18n.t(Msg::position_found),
                            Locating::Failed => i18n.t(Msg::position_unavailable),
                        }}
                    </span>
                </div>
                {move || {
                    let off = off_road_m();
                    (off > OFF_ROAD_LIMIT_M)
                        .then(|| {
                            view! {
                                <div class="notice warning" role="alert">
                                    <p>{move || i18n.f(Msg::off_road_warning, &[("m", &whole_metres(off))])}</p>
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            prop:checked=move || confirmed.get()
                                            on:change=move |ev| confirmed.set(event_target_checked(&ev))
                                        />
                                        {t!(i18n, off_road_confirm)}
                                    </label>
                                </div>
                            }
                        })
                }}
            </fieldset>
            {move || {
                let near = same();
                (!near.is_empty() && !fixing)
                    .then(|| {
                        view! {
                            <section class="notice same" aria-labelledby="same-title">
                                <h3 id="same-title">{t!(i18n, same_title)}</h3>
                                <p class="muted small">
                                    {i18n.f(Msg::same_lead, &[("m", &whole_metres(SAME_PLACE_M))])}
                                </p>
                                <ul class="same-list">{near.into_iter().map(same_item).collect_view()}</ul>
                            </section>
                        }
                    })
            }}

            <label for="finding-observed">{t!(i18n, observed_at)}</label>
            <input
                id="finding-observed"
                type="datetime-local"
                prop:value=move || observed.get()
                on:input=move |ev| observed.set(event_target_value(&ev))
            />

            <PhotoPicker photos taken/>

            <label class="check urgent">
                <input type="checkbox" prop:checked=move || urgent.get() on:change=move |ev| urgent.set(event_target_checked(&ev))/>
                {t!(i18n, urgent_label)}
            </label>

            {move || error.get().map(|msg| view! { <p class="field-error" role="alert">{move || i18n.t(msg)}</p> })}
            <div class="row actions">
                <button type="submit" class="primary">{t!(i18n, save_finding)}</button>
                <button type="button" class="ghost" on:click=move |_| on_cancel()>{t!(i18n, cancel)}</button>
            </div>
        </form>
    }
}
