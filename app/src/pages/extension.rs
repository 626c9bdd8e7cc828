//! Asking for more time (section head, once per finding) and deciding on it (coordinator):
//! direct calls to the JSON API, since both sit at a desk with a connection.

use crate::api::client;
use crate::api::error::ApiError;
use crate::api::settings::{extension_decision_path, extension_path, typed_days, ExtensionAsk, ExtensionDecision};
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

fn post<B: serde::Serialize + 'static>(
    path: String,
    body: B,
    error: RwSignal<Option<ApiError>>,
    on_done: impl Fn() + 'static,
) {
    error.set(None);
    spawn_local(async move {
        match client::send("POST", &path, Some(&body)).await {
            Ok(()) => on_done(),
            Err(e) => error.set(Some(e)),
        }
    });
}

#[component]
pub fn AskExtension(finding_id: Uuid, on_done: impl Fn(Msg) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ExtensionAsk { reason: reason.get_untracked() };
        post(extension_path(&finding_id), body, error, move || on_done(Msg::extension_asked_done));
    };
    view! {
        <form class="move" on:submit=submit>
            <label for="extension-reason">{t!(i18n, extension_reason)}</label>
            <textarea id="extension-reason" rows="2" required prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
            </p>
            <button type="submit" class="secondary">{t!(i18n, extension_ask)}</button>
        </form>
    }
}

#[component]
pub fn DecideExtension(finding_id: Uuid, on_done: impl Fn(Msg) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let days = RwSignal::new("3".to_owned());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let path = move || extension_decision_path(&finding_id);
    let note_value = move || Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
    let grant = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ExtensionDecision { grant: true, days: Some(typed_days(&days.get_untracked())), note: note_value() };
        post(path(), body, error, move || on_done(Msg::extension_granted_done));
    };
    let refuse = move |_| {
        let body = ExtensionDecision { grant: false, days: None, note: note_value() };
        post(path(), body, error, move || on_done(Msg::extension_refused_done));
    };
    view! {
        <form class="move" on:submit=grant>
            <label for="extension-days">{t!(i18n, extension_days)}</label>
            <input id="extension-days" type="number" min="1" max="60" inputmode="numeric" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
            <label for="extension-note">{t!(i18n, extension_decision_note)}</label>
            <textarea id="extension-note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <p class="notice error" role="alert" hidden=move || error.with(Option::is_none)>
                {move || error.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
            </p>
            <div class="row">
                <button type="submit" class="primary">{t!(i18n, extension_grant)}</button>
                <button type="button" class="secondary" on:click=refuse>{t!(i18n, extension_refuse)}</button>
            </div>
        </form>
    }
}
