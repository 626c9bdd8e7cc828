//! The first screen after signing in: a road chief's roads. Section heads and the
//! coordinator land on their inbox and overview instead.

use crate::api::reads::load_chief_home;
use crate::components::badges::{week_label, InspectionBadge};
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::Role;
use crate::i18n::{use_i18n, Msg};
use crate::offline::engine::use_sync;
use crate::offline::or_stored;
use crate::offline::replica::Replica;
use crate::{t, use_current_user};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = use_current_user().0;
    view! {
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                // Either, not `into_any`: an erased view carries a second (unused) hydration
                // path in the first-load bundle.
                match me.await {
                    Ok(Some(me)) => match me.role {
                        Role::RoadChief => EitherOf3::A(view! { <ChiefHomeView/> }),
                        // Their screens are loaded on demand; the server sends them there directly.
                        Role::SectionHead => EitherOf3::B(view! { <Redirect path="/inbox"/> }),
                        Role::Coordinator => EitherOf3::B(view! { <Redirect path="/overview"/> }),
                    },
                    Ok(None) => EitherOf3::C(view! { <ErrorNotice error=crate::api::error::ErrorCode::Unauthorized.into()/> }),
                    Err(e) => EitherOf3::C(view! { <ErrorNotice error=e/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChiefHomeView() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let home =
        Resource::new(move || sync.changed.get(), |_| async { or_stored(load_chief_home().await, Replica::home) });
    view! {
        <h1>{t!(i18n, my_roads_title)}</h1>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match home.await {
                    Err(e) => Either::Left(view! { <ErrorNotice error=e/> }),
                    Ok(home) => {
                        let week = home.week;
                        let (waiting, oldest) = (home.reports.count, home.reports.oldest);
                        Either::Right(view! {
                            <p class="muted">{move || week_label(i18n, week)}</p>
                            <p class="notice" hidden=move || sync.online.get()>{t!(i18n, offline_copy)}</p>
                            {(waiting > 0).then(|| {
                                let oldest = oldest.map(|t| t.format_local()).unwrap_or_default();
                                view! {
                                    <a class="card reports-card" href="/reports">
                                        <span class="card-title">
                                            {i18n.f(Msg::reports_waiting, &[("n", &waiting.to_string())])}
                                        </span>
                                        <span class="muted">{i18n.f(Msg::reports_oldest, &[("at", &oldest)])}</span>
                                    </a>
                                }
                            })}
                            <ul class="cards" aria-label=i18n.t(Msg::my_roads_title)>
                                {home
                                    .roads
                                    .into_iter()
                                    .map(|card| {
                                        let href = format!("/roads/{}", card.road.id);
                                        let road = card.road.clone();
                                        let community = card.community.clone();
                                        let awaiting = card.awaiting_check;
                                        let open = card.open;
                                        let road_id = card.road.id.clone();
                                        let street = format!("/roads/{}/street", card.road.id);
                                        let due = card.follow_ups_due;
                                        let server_status = card.status;
                                        let status = move || sync.outbox.with(|o| o.status_for(&road_id, week, server_status));
                                        view! {
                                            <li>
                                                <a class="card road-card" href=href>
                                                    <span class="card-title">
                                                        {i18n.pick(&road.name_zh, &road.name_en)}
                                                    </span>
                                                    <span class="muted">
                                                        {i18n.pick(&community.name_zh, &community.name_en)}
                                                    </span>
                                                    <span class="card-line">
                                                        {move || view! { <InspectionBadge status=status()/> }}
                                                        {(awaiting > 0)
                                                            .then(|| {
                                                                view! {
                                                                    <span class="badge status-resolved">
                                                                        {i18n.f(Msg::awaiting_check_count, &[("n", &awaiting.to_string())])}
                                                                    </span>
                                                                }
                                                            })}
                                                        {(open > 0)
                                                            .then(|| {
                                                                view! {
                                                                    <span class="badge">
                                                                        {i18n.f(Msg::open_count, &[("n", &open.to_string())])}
                                                                    </span>
                                                                }
                                                            })}
                                                    </span>
                                                </a>
                                                <a class="street-link" href=street>
                                                    {t!(i18n, street_title)}
                                                    {(due > 0)
                                                        .then(|| {
                                                            view! {
                                                                <span class="badge urgency-today">
                                                                    {i18n.f(Msg::follow_ups_due_count, &[("n", &due.to_string())])}
                                                                </span>
                                                            }
                                                        })}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        })
                    }
                }
            })}
        </Transition>
    }
}
