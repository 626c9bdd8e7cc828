//! The coordinator's administration: people, roads (with their chiefs over time and their line
//! from a GeoJSON file), sections, communities and categories, and the record of every change.
//! Desktop first; each item opens in place, so it works on a phone too.

mod offices;
mod people;
mod roads;

use crate::api::admin::{load_directory, AdminChange, Directory};
use crate::api::client;
use crate::api::error::{ApiError, ErrorCode};
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::admin::Subject;
use crate::domain::Role;
use crate::i18n::{use_i18n, I18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;

/// What every form on the screen shares: the last thing saved, and the directory to reload.
#[derive(Clone, Copy)]
struct Admin {
    flash: RwSignal<Option<String>>,
    directory: Resource<Result<Directory, ApiError>>,
    /// The item saved last (its resource path): it stays open when the list is drawn again.
    last: RwSignal<Option<String>>,
}

/// What a write sends and says.
struct Write<B> {
    method: &'static str,
    path: String,
    body: B,
    /// The saved item's resource path (for a new person, theirs, not the collection's).
    item: String,
    what: String,
}

impl Admin {
    /// Sends one write; on success says what was saved and reloads the directory.
    fn send<B: Serialize + Send + Sync + 'static>(self, write: Write<B>, error: RwSignal<Option<ApiError>>) {
        error.set(None);
        spawn_local(async move {
            match client::send(write.method, &write.path, Some(&write.body)).await {
                Ok(()) => {
                    self.last.set(Some(write.item));
                    self.flash.set(Some(write.what));
                    self.directory.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    }

    /// Whether the item at `path` was the one saved last.
    fn reopened(self, path: &str) -> bool {
        self.last.with_untracked(|last| last.as_deref() == Some(path))
    }
}

/// Said inside the item just saved (the page's own notice may be far above).
#[component]
fn SavedHere(shown: bool) -> impl IntoView {
    let i18n = use_i18n();
    shown.then(|| view! { <p class="notice success">{t!(i18n, saved)}</p> })
}

fn use_admin() -> Admin {
    expect_context::<Admin>()
}

/// A path segment: ids and usernames are plain, but what someone types may not be.
fn segment(text: &str) -> String {
    text.trim()
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn role_msg(role: Role) -> Msg {
    match role {
        Role::RoadChief => Msg::role_road_chief,
        Role::SectionHead => Msg::role_section_head,
        Role::Coordinator => Msg::role_coordinator,
    }
}

fn subject_msg(subject: Subject) -> Msg {
    match subject {
        Subject::User => Msg::admin_subject_user,
        Subject::Community => Msg::admin_subject_community,
        Subject::Section => Msg::admin_subject_section,
        Subject::Category => Msg::admin_subject_category,
        Subject::Road => Msg::admin_subject_road,
    }
}

fn field_msg(field: &str) -> Option<Msg> {
    Some(match field {
        "display_name" => Msg::admin_field_display_name,
        "role" => Msg::admin_field_role,
        "phone" => Msg::admin_field_phone,
        "email" => Msg::admin_field_email,
        "account" => Msg::admin_field_account,
        "password" => Msg::admin_field_password,
        "name_zh" => Msg::admin_field_name_zh,
        "name_en" => Msg::admin_field_name_en,
        "head" => Msg::admin_field_head,
        "section" => Msg::admin_field_section,
        "days" => Msg::admin_field_days,
        "community" => Msg::admin_field_community,
        "chief" => Msg::admin_field_chief,
        "line" => Msg::admin_field_line,
        _ => return None,
    })
}

/// A refusal in words; a refused road line carries the server's reason.
fn refusal(error: &ApiError, i18n: I18n) -> String {
    if error.code == ErrorCode::InvalidRoadLine && !error.message.is_empty() {
        return error.message.clone();
    }
    error.localized(i18n.lang())
}

/// The error line every form shows under its fields.
#[component]
fn FormError(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
            {move || error.get().map(|e| refusal(&e, i18n)).unwrap_or_default()}
        </p>
    }
}

/// A labelled text field bound to a signal.
#[component]
fn Field(
    id: String,
    label: Msg,
    value: RwSignal<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id.clone()>{i18n.t(label)}</label>
        <input
            id=id
            type=kind.unwrap_or("text")
            required=required
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = Admin {
        flash: RwSignal::new(None),
        directory: Resource::new(|| (), |_| load_directory()),
        last: RwSignal::new(None),
    };
    provide_context(admin);
    let parts = [
        ("#people", Msg::admin_users),
        ("#roads", Msg::admin_roads),
        ("#sections", Msg::admin_sections),
        ("#communities", Msg::admin_communities),
        ("#categories", Msg::admin_categories),
        ("#changes", Msg::admin_changes),
    ];
    view! {
        <h1>{t!(i18n, admin_title)}</h1>
        <p class="muted">{t!(i18n, admin_hint)}</p>
        <nav class="admin-parts">
            {parts.into_iter().map(|(href, msg)| view! { <a href=href>{i18n.t(msg)}</a> }).collect_view()}
        </nav>
        <p class="notice success" role="status" hidden=move || admin.flash.with(Option::is_none)>
            {move || admin.flash.get().map(|w| i18n.f(Msg::admin_saved, &[("what", &w)])).unwrap_or_default()}
        </p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match admin.directory.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => view! { <DirectoryView d/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DirectoryView(d: Directory) -> impl IntoView {
    let changes = d.changes.clone();
    // Each part type-erased: one deep view type would overflow the server's recursion limit.
    view! {
        {view! { <people::People d=d.clone()/> }.into_any()}
        {view! { <roads::Roads d=d.clone()/> }.into_any()}
        {view! { <offices::Sections d=d.clone()/> }.into_any()}
        {view! { <offices::Communities d=d.clone()/> }.into_any()}
        {view! { <offices::Categories d=d.clone()/> }.into_any()}
        {view! { <Changes changes/> }.into_any()}
    }
}

#[component]
fn Changes(changes: Vec<AdminChange>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="group" id="changes">
            <h2>{t!(i18n, admin_changes)}</h2>
            {changes.is_empty().then(|| view! { <p class="muted">{t!(i18n, none_here)}</p> })}
            <ul class="timeline">
                {changes
                    .into_iter()
                    .map(|c| {
                        let field = c.field.clone();
                        let (old, new) = (c.old.clone(), c.new.clone());
                        let is_line = field == "line";
                        let value = move |v: &Option<String>| match v.as_deref() {
                            None => i18n.t(Msg::admin_none).to_owned(),
                            // A road's line is kept as `<points>;<metres>`.
                            Some(v) if is_line => match v.split_once(';') {
                                Some((points, m)) => i18n.f(Msg::admin_line_value, &[("points", points), ("m", m)]),
                                None => v.to_owned(),
                            },
                            Some(v) => v.to_owned(),
                        };
                        let line = move || {
                            let name = field_msg(&field).map_or(field.clone(), |m| i18n.t(m).to_owned());
                            i18n.f(
                                Msg::admin_change_line,
                                &[("field", &name), ("old", &value(&old)), ("new", &value(&new))],
                            )
                        };
                        let subject = subject_msg(c.subject);
                        view! {
                            <li>
                                <span class="muted small">{c.at.format_local()} " · " {c.actor.clone()}</span>
                                <span>{i18n.t(subject)} " " <b>{c.subject_id.clone()}</b> " · " {line}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
