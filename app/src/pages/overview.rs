//! The coordinator's week: which roads were checked, which sections are late, and what waits
//! for re-routing.

use super::district_map::DistrictMapView;
use super::overview_charts::{FindingsTrend, InspectionTrend};
use crate::api::reads::load_overview;
use crate::components::badges::{week_label, InspectionBadge};
use crate::components::finding_card::FindingCard;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::patrol_summary::{patrol_short, TraceFlags};
use crate::domain::inspection::InspectionStatus;
use crate::domain::performance::tenths_text;
use crate::domain::time::{IsoWeek, Timestamp};
use crate::i18n::{use_i18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

#[component]
pub fn OverviewView() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.read().get("week").unwrap_or_default());
    let overview = Resource::new(move || chosen.get(), |week| load_overview(Some(week)));
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
                        let (trend_a, trend_b) = (o.trend.clone(), o.trend.clone());
                        let this_week = IsoWeek::containing(crate::device::now());
                        let earlier = format!("/overview?week={}", week.previous());
                        let later = (week < this_week).then(|| {
                            let next = IsoWeek::containing(Timestamp::start_of_day(week.monday().add_days(7)));
                            format!("/overview?week={next}")
                        });
                        view! {
                            <nav class="row week-nav" aria-label=i18n.t(Msg::week_nav)>
                                <a href=earlier>{t!(i18n, week_prev)}</a>
                                <span class="muted">{move || week_label(i18n, week)}</span>
                                {later.map(|href| view! { <a href=href>{t!(i18n, week_next)}</a> })}
                            </nav>
                            {o
                                .missing_calendar_years
                                .iter()
                                .map(|y| {
                                    let y = y.to_string();
                                    view! {
                                        <p class="notice warning" role="status">
                                            {move || i18n.f(Msg::calendar_missing, &[("year", &y)])} " "
                                            <a href="/rules">{t!(i18n, nav_rules)}</a>
                                        </p>
                                    }
                                })
                                .collect_view()}
                            <p class="summary">
                                {move || {
                                    i18n.f(
                                        Msg::overview_summary,
                                        &[("done", &done), ("going", &going), ("missing", &missing), ("total", &total.to_string())],
                                    )
                                }}
                            </p>
                            <DistrictMapView week/>
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
                                <div class="table-wrap" tabindex="0">
                                    <table class="numbers">
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, section_label)}</th>
                                                <th scope="col">{t!(i18n, head_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, open_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, due_week_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, overdue_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, on_time_label)}</th>
                                                <th scope="col" class="num">{t!(i18n, median_close_label)}</th>
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
                                                            <td class="num">{s.due_this_week}</td>
                                                            <td class="num">
                                                                {s.overdue}
                                                                {late.then(|| view! { <span class="badge urgency-overdue">{t!(i18n, late_word)}</span> })}
                                                            </td>
                                                            <td class="num">{s.on_time_percent.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())}</td>
                                                            <td class="num">{s.median_close_tenths.map(tenths_text).unwrap_or_else(|| "–".into())}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </section>
                            <JointSummary joint=o.joint.clone()/>
                            <section class="group">
                                <h2>{t!(i18n, communities_title)}</h2>
                                <ul class="progress-list">
                                    {o
                                        .communities
                                        .into_iter()
                                        .map(|c| {
                                            let (done, total) = (c.submitted.to_string(), c.roads.to_string());
                                            view! {
                                                <li>
                                                    <span>{move || i18n.pick(&c.community.name_zh, &c.community.name_en)}</span>
                                                    <span class="muted small">{move || i18n.f(Msg::community_progress, &[("done", &done), ("total", &total)])}</span>
                                                    <progress class="meter" max=c.roads.max(1) value=c.submitted aria-hidden="true"></progress>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                            <section class="group">
                                <h2>{t!(i18n, trend_title)}</h2>
                                <div class="charts">
                                    <InspectionTrend points=trend_a/>
                                    <FindingsTrend points=trend_b/>
                                </div>
                            </section>
                            <Export/>
                            <section class="group">
                                <h2>{t!(i18n, roads_title)}</h2>
                                <div class="table-wrap" tabindex="0">
                                    <table>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t!(i18n, road_label)}</th>
                                                <th scope="col">{t!(i18n, community_label)}</th>
                                                <th scope="col">{t!(i18n, chief_label)}</th>
                                                <th scope="col">{t!(i18n, status_label)}</th>
                                                <th scope="col">{t!(i18n, patrol_title)}</th>
                                                <th scope="col">{t!(i18n, street_title)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {o
                                                .roads
                                                .into_iter()
                                                .map(|r| {
                                                    let street = format!("/roads/{}/street", r.road.id);
                                                    let patrol_href = format!("/roads/{}/patrol?week={}", r.road.id, o.week);
                                                    let patrol = r.patrol.clone();
                                                    let flags = patrol.as_ref().map(|p| p.flags.clone()).unwrap_or_default();
                                                    view! {
                                                        <tr>
                                                            <th scope="row">{move || i18n.pick(&r.road.name_zh, &r.road.name_en)}</th>
                                                            <td>{move || i18n.pick(&r.community.name_zh, &r.community.name_en)}</td>
                                                            <td>{r.chief_name.clone()}</td>
                                                            <td><InspectionBadge status=r.status/></td>
                                                            <td class="patrol-cell">
                                                                {match patrol {
                                                                    Some(p) => view! {
                                                                        <a href=patrol_href>{move || patrol_short(i18n, &p)}</a>
                                                                        <TraceFlags flags/>
                                                                    }.into_any(),
                                                                    None => view! { <span class="muted">{t!(i18n, patrol_none_short)}</span> }.into_any(),
                                                                }}
                                                            </td>
                                                            <td><a href=street>{t!(i18n, shops_title)}</a></td>
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

/// Findings of a date range as CSV or XLSX (a plain download from the JSON API).
#[component]
fn Export() -> impl IntoView {
    let i18n = use_i18n();
    let today = crate::device::now().local_date();
    let from = RwSignal::new(today.add_days(-30).to_string());
    let to = RwSignal::new(today.to_string());
    let href = move |format: &str| format!("/api/v1/exports/findings.{format}?from={}&to={}", from.get(), to.get());
    view! {
        <section class="group">
            <h2>{t!(i18n, export_title)}</h2>
            <div class="row export">
                <label for="export-from">{t!(i18n, export_from)}</label>
                <input id="export-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                <label for="export-to">{t!(i18n, export_to)}</label>
                <input id="export-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
            </div>
            <div class="row">
                <a class="button secondary" href=move || href("csv") download>{t!(i18n, export_csv)}</a>
                <a class="button secondary" href=move || href("xlsx") download>{t!(i18n, export_xlsx)}</a>
            </div>
        </section>
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

/// Joint cases not closed out, and the sections late on their tasks.
#[component]
fn JointSummary(joint: crate::api::joint::JointCounts) -> impl IntoView {
    let i18n = use_i18n();
    let (cases, open, late) = (joint.cases.to_string(), joint.open_tasks.to_string(), joint.late_tasks.to_string());
    view! {
        <section class="group">
            <h2>{t!(i18n, joint_title)}</h2>
            <p>{move || i18n.f(Msg::joint_overview_counts, &[("cases", &cases), ("open", &open), ("late", &late)])}</p>
            <ul class="plain">
                {joint
                    .late_by_section
                    .into_iter()
                    .map(|l| {
                        let n = l.late.to_string();
                        view! {
                            <li class="late">
                                {move || i18n.f(Msg::joint_overview_late, &[("section", &i18n.pick(&l.section.name_zh, &l.section.name_en)), ("n", &n)])}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
