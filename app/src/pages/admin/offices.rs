//! Sections (names and head; channels on their own screen), communities and categories (names,
//! and the routing rule: section and working days).

use super::{segment, use_admin, Field, FormError, SavedHere, Write};
use crate::api::admin::{AdminCategory, AdminSection, CategoryForm, Directory, NamesForm, SectionForm};
use crate::api::error::ApiError;
use crate::api::settings::typed_days;
use crate::api::views::Named;
use crate::domain::Role;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;

/// The id field of a new item, or nothing for an existing one (ids do not change).
fn id_field(is_new: bool, key: &str, id: RwSignal<String>) -> Option<AnyView> {
    is_new.then(|| view! { <Field id=format!("{key}-id") label=Msg::admin_id value=id required=true/> }.into_any())
}

/// An item's card: its summary, opening to its form; or the card that adds one.
fn card(title: Option<(String, String, String)>, new_label: Msg, item: &str, form: AnyView) -> AnyView {
    let i18n = use_i18n();
    let reopened = title.is_some() && use_admin().reopened(item);
    match title {
        Some((zh, en, note)) => view! {
            <li>
                <details class="card admin-item" open=reopened>
                    <summary>
                        <span class="card-title">{move || i18n.pick(&zh, &en).to_owned()}</span>
                        " "
                        <span class="muted small">{note}</span>
                    </summary>
                    <SavedHere shown=reopened/>
                    {form}
                </details>
            </li>
        }
        .into_any(),
        None => view! {
            <details class="card admin-new">
                <summary class="card-title">{i18n.t(new_label)}</summary>
                {form}
            </details>
        }
        .into_any(),
    }
}

#[component]
pub fn Sections(d: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let heads: Vec<(String, String)> = d
        .users
        .iter()
        .filter(|u| u.role == Role::SectionHead && !u.disabled)
        .map(|u| (u.username.clone(), format!("{} ({})", u.display_name, u.username)))
        .collect();
    let names: Vec<(String, String)> = d.users.iter().map(|u| (u.username.clone(), u.display_name.clone())).collect();
    view! {
        <section class="group" id="sections">
            <h2>{t!(i18n, admin_sections)} " (" {d.sections.len()} ")"</h2>
            <p class="muted small"><a href="/channels">{t!(i18n, nav_channels)}</a></p>
            <ul class="admin-list">
                {d
                    .sections
                    .into_iter()
                    .map(|section| {
                        let head_name = section
                            .head
                            .as_ref()
                            .and_then(|h| names.iter().find(|(u, _)| u == h).map(|(_, n)| n.clone()))
                            .unwrap_or_default();
                        view! { <SectionEditor section=Some(section) heads=heads.clone() head_name/> }
                    })
                    .collect_view()}
            </ul>
            <SectionEditor section=None heads head_name=String::new()/>
        </section>
    }
}

