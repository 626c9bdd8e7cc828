//! The race (赛马): road chiefs and sections ranked by what they did, under rules written on
//! the page. Rates, not counts; a rate is ranked only over enough cases (below that: "too few
//! to rank"); equal figures share their place; the overall standing is the mean of the places
//! held. Pure arithmetic on figures the server counted.

use super::time::{IsoWeek, LocalDate, Timestamp};
use serde::{Deserialize, Serialize};

/// What is measured. Each is a rate or a median, never a bare count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Road chiefs: share of the road-weeks due whose inspection was submitted within its week.
    InspectionsOnTime,
    /// Mean share of the road walked on patrol, over the road-weeks due (none walked: 0).
    RoadWalked,
    /// Share of the road-weeks due with the board's code checked on a patrol.
    BoardChecked,
    /// Share of the road's open shops visited in the period.
    ShopsVisited,
    /// Findings reported per road-week due.
    FindingsPerRoadWeek,
    /// Share of residents' reports answered (confirmed, answered or set aside) within 2
    /// working days.
    ReportsAnswered,
    /// Median days from report to close-out of the findings closed on the chief's roads.
    DaysToClose,
    /// Sections: share of the resolutions due in the period made by their deadline.
    OnTime,
    /// Median days from the report to the section's resolution.
    DaysToResolve,
    /// Share of resolutions the road chief reopened.
    Reopened,
    /// Share of the section's returns ("not ours") the coordinator overruled.
    ReturnsOverruled,
    /// Extensions asked per finding routed to the section.
    ExtensionsAsked,
}

impl Measure {
    pub const CHIEFS: [Measure; 7] = [
        Measure::InspectionsOnTime,
        Measure::RoadWalked,
        Measure::BoardChecked,
        Measure::ShopsVisited,
        Measure::FindingsPerRoadWeek,
        Measure::ReportsAnswered,
        Measure::DaysToClose,
    ];
    pub const SECTIONS: [Measure; 5] = [
        Measure::OnTime,
        Measure::DaysToResolve,
        Measure::Reopened,
        Measure::ReturnsOverruled,
        Measure::ExtensionsAsked,
    ];

    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Measure::DaysToClose
                | Measure::DaysToResolve
                | Measure::Reopened
                | Measure::ReturnsOverruled
                | Measure::ExtensionsAsked
        )
    }

    /// The fewest cases a figure is ranked on: one week's road is enough to say whether it
    /// was inspected; one case is no rate of resolutions.
    pub fn min_cases(self) -> u32 {
        match self {
            Measure::InspectionsOnTime | Measure::RoadWalked | Measure::BoardChecked | Measure::FindingsPerRoadWeek => {
                1
            }
            Measure::ShopsVisited | Measure::ReportsAnswered | Measure::DaysToClose | Measure::ReturnsOverruled => 3,
            Measure::OnTime | Measure::DaysToResolve | Measure::Reopened | Measure::ExtensionsAsked => 5,
        }
    }

    /// The figure is a share (shown as a percentage), else a number (days, findings).
    pub fn is_share(self) -> bool {
        !matches!(self, Measure::DaysToClose | Measure::DaysToResolve | Measure::FindingsPerRoadWeek)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::InspectionsOnTime => "inspections_on_time",
            Measure::RoadWalked => "road_walked",
            Measure::BoardChecked => "board_checked",
            Measure::ShopsVisited => "shops_visited",
            Measure::FindingsPerRoadWeek => "findings_per_road_week",
            Measure::ReportsAnswered => "reports_answered",
            Measure::DaysToClose => "days_to_close",
            Measure::OnTime => "on_time",
            Measure::DaysToResolve => "days_to_resolve",
            Measure::Reopened => "reopened",
            Measure::ReturnsOverruled => "returns_overruled",
            Measure::ExtensionsAsked => "extensions_asked",
        }
    }
}

/// One participant's figure for one measure: `value` over `cases` (the road-weeks, shops,
/// reports or findings it is taken over). A median has no value without cases.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figure {
    pub value: Option<f64>,
    pub cases: u32,
}

impl Figure {
    /// `hits` of `cases` as a share; none over no cases.
    pub fn share(hits: u32, cases: u32) -> Figure {
        Figure { value: (cases > 0).then(|| f64::from(hits.min(cases)) / f64::from(cases)), cases }
    }

