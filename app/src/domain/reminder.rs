//! When the scheduler reminds whom: pure decisions on "now", the calendar and a finding's
//! deadline. Each reminder has a key naming what it is about and for which period; the server
//! stores the key once (unique), so nothing is sent twice across restarts or processes.

use super::deadline::WorkingCalendar;
use super::time::{IsoWeek, LocalDate, Timestamp, Weekday};

const HOUR_MS: i64 = 3_600_000;
/// Reminders go out at the start of office hours.
const OFFICE_OPENS_H: i64 = 9;
/// The road chiefs' reminder goes out on Friday afternoon.
const FRIDAY_REMINDER_H: i64 = 14;
/// Look this far back for a working day before a deadline; a calendar without one is broken.
const MAX_SEARCH_DAYS: i64 = 60;

/// What a reminder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// To the section, one working day before the deadline.
    DueSoon,
    /// To the section and the coordinator, when the deadline passed with the finding open.
    Overdue,
    /// To a road chief whose road has no submitted inspection on Friday afternoon.
    ChiefReminder,
    /// To the coordinator on Monday: last week's roads not inspected, overdue by section.
    WeeklySummary,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 4] =
        [ReminderKind::DueSoon, ReminderKind::Overdue, ReminderKind::ChiefReminder, ReminderKind::WeeklySummary];

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::DueSoon => "due_soon",
            ReminderKind::Overdue => "overdue",
            ReminderKind::ChiefReminder => "chief_reminder",
            ReminderKind::WeeklySummary => "weekly_summary",
        }
    }

    pub fn parse(text: &str) -> Option<ReminderKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

fn at_hour(day: LocalDate, hour: i64) -> Timestamp {
    Timestamp(Timestamp::start_of_day(day).millis() + hour * HOUR_MS)
}

/// The working day before `day` (by the calendar).
fn previous_working_day(day: LocalDate, calendar: &impl WorkingCalendar) -> LocalDate {
    let mut d = day.add_days(-1);
    for _ in 0..MAX_SEARCH_DAYS {
        if calendar.is_working_day(d) {
            return d;
        }
        d = d.add_days(-1);
    }
    d
}

/// When the section is reminded of a deadline: 09:00 on the working day before the
/// deadline's day.
pub fn due_soon_at(deadline: Timestamp, calendar: &impl WorkingCalendar) -> Timestamp {
    at_hour(previous_working_day(deadline.local_date(), calendar), OFFICE_OPENS_H)
}

/// Whether the due-soon reminder for a deadline set at `set_at` is due now. A deadline set
/// after the reminder's moment (an urgent finding, a one-day deadline received late) gets none:
/// the routing message itself said when it is due.
pub fn due_soon_now(deadline: Timestamp, set_at: Timestamp, now: Timestamp, calendar: &impl WorkingCalendar) -> bool {
    let remind = due_soon_at(deadline, calendar);
    set_at < remind && remind <= now && now <= deadline
}

/// The week whose road chiefs are reminded now, if any: from Friday 14:00 to the end of
/// Sunday (a server that was down on Friday afternoon still reminds on the weekend).
pub fn chief_reminder_week(now: Timestamp) -> Option<IsoWeek> {
    let week = IsoWeek::containing(now);
    let friday = week.monday().add_days(4);
    (now >= at_hour(friday, FRIDAY_REMINDER_H)).then_some(week)
}

/// The week the coordinator's summary is about: last week, from Monday 09:00 on (any later
/// day of the week catches up once if the server was down on Monday).
pub fn summary_week(now: Timestamp) -> Option<IsoWeek> {
    let week = IsoWeek::containing(now);
    (now >= at_hour(week.monday(), OFFICE_OPENS_H)).then(|| week.previous())
}

/// Keys that make each reminder happen once.
pub fn due_soon_key(finding_id: &str, deadline: Timestamp) -> String {
    format!("due_soon:{finding_id}:{}", deadline.millis())
}

pub fn overdue_key(finding_id: &str, deadline: Timestamp) -> String {
    format!("overdue:{finding_id}:{}", deadline.millis())
}

/// A joint case's task: its section is reminded, and escalated, on its own deadline.
pub fn task_due_soon_key(finding_id: &str, section_id: &str, deadline: Timestamp) -> String {
    format!("task_due_soon:{finding_id}:{section_id}:{}", deadline.millis())
}

