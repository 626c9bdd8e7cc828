//! The coordinator's rules: per category, the section it goes to and its working days (new
//! findings only; every change recorded), and the working-day calendars per year.

use crate::api::client;
use crate::api::error::ApiError;
use crate::api::reads::load_rules;
use crate::api::settings::{rule_path, typed_days, RuleSetting};
use crate::api::views::{Named, RuleRow};
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn RulesPage() -> impl IntoView {
    let i18n = use_i18n();
    let rules = Resource::new(|| (), |_| load_rules());
    // Outside the list, which is rebuilt after each save: what was saved last.
    let flash = RwSignal::new(None::<String>);
    let saved = move |what: String| {
        flash.set(Some(what));
        rules.refetch();
    };
    view! {
        <h1>{t!(i18n, rules_title)}</h1>
        <p class="muted">{t!(i18n, rules_hint)}</p>
        <p class="notice success" role="status" hidden=move || flash.with(Option::is_none)>
            {move || flash.get().map(|w| i18n.f(Msg::saved_what, &[("what", &w)])).unwrap_or_default()}
        </p>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match rules.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(r) => {
                        let sections = r.sections.clone();
                        view! {
                            {r
                                .missing_years
                                .iter()
                                .map(|y| {
                                    let y = y.to_string();
                                    view! { <p class="notice warning" role="status">{move || i18n.f(Msg::calendar_missing, &[("year", &y)])}</p> }
                                })
                                .collect_view()}
                            <ul class="cards">
                                {r
                                    .categories
                                    .into_iter()
                                    .map(|row| view! { <RuleForm row sections=sections.clone() on_saved=saved/> })
                                    .collect_view()}
                            </ul>
                            <section class="group">
                                <h2>{t!(i18n, rule_changes_title)}</h2>
                                <ul class="timeline">
                                    {r
                                        .changes
                                        .into_iter()
                                        .map(|c| {
                                            let (zh, en) = (c.category.name_zh.clone(), c.category.name_en.clone());
                                            let rule = move |section: &Option<String>, days: u16, after_photo: bool| {
                                                let text = i18n.f(
                                                    Msg::rule_text,
                                                    &[("section", section.as_deref().unwrap_or("")), ("n", &days.to_string())],
                                                );
                                                if after_photo { format!("{text} · {}", i18n.t(Msg::rule_after_photo_short)) } else { text }
                                            };
                                            let old = (c.old_section, c.old_days, c.old_after_photo);
                                            let new = (c.new_section, c.new_days, c.new_after_photo);
                                            let text = move || format!("{} → {}", rule(&old.0, old.1, old.2), rule(&new.0, new.1, new.2));
                                            view! {
                                                <li>
                                                    <span class="muted small">{c.at.format_local()} " · " {c.actor}</span>
                                                    <span>{move || i18n.pick(&zh, &en)} " · " {text}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                            <section class="group">
                                <h2>{t!(i18n, calendars_title)}</h2>
                                <ul class="plain">
                                    {r
                                        .calendars
                                        .into_iter()
                                        .map(|c| {
                                            let by = c.imported_by.clone();
                                            let at = c.imported_at.format_local();
                                            view! {
                                                <li>
                                                    <a href=format!("/api/v1/calendars/{}", c.year) target="_blank">{c.year}</a>
                                                    " · "
                                                    <span class="muted small">
                                                        {move || match &by {
                                                            Some(by) => format!("{at} · {by}"),
                                                            None => i18n.t(Msg::calendar_shipped).to_owned(),
                                                        }}
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                <CalendarImport on_saved=saved/>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn RuleForm(
    row: RuleRow,
    sections: Vec<Named>,
    on_saved: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = StoredValue::new(row.category.id.clone());
    let section = RwSignal::new(row.section_id.clone());
    let days = RwSignal::new(row.days.to_string());
    let after_photo = RwSignal::new(row.after_photo);
    let error = RwSignal::new(None::<ApiError>);
    let (zh, en) = (row.category.name_zh.clone(), row.category.name_en.clone());
    let label = (zh.clone(), en.clone());
    let name = StoredValue::new((zh.clone(), en.clone()));
    let section_id = format!("rule-section-{}", row.category.id);
    let days_id = format!("rule-days-{}", row.category.id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let body = RuleSetting {
            section_id: section.get_untracked(),
            days: typed_days(&days.get_untracked()),
            after_photo: Some(after_photo.get_untracked()),
        };
        spawn_local(async move {
            match client::send("PUT", &rule_path(&code.get_value()), Some(&body)).await {
                Ok(()) => on_saved(name.with_value(|(zh, en)| i18n.pick(zh, en))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <li class="card">
            <form class="rule" on:submit=save aria-label=move || i18n.pick(&label.0, &label.1)>
                <span class="card-title">{move || i18n.pick(&zh, &en)}</span>
                <label for=section_id.clone()>{t!(i18n, section_label)}</label>
                <select id=section_id on:change=move |ev| section.set(event_target_value(&ev))>
                    {sections
                        .into_iter()
                        .map(|s| {
                            let id = s.id.clone();
                            let selected = move || section.get() == id;
                            view! { <option value=s.id.clone() selected=selected>{move || i18n.pick(&s.name_zh, &s.name_en)}</option> }
                        })
                        .collect_view()}
                </select>
                <label for=days_id.clone()>{t!(i18n, rule_days)}</label>
                <input id=days_id type="number" min="1" max="60" inputmode="numeric" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                <label class="check">
                    <input type="checkbox" prop:checked=move || after_photo.get() on:change=move |ev| after_photo.set(event_target_checked(&ev))/>
                    {t!(i18n, rule_after_photo)}
                </label>
                <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                    {move || error.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
                </p>
                <div class="row">
                    <button type="submit" class="primary">{t!(i18n, save)}</button>
                </div>
            </form>
        </li>
    }
}

/// Paste (or edit) a year's calendar file and import it.
#[component]
fn CalendarImport(on_saved: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let year = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let body = text.get_untracked();
        let year = year.get_untracked();
        spawn_local(async move {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&body);
            let result = match parsed {
                Ok(json) => client::send("PUT", &format!("/api/v1/calendars/{}", year.trim()), Some(&json)).await,
                Err(_) => Err(ApiError::from(crate::api::error::ErrorCode::InvalidCalendar)),
            };
            match result {
                Ok(()) => on_saved(year.trim().to_owned()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="calendar-import" on:submit=import>
            <h3>{t!(i18n, calendar_import_title)}</h3>
            <label for="calendar-year">{t!(i18n, calendar_year)}</label>
            <input id="calendar-year" type="number" min="2000" max="2100" required prop:value=move || year.get() on:input=move |ev| year.set(event_target_value(&ev))/>
            <label for="calendar-file">{t!(i18n, calendar_file)}</label>
            <textarea id="calendar-file" rows="8" required placeholder=r#"{"year": 2027, "holidays": [...], "makeup_workdays": [...]}"# prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            // The server's message names the first problem in the file.
            <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get().map(|e| if e.message.is_empty() { e.localized(i18n.lang()) } else { e.message.clone() }).unwrap_or_default()}
            </p>
            <button type="submit" class="primary">{t!(i18n, calendar_import)}</button>
        </form>
    }
}