    /// A number per case (findings per road-week); none over no cases.
    pub fn per_case(total: f64, cases: u32) -> Figure {
        Figure { value: (cases > 0).then(|| total / f64::from(cases)), cases }
    }

    /// The median of `values` (days), over as many cases as values.
    pub fn median(mut values: Vec<f64>) -> Figure {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let value = match n {
            0 => None,
            _ if n % 2 == 1 => Some(values[n / 2]),
            _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
        };
        Figure { value, cases: n as u32 }
    }

    /// The value ranked, if there are enough cases for `measure`.
    fn ranked(self, measure: Measure) -> Option<f64> {
        self.value.filter(|_| self.cases >= measure.min_cases())
    }
}

/// Where a participant stands on one measure, or overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Place {
    /// `place` among the `of` ranked; equal figures share the place (1, 2, 2, 4).
    Ranked { place: u32, of: u32 },
    /// Below the measure's minimum of cases (or, overall, ranked on too few measures).
    TooFew,
}

/// Two figures are equal as shown: shares to a tenth of a percent, numbers to a tenth.
fn shown(value: f64, measure: Measure) -> i64 {
    let scale = if measure.is_share() { 1000.0 } else { 10.0 };
    (value * scale).round() as i64
}

/// Competition ranking ("1, 2, 2, 4") of `keys`, larger first; `None` is not ranked.
fn competition(keys: &[Option<i64>]) -> Vec<Place> {
    let of = keys.iter().flatten().count() as u32;
    keys.iter()
        .map(|key| match key {
            Some(k) => Place::Ranked { place: 1 + keys.iter().flatten().filter(|o| *o > k).count() as u32, of },
            None => Place::TooFew,
        })
        .collect()
}

/// Ranks the participants' figures for `measure`, in the order given.
pub fn rank(measure: Measure, figures: &[Figure]) -> Vec<Place> {
    let keys: Vec<Option<i64>> = figures
        .iter()
        .map(|f| {
            f.ranked(measure).map(|v| if measure.higher_is_better() { shown(v, measure) } else { -shown(v, measure) })
        })
        .collect();
    competition(&keys)
}

/// The overall standing: the mean over the measures a participant is ranked on of how far up
/// they stand (first 1, last 0; alone on a measure: 1). Ranked on fewer than half the measures:
/// too few to rank. `places[p][m]` is participant `p`'s place on measure `m`.
pub fn overall(places: &[Vec<Place>]) -> Vec<Place> {
    let keys: Vec<Option<i64>> = places
        .iter()
        .map(|mine| {
            let points: Vec<f64> = mine
                .iter()
                .filter_map(|p| match *p {
                    Place::Ranked { of: 1, .. } => Some(1.0),
                    Place::Ranked { place, of } => Some(f64::from(of - place) / f64::from(of - 1)),
                    Place::TooFew => None,
                })
                .collect();
            (!mine.is_empty() && points.len() * 2 >= mine.len())
                .then(|| (points.iter().sum::<f64>() / points.len() as f64 * 1000.0).round() as i64)
        })
        .collect();
    competition(&keys)
}

/// What `mine` would have to reach to move up a place on `measure`: the figure of the nearest
/// participant ranked above. None when first, or not ranked.
pub fn to_move_up(measure: Measure, figures: &[Figure], mine: usize) -> Option<f64> {
    let own = figures.get(mine)?.ranked(measure)?;
    let better = |v: f64| {
        if measure.higher_is_better() {
            shown(v, measure) > shown(own, measure)
        } else {
            shown(v, measure) < shown(own, measure)
        }
    };
    let above = figures.iter().filter_map(|f| f.ranked(measure)).filter(|v| better(*v));
    if measure.higher_is_better() {
        above.min_by(f64::total_cmp)
    } else {
        above.max_by(f64::total_cmp)
    }
}

/// The span a race board covers: an ISO week, or a calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week(IsoWeek),
    Month { year: i32, month: u8 },
}

