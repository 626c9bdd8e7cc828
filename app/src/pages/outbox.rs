//! Everything on this phone that the server does not have yet, each with where it stands
//! (saved here, sent, refused and why): fix a refused one where it was made, discard it, or
//! export everything (JSON) for the coordinator. Below, the server's receipts for the last
//! records it accepted.

use crate::components::notice::Loading;
use crate::device;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::offline::outbox::{Entry, Kind, Outbox, Queued, Receipt, Stage};
use crate::t;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let export_href = move || sync.outbox.with(export_url);
    view! {
        <h1>{t!(i18n, outbox_title)}</h1>
        // Said here also when nothing waits (the bar above says it while records wait).
        <p class="notice" hidden=move || !sync.not_persistent.get() || sync.eviction_risk()>
            {t!(i18n, storage_not_persistent)}
        </p>
        {move || {
            if !sync.active.get() {
                return view! { <Loading/> }.into_any();
            }
            let outbox = sync.outbox.get();
            if outbox.unsynced() == 0 {
                return view! { <p class="muted">{t!(i18n, outbox_empty)}</p> }.into_any();
            }
            view! {
                <ul class="cards" aria-label=i18n.t(Msg::outbox_title)>
                    {outbox.items.into_iter().map(|queued| view! { <QueuedCard queued/> }).collect_view()}
                    {outbox.unreadable.into_iter().map(|entry| view! { <UnreadableCard entry/> }).collect_view()}
                    {outbox
                        .photos
                        .into_iter()
                        .map(|photo| {
                            view! {
                                <li class="card queued">
                                    <span class="card-title">{t!(i18n, op_photo)}</span>
                                    {match photo.rejected {
                                        None => view! { <span class="badge">{t!(i18n, waiting_to_sync)}</span> }.into_any(),
                                        Some(e) => view! { <p class="field-error">{move || i18n.f(Msg::refused_reason, &[("reason", &e.localized(i18n.lang()))])}</p> }.into_any(),
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        <p class="muted small">{t!(i18n, outbox_export_hint)}</p>
        <a class="button secondary" download="road-chief-records.json" href=export_href>
            {t!(i18n, outbox_export)}
        </a>
        <section class="receipts" hidden=move || sync.receipts.with(Vec::is_empty)>
            <h2>{t!(i18n, receipts_title)}</h2>
            <p class="muted small">{t!(i18n, receipts_hint)}</p>
            <ul class="cards" aria-label=i18n.t(Msg::receipts_title)>
                {move || {
                    sync.receipts
                        .get()
                        .into_iter()
                        .filter_map(|entry| serde_json::from_str::<Receipt>(&entry.text).ok())
                        .map(|receipt| view! { <ReceiptCard receipt/> })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

fn kind_title(kind: Kind) -> Msg {
    match kind {
        Kind::StartInspection => Msg::op_start_inspection,
        Kind::RecordFinding => Msg::op_record_finding,
        Kind::SubmitInspection => Msg::op_submit_inspection,
        Kind::MoveFinding => Msg::op_move_finding,
        Kind::SaveShop => Msg::op_save_shop,
        Kind::RecordVisit => Msg::op_record_visit,
        Kind::FollowUpDone => Msg::op_follow_up_done,
        Kind::RecordPatrol => Msg::op_record_patrol,
    }
}

#[component]
fn ReceiptCard(receipt: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let title = kind_title(receipt.kind);
    let at = receipt.accepted_at.format_local();
    let queued = receipt.queued_at.format_local();
    view! {
        <li class="card queued accepted">
            <span class="card-title">{i18n.t(title)}</span>
            <span>{receipt.detail}</span>
            <span class="muted small">{move || i18n.f(Msg::queued_at, &[("at", &queued)])}</span>
            <span class="badge ok">{move || i18n.f(Msg::stage_accepted, &[("at", &at)])}</span>
        </li>
    }
}

#[component]
fn UnreadableCard(entry: Entry) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let key = entry.key.clone();
    view! {
        <li class="card queued refused">
            <span class="card-title">{t!(i18n, unreadable_record)}</span>
            <code class="small">{entry.text.chars().take(120).collect::<String>()}</code>
            <span class="row">
                <button
                    type="button"
                    class="ghost small"
                    on:click=move |_| {
                        if device::confirm(i18n.t(Msg::discard_confirm)) {
                            sync.discard_unreadable(key.clone());
                        }
                    }
                >
                    {t!(i18n, discard)}
                </button>
            </span>
        </li>
    }
}

#[component]
fn QueuedCard(queued: Queued) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let id = queued.id;
    let about = &queued.about;
    let title = kind_title(about.kind);
    let detail = queued.detail();
    // Where the record can be fixed: its road's checklist, or the finding's page.
    let href = match (about.kind, &about.road_id, about.finding_id) {
        (Kind::MoveFinding, _, Some(finding)) => Some(format!("/findings/{finding}")),
        (Kind::SaveShop | Kind::RecordVisit, Some(road), _) => Some(format!("/roads/{road}/street")),
        (_, Some(road), _) => Some(format!("/roads/{road}")),
        _ => None,
    };
    let at = queued.queued_at.format_local();
    let refused = queued.rejected.is_some();
    view! {
        <li class="card queued" class:refused=refused>
            <span class="card-title">{i18n.t(title)}</span>
            <span>{detail}</span>
            <span class="muted small">{move || i18n.f(Msg::queued_at, &[("at", &at)])}</span>
            {match queued.stage() {
                Stage::Saved => view! { <span class="badge">{t!(i18n, stage_saved)}</span> }.into_any(),
                Stage::Sent(at) => {
                    let at = at.format_clock();
                    view! { <span class="badge">{move || i18n.f(Msg::stage_sent, &[("at", &at)])}</span> }.into_any()
                }
                Stage::Refused(e) => {
                    view! {
                        <p class="field-error" role="alert">
                            {move || i18n.f(Msg::refused_reason, &[("reason", &e.localized(i18n.lang()))])}
                        </p>
                    }
                        .into_any()
                }
            }}
            <span class="row">
                {href
                    .filter(|_| refused)
                    .map(|h| view! { <a class="button secondary small" href=h>{t!(i18n, edit_finding)}</a> })}
                <button
                    type="button"
                    class="ghost small"
                    on:click=move |_| {
                        if device::confirm(i18n.t(Msg::discard_confirm)) {
                            sync.discard(id);
                        }
                    }
                >
                    {t!(i18n, discard)}
                </button>
            </span>
        </li>
    }
}

/// The outbox as a JSON file to download.
fn export_url(outbox: &Outbox) -> String {
    let json = serde_json::to_string_pretty(outbox).unwrap_or_default();
    #[cfg(feature = "hydrate")]
    {
        format!("data:application/json;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&json)))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = json;
        "#".to_owned()
    }
}

/// The outbox screen, loaded on demand.
pub struct OutboxRoute;

#[lazy_route]
impl LazyRoute for OutboxRoute {
    fn data() -> Self {
        OutboxRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <OutboxPage/> }.into_any()
    }
}