pub fn task_overdue_key(finding_id: &str, section_id: &str, deadline: Timestamp) -> String {
    format!("task_overdue:{finding_id}:{section_id}:{}", deadline.millis())
}

pub fn chief_key(road_id: &str, week: IsoWeek) -> String {
    format!("chief:{road_id}:{week}")
}

pub fn summary_key(week: IsoWeek) -> String {
    format!("summary:{week}")
}

/// Whether `now` falls on a Friday (used to word the chiefs' reminder).
pub fn is_friday(now: Timestamp) -> bool {
    now.local_date().weekday() == Weekday::Fri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::shipped;
    use crate::domain::deadline::WeekdaysOnly;

    fn day(y: i32, m: u8, d: u8) -> LocalDate {
        LocalDate::new(y, m, d).unwrap()
    }

    #[test]
    fn due_soon_is_nine_on_the_working_day_before() {
        // Deadline Wednesday 2026-11-25 → Tuesday 09:00.
        let deadline = Timestamp::end_of_day(day(2026, 11, 25));
        assert_eq!(due_soon_at(deadline, &WeekdaysOnly), at_hour(day(2026, 11, 24), 9));
        // Deadline Monday → the Friday before.
        let monday = Timestamp::end_of_day(day(2026, 11, 30));
        assert_eq!(due_soon_at(monday, &WeekdaysOnly), at_hour(day(2026, 11, 27), 9));
        // Deadline 2026-10-08, after the National Day holiday (10-01 to 10-07 off): the working
        // day before it is 09-30. Deadline Monday 10-12: the make-up Saturday 10-10.
        let after_holiday = Timestamp::end_of_day(day(2026, 10, 8));
        assert_eq!(due_soon_at(after_holiday, &shipped()), at_hour(day(2026, 9, 30), 9));
        let after_makeup = Timestamp::end_of_day(day(2026, 10, 12));
        assert_eq!(due_soon_at(after_makeup, &shipped()), at_hour(day(2026, 10, 10), 9));
    }

    #[test]
    fn a_deadline_set_after_the_reminder_time_gets_none() {
        let deadline = Timestamp::end_of_day(day(2026, 11, 25));
        let remind = at_hour(day(2026, 11, 24), 9);
        let early = Timestamp(remind.millis() - 86_400_000);
        assert!(!due_soon_now(deadline, early, Timestamp(remind.millis() - 1), &WeekdaysOnly));
        assert!(due_soon_now(deadline, early, remind, &WeekdaysOnly));
        assert!(
            !due_soon_now(deadline, early, Timestamp(deadline.millis() + 1), &WeekdaysOnly),
            "past: overdue instead"
        );
        let late = Timestamp(remind.millis() + 1);
        assert!(!due_soon_now(deadline, late, Timestamp(remind.millis() + 2), &WeekdaysOnly));
    }

    #[test]
    fn chiefs_are_reminded_from_friday_afternoon_to_sunday() {
        let week = IsoWeek::containing(at_hour(day(2026, 11, 27), 10));
        assert_eq!(chief_reminder_week(at_hour(day(2026, 11, 27), 13)), None);
        assert_eq!(chief_reminder_week(at_hour(day(2026, 11, 27), 14)), Some(week));
        assert_eq!(chief_reminder_week(at_hour(day(2026, 11, 29), 23)), Some(week));
        assert_eq!(chief_reminder_week(at_hour(day(2026, 11, 30), 10)), None, "a new week");
        assert!(is_friday(at_hour(day(2026, 11, 27), 14)));
    }

    #[test]
    fn the_summary_is_about_last_week_from_monday_nine() {
        let monday = day(2026, 11, 30);
        let last = IsoWeek::containing(at_hour(day(2026, 11, 27), 10));
        assert_eq!(summary_week(at_hour(monday, 8)), None);
        assert_eq!(summary_week(at_hour(monday, 9)), Some(last));
        assert_eq!(summary_week(at_hour(day(2026, 12, 3), 9)), Some(last), "catches up later in the week");
        assert_eq!(summary_key(last), "summary:2026-W48");
    }
}
