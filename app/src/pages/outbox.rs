//! Everything on this phone that the server does not have yet, with the reason for any record
//! it refused: fix it where it was made, discard it, or export it (JSON) for the coordinator.

use crate::components::notice::Loading;
use crate::device;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::offline::outbox::{Kind, Outbox, Queued};
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
        {move || {
            if !sync.active.get() {
                return view! { <Loading/> }.into_any();
            }
            let outbox = sync.outbox.get();
            if outbox.unsynced() == 0 {
                return view! { <p class="muted">{t!(i18n, outbox_empty)}</p> }.into_any();
            }
            view! {
                <ul class="cards" aria-label=move || i18n.t(Msg::outbox_title)>
                    {outbox.items.into_iter().map(|queued| view! { <QueuedCard queued/> }).collect_view()}
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
    }
}

#[component]
fn QueuedCard(queued: Queued) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let id = queued.id;
    let about = &queued.about;
    let title = match about.kind {
        Kind::StartInspection => Msg::op_start_inspection,
        Kind::RecordFinding => Msg::op_record_finding,
        Kind::SubmitInspection => Msg::op_submit_inspection,
        Kind::MoveFinding => Msg::op_move_finding,
    };
    let detail = match &about.finding {
        Some(f) => f.note.clone(),
        None => about.week.clone().unwrap_or_default(),
    };
    // Where the record can be fixed: its road's checklist, or the finding's page.
    let href = match (about.kind, &about.road_id, about.finding_id) {
        (Kind::MoveFinding, _, Some(finding)) => Some(format!("/findings/{finding}")),
        (_, Some(road), _) => Some(format!("/roads/{road}")),
        _ => None,
    };
    let at = queued.queued_at.format_local();
    let refused = queued.rejected.is_some();
    view! {
        <li class="card queued" class:refused=refused>
            <span class="card-title">{move || i18n.t(title)}</span>
            <span>{detail}</span>
            <span class="muted small">{move || i18n.f(Msg::queued_at, &[("at", &at)])}</span>
            {match queued.rejected {
                None => view! { <span class="badge">{t!(i18n, waiting_to_sync)}</span> }.into_any(),
                Some(e) => {
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
