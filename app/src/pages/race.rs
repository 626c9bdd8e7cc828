//! The race board (赛马), loaded on demand: the rules written out, then the standings of a week
//! or a month. The coordinator sees every chief and section and exports them; a chief or a
//! section head sees their own standing and what would move it up. Its texts come with the
//! board, in the reader's language (fetched again when the language changes).

use crate::api::race::{export_path, load_race, RaceBoard, RaceCell, RaceRow, RaceTexts};
use crate::components::notice::{ErrorNotice, Loading};
use crate::domain::race::{Measure, Place};
use crate::i18n::{fill, use_i18n};
use crate::t;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};
use std::sync::Arc;

/// A figure as shown: shares as whole percentages, days and findings to a tenth.
fn figure_text(texts: &RaceTexts, measure: Measure, value: Option<f64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if measure.is_share() => format!("{:.0}%", v * 100.0),
        Some(v) if matches!(measure, Measure::DaysToClose | Measure::DaysToResolve) => {
            fill(&texts.days, &[("n", &format!("{v:.1}"))])
        }
        Some(v) => format!("{v:.1}"),
    }
}

fn place_text(texts: &RaceTexts, place: Place) -> String {
    match place {
        Place::Ranked { place, of } => fill(&texts.place, &[("place", &place.to_string()), ("of", &of.to_string())]),
        Place::TooFew => texts.too_few.clone(),
    }
}

#[component]
pub fn RacePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.read().get("period"));
    let board = Resource::new(move || (chosen.get(), i18n.lang()), |(period, _)| load_race(period));
    view! {
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
fn Rules(texts: Arc<RaceTexts>) -> impl IntoView {
    let group = |title: String, measures: &[Measure]| {
        let lines = measures
            .iter()
            .map(|m| {
                let text = texts.measure(*m).clone();
                view! {
                    <li>
                        <strong>{text.name}</strong>
                        " · "
                        {text.rule}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{title}</h3>
            <ul class="plain small">{lines}</ul>
        }
    };
    view! {
        <details class="card race-rules">
            <summary>{texts.rules_title.clone()}</summary>
            <ul>{texts.rules.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
            {group(texts.chiefs.clone(), &Measure::CHIEFS)}
            {group(texts.sections.clone(), &Measure::SECTIONS)}
        </details>
    }
}

#[component]
fn Board(board: RaceBoard) -> impl IntoView {
    let i18n = use_i18n();
    let texts = Arc::new(board.texts);
    // Weekly and monthly boards link to each other: a week to the month of its Monday.
    let switch = if board.monthly {
        (texts.weekly.clone(), "/race".to_owned())
    } else {
        let month = crate::domain::time::IsoWeek::parse(&board.period)
            .map(|w| format!("{}-{:02}", w.monday().year(), w.monday().month()))
            .unwrap_or_default();
        (texts.monthly.clone(), format!("/race?period={month}"))
    };
    let earlier = format!("/race?period={}", board.previous);
    let later = board.next.clone().map(|n| format!("/race?period={n}"));
    let export = board.everyone.then(|| (export_path(&board.period), texts.export.clone()));
    view! {
        <h1>{texts.title.clone()}</h1>
        <Rules texts=texts.clone()/>
        <nav class="row week-nav" aria-label=texts.period_nav.clone()>
            <a href=earlier>{t!(i18n, week_prev)}</a>
            <span class="muted">{board.period.clone()}</span>
            {later.map(|href| view! { <a href=href>{t!(i18n, week_next)}</a> })}
            <a href=switch.1>{switch.0}</a>
            {export.map(|(href, label)| view! { <a class="button secondary" href=href download>{label}</a> })}
        </nav>
        {(board.weeks_due == 0).then(|| view! { <p class="notice" role="status">{texts.nothing_due.clone()}</p> })}
        {if board.everyone {
            view! {
                <Standings title=texts.chiefs.clone() rows=board.chiefs measures=&Measure::CHIEFS texts=texts.clone()/>
                <Standings title=texts.sections.clone() rows=board.sections measures=&Measure::SECTIONS texts=texts.clone()/>
            }
                .into_any()
        } else {
            view! {
                {board.chiefs.into_iter().map(|row| view! { <Mine row texts=texts.clone()/> }).collect_view()}
                {board.sections.into_iter().map(|row| view! { <Mine row texts=texts.clone()/> }).collect_view()}
            }
                .into_any()
        }}
    }
}

/// Everyone's standings as a table: overall place, name, then each measure.
#[component]
fn Standings(title: String, rows: Vec<RaceRow>, measures: &'static [Measure], texts: Arc<RaceTexts>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="group">
            <h2>{title}</h2>
            <div class="table-wrap" tabindex="0">
                <table class="numbers race">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{texts.overall.clone()}</th>
                            <th scope="col">{texts.name.clone()}</th>
                            {measures
                                .iter()
                                .map(|m| view! { <th scope="col" class="num">{texts.measure(*m).name.clone()}</th> })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                let name = i18n.pick(&row.who.name_zh, &row.who.name_en);
                                view! {
                                    <tr>
                                        <td class="num">{place_text(&texts, row.overall)}</td>
                                        <th scope="row">{name}</th>
                                        {row
                                            .cells
                                            .into_iter()
                                            .map(|cell| {
                                                let RaceCell { measure, figure, place, .. } = cell;
                                                view! {
                                                    <td class="num" class:too-few=matches!(place, Place::TooFew)>
                                                        {figure_text(&texts, measure, figure.value)}
                                                        <span class="muted small block">{place_text(&texts, place)}</span>
                                                    </td>
                                                }
                                            })
                                            .collect_view()}
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

/// A reader's own standing, measure by measure, with what would move them up a place.
#[component]
fn Mine(row: RaceRow, texts: Arc<RaceTexts>) -> impl IntoView {
    let i18n = use_i18n();
    let name = i18n.pick(&row.who.name_zh, &row.who.name_en);
    view! {
        <section class="card race-mine">
            <h2>{fill(&texts.standing_of, &[("name", &name)])}</h2>
            <p class="big-figure">{place_text(&texts, row.overall)}</p>
            <ul class="plain race-measures">
                {row
                    .cells
                    .into_iter()
                    .map(|cell| {
                        let RaceCell { measure, figure, place, to_move_up } = cell;
                        let cases = fill(&texts.cases, &[("n", &figure.cases.to_string())]);
                        view! {
                            <li>
                                <span class="race-measure">{texts.measure(measure).name.clone()}</span>
                                <strong>{figure_text(&texts, measure, figure.value)}</strong>
                                <span class="muted small">{place_text(&texts, place)} " · " {cases}</span>
                                {to_move_up
                                    .map(|target| {
                                        let figure = figure_text(&texts, measure, Some(target));
                                        view! { <span class="race-raise small">{fill(&texts.to_move_up, &[("figure", &figure)])}</span> }
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
