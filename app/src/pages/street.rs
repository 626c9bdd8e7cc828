//! A road's street: the shops on it (the register, with this quarter's visit coverage), the
//! follow-ups that came due, and the chief's work log of visits and conversations. A visit is
//! recorded in a few taps and kept on the phone first (the outbox), like a finding; a request
//! becomes a finding in one tap, filled in from the visit and linked to it.

use super::finding_form::{finding_form, DraftFinding, FormArgs};
use crate::api::operations::Operation;
use crate::api::reads::{load_street, search_work_log};
use crate::api::street::{log_export_path, NewVisit, ShopView, StreetPage, VisitView};
use crate::components::notice::{ErrorNotice, Loading};
use crate::device;
use crate::domain::geometry::RoadGeometry;
use crate::domain::street::{Shop, ShopError, ShopFields, Visit, VisitError, REPEAT_FINDINGS};
use crate::domain::time::{IsoWeek, Timestamp};
use crate::i18n::{use_i18n, I18n, Msg};
use crate::offline::engine::{use_sync, SyncEngine};
use crate::offline::or_stored;
use crate::offline::outbox::{Kind, Queued};
use crate::{api::client, t};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};
use serde::Deserialize;
use uuid::Uuid;

/// What the screen shows instead of the lists.
#[derive(Clone, PartialEq)]
enum Open {
    Lists,
    Visit,
    Shop(Option<ShopView>),
    Finding(DraftFinding),
}

#[component]
pub fn StreetScreen() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    let road_id = move || params.read().get("road_id").unwrap_or_default();
    let open = RwSignal::new(Open::Lists);
    // Reload when the server's state changed, but never under an open form.
    let refresh = RwSignal::new(0u32);
    Effect::new(move || {
        let changed = sync.changed.get();
        if open.with(|o| *o == Open::Lists) && refresh.get_untracked() != changed {
            refresh.set(changed);
        }
    });
    let page = Resource::new(
        move || (road_id(), refresh.get()),
        |(id, _)| async move { or_stored(load_street(id.clone()).await, |copy| copy.street(&id)) },
    );
    let flash = RwSignal::new(None::<Msg>);
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => Either::Left(view! { <ErrorNotice error=e/> }),
                    Ok(page) => Either::Right(view! { <Street page open flash/> }),
                }
            })}
        </Transition>
        <p class="notice" hidden=move || sync.online.get()>{t!(i18n, offline_copy)}</p>
    }
}