impl Period {
    /// `2026-W49` or `2026-12`.
    pub fn parse(text: &str) -> Option<Period> {
        if let Ok(week) = IsoWeek::parse(text) {
            return Some(Period::Week(week));
        }
        let (year, month) = text.split_once('-')?;
        let (year, month) = (year.parse::<i32>().ok()?, month.parse::<u8>().ok()?);
        LocalDate::new(year, month, 1).map(|_| Period::Month { year, month })
    }

    pub fn containing(at: Timestamp, monthly: bool) -> Period {
        let day = at.local_date();
        if monthly {
            Period::Month { year: day.year(), month: day.month() }
        } else {
            Period::Week(IsoWeek::containing(at))
        }
    }

    /// The first day of the period.
    fn first_day(self) -> LocalDate {
        match self {
            Period::Week(w) => w.monday(),
            Period::Month { year, month } => LocalDate::new(year, month, 1).expect("parsed months exist"),
        }
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        match self {
            Period::Week(w) => Period::Week(w.sunday().add_days(1).iso_week()),
            Period::Month { year, month: 12 } => Period::Month { year: year + 1, month: 1 },
            Period::Month { year, month } => Period::Month { year, month: month + 1 },
        }
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        match self {
            Period::Week(w) => Period::Week(w.previous()),
            Period::Month { year, month: 1 } => Period::Month { year: year - 1, month: 12 },
            Period::Month { year, month } => Period::Month { year, month: month - 1 },
        }
    }

    /// From its first midnight (Asia/Shanghai) to the next period's.
    pub fn span(self) -> (Timestamp, Timestamp) {
        (Timestamp::start_of_day(self.first_day()), Timestamp::start_of_day(self.next().first_day()))
    }

