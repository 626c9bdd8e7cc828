//! Roads: name, community, chief (a new chief is a rotation; the road lists its chiefs over
//! time), and the line from a GeoJSON file, checked and drawn before it is saved.

use super::{segment, use_admin, Field, FormError, SavedHere, Write};
use crate::api::admin::{AdminRoad, ChiefTerm, Directory, RoadForm};
use crate::api::error::ApiError;
use crate::api::views::Named;
use crate::components::road_map::RoadMap;
use crate::domain::Role;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;

/// Who may be given a road: enabled road chiefs (username, name).
fn chiefs_of(d: &Directory) -> Vec<(String, String)> {
    d.users
        .iter()
        .filter(|u| u.role == Role::RoadChief && !u.disabled)
        .map(|u| (u.username.clone(), format!("{} ({})", u.display_name, u.username)))
        .collect()
}

#[component]
pub fn Roads(d: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let chiefs = chiefs_of(&d);
    let communities = d.communities.clone();
    let count = d.roads.len();
    view! {
        <section class="group" id="roads">
            <h2>{t!(i18n, admin_roads)} " (" {count} ")"</h2>
            <p class="muted small">{t!(i18n, admin_rotation_hint)}</p>
            <ul class="admin-list">
                {d
                    .roads
                    .into_iter()
                    .map(|road| {
                        view! {
                            <li>
                                <RoadEditor road=Some(road) communities=communities.clone() chiefs=chiefs.clone()/>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <RoadEditor road=None communities=d.communities chiefs/>
        </section>
    }
}

#[component]
fn Terms(terms: Vec<ChiefTerm>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3 class="small">{t!(i18n, admin_chiefs_over_time)}</h3>
        <ul class="plain small admin-terms" aria-label=i18n.t(Msg::admin_chiefs_over_time)>
            {terms
                .into_iter()
                .map(|term| {
                    let from = term.from.local_date().to_string();
                    let until = term.until.map(|u| u.local_date().to_string());
                    let when = move || match &until {
                        Some(until) => i18n.f(Msg::admin_term_ended, &[("from", &from), ("until", until)]),
                        None => i18n.f(Msg::admin_term, &[("from", &from)]),
                    };
                    view! { <li>{term.chief_name.clone()} " · " <span class="muted">{when}</span></li> }
                })
                .collect_view()}
        </ul>
    }
}

/// One road's form, or (without a road) the form that adds one.
#[component]
fn RoadEditor(road: Option<AdminRoad>, communities: Vec<Named>, chiefs: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let is_new = road.is_none();
    let key = road.as_ref().map_or_else(|| "new".to_owned(), |r| r.road.id.clone());
    let id = RwSignal::new(road.as_ref().map(|r| r.road.id.clone()).unwrap_or_default());
    let zh = RwSignal::new(road.as_ref().map(|r| r.road.name_zh.clone()).unwrap_or_default());
    let en = RwSignal::new(road.as_ref().map(|r| r.road.name_en.clone()).unwrap_or_default());
    let first = |list: &[(String, String)]| list.first().map(|(u, _)| u.clone()).unwrap_or_default();
    let community = RwSignal::new(
        road.as_ref()
            .map(|r| r.community_id.clone())
            .or_else(|| communities.first().map(|c| c.id.clone()))
            .unwrap_or_default(),
    );
    let chief = RwSignal::new(road.as_ref().map(|r| r.chief.clone()).unwrap_or_else(|| first(&chiefs)));
    // The file's text once it parsed, and the line it gives (drawn before saving).
    let line_text = RwSignal::new(None::<String>);
    let preview = RwSignal::new(road.as_ref().map(|r| r.coordinates.clone()));
    let line_refused = RwSignal::new(None::<Msg>);
    let line_fact = RwSignal::new(None::<(usize, f64)>);
    let error = RwSignal::new(None::<ApiError>);
    let title = road.as_ref().map(|r| (r.road.name_zh.clone(), r.road.name_en.clone()));
    let chief_name = road.as_ref().and_then(|r| r.chiefs.first().map(|t| t.chief_name.clone()));
    let terms = road.as_ref().map(|r| r.chiefs.clone()).unwrap_or_default();
    let reopened = road.as_ref().is_some_and(|r| admin.reopened(&format!("/api/v1/roads/{}", segment(&r.road.id))));

    let picked = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let Some(file) = input.files().and_then(|list| list.get(0)) else {
                return;
            };
            leptos::task::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                match crate::domain::admin::road_line_from_geojson(text.as_deref().unwrap_or("")) {
                    Ok(line) => {
                        line_fact.set(Some((line.coordinates().len(), line.length_m())));
                        preview.set(Some(line.coordinates()));
                        line_refused.set(None);
                        line_text.set(text);
                    }
                    Err(e) => {
                        line_refused.set(Some(crate::api::admin::road_line_msg(e)));
                        line_fact.set(None);
                        line_text.set(None);
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, line_text, line_fact);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if line_refused.with_untracked(Option::is_some) {
            return;
        }
        let body = RoadForm {
            name_zh: zh.get_untracked(),
            name_en: en.get_untracked(),
            community_id: community.get_untracked(),
            chief: chief.get_untracked(),
            geometry: line_text.get_untracked(),
        };
        let path = format!("/api/v1/roads/{}", segment(&id.get_untracked()));
        let what = i18n.pick(&zh.get_untracked(), &en.get_untracked()).to_owned();
        admin.send(Write { method: "PUT", item: path.clone(), path, body, what }, error);
    };
    let form = view! {
        <form on:submit=save>
            {is_new.then(|| view! { <Field id="new-road-id".into() label=Msg::admin_id value=id required=true/> })}
            <Field id=format!("road-zh-{key}") label=Msg::admin_name_zh value=zh required=true/>
            <Field id=format!("road-en-{key}") label=Msg::admin_name_en value=en required=true/>
            <label for=format!("road-community-{key}")>{t!(i18n, community_label)}</label>
            <select id=format!("road-community-{key}") on:change=move |ev| community.set(event_target_value(&ev))>
                {communities
                    .into_iter()
                    .map(|c| {
                        let value = c.id.clone();
                        view! {
                            <option value=c.id.clone() selected=move || community.get() == value>
                                {move || i18n.pick(&c.name_zh, &c.name_en).to_owned()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for=format!("road-chief-{key}")>{t!(i18n, chief_label)}</label>
            <select id=format!("road-chief-{key}") on:change=move |ev| chief.set(event_target_value(&ev))>
                {chiefs
                    .into_iter()
                    .map(|(username, label)| {
                        let value = username.clone();
                        view! { <option value=username selected=move || chief.get() == value>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <label for=format!("road-line-{key}")>{t!(i18n, admin_geojson)}</label>
            <input id=format!("road-line-{key}") type="file" accept=".geojson,.json,application/geo+json,application/json" on:change=picked/>
            {(!is_new).then(|| view! { <p class="muted small">{t!(i18n, admin_geojson_keep)}</p> })}
            <p class="notice error" role="alert" hidden=move || line_refused.with(Option::is_none)>
                {move || line_refused.get().map(|m| i18n.f(Msg::admin_line_refused, &[("reason", i18n.t(m))])).unwrap_or_default()}
            </p>
            <p class="notice success" role="status" hidden=move || line_fact.with(Option::is_none)>
                {move || {
                    line_fact
                        .get()
                        .map(|(points, m)| {
                            i18n.f(Msg::admin_line_ok, &[("points", &points.to_string()), ("m", &format!("{m:.0}"))])
                        })
                        .unwrap_or_default()
                }}
            </p>
            {move || {
                preview
                    .get()
                    .map(|coordinates| {
                        let label = Signal::derive(move || i18n.pick(&zh.get(), &en.get()).to_owned());
                        view! { <RoadMap coordinates marker=Signal::derive(|| None) label/> }
                    })
            }}
            <FormError error/>
            <div class="row">
                <button type="submit" class="primary">
                    {i18n.t(if is_new { Msg::admin_new_road } else { Msg::save })}
                </button>
            </div>
        </form>
    }
    .into_any();
    match title {
        Some((name_zh, name_en)) => view! {
            <details class="card admin-item" open=reopened>
                <summary>
                    <span class="card-title">{move || i18n.pick(&name_zh, &name_en).to_owned()}</span>
                    " "
                    <span class="muted small">{chief_name.clone()}</span>
                </summary>
                <SavedHere shown=reopened/>
                {form}
                <Terms terms/>
            </details>
        }
        .into_any(),
        None => view! {
            <details class="card admin-new">
                <summary class="card-title">{t!(i18n, admin_new_road)}</summary>
                {form}
            </details>
        }
        .into_any(),
    }
}
