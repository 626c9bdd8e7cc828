//! The road sketch of the patrol screen: the road, the patrol under way and the week's trails,
//! and the road's open problems as dots (on the server, and those still on this phone), each
//! opening what it is. Colours are SVG attributes here rather than stylesheet rules: the
//! stylesheet is part of every first load, this screen is not.

use crate::api::views::KnownProblem;
use crate::components::road_map::{Projection, RoadLine};
use crate::domain::duplicate::SameAs;
use crate::domain::finding::FindingStatus;
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

/// What a dot on the sketch is: where the finding stands, a resident's report, or a record not
/// sent yet. In the order drawn, the last on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Dot {
    OnPhone,
    Returned,
    Routed,
    Accepted,
    Report,
    /// Resolved by the section: the chief checks and closes it out.
    YourCheck,
}

impl Dot {
    fn of(problem: &KnownProblem) -> Dot {
        match (problem.which, problem.status) {
            (SameAs::Report(_), _) => Dot::Report,
            (_, Some(FindingStatus::Resolved)) => Dot::YourCheck,
            (_, Some(FindingStatus::Accepted)) => Dot::Accepted,
            (_, Some(FindingStatus::Returned)) => Dot::Returned,
            _ => Dot::Routed,
        }
    }

    fn fill(self) -> &'static str {
        match self {
            Dot::YourCheck => "#1f7a3f",
            Dot::Report => "#c2185b",
            Dot::Routed => "#c46a00",
            Dot::Accepted => "#1d6fa0",
            Dot::Returned => "#7b3fa0",
            Dot::OnPhone => "#ffffff",
        }
    }

    fn label(self) -> Msg {
        match self {
            Dot::YourCheck => Msg::status_resolved,
            Dot::Report => Msg::reports_title,
            Dot::Routed => Msg::status_routed,
            Dot::Accepted => Msg::status_accepted,
            Dot::Returned => Msg::status_returned,
            Dot::OnPhone => Msg::saved_on_phone,
        }
    }
}

/// One dot: where, what, and what it opens.
#[derive(Clone, Debug, PartialEq)]
pub struct SketchDot {
    dot: Dot,
    lon: f64,
    lat: f64,
    href: &'static str,
    id: String,
}

impl SketchDot {
    pub fn known(problem: &KnownProblem) -> SketchDot {
        let (href, id) = match problem.which {
            SameAs::Finding(id) => ("/findings/", id.to_string()),
            SameAs::Report(_) => ("/reports", String::new()),
        };
        SketchDot { dot: Dot::of(problem), lon: problem.lon, lat: problem.lat, href, id }
    }

    pub fn on_phone(lon: f64, lat: f64) -> SketchDot {
        SketchDot { dot: Dot::OnPhone, lon, lat, href: "/outbox", id: String::new() }
    }
}

const TRAIL: &str = "#1d4f91";

#[component]
pub fn RoadSketch(
    coordinates: Vec<[f64; 2]>,
    /// The patrol under way.
    live: RwSignal<Vec<[f64; 2]>>,
    /// The week's patrols, as the server has them.
    week: Signal<Vec<Vec<[f64; 2]>>>,
    dots: Signal<Vec<SketchDot>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let projection = Projection::fit(&coordinates);
    let label = Signal::stored(i18n.t(Msg::patrol_map_label).to_owned());
    let trail = move |line: &[[f64; 2]]| {
        view! {
            <polyline points=projection.points(line) fill="none" stroke=TRAIL stroke-width="6"
                stroke-linecap="round" stroke-linejoin="round" opacity="0.85"/>
        }
    };
    let shown = move || {
        let mut dots = dots.get();
        // Those that need the chief on top.
        dots.sort_by_key(|d| d.dot);
        dots
    };
    let kinds = move || {
        let mut kinds: Vec<Dot> = dots.with(|d| d.iter().map(|d| d.dot).collect());
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    };
    let has_trail = move || week.with(|w| w.iter().any(|t| t.len() > 1)) || live.with(|l| l.len() > 1);
    view! {
        // A group, not an image: an image's links are hidden from screen readers.
        <svg class="road-map" viewBox="0 0 640 320" role="group" aria-label=label>
            <RoadLine coordinates projection/>
            <g>
                {move || week.with(|w| w.iter().filter(|t| t.len() > 1).map(|t| trail(t)).collect_view())}
                {move || live.with(|l| (l.len() > 1).then(|| trail(l)))}
                {move || {
                    shown()
                        .into_iter()
                        .map(|d| {
                            let (x, y) = projection.xy(d.lon, d.lat);
                            let href = format!("{}{}", d.href, d.id);
                            let ring = if d.dot == Dot::OnPhone { "#1c2521" } else { "#ffffff" };
                            // In a `g`: an `a` alone would be made an HTML link, not an SVG one.
                            view! {
                                <g>
                                    <a href=href>
                                        <title>{i18n.t(d.dot.label())}</title>
                                        <circle cx=x cy=y r="11" fill=d.dot.fill() stroke=ring stroke-width="4"/>
                                    </a>
                                </g>
                            }
                        })
                        .collect_view()
                }}
            </g>
        </svg>
        <ul class="plain row muted small">
            <li hidden=move || !has_trail()>
                <svg viewBox="0 0 20 12" width="20" height="12" aria-hidden="true">
                    <line x1="1" y1="6" x2="19" y2="6" stroke=TRAIL stroke-width="4" stroke-linecap="round"/>
                </svg>
                {i18n.t(Msg::patrol_title)}
            </li>
            {move || {
                kinds()
                    .into_iter()
                    .map(|k| {
                        let ring = if k == Dot::OnPhone { "#1c2521" } else { "#ffffff" };
                        view! {
                            <li>
                                <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
                                    <circle cx="6" cy="6" r="5" fill=k.fill() stroke=ring stroke-width="1.5"/>
                                </svg>
                                {i18n.t(k.label())}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::Timestamp;

    fn known(which: SameAs, status: Option<FindingStatus>) -> KnownProblem {
        KnownProblem {
            which,
            category: "sanitation".into(),
            lon: 120.3,
            lat: 36.0,
            along_m: 10.0,
            status,
            since: Timestamp(0),
            reports: 1,
        }
    }

    #[test]
    fn a_dot_says_who_acts_next_and_opens_what_it_is() {
        let id = uuid::Uuid::nil();
        let resolved = SketchDot::known(&known(SameAs::Finding(id), Some(FindingStatus::Resolved)));
        assert_eq!(
            (resolved.dot, resolved.href, resolved.id.as_str()),
            (Dot::YourCheck, "/findings/", &*id.to_string())
        );
        for (status, dot) in [
            (FindingStatus::Routed, Dot::Routed),
            (FindingStatus::Accepted, Dot::Accepted),
            (FindingStatus::Returned, Dot::Returned),
        ] {
            assert_eq!(SketchDot::known(&known(SameAs::Finding(id), Some(status))).dot, dot);
        }
        let report = SketchDot::known(&known(SameAs::Report(id), None));
        assert_eq!((report.dot, report.href, report.id.as_str()), (Dot::Report, "/reports", ""));
        assert_eq!(SketchDot::on_phone(120.3, 36.0).href, "/outbox");
    }
}
