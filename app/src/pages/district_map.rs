//! The subdistrict on one map (一张图), on the coordinator's overview: every road coloured by the
//! week's inspection with the stretches walked on patrol drawn over it, and the findings not
//! closed out as dots coloured by urgency; a road opens its patrols of the week, a dot its
//! finding. Drawn from the roads' own lines, with no map tiles. Colours are SVG attributes
//! rather than stylesheet rules: the stylesheet is in every first load, this screen is not.

use crate::api::district::{load_district_map, DistrictMap, MapFinding, MapRoad};
use crate::components::notice::ErrorNotice;
use crate::components::road_map::Projection;
use crate::domain::deadline::Urgency;
use crate::domain::finding::FindingStatus;
use crate::domain::inspection::InspectionStatus;
use crate::domain::time::IsoWeek;
use crate::i18n::{fill, use_i18n, I18n, Msg};
use leptos::prelude::*;

const VIEW_WIDTH: f64 = 1000.0;
const WALKED: &str = "#1c2541";

/// What a finding's dot says: how pressing it is for its section, or who has it otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    Overdue,
    DueToday,
    DueThisWeek,
    Later,
    Returned,
    AwaitingCheck,
}

impl Mark {
    const ALL: [Mark; 6] =
        [Mark::Overdue, Mark::DueToday, Mark::DueThisWeek, Mark::Later, Mark::Returned, Mark::AwaitingCheck];

    fn of(finding: &MapFinding) -> Mark {
        match (finding.status, finding.urgency) {
            (FindingStatus::Returned, _) => Mark::Returned,
            (FindingStatus::Resolved, _) => Mark::AwaitingCheck,
            (_, Some(Urgency::Overdue)) => Mark::Overdue,
            (_, Some(Urgency::DueToday)) => Mark::DueToday,
            (_, Some(Urgency::DueThisWeek)) => Mark::DueThisWeek,
            _ => Mark::Later,
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Mark::Overdue => "#b3261e",
            Mark::DueToday => "#e8590c",
            Mark::DueThisWeek => "#e0a800",
            Mark::Later => "#1d4f91",
            Mark::Returned => "#7b3fa0",
            Mark::AwaitingCheck => "#6b7a75",
        }
    }

    fn label(self, i18n: I18n, later: &str) -> String {
        match self {
            Mark::Overdue => i18n.t(Msg::urgency_overdue).to_owned(),
            Mark::DueToday => i18n.t(Msg::urgency_due_today).to_owned(),
            Mark::DueThisWeek => i18n.t(Msg::urgency_due_this_week).to_owned(),
            Mark::Later => later.to_owned(),
            Mark::Returned => i18n.t(Msg::status_returned).to_owned(),
            Mark::AwaitingCheck => i18n.t(Msg::status_resolved).to_owned(),
        }
    }
}

const STATES: [InspectionStatus; 3] =
    [InspectionStatus::Submitted, InspectionStatus::InProgress, InspectionStatus::NotStarted];

fn state_colour(status: InspectionStatus) -> &'static str {
    match status {
        InspectionStatus::Submitted => "#2f9e55",
        InspectionStatus::InProgress => "#f0b429",
        InspectionStatus::NotStarted => "#ee8080",
    }
}

/// As the API names it, for tests to find a road's state.
fn state_name(status: InspectionStatus) -> &'static str {
    match status {
        InspectionStatus::Submitted => "submitted",
        InspectionStatus::InProgress => "in_progress",
        InspectionStatus::NotStarted => "not_started",
    }
}

fn state_msg(status: InspectionStatus) -> Msg {
    match status {
        InspectionStatus::Submitted => Msg::inspection_submitted,
        InspectionStatus::InProgress => Msg::inspection_in_progress,
        InspectionStatus::NotStarted => Msg::inspection_not_started,
    }
}