#[component]
fn SectionEditor(section: Option<AdminSection>, heads: Vec<(String, String)>, head_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let key = section.as_ref().map_or_else(|| "new-section".to_owned(), |s| format!("section-{}", s.section.id));
    let id = RwSignal::new(section.as_ref().map(|s| s.section.id.clone()).unwrap_or_default());
    let zh = RwSignal::new(section.as_ref().map(|s| s.section.name_zh.clone()).unwrap_or_default());
    let en = RwSignal::new(section.as_ref().map(|s| s.section.name_en.clone()).unwrap_or_default());
    let head = RwSignal::new(section.as_ref().and_then(|s| s.head.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = head.get_untracked();
        let body = SectionForm {
            name_zh: zh.get_untracked(),
            name_en: en.get_untracked(),
            head: (!chosen.is_empty()).then_some(chosen),
        };
        let what = i18n.pick(&zh.get_untracked(), &en.get_untracked()).to_owned();
        let path = format!("/api/v1/sections/{}", segment(&id.get_untracked()));
        admin.send(Write { method: "PUT", item: path.clone(), path, body, what }, error);
    };
    let is_new = section.is_none();
    let head_id = format!("{key}-head");
    let form = view! {
        <form on:submit=save>
            {id_field(is_new, &key, id)}
            <Field id=format!("{key}-zh") label=Msg::admin_name_zh value=zh required=true/>
            <Field id=format!("{key}-en") label=Msg::admin_name_en value=en required=true/>
            <label for=head_id.clone()>{t!(i18n, admin_head)}</label>
            <select id=head_id on:change=move |ev| head.set(event_target_value(&ev))>
                <option value="" selected=move || head.get().is_empty()>{t!(i18n, admin_no_head)}</option>
                {heads
                    .into_iter()
                    .map(|(username, label)| {
                        let value = username.clone();
                        view! { <option value=username selected=move || head.get() == value>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <FormError error/>
            <div class="row">
                <button type="submit" class="primary">{i18n.t(if is_new { Msg::admin_new_section } else { Msg::save })}</button>
            </div>
        </form>
    }
    .into_any();
    let item = format!("/api/v1/sections/{}", segment(&id.get_untracked()));
    card(section.map(|s| (s.section.name_zh, s.section.name_en, head_name)), Msg::admin_new_section, &item, form)
}

#[component]
pub fn Communities(d: Directory) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="group" id="communities">
            <h2>{t!(i18n, admin_communities)} " (" {d.communities.len()} ")"</h2>
            <ul class="admin-list">
                {d.communities.into_iter().map(|community| view! { <CommunityEditor community=Some(community)/> }).collect_view()}
            </ul>
            <CommunityEditor community=None/>
        </section>
    }
}

#[component]
fn CommunityEditor(community: Option<Named>) -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let key = community.as_ref().map_or_else(|| "new-community".to_owned(), |c| format!("community-{}", c.id));
    let id = RwSignal::new(community.as_ref().map(|c| c.id.clone()).unwrap_or_default());
    let zh = RwSignal::new(community.as_ref().map(|c| c.name_zh.clone()).unwrap_or_default());
    let en = RwSignal::new(community.as_ref().map(|c| c.name_en.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NamesForm { name_zh: zh.get_untracked(), name_en: en.get_untracked() };
        let what = i18n.pick(&zh.get_untracked(), &en.get_untracked()).to_owned();
        let path = format!("/api/v1/communities/{}", segment(&id.get_untracked()));
        admin.send(Write { method: "PUT", item: path.clone(), path, body, what }, error);
    };
    let is_new = community.is_none();
    let form = view! {
        <form on:submit=save>
            {id_field(is_new, &key, id)}
            <Field id=format!("{key}-zh") label=Msg::admin_name_zh value=zh required=true/>
            <Field id=format!("{key}-en") label=Msg::admin_name_en value=en required=true/>
            <FormError error/>
            <div class="row">
                <button type="submit" class="primary">{i18n.t(if is_new { Msg::admin_new_community } else { Msg::save })}</button>
            </div>
        </form>
    }
    .into_any();
    let item = format!("/api/v1/communities/{}", segment(&id.get_untracked()));
    card(community.map(|c| (c.name_zh, c.name_en, c.id)), Msg::admin_new_community, &item, form)
}

#[component]
pub fn Categories(d: Directory) -> impl IntoView {
    let i18n = use_i18n();
    let sections: Vec<Named> = d.sections.iter().map(|s| s.section.clone()).collect();
    view! {
        <section class="group" id="categories">
            <h2>{t!(i18n, admin_categories)} " (" {d.categories.len()} ")"</h2>
            <ul class="admin-list">
                {d
                    .categories
                    .into_iter()
                    .map(|category| view! { <CategoryEditor category=Some(category) sections=sections.clone()/> })
                    .collect_view()}
            </ul>
            <CategoryEditor category=None sections/>
        </section>
    }
}

#[component]
fn CategoryEditor(category: Option<AdminCategory>, sections: Vec<Named>) -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let key = category.as_ref().map_or_else(|| "new-category".to_owned(), |c| format!("category-{}", c.category.id));
    let id = RwSignal::new(category.as_ref().map(|c| c.category.id.clone()).unwrap_or_default());
    let zh = RwSignal::new(category.as_ref().map(|c| c.category.name_zh.clone()).unwrap_or_default());
    let en = RwSignal::new(category.as_ref().map(|c| c.category.name_en.clone()).unwrap_or_default());
    let first_section = sections.first().map(|s| s.id.clone()).unwrap_or_default();
    let section = RwSignal::new(category.as_ref().map_or(first_section, |c| c.section_id.clone()));
    let days = RwSignal::new(category.as_ref().map_or_else(|| "5".to_owned(), |c| c.days.to_string()));
    let error = RwSignal::new(None::<ApiError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CategoryForm {
            name_zh: zh.get_untracked(),
            name_en: en.get_untracked(),
            section_id: section.get_untracked(),
            days: typed_days(&days.get_untracked()),
        };
        let what = i18n.pick(&zh.get_untracked(), &en.get_untracked()).to_owned();
        let path = format!("/api/v1/categories/{}", segment(&id.get_untracked()));
        admin.send(Write { method: "PUT", item: path.clone(), path, body, what }, error);
    };
    let is_new = category.is_none();
    let section_id = format!("{key}-section");
    let days_id = format!("{key}-days");
    let note = category.as_ref().map(|c| {
        let section = sections.iter().find(|s| s.id == c.section_id).cloned();
        (section, c.days)
    });
    let form = view! {
        <form on:submit=save>
            {id_field(is_new, &key, id)}
            <Field id=format!("{key}-zh") label=Msg::admin_name_zh value=zh required=true/>
            <Field id=format!("{key}-en") label=Msg::admin_name_en value=en required=true/>
            <label for=section_id.clone()>{t!(i18n, section_label)}</label>
            <select id=section_id on:change=move |ev| section.set(event_target_value(&ev))>
                {sections
                    .into_iter()
                    .map(|s| {
                        let value = s.id.clone();
                        view! {
                            <option value=s.id.clone() selected=move || section.get() == value>
                                {move || i18n.pick(&s.name_zh, &s.name_en).to_owned()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for=days_id.clone()>{t!(i18n, admin_days)}</label>
            <input id=days_id type="number" min="1" max="60" inputmode="numeric" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
            <FormError error/>
            <div class="row">
                <button type="submit" class="primary">{i18n.t(if is_new { Msg::admin_new_category } else { Msg::save })}</button>
            </div>
        </form>
    }
    .into_any();
    let title = category.map(|c| {
        let note = note
            .map(|(s, n)| {
                let section = s.map(|s| i18n.pick(&s.name_zh, &s.name_en).to_owned()).unwrap_or_default();
                i18n.f(Msg::rule_text, &[("section", &section), ("n", &n.to_string())])
            })
            .unwrap_or_default();
        (c.category.name_zh, c.category.name_en, note)
    });
    let item = format!("/api/v1/categories/{}", segment(&id.get_untracked()));
    card(title, Msg::admin_new_category, &item, form)
}
