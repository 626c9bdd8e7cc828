//! The line under the top bar that always says where the phone's records stand: online or
//! not, how many are not yet on the server, the last sync, and anything that needs the user.

use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::t;
use leptos::prelude::*;

#[component]
pub fn SyncStatus() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let unsynced = move || sync.outbox.with(|o| o.unsynced());
    let attention = move || sync.outbox.with(|o| o.attention());
    let line = move || {
        sync.active.get().then(|| {
            view! {
                <div class="sync-bar" class:offline=move || !sync.online.get() role="status" aria-label=move || i18n.t(Msg::sync_label)>
                    <span class="sync-state">
                        <span class="dot" aria-hidden="true"></span>
                        {move || if sync.online.get() { i18n.t(Msg::sync_online) } else { i18n.t(Msg::sync_offline) }}
                    </span>
                    <span class="sync-count">
                        {move || match unsynced() {
                            0 => i18n.t(Msg::sync_all_synced).to_owned(),
                            n => i18n.f(Msg::sync_unsynced, &[("n", &n.to_string())]),
                        }}
                    </span>
                    <span class="sync-last muted">
                        {move || match sync.last_sync.get() {
                            Some(at) => i18n.f(Msg::sync_last, &[("at", &at.format_clock())]),
                            None => i18n.t(Msg::sync_never).to_owned(),
                        }}
                    </span>
                    {move || {
                        (attention() > 0)
                            .then(|| {
                                view! {
                                    <a class="sync-attention" href="/outbox">
                                        {move || i18n.f(Msg::sync_attention, &[("n", &attention().to_string())])}
                                    </a>
                                }
                            })
                    }}
                    <button type="button" class="ghost small" disabled=move || sync.busy.get() on:click=move |_| sync.sync_now()>
                        {move || if sync.busy.get() { i18n.t(Msg::syncing) } else { i18n.t(Msg::sync_now) }}
                    </button>
                </div>
                {move || {
                    sync.needs_sign_in
                        .get()
                        .then(|| {
                            view! {
                                <p class="notice error" role="alert">
                                    {t!(i18n, sync_sign_in_again)} " "
                                    <a href="/login">{t!(i18n, sign_in)}</a>
                                </p>
                            }
                        })
                }}
                {move || {
                    (sync.storage_failed.get() || sync.storage_low.get())
                        .then(|| {
                            let msg = if sync.storage_failed.get() { Msg::storage_failed } else { Msg::storage_low };
                            view! { <p class="notice error" role="alert">{move || i18n.t(msg)}</p> }
                        })
                }}
            }
        })
    };
    view! {
        {line}
        {move || {
            sync.update_ready
                .get()
                .then(|| {
                    view! {
                        <p class="notice" role="status">
                            {t!(i18n, update_ready)} " "
                            <button type="button" class="secondary small" on:click=move |_| sync.apply_update()>
                                {t!(i18n, reload)}
                            </button>
                        </p>
                    }
                })
        }}
    }
}
