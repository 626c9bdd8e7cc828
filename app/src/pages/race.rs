//! The race board (赛马), loaded on demand: the rules written out, then the standings of a week
//! or a month. The coordinator sees every chief and section and exports them; a chief or a
//! section head sees their own standing and what would move it up.

use crate::api::race::{export_path, load_race, measure_msg, RaceBoard, RaceCell, RaceRow};
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::race::{Measure, Place};
use crate::i18n::{use_i18n, I18n, Msg};
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

/// A figure as shown: shares as whole percentages, days and findings to a tenth.
fn figure_text(i18n: I18n, measure: Measure, value: Option<f64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if measure.is_share() => format!("{:.0}%", v * 100.0),
        Some(v) if matches!(measure, Measure::DaysToClose | Measure::DaysToResolve) => {
            i18n.f(Msg::race_days, &[("n", &format!("{v:.1}"))])
        }
        Some(v) => format!("{v:.1}"),
    }
}

fn place_text(i18n: I18n, place: Place) -> String {
    match place {
        Place::Ranked { place, of } => {
            i18n.f(Msg::race_place, &[("place", &place.to_string()), ("of", &of.to_string())])
        }
        Place::TooFew => i18n.t(Msg::race_too_few).to_owned(),
    }
}

#[component]
pub fn RacePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.read().get("period"));
    let board = Resource::new(move || chosen.get(), load_race);
    view! {
        <h1>{t!(i18n, race_title)}</h1>
        <Rules/>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match board.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(b) => view! { <Board board=b/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fair rules, written on the page.
#[component]
fn Rules() -> impl IntoView {
    let i18n = use_i18n();
    let minimums = move |measures: &[Measure]| {
        measures
            .iter()
            .map(|m| {
                let (m, n) = (*m, m.min_cases().to_string());
                let better = if m.higher_is_better() { Msg::race_higher_better } else { Msg::race_lower_better };
                view! {
                    <li>
                        <strong>{move || i18n.t(measure_msg(m))}</strong>
                        " · "
                        {move || i18n.t(better)}
                        " · "
                        {move || i18n.f(Msg::race_min_cases, &[("n", &n)])}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <details class="card race-rules">
            <summary>{t!(i18n, race_rules_title)}</summary>
            <ul>
                <li>{t!(i18n, race_rule_rates)}</li>
                <li>{t!(i18n, race_rule_minimum)}</li>
                <li>{t!(i18n, race_rule_ties)}</li>
                <li>{t!(i18n, race_rule_overall)}</li>
            </ul>
            <h3>{t!(i18n, race_chiefs)}</h3>
            <ul class="plain small">{minimums(&Measure::CHIEFS)}</ul>
            <h3>{t!(i18n, race_sections)}</h3>
            <ul class="plain small">{minimums(&Measure::SECTIONS)}</ul>
        </details>
    }
}

#[component]
fn Board(board: RaceBoard) -> impl IntoView {
    let i18n = use_i18n();
    let period = board.period.clone();
    // Weekly and monthly boards link to each other: a week to the month of its Monday.
    let switch = if board.monthly {
        (Msg::race_weekly, "/race".to_owned())
    } else {
        let month = crate::domain::time::IsoWeek::parse(&board.period)
            .map(|w| format!("{}-{:02}", w.monday().year(), w.monday().month()))
            .unwrap_or_default();
        (Msg::race_monthly, format!("/race?period={month}"))
    };
    let earlier = format!("/race?period={}", board.previous);
    let later = board.next.clone().map(|n| format!("/race?period={n}"));
    let shown_period = period.clone();
    view! {
        <nav class="row week-nav" aria-label=move || i18n.t(Msg::race_period_nav)>
            <a href=earlier>{t!(i18n, week_prev)}</a>
            <span class="muted">{shown_period}</span>
            {later.map(|href| view! { <a href=href>{t!(i18n, week_next)}</a> })}
            <a href=switch.1>{move || i18n.t(switch.0)}</a>
            {board
                .everyone
                .then(|| view! { <a class="button secondary" href=export_path(&period) download>{t!(i18n, race_export)}</a> })}
        </nav>
        {(board.weeks_due == 0).then(|| view! { <p class="notice" role="status">{t!(i18n, race_nothing_due)}</p> })}
        {if board.everyone {
            view! {
                <Standings title=Msg::race_chiefs rows=board.chiefs measures=&Measure::CHIEFS/>
                <Standings title=Msg::race_sections rows=board.sections measures=&Measure::SECTIONS/>
            }
                .into_any()
        } else {
            view! {
                {board.chiefs.into_iter().map(|row| view! { <Mine row/> }).collect_view()}
                {board.sections.into_iter().map(|row| view! { <Mine row/> }).collect_view()}
            }
                .into_any()
        }}
    }
}

/// Everyone's standings as a table: overall place, name, then each measure.
#[component]
fn Standings(title: Msg, rows: Vec<RaceRow>, measures: &'static [Measure]) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="group">
            <h2>{move || i18n.t(title)}</h2>
            <div class="table-wrap">
                <table class="numbers race">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{t!(i18n, race_overall)}</th>
                            <th scope="col">{t!(i18n, race_name)}</th>
                            {measures
                                .iter()
                                .map(|m| {
                                    let m = *m;
                                    view! { <th scope="col" class="num">{move || i18n.t(measure_msg(m))}</th> }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                let (zh, en) = (row.who.name_zh.clone(), row.who.name_en.clone());
                                let overall = row.overall;
                                view! {
                                    <tr>
                                        <td class="num">{move || place_text(i18n, overall)}</td>
                                        <th scope="row">{move || i18n.pick(&zh, &en)}</th>
                                        {row.cells.into_iter().map(|cell| view! { <Cell cell/> }).collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Cell(cell: RaceCell) -> impl IntoView {
    let i18n = use_i18n();
    let RaceCell { measure, figure, place, .. } = cell;
    view! {
        <td class="num" class:too-few=matches!(place, Place::TooFew)>
            {move || figure_text(i18n, measure, figure.value)}
            <span class="muted small block">{move || place_text(i18n, place)}</span>
        </td>
    }
}

/// A reader's own standing, measure by measure, with what would move them up a place.
#[component]
fn Mine(row: RaceRow) -> impl IntoView {
    let i18n = use_i18n();
    let (zh, en) = (row.who.name_zh.clone(), row.who.name_en.clone());
    let overall = row.overall;
    view! {
        <section class="card race-mine">
            <h2>{move || i18n.f(Msg::race_standing_of, &[("name", &i18n.pick(&zh, &en))])}</h2>
            <p class="big-figure">{move || place_text(i18n, overall)}</p>
            <ul class="plain race-measures">
                {row
                    .cells
                    .into_iter()
                    .map(|cell| {
                        let RaceCell { measure, figure, place, to_move_up } = cell;
                        let cases = figure.cases.to_string();
                        view! {
                            <li>
                                <span class="race-measure">{move || i18n.t(measure_msg(measure))}</span>
                                <strong>{move || figure_text(i18n, measure, figure.value)}</strong>
                                <span class="muted small">
                                    {move || place_text(i18n, place)} " · " {move || i18n.f(Msg::race_cases, &[("n", &cases)])}
                                </span>
                                {to_move_up
                                    .map(|target| {
                                        view! {
                                            <span class="race-raise small">
                                                {move || i18n.f(Msg::race_to_move_up, &[("figure", &figure_text(i18n, measure, Some(target)))])}
                                            </span>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The race board, loaded on demand.
pub struct RaceRoute;

#[lazy_route]
impl LazyRoute for RaceRoute {
    fn data() -> Self {
        RaceRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <RacePage/> }.into_any()
    }
}
