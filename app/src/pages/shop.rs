//! One shop of a road's register: what it is, whether its storefront pledge (门前三包) is
//! signed, the chief's visits and the findings about it; a repeat offender shows at a glance.

use super::street::{ShopFieldsForm, VisitLines};
use crate::api::reads::load_shop;
use crate::api::street::ShopPage;
use crate::components::finding_card::FindingCard;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::offline::or_stored;
use crate::offline::replica::Replica;
use crate::t;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// The shop as the phone's copy of its road's street knows it (no findings offline).
fn stored_shop(copy: &Replica, id: &str) -> Option<ShopPage> {
    let pages: Vec<crate::api::street::StreetPage> = serde_json::from_str(copy.streets.as_ref()?.0.get()).ok()?;
    pages.into_iter().find_map(|page| {
        let shop = page.shops.iter().find(|s| s.id == id)?.clone();
        Some(ShopPage {
            visits: page.log.iter().filter(|v| v.shop_id.as_deref() == Some(id)).cloned().collect(),
            findings: Vec::new(),
            repeat_offender: shop.findings >= crate::domain::street::REPEAT_FINDINGS,
            road: page.road.road.clone(),
            shop,
        })
    })
}

#[component]
pub fn ShopScreen() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let editing = RwSignal::new(false);
    let flash = RwSignal::new(None::<Msg>);
    let page = Resource::new(
        move || (id(), sync.changed.get()),
        |(id, _)| async move { or_stored(load_shop(id.clone()).await, |copy| stored_shop(copy, &id)) },
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                let page = match page.await {
                    Err(e) => return Either::Left(view! { <ErrorNotice error=e/> }),
                    Ok(page) => page,
                };
                let shop = page.shop.clone();
                let road = page.road.clone();
                let street = format!("/roads/{}/street", road.id);
                let repeat = page.repeat_offender;
                let count = page.findings.len();
                Either::Right(view! {
                    <p class="small"><a href=street>{move || i18n.pick(&road.name_zh, &road.name_en)} " · " {t!(i18n, street_title)}</a></p>
                    <h1>{shop.house_number.clone()} " · " {shop.name.clone()}</h1>
                    <p class="card-line">
                        <span class="badge">{shop.business_type.clone()}</span>
                        <span class="badge" class:ok=shop.pledge_signed>
                            {i18n.t(if shop.pledge_signed { Msg::pledge_signed } else { Msg::pledge_missing })}
                        </span>
                        {(!shop.open).then(|| view! { <span class="badge">{i18n.t(Msg::shop_closed)}</span> })}
                        {repeat.then(|| view! { <span class="badge urgency-overdue">{move || i18n.f(Msg::repeat_offender, &[("n", &shop.findings.to_string())])}</span> })}
                    </p>
                    <p class="notice success" role="status" hidden=move || flash.with(Option::is_none)>
                        {move || flash.get().map(|m| i18n.t(m)).unwrap_or_default()}
                    </p>
                    {move || if editing.get() {
                        let shop = page.shop.clone();
                        Either::Left(view! {
                            <ShopFieldsForm
                                road_id=shop.road_id.clone()
                                shop=Some(shop)
                                on_cancel=move || editing.set(false)
                                on_saved=move |msg| { flash.set(Some(msg)); editing.set(false); }
                            />
                        })
                    } else {
                        let shop = page.shop.clone();
                        Either::Right(view! {
                            <dl class="facts">
                                <dt>{t!(i18n, owner_label)}</dt>
                                <dd>{shop.owner.clone().unwrap_or_else(|| "—".into())}</dd>
                                <dt>{t!(i18n, contact_label)}</dt>
                                <dd>{match shop.contact.clone() {
                                    Some(c) => {
                                        let tel = format!("tel:{}", c.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+' || *ch == '-').collect::<String>());
                                        Either::Left(view! { <a href=tel>{c}</a> })
                                    }
                                    None => Either::Right("—"),
                                }}</dd>
                            </dl>
                            <div class="row">
                                <button type="button" class="secondary" on:click=move |_| { flash.set(None); editing.set(true) }>{t!(i18n, edit_shop)}</button>
                            </div>
                        })
                    }}
                    <section class="group" aria-labelledby="shop-visits">
                        <h2 id="shop-visits">{t!(i18n, visits_title)} " (" {page.visits.len()} ")"</h2>
                        {if page.visits.is_empty() {
                            Either::Left(view! { <p class="muted">{t!(i18n, none_here)}</p> })
                        } else {
                            Either::Right(view! {
                                <ul class="cards">
                                    {page.visits.clone().into_iter().map(|visit| view! { <li class="card visit"><VisitLines visit/></li> }).collect_view()}
                                </ul>
                            })
                        }}
                    </section>
                    <section class="group" aria-labelledby="shop-findings">
                        <h2 id="shop-findings">{t!(i18n, shop_findings_title)} " (" {count} ")"</h2>
                        {if page.findings.is_empty() {
                            Either::Left(view! { <p class="muted">{t!(i18n, none_here)}</p> })
                        } else {
                            Either::Right(view! {
                                <ul class="cards">
                                    {page.findings.clone().into_iter().map(|finding| view! { <FindingCard finding/> }).collect_view()}
                                </ul>
                            })
                        }}
                    </section>
                })
            })}
        </Transition>
    }
}

/// The shop page, loaded on demand.
pub struct ShopRoute;

#[lazy_route]
impl LazyRoute for ShopRoute {
    fn data() -> Self {
        ShopRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <ShopScreen/> }.into_any()
    }
}
