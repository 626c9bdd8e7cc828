//! The coordinator's week: which roads were checked, which sections are late, and what waits
//! for re-routing.

use crate::api::reads::load_overview;
use crate::components::badges::{week_label, InspectionBadge};
use crate::components::finding_card::FindingCard;
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::inspection::InspectionStatus;
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn OverviewView() -> impl IntoView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |_| load_overview());
    view! {
        <h1>{t!(i18n, overview_title)}</h1>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(o) => {
                        let total = o.roads.len();
                        let count = |s: InspectionStatus| o.roads.iter().filter(|r| r.status == s).count().to_string();
                        let (done, going, missing) = (
                            count(InspectionStatus::Submitted),
                            count(InspectionStatus::InProgress),
                            count(InspectionStatus::NotStarted),
                        );
                        let week = o.week;
                        let returned = o.returned.len();
                        view! {
                            <p class="muted">{move || week_label(i18n, week)}</p>
                            <p class="summary">
                                {move || {
                                    i18n.f(
                                        Msg::overview_summary,
                                        &[("done", &done), ("going", &going), ("missing", &missing), ("total", &total.to_string())],
                                    )
                                }}
                            </p>
                            <section class="group">
                                <h2>{t!(i18n, returned_title)} " (" {returned} ")"</h2>
                                {if o.returned.is_empty() {
                                    view! { <p class="muted">{t!(i18n, none_here)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="cards">
                                            {o.returned.into_iter().map(|finding| view! { <FindingCard finding/> }).collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                            </section>
                            <section class="group">
                                <h2>{t!(i18n, sections_title)}</h2>
                                <div class="table-wrap">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, section_label)}</th>
                                                <th scope="col">{t!(i18n, head_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, open_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, overdue_label)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {o
                                                .sections
                                                .into_iter()
                                                .map(|s| {
                                                    let late = s.overdue > 0;
                                                    view! {
                                                        <tr class:late=late>
                                                            <th scope="row">{move || i18n.pick(&s.section.name_zh, &s.section.name_en)}</th>
                                                            <td>{s.head_name.clone().unwrap_or_default()}</td>
                                                            <td class="num">{s.open}</td>
                                                            <td class="num">
                                                                {s.overdue}
                                                                {late.then(|| view! { <span class="badge urgency-overdue">{t!(i18n, late_word)}</span> })}
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                            <section class="group">
                                <h2>{t!(i18n, roads_title)}</h2>
                                <div class="table-wrap">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, road_label)}</th>
                                                <th scope="col">{t!(i18n, community_label)}</th>
                                                <th scope="col">{t!(i18n, chief_label)}</th>
                                                <th scope="col">{t!(i18n, status_label)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {o
                                                .roads
                                                .into_iter()
                                                .map(|r| {
                                                    view! {
                                                        <tr>
                                                            <th scope="row">{move || i18n.pick(&r.road.name_zh, &r.road.name_en)}</th>
                                                            <td>{move || i18n.pick(&r.community.name_zh, &r.community.name_en)}</td>
                                                            <td>{r.chief_name.clone()}</td>
                                                            <td><InspectionBadge status=r.status/></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The overview, loaded on demand.
pub struct OverviewRoute;

#[lazy_route]
impl LazyRoute for OverviewRoute {
    fn data() -> Self {
        OverviewRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <OverviewView/> }.into_any()
    }
}
