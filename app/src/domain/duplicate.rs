//! "Is it one of these?": a problem recorded near an open one of the same category on the same
//! road is likely the same. Those are offered first, so a resident or a chief adds to the one
//! already known instead of starting a second.

use super::finding::FindingStatus;
use super::geometry::GeoPoint;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Within this distance, an open problem of the same category is likely the same.
pub const SAME_PLACE_M: f64 = 50.0;
/// At most this many are offered: the nearest.
pub const MAX_OFFERED: usize = 5;

/// What a new report was said to be the same as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum SameAs {
    /// A finding not closed out: the report follows it.
    Finding(Uuid),
    /// A resident's report the chief has not handled yet: handled with it.
    Report(Uuid),
}

impl SameAs {
    /// As a form sends it: `finding:<id>` or `report:<id>`; blank or anything else is none.
    pub fn parse(text: &str) -> Option<SameAs> {
        let (kind, id) = text.trim().split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "finding" => Some(SameAs::Finding(id)),
            "report" => Some(SameAs::Report(id)),
            _ => None,
        }
    }

    pub fn form_value(self) -> String {
        match self {
            SameAs::Finding(id) => format!("finding:{id}"),
            SameAs::Report(id) => format!("report:{id}"),
        }
    }
}

/// Whether a finding in `status` is offered to be joined. Not once its section says it is done:
/// a resident who still sees the problem is heard by the chief as a report of its own, while
/// the chief is about to check it.
pub fn may_be_joined(status: FindingStatus) -> bool {
    matches!(status, FindingStatus::Routed | FindingStatus::Accepted | FindingStatus::Returned)
}

/// An open problem of one road, as the comparison sees it.
pub trait Known {
    fn which(&self) -> SameAs;
    fn category(&self) -> &str;
    fn place(&self) -> GeoPoint;
}

/// The known problems (all of one road, all open) likely the same as a new one of `category`
/// at `at`: the same category within [`SAME_PLACE_M`], nearest first, at most [`MAX_OFFERED`],
/// each with its distance in metres.
pub fn likely_same<'a, T: Known>(known: &'a [T], category: &str, at: GeoPoint) -> Vec<(&'a T, f64)> {
    let mut near: Vec<(&T, f64)> = known
        .iter()
        .filter(|k| k.category() == category)
        .map(|k| (k, k.place().distance_m(at)))
        .filter(|(_, m)| *m <= SAME_PLACE_M)
        .collect();
    near.sort_by(|a, b| a.1.total_cmp(&b.1));
    near.truncate(MAX_OFFERED);
    near
}

/// A distance as the public form says it: in tens of metres (at least 10), as the place of a
/// waiting report is where its resident stood.
pub fn said_distance_m(metres: f64) -> u32 {
    ((metres / 10.0).round().max(1.0) * 10.0) as u32
}

/// Whether `chosen` is one of those [`likely_same`] offers: what a sender picked is checked
/// again when it arrives, as the problem may have been closed or the place changed meanwhile.
pub fn may_join<T: Known>(known: &[T], category: &str, at: GeoPoint, chosen: SameAs) -> bool {
    known.iter().any(|k| k.which() == chosen && k.category() == category && k.place().distance_m(at) <= SAME_PLACE_M)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Problem(SameAs, &'static str, GeoPoint);

    impl Known for Problem {
        fn which(&self) -> SameAs {
            self.0
        }
        fn category(&self) -> &str {
            self.1
        }
        fn place(&self) -> GeoPoint {
            self.2
        }
    }

    // About 0.9 m per 0.00001° of latitude here.
    fn at(north_m: f64) -> GeoPoint {
        GeoPoint::parse(120.1, 30.2 + north_m / 111_195.0).unwrap()
    }

    fn finding(n: u128, category: &'static str, north_m: f64) -> Problem {
        Problem(SameAs::Finding(Uuid::from_u128(n)), category, at(north_m))
    }

    #[test]
    fn same_category_within_fifty_metres_nearest_first() {
        let known = [finding(1, "sanitation", 40.0), finding(2, "sanitation", 10.0), finding(3, "sanitation", 52.0)];
        let near = likely_same(&known, "sanitation", at(0.0));
        let ids: Vec<SameAs> = near.iter().map(|(k, _)| k.which()).collect();
        assert_eq!(ids, [SameAs::Finding(Uuid::from_u128(2)), SameAs::Finding(Uuid::from_u128(1))]);
        assert!((near[0].1 - 10.0).abs() < 0.5, "{}", near[0].1);
    }

    #[test]
    fn another_category_at_the_same_place_is_not_offered() {
        let known = [finding(1, "shop_signs", 0.0)];
        assert!(likely_same(&known, "sanitation", at(0.0)).is_empty());
        assert!(!may_join(&known, "sanitation", at(0.0), SameAs::Finding(Uuid::from_u128(1))));
    }

    #[test]
    fn at_most_five_are_offered() {
        let known: Vec<Problem> = (0..8).map(|i| finding(i, "sanitation", 45.0 - i as f64)).collect();
        let near = likely_same(&known, "sanitation", at(0.0));
        assert_eq!(near.len(), MAX_OFFERED);
        assert_eq!(near[0].0.which(), SameAs::Finding(Uuid::from_u128(7)));
    }

    #[test]
    fn a_choice_is_checked_again_on_arrival() {
        let report = Problem(SameAs::Report(Uuid::from_u128(9)), "sanitation", at(30.0));
        let known = [report];
        assert!(may_join(&known, "sanitation", at(0.0), SameAs::Report(Uuid::from_u128(9))));
        // Sent from further away than it was offered, or of a problem no longer open.
        assert!(!may_join(&known, "sanitation", at(-30.0), SameAs::Report(Uuid::from_u128(9))));
        assert!(!may_join(&known, "sanitation", at(0.0), SameAs::Finding(Uuid::from_u128(9))));
    }

    #[test]
    fn the_public_hears_distances_in_tens_of_metres() {
        let said: Vec<u32> = [0.0, 3.2, 14.9, 15.0, 47.0, 50.0].into_iter().map(said_distance_m).collect();
        assert_eq!(said, [10, 10, 10, 20, 50, 50]);
    }

    #[test]
    fn a_finding_is_joined_only_while_its_section_works_on_it() {
        let joined: Vec<FindingStatus> = FindingStatus::ALL.into_iter().filter(|s| may_be_joined(*s)).collect();
        assert_eq!(joined, [FindingStatus::Routed, FindingStatus::Accepted, FindingStatus::Returned]);
    }

    #[test]
    fn the_form_value_reads_back_and_nothing_else_does() {
        let chosen = SameAs::Report(Uuid::from_u128(42));
        assert_eq!(SameAs::parse(&chosen.form_value()), Some(chosen));
        for text in ["", "new", "finding:", "finding:nope", "road:00000000-0000-0000-0000-00000000002a"] {
            assert_eq!(SameAs::parse(text), None, "{text}");
        }
    }
}