/// The map of `week`, loaded beside the overview (in the reader's language).
#[component]
pub fn DistrictMapView(week: IsoWeek) -> impl IntoView {
    let i18n = use_i18n();
    let map = Resource::new(move || i18n.lang(), move |_| load_district_map(Some(week.to_string())));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match map.await {
                    Ok(map) => view! { <Drawn map/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Drawn(map: DistrictMap) -> impl IntoView {
    let i18n = use_i18n();
    let texts = map.texts.clone();
    let everything: Vec<[f64; 2]> = map.roads.iter().flat_map(|r| r.coordinates.iter().copied()).collect();
    let height = (VIEW_WIDTH * Projection::aspect(&everything)).clamp(420.0, 1000.0).round();
    let projection = Projection::fit_in(&everything, VIEW_WIDTH, height, 40.0);
    let view_box = format!("0 0 {VIEW_WIDTH} {height}");

    let road_counts: Vec<(InspectionStatus, usize)> =
        STATES.iter().map(|s| (*s, map.roads.iter().filter(|r| r.status == *s).count())).collect();
    let mut marks: Vec<(Mark, &MapFinding)> = map.findings.iter().map(|f| (Mark::of(f), f)).collect();
    let mark_counts: Vec<(Mark, usize)> =
        Mark::ALL.iter().map(|m| (*m, marks.iter().filter(|(x, _)| x == m).count())).filter(|(_, n)| *n > 0).collect();
    // The most pressing drawn last, on top.
    marks.sort_by_key(|b| std::cmp::Reverse(b.0));
    let walked_any = map.roads.iter().any(|r| !r.walked.is_empty());

    let roads = map.roads.iter().map(|r| road_view(i18n, &texts, projection, map.week, r)).collect_view();
    let later = texts.due_later.clone();
    let dots = marks
        .into_iter()
        .map(|(mark, f)| {
            let (x, y) = projection.xy(f.lon, f.lat);
            let at = format!("M{x} {y}h0");
            let title = format!(
                "{} · {} · {} {}",
                i18n.pick(&f.category.name_zh, &f.category.name_en),
                mark.label(i18n, &later),
                i18n.t(Msg::deadline_label),
                f.deadline.local_date()
            );
            // In a `g`: an `a` alone would be made an HTML link, not an SVG one.
            view! {
                <g>
                <a href=format!("/findings/{}", f.id) class="map-finding">
                    <title>{title}</title>
                    <path d=at.clone() stroke="transparent" stroke-width="26" stroke-linecap="round" vector-effect="non-scaling-stroke"/>
                    <path d=at.clone() stroke="#ffffff" stroke-width="15" stroke-linecap="round" vector-effect="non-scaling-stroke"/>
                    <path d=at stroke=mark.colour() stroke-width="11" stroke-linecap="round" vector-effect="non-scaling-stroke"/>
                </a>
                </g>
            }
        })
        .collect_view();

    let not_drawn = (map.not_drawn > 0).then(|| {
        let text = fill(&texts.not_drawn, &[("n", &map.not_drawn.to_string()), ("m", &map.findings.len().to_string())]);
        view! { <p class="muted small">{text}</p> }
    });
    let later = texts.due_later.clone();
    view! {
        <section class="group district" aria-labelledby="district-title">
            <h2 id="district-title">{texts.title.clone()}</h2>
            <p class="muted small">{texts.hint.clone()}</p>
            <svg class="district-map" viewBox=view_box width="100%" role="group" aria-label=texts.label.clone()>
                <rect width="100%" height="100%" fill="#eef2ef" rx="8"/>
                <g>{roads}</g>
                <g>{dots}</g>
            </svg>
            <ul class="plain row muted small" aria-label=texts.roads.clone()>
                {road_counts
                    .into_iter()
                    .map(|(status, n)| {
                        view! {
                            <li>
                                <svg viewBox="0 0 22 12" width="22" height="12" aria-hidden="true">
                                    <line x1="2" y1="6" x2="20" y2="6" stroke=state_colour(status) stroke-width="5" stroke-linecap="round"/>
                                </svg>
                                {move || format!("{} {n}", i18n.t(state_msg(status)))}
                            </li>
                        }
                    })
                    .collect_view()}
                {walked_any.then(|| view! {
                    <li>
                        <svg viewBox="0 0 22 12" width="22" height="12" aria-hidden="true">
                            <line x1="2" y1="6" x2="20" y2="6" stroke="#2f9e55" stroke-width="6" stroke-linecap="round"/>
                            <line x1="2" y1="6" x2="20" y2="6" stroke=WALKED stroke-width="2"/>
                        </svg>
                        {texts.walked.clone()}
                    </li>
                })}
            </ul>
            <ul class="plain row muted small" aria-label=texts.findings.clone()>
                {mark_counts
                    .into_iter()
                    .map(|(mark, n)| {
                        let later = later.clone();
                        view! {
                            <li>
                                <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
                                    <circle cx="6" cy="6" r="5" fill=mark.colour() stroke="#ffffff" stroke-width="1"/>
                                </svg>
                                {move || format!("{} {n}", mark.label(i18n, &later))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {not_drawn}
        </section>
    }
}

/// One road: its line in the week's colour, the stretches walked over it, a wider invisible
/// line to tap, and what it is on hover.
fn road_view(
    i18n: I18n,
    texts: &crate::api::district::MapTexts,
    projection: Projection,
    week: IsoWeek,
    road: &MapRoad,
) -> impl IntoView {
    let points = projection.points(&road.coordinates);
    let walked = match road.walked_percent {
        Some(p) => fill(&texts.walked_share, &[("p", &p.to_string())]),
        None => i18n.t(Msg::patrol_week_none).to_owned(),
    };
    let title = format!(
        "{} · {} · {} · {walked}",
        i18n.pick(&road.road.name_zh, &road.road.name_en),
        road.chief_name,
        i18n.t(state_msg(road.status))
    );
    let stretches = road
        .walked
        .iter()
        .map(|line| {
            view! {
                <polyline points=projection.points(line) fill="none" stroke=WALKED stroke-width="2"
                    stroke-linecap="round" vector-effect="non-scaling-stroke"/>
            }
        })
        .collect_view();
    view! {
        <g>
        <a href=format!("/roads/{}/patrol?week={week}", road.road.id) class="map-road" data-road=road.road.id.clone()
            data-state=state_name(road.status)>
            <title>{title}</title>
            <polyline points=points.clone() fill="none" stroke="transparent" stroke-width="18" vector-effect="non-scaling-stroke"/>
            <polyline points=points.clone() fill="none" stroke="#ffffff" stroke-width="9" stroke-linecap="round"
                stroke-linejoin="round" vector-effect="non-scaling-stroke"/>
            <polyline points=points fill="none" stroke=state_colour(road.status) stroke-width="6" stroke-linecap="round"
                stroke-linejoin="round" vector-effect="non-scaling-stroke"/>
            {stretches}
        </a>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::views::Named;
    use crate::domain::time::Timestamp;

    fn dot(status: FindingStatus, urgency: Option<Urgency>) -> Mark {
        let category = Named { id: "sanitation".into(), name_zh: "环境卫生".into(), name_en: "Sanitation".into() };
        let finding = MapFinding {
            id: uuid::Uuid::nil(),
            road_id: "market-road-1".into(),
            category,
            status,
            urgency,
            deadline: Timestamp(0),
            lon: 120.3,
            lat: 36.0,
        };
        Mark::of(&finding)
    }

    #[test]
    fn a_dot_says_how_pressing_or_who_has_it() {
        assert_eq!(dot(FindingStatus::Routed, Some(Urgency::Overdue)), Mark::Overdue);
        assert_eq!(dot(FindingStatus::Accepted, Some(Urgency::DueToday)), Mark::DueToday);
        assert_eq!(dot(FindingStatus::Accepted, Some(Urgency::DueThisWeek)), Mark::DueThisWeek);
        assert_eq!(dot(FindingStatus::Routed, Some(Urgency::Later)), Mark::Later);
        assert_eq!(dot(FindingStatus::Returned, None), Mark::Returned);
        assert_eq!(dot(FindingStatus::Resolved, None), Mark::AwaitingCheck);
        // The most pressing sorts first, so it is drawn last, on top.
        let mut marks = Mark::ALL.to_vec();
        marks.sort_by(|a, b| b.cmp(a));
        assert_eq!(marks.last(), Some(&Mark::Overdue));
    }
}
