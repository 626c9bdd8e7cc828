//! The weekly inspection: one road, one ISO week, one result per category.

use super::text::Code;
use super::time::{IsoWeek, Timestamp};
use crate::domain::names::named;
use std::collections::{BTreeMap, BTreeSet};

named! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum CheckResult {
        Ok = "ok",
        Problem = "problem",
    }
}

named! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum InspectionStatus {
        NotStarted = "not_started",
        InProgress = "in_progress",
        Submitted = "submitted",
    }
}

impl InspectionStatus {
    pub fn from_times(started: Option<Timestamp>, submitted: Option<Timestamp>) -> InspectionStatus {
        match (started, submitted) {
            (_, Some(_)) => InspectionStatus::Submitted,
            (Some(_), None) => InspectionStatus::InProgress,
            (None, None) => InspectionStatus::NotStarted,
        }
    }
}

/// The most findings one submission may carry: a real week has a handful, and a submission is
/// applied in one transaction that holds the write lock while it runs. The phone sends
/// findings one by one anyway.
pub const MAX_FINDINGS_PER_SUBMISSION: usize = 200;

/// A chief records this week's inspection; one recorded offline late on Sunday may reach the
/// server on Monday, so last week stays open too.
pub fn week_is_open(week: IsoWeek, now: Timestamp) -> bool {
    let current = IsoWeek::containing(now);
    week == current || week == current.previous()
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("no result for categories {0:?}")]
    Incomplete(Vec<Code>),
    #[error("category {0} is marked as a problem but has no finding")]
    ProblemWithoutFinding(Code),
    #[error("unknown category {0}")]
    UnknownCategory(Code),
}

/// Checks a submission: every category has a result; a category with a problem has at least
/// one finding (recorded now or earlier this week). A category with a finding counts as a
/// problem whatever was ticked, so the returned results are the ones to store.
pub fn settle_results(
    categories: &[Code],
    ticked: &BTreeMap<Code, CheckResult>,
    categories_with_findings: &BTreeSet<Code>,
) -> Result<BTreeMap<Code, CheckResult>, SubmissionError> {
    let known: BTreeSet<&Code> = categories.iter().collect();
    if let Some(unknown) = ticked.keys().chain(categories_with_findings).find(|c| !known.contains(c)) {
        return Err(SubmissionError::UnknownCategory(unknown.clone()));
    }
    let mut settled = BTreeMap::new();
    let mut missing = Vec::new();
    for category in categories {
        let has_finding = categories_with_findings.contains(category);
        match (ticked.get(category), has_finding) {
            (_, true) => {
                settled.insert(category.clone(), CheckResult::Problem);
            }
            (Some(CheckResult::Problem), false) => {
                return Err(SubmissionError::ProblemWithoutFinding(category.clone()))
            }
            (Some(CheckResult::Ok), false) => {
                settled.insert(category.clone(), CheckResult::Ok);
            }
            (None, false) => missing.push(category.clone()),
        }
    }
    if missing.is_empty() {
        Ok(settled)
    } else {
        Err(SubmissionError::Incomplete(missing))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::LocalDate;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }
    fn cats() -> Vec<Code> {
        vec![code("sanitation"), code("shop_sign"), code("road_damage")]
    }

    #[test]
    fn every_category_needs_a_result() {
        let ticked = BTreeMap::from([(code("sanitation"), CheckResult::Ok)]);
        assert_eq!(
            settle_results(&cats(), &ticked, &BTreeSet::new()),
            Err(SubmissionError::Incomplete(vec![code("shop_sign"), code("road_damage")]))
        );
    }

    #[test]
    fn a_problem_needs_a_finding_and_a_finding_makes_a_problem() {
        let mut ticked: BTreeMap<Code, CheckResult> = cats().into_iter().map(|c| (c, CheckResult::Ok)).collect();
        ticked.insert(code("road_damage"), CheckResult::Problem);
        assert_eq!(
            settle_results(&cats(), &ticked, &BTreeSet::new()),
            Err(SubmissionError::ProblemWithoutFinding(code("road_damage")))
        );
        let with = BTreeSet::from([code("road_damage"), code("sanitation")]);
        let settled = settle_results(&cats(), &ticked, &with).unwrap();
        assert_eq!(settled[&code("road_damage")], CheckResult::Problem);
        assert_eq!(settled[&code("sanitation")], CheckResult::Problem);
        assert_eq!(settled[&code("shop_sign")], CheckResult::Ok);
    }

    #[test]
    fn unknown_categories_are_refused() {
        let ticked = BTreeMap::from([(code("weather"), CheckResult::Ok)]);
        assert_eq!(
            settle_results(&cats(), &ticked, &BTreeSet::new()),
            Err(SubmissionError::UnknownCategory(code("weather")))
        );
        let with = BTreeSet::from([code("weather")]);
        assert!(settle_results(&cats(), &BTreeMap::new(), &with).is_err());
    }

    #[test]
    fn status_from_times() {
        assert_eq!(InspectionStatus::from_times(None, None), InspectionStatus::NotStarted);
        assert_eq!(InspectionStatus::from_times(Some(Timestamp(1)), None), InspectionStatus::InProgress);
        assert_eq!(InspectionStatus::from_times(Some(Timestamp(1)), Some(Timestamp(2))), InspectionStatus::Submitted);
    }

    #[test]
    fn this_week_and_last_week_are_open() {
        let now = Timestamp::start_of_day(LocalDate::new(2026, 11, 30).unwrap()); // Monday of W49
        assert!(week_is_open(IsoWeek::parse("2026-W49").unwrap(), now));
        assert!(week_is_open(IsoWeek::parse("2026-W48").unwrap(), now));
        assert!(!week_is_open(IsoWeek::parse("2026-W47").unwrap(), now));
        assert!(!week_is_open(IsoWeek::parse("2026-W50").unwrap(), now));
    }
}
