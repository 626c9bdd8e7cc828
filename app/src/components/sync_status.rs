//! The line under the top bar that always says where the phone's records stand: online or
//! not, how many are not yet on the server, the last sync, and anything that needs the user.
//! Built from fixed elements with reactive text and `hidden`, which keeps it small in wasm.

use crate::api::error::ErrorCode;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::t;
use leptos::prelude::*;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let attention = move || sync.outbox.with(|o| o.attention());
    let state = move || i18n.t(if sync.online.get() { Msg::sync_online } else { Msg::sync_offline });
    let count = move || match sync.outbox.with(|o| o.unsynced()) {
        0 => i18n.t(Msg::sync_all_synced).to_owned(),
        n => i18n.f(Msg::sync_unsynced, &[("n", &n.to_string())]),
    };
    let last = move || match sync.last_sync.get() {
        _ if sync.elsewhere.get() => i18n.t(Msg::sync_other_tab).to_owned(),
        Some(at) => i18n.f(Msg::sync_last, &[("at", &at.format_clock())]),
        None => i18n.t(Msg::sync_never).to_owned(),
    };
    let alert = move || {
        if sync.needs_sign_in.get() {
            Some(i18n.t(Msg::sync_sign_in_again).to_owned())
        } else if sync.outbox.with(|o| !o.unreadable.is_empty()) {
            Some(i18n.t(Msg::records_unreadable).to_owned())
        } else if let Some(e) = sync.storage_failed.get() {
            Some(match e.code {
                ErrorCode::StorageFull => e.localized(i18n.lang()),
                _ => i18n.t(Msg::storage_failed).to_owned(),
            })
        } else if sync.storage_low.get() {
            Some(i18n.t(Msg::storage_low).to_owned())
        } else {
            None
        }
    };
    view! {
        <aside
            class="sync-bar"
            class:offline=move || !sync.online.get()
            hidden=move || !sync.active.get()
            aria-label=i18n.t(Msg::sync_label)
        >
            <span class="sync-state">
                <span class="dot" aria-hidden="true"></span>
                <span class="sync-word">{state}</span>
            </span>
            <span class="sync-count">{count}</span>
            <span class="sync-last">{last}</span>
            <a class="sync-attention" href="/outbox" hidden=move || attention() == 0>
                {move || i18n.f(Msg::sync_attention, &[("n", &attention().to_string())])}
            </a>
            <button type="button" class="ghost small" disabled=move || sync.busy.get() on:click=move |_| sync.sync_now()>
                {move || i18n.t(if sync.busy.get() { Msg::syncing } else { Msg::sync_now })}
            </button>
        </aside>
        <p class="notice error" role="alert" hidden=move || alert().is_none()>
            {move || alert().unwrap_or_default()} " "
            <a href="/login" hidden=move || !sync.needs_sign_in.get()>{t!(i18n, sign_in)}</a>
        </p>
        // One element for both notices: a fourth one at this level costs the bundle a whole
        // hydration path of its own.
        <p class="notice" hidden=move || !sync.update_ready.get() && !sync.eviction_risk()>
            <span hidden=move || !sync.eviction_risk()>{t!(i18n, storage_not_persistent)} " "</span>
            <span role="status" hidden=move || !sync.update_ready.get()>
                {t!(i18n, update_ready)} " "
                <button type="button" class="secondary small" on:click=move |_| sync.apply_update()>
                    {t!(i18n, reload)}
                </button>
            </span>
        </p>
    }
}
