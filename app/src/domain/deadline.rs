//! Deadlines counted in working days. Which days are working days is a calendar's business
//! ([`WorkingCalendar`]); this module only counts.

use super::time::{IsoWeek, LocalDate, Timestamp};
use crate::domain::names::named;
use serde::{Deserialize, Serialize};

/// Tells whether people work on a given day. The official holiday calendar (holidays off,
/// make-up weekend days on) comes as another implementation of this trait.
pub trait WorkingCalendar {
    fn is_working_day(&self, day: LocalDate) -> bool;
}

/// Monday to Friday, no holidays: the fallback for a year without a published calendar.
#[derive(Clone, Copy, Debug, Default)]
pub struct WeekdaysOnly;

impl WorkingCalendar for WeekdaysOnly {
    fn is_working_day(&self, day: LocalDate) -> bool {
        !day.weekday().is_weekend()
    }
}

/// A number of working days a section has to handle a finding: 1 to 60.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "u16", into = "u16")]
pub struct WorkingDays(u16);

impl WorkingDays {
    pub const MAX: u16 = 60;

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for WorkingDays {
    type Error = String;
    fn try_from(n: u16) -> Result<Self, Self::Error> {
        if (1..=Self::MAX).contains(&n) {
            Ok(WorkingDays(n))
        } else {
            Err(format!("working days must be 1 to {}, not {n}", Self::MAX))
        }
    }
}

impl From<WorkingDays> for u16 {
    fn from(d: WorkingDays) -> u16 {
        d.0
    }
}

/// A calendar that has no working day for this long is broken; stop rather than loop forever.
const MAX_SEARCH_DAYS: i64 = 3 * 366;

/// The deadline of a finding received at `received`: the end (23:59:59 Asia/Shanghai) of the
/// `days`-th working day after the day of receipt. The day of receipt itself never counts.
pub fn deadline_after(received: Timestamp, days: WorkingDays, calendar: &impl WorkingCalendar) -> Timestamp {
    let mut day = received.local_date();
    let mut left = days.get();
    let mut searched = 0;
    while left > 0 && searched < MAX_SEARCH_DAYS {
        day = day.add_days(1);
        searched += 1;
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    Timestamp::end_of_day(day)
}

/// The deadline of an urgent finding (a safety hazard, say): the end of the day of receipt if
/// that is a working day, else of the next working day.
pub fn urgent_deadline(received: Timestamp, calendar: &impl WorkingCalendar) -> Timestamp {
    let mut day = received.local_date();
    let mut searched = 0;
    while !calendar.is_working_day(day) && searched < MAX_SEARCH_DAYS {
        day = day.add_days(1);
        searched += 1;
    }
    Timestamp::end_of_day(day)
}

/// Which rule set a deadline: the category's number of working days, or the urgent rule.
/// Kept in the finding's history, so a later change of the rules explains itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "rule", content = "days")]
pub enum DeadlineRule {
    WorkingDays(WorkingDays),
    Urgent,
    /// An extension the coordinator granted: this many working days after the old deadline.
    Extension(WorkingDays),
}

impl DeadlineRule {
    pub fn for_finding(days: WorkingDays, urgent: bool) -> DeadlineRule {
        if urgent {
            DeadlineRule::Urgent
        } else {
            DeadlineRule::WorkingDays(days)
        }
    }

    pub fn deadline(self, received: Timestamp, calendar: &impl WorkingCalendar) -> Timestamp {
        match self {
            DeadlineRule::WorkingDays(days) => deadline_after(received, days, calendar),
            DeadlineRule::Urgent => urgent_deadline(received, calendar),
            DeadlineRule::Extension(days) => deadline_after(received, days, calendar),
        }
    }

    /// As stored: `working_days:N` or `urgent`.
    pub fn to_text(self) -> String {
        match self {
            DeadlineRule::WorkingDays(days) => format!("working_days:{}", days.get()),
            DeadlineRule::Urgent => "urgent".to_owned(),
            DeadlineRule::Extension(days) => format!("extension:{}", days.get()),
        }
    }

    pub fn parse(text: &str) -> Option<DeadlineRule> {
        let days = |n: &str| n.parse::<u16>().ok().and_then(|n| WorkingDays::try_from(n).ok());
        if let Some(n) = text.strip_prefix("working_days:") {
            days(n).map(DeadlineRule::WorkingDays)
        } else if let Some(n) = text.strip_prefix("extension:") {
            days(n).map(DeadlineRule::Extension)
        } else {
            (text == "urgent").then_some(DeadlineRule::Urgent)
        }
    }
}

named! {
    /// How pressing an open finding is for its section, derived from its deadline and now.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum Urgency {
        Overdue = "overdue",
        DueToday = "due_today",
        DueThisWeek = "due_this_week",
        Later = "later",
    }
}

pub fn urgency(deadline: Timestamp, now: Timestamp) -> Urgency {
    if now > deadline {
        Urgency::Overdue
    } else if deadline.local_date() == now.local_date() {
        Urgency::DueToday
    } else if IsoWeek::containing(deadline) == IsoWeek::containing(now) {
        Urgency::DueThisWeek
    } else {
        Urgency::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u8, d: u8, h: i64) -> Timestamp {
        Timestamp(Timestamp::start_of_day(LocalDate::new(y, m, d).unwrap()).0 + h * 3_600_000)
    }
    fn days(n: u16) -> WorkingDays {
        WorkingDays::try_from(n).unwrap()
    }
    fn due(ts: Timestamp) -> String {
        let (h, m, s) = ts.local_time();
        format!("{} {h:02}:{m:02}:{s:02}", ts.local_date())
    }

    #[test]
    fn working_days_are_bounded() {
        assert!(WorkingDays::try_from(0).is_err());
        assert!(WorkingDays::try_from(61).is_err());
        assert_eq!(days(60).get(), 60);
        assert!(serde_json::from_str::<WorkingDays>("0").is_err());
        assert_eq!(serde_json::from_str::<WorkingDays>("3").unwrap(), days(3));
    }

    #[test]
    fn counts_from_the_day_after_receipt() {
        // Thursday 2026-11-26 16:00, 1 working day → Friday 27th at 23:59:59.
        assert_eq!(due(deadline_after(at(2026, 11, 26, 16), days(1), &WeekdaysOnly)), "2026-11-27 23:59:59");
        // Even a minute after midnight the day of receipt does not count.
        assert_eq!(due(deadline_after(at(2026, 11, 26, 0), days(1), &WeekdaysOnly)), "2026-11-27 23:59:59");
    }

    #[test]
    fn skips_weekends() {
        // Friday + 1 → Monday; Friday + 3 → Wednesday.
        assert_eq!(due(deadline_after(at(2026, 11, 27, 10), days(1), &WeekdaysOnly)), "2026-11-30 23:59:59");
        assert_eq!(due(deadline_after(at(2026, 11, 27, 10), days(3), &WeekdaysOnly)), "2026-12-02 23:59:59");
        // Received on a Saturday or Sunday: the first working day is Monday.
        assert_eq!(due(deadline_after(at(2026, 11, 28, 10), days(1), &WeekdaysOnly)), "2026-11-30 23:59:59");
        assert_eq!(due(deadline_after(at(2026, 11, 29, 23), days(1), &WeekdaysOnly)), "2026-11-30 23:59:59");
        // Ten working days span two weekends.
        assert_eq!(due(deadline_after(at(2026, 11, 23, 9), days(10), &WeekdaysOnly)), "2026-12-07 23:59:59");
    }

    #[test]
    fn crosses_month_and_year_ends() {
        // Monday 2026-11-30 + 2 → Wednesday 2 December.
        assert_eq!(due(deadline_after(at(2026, 11, 30, 9), days(2), &WeekdaysOnly)), "2026-12-02 23:59:59");
        // Wednesday 2026-12-30 + 3 → Thu 31, Fri 1 Jan, Mon 4 Jan 2027.
        assert_eq!(due(deadline_after(at(2026, 12, 30, 9), days(3), &WeekdaysOnly)), "2027-01-04 23:59:59");
        // February of a leap year.
        assert_eq!(due(deadline_after(at(2028, 2, 28, 9), days(1), &WeekdaysOnly)), "2028-02-29 23:59:59");
    }

    #[test]
    fn receipt_late_at_night_utc_is_already_the_next_day_in_shanghai() {
        // 2026-11-26 17:00 UTC is Friday 27th 01:00 in Shanghai: +1 → Monday 30th.
        let received = Timestamp(at(2026, 11, 26, 0).0 + 25 * 3_600_000);
        assert_eq!(received.local_date().to_string(), "2026-11-27");
        assert_eq!(due(deadline_after(received, days(1), &WeekdaysOnly)), "2026-11-30 23:59:59");
    }

    #[test]
    fn the_deadline_falls_on_a_working_day_with_exactly_n_working_days_counted() {
        for start in 20_400..20_500 {
            let received = Timestamp::start_of_day(LocalDate::from_days(start));
            for n in [1u16, 2, 3, 5, 7, 15] {
                let due = deadline_after(received, days(n), &WeekdaysOnly).local_date();
                assert!(WeekdaysOnly.is_working_day(due));
                let counted =
                    (start + 1..=due.days()).filter(|d| WeekdaysOnly.is_working_day(LocalDate::from_days(*d))).count();
                assert_eq!(counted, usize::from(n));
            }
        }
    }

    #[test]
    fn a_calendar_without_working_days_does_not_hang() {
        struct Never;
        impl WorkingCalendar for Never {
            fn is_working_day(&self, _: LocalDate) -> bool {
                false
            }
        }
        let received = at(2026, 1, 5, 9);
        let due = deadline_after(received, days(1), &Never);
        assert!(due > received);
    }

    #[test]
    fn urgent_findings_are_due_the_same_working_day() {
        // Thursday: the same day. Saturday and Sunday: Monday.
        assert_eq!(due(urgent_deadline(at(2026, 11, 26, 16), &WeekdaysOnly)), "2026-11-26 23:59:59");
        assert_eq!(due(urgent_deadline(at(2026, 11, 28, 9), &WeekdaysOnly)), "2026-11-30 23:59:59");
        assert_eq!(due(urgent_deadline(at(2026, 11, 29, 23), &WeekdaysOnly)), "2026-11-30 23:59:59");
    }

    #[test]
    fn deadline_rules_are_stored_as_text_and_apply() {
        let three = WorkingDays::try_from(3).unwrap();
        for rule in [DeadlineRule::Urgent, DeadlineRule::WorkingDays(three)] {
            assert_eq!(DeadlineRule::parse(&rule.to_text()), Some(rule));
        }
        assert_eq!(DeadlineRule::parse("working_days:0"), None);
        assert_eq!(DeadlineRule::parse("soon"), None);
        assert_eq!(DeadlineRule::for_finding(three, true), DeadlineRule::Urgent);
        let thursday = at(2026, 11, 26, 16);
        assert_eq!(due(DeadlineRule::Urgent.deadline(thursday, &WeekdaysOnly)), "2026-11-26 23:59:59");
        assert_eq!(due(DeadlineRule::WorkingDays(three).deadline(thursday, &WeekdaysOnly)), "2026-12-01 23:59:59");
    }

    #[test]
    fn urgency_from_deadline() {
        let deadline = Timestamp::end_of_day(LocalDate::new(2026, 11, 27).unwrap());
        assert_eq!(urgency(deadline, at(2026, 11, 27, 9)), Urgency::DueToday);
        assert_eq!(urgency(deadline, at(2026, 11, 25, 9)), Urgency::DueThisWeek);
        assert_eq!(urgency(deadline, at(2026, 11, 20, 9)), Urgency::Later);
        assert_eq!(urgency(deadline, at(2026, 11, 28, 0)), Urgency::Overdue);
        assert_eq!(urgency(deadline, deadline), Urgency::DueToday);
        assert_eq!(urgency(deadline, Timestamp(deadline.0 + 1)), Urgency::Overdue);
    }
}
