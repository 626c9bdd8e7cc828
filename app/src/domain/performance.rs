//! How sections and roads did, as the coordinator reviews it: on-time rate, median time to
//! close, weekly buckets. Pure arithmetic on numbers the server counted.

use super::time::{IsoWeek, Timestamp};

const DAY_MS: i64 = 86_400_000;

/// Percentage (rounded down) of `part` in `whole`; none when there is nothing to count.
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| (u64::from(part) * 100 / u64::from(whole)) as u32)
}

/// The median of durations in days, in tenths of a day (2.5 days → 25), rounded half up;
/// none for no durations.
pub fn median_days_tenths(durations_ms: &mut [i64]) -> Option<u32> {
    if durations_ms.is_empty() {
        return None;
    }
    durations_ms.sort_unstable();
    let n = durations_ms.len();
    let doubled = if n % 2 == 1 { 2 * durations_ms[n / 2] } else { durations_ms[n / 2 - 1] + durations_ms[n / 2] };
    // tenths = median / DAY * 10 = doubled * 10 / (2 * DAY), rounded half up.
    let tenths = (doubled.max(0) * 10 + DAY_MS) / (2 * DAY_MS);
    Some(tenths as u32)
}

/// Tenths as text: 25 → "2.5" (integer arithmetic keeps float formatting out of the bundle).
pub fn tenths_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
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
    fn percentages_round_down_and_need_a_whole() {
        assert_eq!(percent(2, 3), Some(66));
        assert_eq!(percent(3, 3), Some(100));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn medians_in_tenths_of_a_day() {
        assert_eq!(median_days_tenths(&mut []), None);
        assert_eq!(median_days_tenths(&mut [3 * DAY_MS, DAY_MS, 2 * DAY_MS]), Some(20));
        assert_eq!(median_days_tenths(&mut [DAY_MS, 2 * DAY_MS]), Some(15));
        assert_eq!(median_days_tenths(&mut [DAY_MS / 4]), Some(3), "0.25 rounds to 0.3");
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