    /// The ISO weeks whose inspection falls due in the period (their Sunday is in it), up to
    /// `now`'s week: a week still under way is not yet due.
    pub fn weeks_due(self, now: Timestamp) -> Vec<IsoWeek> {
        let (from, until) = self.span();
        let mut weeks = Vec::new();
        let mut week = from.local_date().iso_week();
        loop {
            let end = Timestamp::start_of_day(week.sunday().add_days(1));
            if end > until || end > now {
                break;
            }
            if end > from {
                weeks.push(week);
            }
            week = week.sunday().add_days(1).iso_week();
        }
        weeks
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Week(w) => write!(f, "{w}"),
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Place::{Ranked, TooFew};

    fn share(hits: u32, cases: u32) -> Figure {
        Figure::share(hits, cases)
    }

    #[test]
    fn no_cases_and_too_few_cases_are_not_ranked() {
        let places = rank(Measure::OnTime, &[share(0, 0), share(4, 4), share(5, 5), share(3, 6)]);
        assert_eq!(places, vec![TooFew, TooFew, Ranked { place: 1, of: 2 }, Ranked { place: 2, of: 2 }]);
        // One case is a rate of nothing: the minimum for resolutions is five.
        assert_eq!(rank(Measure::OnTime, &[share(1, 1)]), vec![TooFew]);
        // Nobody ranked at all.
        assert_eq!(rank(Measure::Reopened, &[share(0, 0), share(0, 0)]), vec![TooFew, TooFew]);
        assert!(rank(Measure::OnTime, &[]).is_empty());
    }

    #[test]
    fn ties_share_their_place_and_the_next_place_is_skipped() {
        let places = rank(Measure::OnTime, &[share(9, 10), share(18, 20), share(10, 10), share(5, 10)]);
        assert_eq!(
            places,
            vec![
                Ranked { place: 2, of: 4 },
                Ranked { place: 2, of: 4 },
                Ranked { place: 1, of: 4 },
                Ranked { place: 4, of: 4 }
            ]
        );
        // Equal as shown (to a tenth of a percent) is equal.
        let close = rank(Measure::OnTime, &[share(2001, 3000), share(20, 30)]);
        assert_eq!(close, vec![Ranked { place: 1, of: 2 }, Ranked { place: 1, of: 2 }]);
    }

    #[test]
    fn all_late_is_a_rate_of_zero_ranked_last_not_left_out() {
        let places = rank(Measure::OnTime, &[share(0, 6), share(0, 8), share(3, 6)]);
        assert_eq!(places, vec![Ranked { place: 2, of: 3 }, Ranked { place: 2, of: 3 }, Ranked { place: 1, of: 3 }]);
    }

    #[test]
    fn for_days_and_shares_of_bad_things_lower_is_better() {
        let days = [Figure::median(vec![1.0, 2.0, 9.0]), Figure::median(vec![4.0, 4.0, 4.0, 5.0])];
        assert_eq!(days[0].value, Some(2.0));
        assert_eq!(days[1].value, Some(4.0), "the mean of the middle two");
        assert_eq!(rank(Measure::DaysToClose, &days), vec![Ranked { place: 1, of: 2 }, Ranked { place: 2, of: 2 }]);
        let overruled = [share(1, 4), share(0, 3), share(3, 3)];
        assert_eq!(
            rank(Measure::ReturnsOverruled, &overruled),
            vec![Ranked { place: 2, of: 3 }, Ranked { place: 1, of: 3 }, Ranked { place: 3, of: 3 }]
        );
        assert_eq!(Figure::median(vec![]).value, None);
        assert_eq!(Figure::median(vec![f64::NAN, 3.0]), Figure { value: Some(3.0), cases: 1 });
    }

    #[test]
    fn overall_is_the_mean_of_the_places_held_and_needs_half_the_measures() {
        let places = vec![
            vec![Ranked { place: 1, of: 3 }, Ranked { place: 3, of: 3 }, TooFew],
            vec![Ranked { place: 2, of: 3 }, Ranked { place: 2, of: 3 }, Ranked { place: 1, of: 1 }],
            vec![Ranked { place: 3, of: 3 }, Ranked { place: 1, of: 3 }, TooFew],
            vec![TooFew, TooFew, TooFew],
            vec![],
        ];
        // Points: 0.5, (0.5 + 0.5 + 1) / 3 = 0.667, 0.5; the fourth and fifth too few.
        assert_eq!(
            overall(&places),
            vec![Ranked { place: 2, of: 3 }, Ranked { place: 1, of: 3 }, Ranked { place: 2, of: 3 }, TooFew, TooFew]
        );
    }

    #[test]
    fn what_would_raise_a_standing_is_the_next_figure_above() {
        let figures = [share(5, 10), share(7, 10), share(9, 10), share(7, 10), share(1, 1)];
        assert_eq!(to_move_up(Measure::OnTime, &figures, 0), Some(0.7));
        assert_eq!(to_move_up(Measure::OnTime, &figures, 1), Some(0.9), "the tie above is not a place up");
        assert_eq!(to_move_up(Measure::OnTime, &figures, 2), None, "first");
        assert_eq!(to_move_up(Measure::OnTime, &figures, 4), None, "not ranked");
        let days = [Figure::median(vec![3.0; 3]), Figure::median(vec![1.5; 3]), Figure::median(vec![2.0; 3])];
        assert_eq!(to_move_up(Measure::DaysToClose, &days, 0), Some(2.0));
    }

    #[test]
    fn periods_parse_span_and_list_their_weeks_due() {
        let week = Period::parse("2026-W49").unwrap();
        assert_eq!(week.to_string(), "2026-W49");
        let month = Period::parse("2026-12").unwrap();
        assert_eq!(month.to_string(), "2026-12");
        assert_eq!(Period::parse("2026-13"), None);
        assert_eq!(Period::parse("W49"), None);
        assert_eq!(month.next().to_string(), "2027-01");
        assert_eq!(Period::parse("2027-01").unwrap().previous(), month);
        assert_eq!(week.next().to_string(), "2026-W50");
        assert_eq!(week.previous().to_string(), "2026-W48");
        let (from, until) = month.span();
        assert_eq!((from.local_date().day(), until.local_date().month()), (1, 1));
        // November 2026: weeks ending (Sunday) on 1, 8, 15, 22 and 29 November.
        let november = Period::parse("2026-11").unwrap();
        let far = Timestamp(until.0 + 86_400_000 * 60);
        let due: Vec<String> = november.weeks_due(far).iter().map(|w| w.to_string()).collect();
        assert_eq!(due, ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]);
        // Mid-week: the week under way is not due yet.
        let wednesday = Timestamp::start_of_day(LocalDate::new(2026, 12, 2).unwrap());
        assert!(week.weeks_due(wednesday).is_empty());
        assert_eq!(Period::Week(IsoWeek::parse("2026-W48").unwrap()).weeks_due(wednesday).len(), 1);
    }
}