#[component]
fn Street(page: StreetPage, open: RwSignal<Open>, flash: RwSignal<Option<Msg>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let page = StoredValue::new(page);
    let road = page.with_value(|p| p.road.road.clone());
    let road_name = move || i18n.pick(&road.name_zh, &road.name_en);
    let (visited, shops) = page.with_value(|p| (p.coverage.visited, p.coverage.shops));
    let quarter = page.with_value(|p| p.quarter);
    // Who has been the road's chief, newest first (交流轮岗 keeps them all).
    let terms = page.with_value(|p| p.chiefs.clone());
    let chiefs_line = move || {
        let terms: Vec<String> = terms
            .iter()
            .map(|term| {
                let from = term.from.local_date().to_string();
                let when = match term.until {
                    Some(until) => {
                        i18n.f(Msg::admin_term_ended, &[("from", &from), ("until", &until.local_date().to_string())])
                    }
                    None => i18n.f(Msg::admin_term, &[("from", &from)]),
                };
                format!("{} {when}", term.chief_name)
            })
            .collect();
        i18n.f(Msg::street_chiefs, &[("chiefs", &terms.join(" · "))])
    };
    let on_saved = move |msg: Msg| {
        flash.set(Some(msg));
        open.set(Open::Lists);
    };
    view! {
        <div class="page-head">
            <h1>{road_name.clone()} " · " {t!(i18n, street_title)}</h1>
            <p class="summary coverage">
                {move || {
                    i18n.f(
                        Msg::street_coverage,
                        &[("quarter", &quarter_label(i18n, quarter)), ("visited", &visited.to_string()), ("shops", &shops.to_string())],
                    )
                }}
            </p>
            <progress class="coverage-bar" max=shops.max(1) value=visited aria-hidden="true"></progress>
            <p class="muted small street-chiefs">{chiefs_line}</p>
        </div>
        <p class="notice success" role="status" hidden=move || flash.with(Option::is_none)>
            {move || flash.get().map(|m| i18n.t(m)).unwrap_or_default()}
        </p>
        <p class="notice error" role="alert" hidden=move || sync.storage_failed.with(Option::is_none)>
            {move || sync.storage_failed.get().map(|e| e.localized(i18n.lang())).unwrap_or_default()}
        </p>
        {move || match open.get() {
            Open::Lists => Either::Left(view! { <Lists page=page.get_value() open flash/> }),
            Open::Visit => Either::Right(Either::Left(view! { <VisitForm page=page.get_value() open on_saved/> })),
            Open::Shop(shop) => {
                Either::Right(Either::Right(Either::Left(view! { <ShopForm road_id=page.with_value(|p| p.road.road.id.clone()) shop open on_saved/> })))
            }
            Open::Finding(draft) => {
                let road_id = page.with_value(|p| p.road.road.id.clone());
                let args = FormArgs {
                    road: page.with_value(|p| p.road.clone()),
                    categories: page.with_value(|p| p.categories.clone()),
                    category: draft.category.clone(),
                    initial: Some(draft),
                    known: None,
                    prefilled: true,
                    on_save: Callback::new(move |finding: DraftFinding| {
                        let road_id = road_id.clone();
                        leptos::task::spawn_local(async move {
                            let week = IsoWeek::containing(device::now()).to_string();
                            let op = Operation::RecordFinding { road_id, week, finding: finding.to_new() };
                            if sync.record_finding(None, op, finding.along_m).await.is_ok() {
                                on_saved(Msg::finding_saved);
                            }
                        });
                    }),
                    on_cancel: Callback::new(move |()| open.set(Open::Lists)),
                };
                Either::Right(Either::Right(Either::Right(view! { <Suspense fallback=|| view! { <Loading/> }>{Suspend::new(finding_form(args))}</Suspense> })))
            }
        }}
    }
}

pub fn quarter_label(i18n: I18n, quarter: crate::domain::street::Quarter) -> String {
    i18n.f(Msg::quarter_label, &[("year", &quarter.year.to_string()), ("q", &quarter.quarter.to_string())])
}

/// A visit waiting in the outbox, as the work log shows it.
#[derive(Deserialize)]
struct VisitOp {
    visit: NewVisit,
}

/// A shop added or changed on this phone, not yet on the server.
#[derive(Deserialize)]
struct ShopOp {
    shop_id: String,
    shop: ShopFields,
}

fn queued_visits(sync: SyncEngine, road_id: &str) -> Vec<NewVisit> {
    sync.outbox.with(|o| {
        o.items
            .iter()
            .filter(|q| q.about.kind == Kind::RecordVisit && q.about.road_id.as_deref() == Some(road_id))
            .filter_map(|q: &Queued| serde_json::from_str::<VisitOp>(q.op.get()).ok().map(|op| op.visit))
            .collect()
    })
}

fn queued_shops(sync: SyncEngine, road_id: &str) -> Vec<ShopOp> {
    sync.outbox.with(|o| {
        o.items
            .iter()
            .filter(|q| q.about.kind == Kind::SaveShop && q.about.road_id.as_deref() == Some(road_id))
            .filter_map(|q| serde_json::from_str::<ShopOp>(q.op.get()).ok())
            .collect()
    })
}

/// Follow-ups marked done on this phone, not yet on the server.
fn queued_done(sync: SyncEngine) -> Vec<Uuid> {
    sync.outbox.with(|o| {
        o.items.iter().filter(|q| q.about.kind == Kind::FollowUpDone).filter_map(|q| q.about.visit_id).collect()
    })
}

