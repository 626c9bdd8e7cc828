//! How sections and roads did, as the coordinator reviews it: on-time rate, median time to
//! close, weekly buckets. Pure arithmetic on numbers the server counted.

use super::time::{IsoWeek, Timestamp};

const DAY_MS: i64 = 86_400_000;

/// Percentage (rounded down) of `part` in `whole`; none when there is nothing to count.
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| (u64::from(part) * 100 / u64::from(whole)) as u32)
}

/// A closing's time in tenths of a day (2.5 days → 25), rounded half up: what the median
/// is taken over, so that it can be counted as the findings close.
pub fn tenths_of_day(duration_ms: i64) -> i64 {
    (duration_ms.max(0) * 10 + DAY_MS / 2) / DAY_MS
}

/// A resolution is on time when it came no later than the deadline in force.
pub fn on_time(resolved_at: Timestamp, deadline: Timestamp) -> bool {
    resolved_at <= deadline
}

/// The median of closing times counted as (tenths of a day, how many closings); between the
/// middle two, their mean rounded half up. None for no closings.
pub fn median_tenths(counted: &[(i64, i64)]) -> Option<u32> {
    let mut counted: Vec<(i64, i64)> = counted.iter().copied().filter(|(_, n)| *n > 0).collect();
    counted.sort_unstable();
    let total: i64 = counted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The value at 0-based position `k` of the sorted closings.
    let at = |k: i64| {
        let mut seen = 0;
        counted.iter().find(|(_, n)| {
            seen += n;
            seen > k
        })
    };
    let upper = at(total / 2)?.0;
    let lower = if total % 2 == 1 { upper } else { at(total / 2 - 1)?.0 };
    Some(((lower + upper + 1) / 2) as u32)
}

/// Tenths as text: 25 → "2.5" (integer arithmetic keeps float formatting out of the bundle).
pub fn tenths_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Monday 00:00 (Asia/Shanghai) of the week containing `at`: the key review numbers are
/// counted under.
pub fn week_start(at: Timestamp) -> Timestamp {
    Timestamp::start_of_day(IsoWeek::containing(at).monday())
}

/// The last `n` ISO weeks up to the one containing `now`, oldest first.
pub fn last_weeks(now: Timestamp, n: usize) -> Vec<IsoWeek> {
    let mut weeks = vec![IsoWeek::containing(now)];
    while weeks.len() < n {
        let earlier = weeks[weeks.len() - 1].previous();
        weeks.push(earlier);
    }
    weeks.reverse();
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::LocalDate;

    #[test]
    fn weeks_start_on_monday_midnight_in_shanghai() {
        let monday = Timestamp::start_of_day(LocalDate::new(2026, 11, 30).unwrap());
        assert_eq!(week_start(monday), monday);
        assert_eq!(week_start(Timestamp(monday.0 - 1)).0, monday.0 - 7 * DAY_MS);
        assert_eq!(week_start(Timestamp(monday.0 + 7 * DAY_MS - 1)), monday);
    }

    #[test]
    fn percentages_round_down_and_need_a_whole() {
        assert_eq!(percent(2, 3), Some(66));
        assert_eq!(percent(3, 3), Some(100));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn medians_in_tenths_of_a_day() {
        let median = |ms: &[i64]| {
            let counted: Vec<(i64, i64)> = ms.iter().map(|d| (tenths_of_day(*d), 1)).collect();
            median_tenths(&counted)
        };
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3 * DAY_MS, DAY_MS, 2 * DAY_MS]), Some(20));
        assert_eq!(median(&[DAY_MS, 2 * DAY_MS]), Some(15));
        assert_eq!(median(&[DAY_MS / 4]), Some(3), "0.25 rounds to 0.3");
        assert_eq!(median(&[DAY_MS, DAY_MS + 1]), Some(10), "1 ms does not make a tenth");
        assert_eq!(median(&[-DAY_MS]), Some(0), "a clock running back counts as no time");
        // Counted together: 1.0 ×3, 4.0 ×1 → 1.0; 1.0 ×2, 2.1 ×2 → between 1.0 and 2.1 → 1.6.
        assert_eq!(median_tenths(&[(40, 1), (10, 3)]), Some(10));
        assert_eq!(median_tenths(&[(21, 2), (10, 2), (99, 0)]), Some(16));
        assert_eq!(median_tenths(&[(5, 0)]), None);
        assert_eq!(tenths_text(25), "2.5");
        assert_eq!(tenths_text(3), "0.3");
    }

    #[test]
    fn twelve_weeks_end_with_this_one_across_a_year_end() {
        let now = Timestamp::start_of_day(LocalDate::new(2027, 1, 6).unwrap());
        let weeks = last_weeks(now, 12);
        assert_eq!(weeks.len(), 12);
        assert_eq!(weeks[11], IsoWeek::containing(now));
        assert_eq!(weeks[0].to_string(), "2026-W43", "2026 has 53 ISO weeks");
        assert!(weeks.windows(2).all(|w| w[1].previous() == w[0]));
    }
}