/// Visits whose request became a finding on this phone, not yet on the server.
fn queued_findings_of_visits(sync: SyncEngine) -> Vec<Uuid> {
    sync.outbox.with(|o| o.items.iter().filter_map(|q| q.about.finding.as_ref().and_then(|f| f.visit_id)).collect())
}

/// A finding filled in from a visit's request, placed mid-road until the phone knows better.
fn draft_from(page: &StreetPage, visit_id: Uuid, shop_id: Option<String>, asked: &str) -> DraftFinding {
    let geometry = RoadGeometry::parse(&page.road.coordinates).ok();
    let along = geometry.as_ref().map_or(0.0, |g| (g.length_m() / 2.0).round());
    let point = geometry.as_ref().map(|g| g.point_at(along));
    DraftFinding {
        id: client::new_id(),
        category: page.categories.first().map(|c| c.code.clone()).unwrap_or_default(),
        note: asked.to_owned(),
        lon: point.map_or(0.0, |p| p.lon),
        lat: point.map_or(0.0, |p| p.lat),
        along_m: along,
        off_road_confirmed: false,
        observed_at: device::now(),
        photos: Vec::new(),
        taken: Vec::new(),
        urgent: false,
        visit_id: Some(visit_id),
        shop_id,
    }
}

#[component]
fn Lists(page: StreetPage, open: RwSignal<Open>, flash: RwSignal<Option<Msg>>) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let road_id = page.road.road.id.clone();
    let page = StoredValue::new(page);
    let words = RwSignal::new(String::new());
    let searched = RwSignal::new(None::<Result<Vec<VisitView>, crate::api::error::ApiError>>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let road = page.with_value(|p| p.road.road.id.clone());
        let text = words.get_untracked();
        leptos::task::spawn_local(async move {
            searched.set(Some(search_work_log(road, Some(text)).await));
        });
    };
    let shop_filter = RwSignal::new(String::new());
    let road_for_queue = road_id.clone();
    let queued = move || queued_visits(sync, &road_for_queue);
    let done_here = move || queued_done(sync);
    let linked_here = move || queued_findings_of_visits(sync);
    let to_finding = move |visit_id: Uuid, shop_id: Option<String>, asked: String| {
        flash.set(None);
        open.set(Open::Finding(page.with_value(|p| draft_from(p, visit_id, shop_id, &asked))));
    };
    let mark_done = move |visit_id: Uuid| {
        leptos::task::spawn_local(async move {
            if sync.record(Operation::FollowUpDone { visit_id }).await.is_ok() {
                flash.set(Some(Msg::follow_up_marked));
            }
        });
    };
    let csv = log_export_path(&road_id, "csv");
    let xlsx = log_export_path(&road_id, "xlsx");
    view! {
        <div class="row">
            <button type="button" class="primary" on:click=move |_| { flash.set(None); open.set(Open::Visit) }>
                {t!(i18n, record_visit)}
            </button>
            <a class="button secondary" href=format!("/roads/{road_id}")>{t!(i18n, open_inspection)}</a>
        </div>

        <section class="group" aria-labelledby="due-title">
            <h2 id="due-title">{t!(i18n, follow_ups_due_title)}</h2>
            {move || {
                let done = done_here();
                let due: Vec<VisitView> =
                    page.with_value(|p| p.due.iter().filter(|v| !done.contains(&v.id)).cloned().collect());
                if due.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, none_here)}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="cards">
                            {due
                                .into_iter()
                                .map(|v| {
                                    let id = v.id;
                                    view! {
                                        <li class="card visit due">
                                            <VisitLines visit=v.clone()/>
                                            <div class="row">
                                                <button type="button" class="secondary small" on:click=move |_| mark_done(id)>
                                                    {t!(i18n, follow_up_done)}
                                                </button>
                                            </div>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    })
                }
            }}
        </section>

        <section class="group" aria-labelledby="log-title">
            <h2 id="log-title">{t!(i18n, work_log_title)}</h2>
            <form class="search" role="search" on:submit=search>
                <label for="log-search" class="visually-hidden">{t!(i18n, search_log)}</label>
                <input
                    id="log-search"
                    type="search"
                    maxlength="100"
                    placeholder=i18n.t(Msg::search_log)
                    prop:value=move || words.get()
                    on:input=move |ev| words.set(event_target_value(&ev))
                />
                <button type="submit" class="secondary">{t!(i18n, search)}</button>
            </form>
            <p class="row small">
                <a href=csv download>{t!(i18n, log_export_csv)}</a>
                <a href=xlsx download>{t!(i18n, log_export_xlsx)}</a>
            </p>
            {move || {
                let waiting = queued();
                (!waiting.is_empty())
                    .then(|| {
                        let linked = linked_here();
                        view! {
                            <ul class="cards">
                                {waiting
                                    .into_iter()
                                    .map(|v| {
                                        let (id, shop, asked) = (v.id, v.shop_id.clone(), v.asked.clone());
                                        let shop_name = v.shop_id.as_ref().and_then(|s| page.with_value(|p| p.shops.iter().find(|x| &x.id == s).map(|x| x.name.clone())));
                                        let has_finding = linked.contains(&id);
                                        view! {
                                            <li class="card visit queued">
                                                <span class="muted small">
                                                    {v.visited_at.format_local()} " · " {shop_name.unwrap_or_else(|| i18n.t(Msg::no_shop).to_owned())}
                                                </span>
                                                <span class="visit-asked">{v.asked.clone()}</span>
                                                {v.promised.clone().filter(|p| !p.trim().is_empty()).map(|p| view! { <span class="muted">{i18n.t(Msg::promised_label)} ": " {p.clone()}</span> })}
                                                <span class="badge">{t!(i18n, saved_on_phone)}</span>
                                                <FindingButton has_finding on_click=move || to_finding(id, shop.clone(), asked.clone())/>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
            {move || {
                let entries = match searched.get() {
                    Some(Err(e)) => return Either::Left(view! { <ErrorNotice error=e/> }),
                    Some(Ok(found)) => found,
                    None => page.with_value(|p| p.log.clone()),
                };
                let linked = linked_here();
                Either::Right(if entries.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, none_here)}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="cards">
                            {entries
                                .into_iter()
                                .map(|v| {
                                    let (id, shop, asked) = (v.id, v.shop_id.clone(), v.asked.clone());
                                    let finding = v.finding_id;
                                    let has_finding = finding.is_some() || linked.contains(&id);
                                    view! {
                                        <li class="card visit">
                                            <VisitLines visit=v/>
                                            {match finding {
                                                Some(f) => Either::Left(view! { <a href=format!("/findings/{f}")>{t!(i18n, visit_finding)}</a> }),
                                                None => Either::Right(view! { <FindingButton has_finding on_click=move || to_finding(id, shop.clone(), asked.clone())/> }),
                                            }}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    })
                })
            }}
        </section>

        <section class="group" aria-labelledby="shops-title">
            <h2 id="shops-title">{t!(i18n, shops_title)}</h2>
            <div class="row">
                <label for="shop-filter" class="visually-hidden">{t!(i18n, filter_shops)}</label>
                <input
                    id="shop-filter"
                    type="search"
                    placeholder=i18n.t(Msg::filter_shops)
                    prop:value=move || shop_filter.get()
                    on:input=move |ev| shop_filter.set(event_target_value(&ev))
                />
                <button type="button" class="secondary" on:click=move |_| { flash.set(None); open.set(Open::Shop(None)) }>
                    {t!(i18n, add_shop)}
                </button>
            </div>
            <ul class="cards shops">
                {move || {
                    let filter = shop_filter.get().trim().to_lowercase();
                    let start = page.with_value(|p| p.quarter).start();
                    page.with_value(|p| p.shops.clone())
                        .into_iter()
                        .filter(|s| filter.is_empty() || s.name.to_lowercase().contains(&filter) || s.house_number.to_lowercase().contains(&filter) || s.business_type.to_lowercase().contains(&filter))
                        .map(|s| view! { <ShopCard shop=s quarter_start=start/> })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

#[component]
fn FindingButton(has_finding: bool, on_click: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    (!has_finding).then(|| {
        view! {
            <div class="row">
                <button type="button" class="secondary small" on:click=move |_| on_click()>
                    {t!(i18n, request_to_finding)}
                </button>
            </div>
        }
    })
}

#[component]
pub fn VisitLines(visit: VisitView) -> impl IntoView {
    let i18n = use_i18n();
    let shop = visit.shop_name.clone();
    let follow_up = visit.follow_up.clone();
    let done = visit.follow_up_done;
    view! {
        <span class="muted small">
            {visit.visited_at.format_local()} " · "
            {match (shop, visit.shop_id.clone()) {
                (Some(name), Some(id)) => Either::Left(view! { <a href=format!("/shops/{id}")>{name}</a> }),
                _ => Either::Right(view! { <span>{i18n.t(Msg::no_shop)}</span> }),
            }}
            " · " {visit.recorded_by.clone()}
            {visit.after_hand_over.then(|| view! { " " <span class="badge">{i18n.t(Msg::after_hand_over_badge)}</span> })}
        </span>
        <span class="visit-asked">{visit.asked.clone()}</span>
        {visit.promised.clone().map(|p| view! { <span class="muted">{i18n.t(Msg::promised_label)} ": " {p.clone()}</span> })}
        {follow_up.map(|day| {
            view! {
                <span class="card-line">
                    <span class="badge" class:ok=done>
                        {move || i18n.f(if done { Msg::follow_up_was } else { Msg::follow_up_on }, &[("date", &day)])}
                    </span>
                </span>
            }
        })}
    }
}

#[component]
fn ShopCard(shop: ShopView, quarter_start: Timestamp) -> impl IntoView {
    let i18n = use_i18n();
    let visited = shop.last_visit.filter(|at| *at >= quarter_start);
    let last = shop.last_visit.map(|t| t.local_date().to_string());
    let findings = shop.findings;
    view! {
        <li>
            <a class="card shop-card" href=format!("/shops/{}", shop.id)>
                <span class="card-title">{shop.house_number.clone()} " · " {shop.name.clone()}</span>
                <span class="muted small">{shop.business_type.clone()}</span>
                <span class="card-line">
                    {match (visited, last) {
                        (Some(_), Some(day)) => Either::Left(view! { <span class="badge ok">{move || i18n.f(Msg::visited_on, &[("date", &day)])}</span> }),
                        _ => Either::Right(view! { <span class="badge">{i18n.t(Msg::not_visited_this_quarter)}</span> }),
                    }}
                    {(!shop.pledge_signed).then(|| view! { <span class="badge">{i18n.t(Msg::pledge_missing)}</span> })}
                    {(!shop.open).then(|| view! { <span class="badge">{i18n.t(Msg::shop_closed)}</span> })}
                    {(findings >= REPEAT_FINDINGS).then(|| view! { <span class="badge urgency-overdue">{move || i18n.f(Msg::repeat_offender, &[("n", &findings.to_string())])}</span> })}
                </span>
            </a>
        </li>
    }
}

fn visit_error(e: VisitError) -> Msg {
    match e {
        VisitError::AskedMissing => Msg::error_asked_missing,
        VisitError::TooLong => Msg::error_note_too_long,
        VisitError::FollowUpNotADate | VisitError::FollowUpOutOfRange => Msg::error_follow_up_invalid,
    }
}

#[component]
fn VisitForm(
    page: StreetPage,
    open: RwSignal<Open>,
    on_saved: impl Fn(Msg) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let road_id = StoredValue::new(page.road.road.id.clone());
    let mut shops: Vec<(String, String)> = page
        .shops
        .iter()
        .filter(|s| s.open)
        .map(|s| (s.id.clone(), format!("{} · {}", s.house_number, s.name)))
        .collect();
    for added in queued_shops(sync, &page.road.road.id) {
        if !shops.iter().any(|(id, _)| *id == added.shop_id) {
            shops.push((added.shop_id, format!("{} · {}", added.shop.house_number, added.shop.name)));
        }
    }
    let shop = RwSignal::new(String::new());
    let asked = RwSignal::new(String::new());
    let promised = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = device::now();
        let (asked, promised, follow_up) = (asked.get_untracked(), promised.get_untracked(), follow_up.get_untracked());
        if let Err(e) = Visit::parse(&asked, Some(&promised), Some(&follow_up), now, now) {
            return error.set(Some(visit_error(e)));
        }
        let blank = |t: String| Some(t).filter(|t| !t.trim().is_empty());
        let visit = NewVisit {
            id: client::new_id(),
            shop_id: blank(shop.get_untracked()),
            asked,
            promised: blank(promised),
            follow_up: blank(follow_up),
            visited_at: now,
        };
        leptos::task::spawn_local(async move {
            let op = Operation::RecordVisit { road_id: road_id.get_value(), visit };
            // Not stored: the form stays open with what was entered (the notice above says why).
            if sync.record(op).await.is_ok() {
                on_saved(Msg::visit_saved);
            }
        });
    };
    view! {
        <form class="visit-form card" on:submit=save>
            <h2>{t!(i18n, record_visit)}</h2>
            <label for="visit-shop">{t!(i18n, shop_label)}</label>
            <select id="visit-shop" on:change=move |ev| shop.set(event_target_value(&ev))>
                <option value="">{t!(i18n, no_shop)}</option>
                {shops.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
            </select>
            <label for="visit-asked">{t!(i18n, asked_label)}</label>
            <textarea id="visit-asked" rows="3" maxlength="2000" prop:value=move || asked.get() on:input=move |ev| { asked.set(event_target_value(&ev)); error.set(None); }></textarea>
            <label for="visit-promised">{t!(i18n, promised_label)}</label>
            <textarea id="visit-promised" rows="2" maxlength="2000" prop:value=move || promised.get() on:input=move |ev| promised.set(event_target_value(&ev))></textarea>
            <label for="visit-follow-up">{t!(i18n, follow_up_label)}</label>
            <input id="visit-follow-up" type="date" prop:value=move || follow_up.get() on:input=move |ev| { follow_up.set(event_target_value(&ev)); error.set(None); }/>
            {move || error.get().map(|msg| view! { <p class="field-error" role="alert">{move || i18n.t(msg)}</p> })}
            <div class="row actions">
                <button type="submit" class="primary">{t!(i18n, save_visit)}</button>
                <button type="button" class="ghost" on:click=move |_| open.set(Open::Lists)>{t!(i18n, cancel)}</button>
            </div>
        </form>
    }
}

pub fn shop_error(e: ShopError) -> Msg {
    match e {
        ShopError::NameMissing => Msg::error_shop_name_missing,
        ShopError::HouseNumberMissing => Msg::error_house_number_missing,
        ShopError::BusinessTypeMissing => Msg::error_business_type_missing,
        ShopError::TooLong => Msg::error_text_too_long,
    }
}

#[component]
fn ShopForm(
    road_id: String,
    shop: Option<ShopView>,
    open: RwSignal<Open>,
    on_saved: impl Fn(Msg) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! { <ShopFieldsForm road_id shop on_cancel=move || open.set(Open::Lists) on_saved/> }
}

/// Adds a shop to the road, or changes one; kept on the phone first like every record.
#[component]
pub fn ShopFieldsForm(
    road_id: String,
    shop: Option<ShopView>,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
    on_saved: impl Fn(Msg) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let road_id = StoredValue::new(road_id);
    let id = StoredValue::new(shop.as_ref().map_or_else(|| client::new_id().to_string(), |s| s.id.clone()));
    let editing = shop.is_some();
    let text = |f: fn(&ShopView) -> String| RwSignal::new(shop.as_ref().map(f).unwrap_or_default());
    let name = text(|s| s.name.clone());
    let number = text(|s| s.house_number.clone());
    let trade = text(|s| s.business_type.clone());
    let owner = text(|s| s.owner.clone().unwrap_or_default());
    let contact = text(|s| s.contact.clone().unwrap_or_default());
    let pledge = RwSignal::new(shop.as_ref().is_some_and(|s| s.pledge_signed));
    let is_open = RwSignal::new(shop.as_ref().is_none_or(|s| s.open));
    let error = RwSignal::new(None::<Msg>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = ShopFields {
            name: name.get_untracked(),
            house_number: number.get_untracked(),
            business_type: trade.get_untracked(),
            owner: Some(owner.get_untracked()),
            contact: Some(contact.get_untracked()),
            pledge_signed: pledge.get_untracked(),
            open: is_open.get_untracked(),
        };
        if let Err(e) = Shop::parse(&fields) {
            return error.set(Some(shop_error(e)));
        }
        leptos::task::spawn_local(async move {
            let op = Operation::SaveShop { road_id: road_id.get_value(), shop_id: id.get_value(), shop: fields };
            if sync.record(op).await.is_ok() {
                on_saved(Msg::shop_saved);
            }
        });
    };
    let field = move |key: &'static str, label: Msg, value: RwSignal<String>, max: usize| {
        view! {
            <label for=key>{i18n.t(label)}</label>
            <input id=key type="text" maxlength=max prop:value=move || value.get() on:input=move |ev| { value.set(event_target_value(&ev)); error.set(None); }/>
        }
    };
    use crate::domain::street::{
        MAX_BUSINESS_TYPE_CHARS, MAX_CONTACT_CHARS, MAX_HOUSE_NUMBER_CHARS, MAX_OWNER_CHARS, MAX_SHOP_NAME_CHARS,
    };
    view! {
        <form class="shop-form card" on:submit=save>
            <h2>{i18n.t(if editing { Msg::edit_shop } else { Msg::add_shop })}</h2>
            {field("shop-name", Msg::shop_name_label, name, MAX_SHOP_NAME_CHARS)}
            {field("shop-number", Msg::house_number_label, number, MAX_HOUSE_NUMBER_CHARS)}
            {field("shop-trade", Msg::business_type_label, trade, MAX_BUSINESS_TYPE_CHARS)}
            {field("shop-owner", Msg::owner_label, owner, MAX_OWNER_CHARS)}
            {field("shop-contact", Msg::contact_label, contact, MAX_CONTACT_CHARS)}
            <label class="check">
                <input type="checkbox" prop:checked=move || pledge.get() on:change=move |ev| pledge.set(event_target_checked(&ev))/>
                {t!(i18n, pledge_label)}
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || is_open.get() on:change=move |ev| is_open.set(event_target_checked(&ev))/>
                {t!(i18n, shop_open_label)}
            </label>
            {move || error.get().map(|msg| view! { <p class="field-error" role="alert">{move || i18n.t(msg)}</p> })}
            <div class="row actions">
                <button type="submit" class="primary">{t!(i18n, save_shop)}</button>
                <button type="button" class="ghost" on:click=move |_| on_cancel()>{t!(i18n, cancel)}</button>
            </div>
        </form>
    }
}

/// The street screen, loaded on demand.
pub struct StreetRoute;

#[lazy_route]
impl LazyRoute for StreetRoute {
    fn data() -> Self {
        StreetRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <StreetScreen/> }.into_any()
    }
}
