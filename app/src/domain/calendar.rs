//! The official working-day calendar as data: per year, the public holidays (days off) and the
//! make-up working days (调休: a Saturday or Sunday declared a working day). A year without
//! a published calendar falls back to Monday–Friday.

use super::deadline::WorkingCalendar;
use super::time::LocalDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One year's calendar file, as published and imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    pub year: i32,
    #[serde(default)]
    pub source: Option<String>,
    pub holidays: Vec<HolidayEntry>,
    pub makeup_workdays: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HolidayEntry {
    pub name_zh: String,
    pub name_en: String,
    pub from: String,
    pub to: String,
}

/// A checked year: every date valid and inside the year, no day both off and worked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearCalendar {
    pub days_off: BTreeSet<LocalDate>,
    pub makeup_workdays: BTreeSet<LocalDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0:?} is not a date like 2026-10-01")]
    BadDate(String),
    #[error("{0} is not in the year {1}")]
    OutsideYear(LocalDate, i32),
    #[error("holiday {0} ends before it starts")]
    Backwards(String),
    #[error("holiday {0} is longer than 31 days")]
    TooLong(String),
    #[error("{0} is a weekday: only a Saturday or Sunday can be a make-up working day")]
    MakeupOnWeekday(LocalDate),
    #[error("{0} is both a holiday and a make-up working day")]
    Both(LocalDate),
}

fn date(text: &str, year: i32) -> Result<LocalDate, CalendarError> {
    let d = LocalDate::parse(text).map_err(|_| CalendarError::BadDate(text.to_owned()))?;
    if d.year() != year {
        return Err(CalendarError::OutsideYear(d, year));
    }
    Ok(d)
}

impl YearFile {
    pub fn check(&self) -> Result<YearCalendar, CalendarError> {
        let mut days_off = BTreeSet::new();
        for h in &self.holidays {
            let (from, to) = (date(&h.from, self.year)?, date(&h.to, self.year)?);
            if to < from {
                return Err(CalendarError::Backwards(h.name_en.clone()));
            }
            if to.days() - from.days() > 31 {
                return Err(CalendarError::TooLong(h.name_en.clone()));
            }
            days_off.extend((from.days()..=to.days()).map(LocalDate::from_days));
        }
        let mut makeup_workdays = BTreeSet::new();
        for text in &self.makeup_workdays {
            let d = date(text, self.year)?;
            if !d.weekday().is_weekend() {
                return Err(CalendarError::MakeupOnWeekday(d));
            }
            if days_off.contains(&d) {
                return Err(CalendarError::Both(d));
            }
            makeup_workdays.insert(d);
        }
        Ok(YearCalendar { days_off, makeup_workdays })
    }
}

/// Working days by the official calendar where a year has one, Monday–Friday elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfficialCalendar {
    years: BTreeMap<i32, YearCalendar>,
}

impl OfficialCalendar {
    pub fn new(years: impl IntoIterator<Item = (i32, YearCalendar)>) -> OfficialCalendar {
        OfficialCalendar { years: years.into_iter().collect() }
    }

    /// Whether the year's official calendar is known (else Monday–Friday is assumed).
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }
}

impl WorkingCalendar for OfficialCalendar {
    fn is_working_day(&self, day: LocalDate) -> bool {
        match self.years.get(&day.year()) {
            Some(y) if y.days_off.contains(&day) => false,
            Some(y) if y.makeup_workdays.contains(&day) => true,
            _ => !day.weekday().is_weekend(),
        }
    }
}

/// The calendars that ship with the app.
pub const SHIPPED: [&str; 1] = [include_str!("../../calendars/cn-2026.json")];

pub fn shipped() -> OfficialCalendar {
    OfficialCalendar::new(SHIPPED.iter().map(|text| {
        let file: YearFile = serde_json::from_str(text).expect("shipped calendar parses");
        (file.year, file.check().expect("shipped calendar is valid"))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::{deadline_after, WorkingDays};
    use crate::domain::time::Timestamp;
    use proptest::prelude::*;

    fn d(text: &str) -> LocalDate {
        LocalDate::parse(text).unwrap()
    }
    fn due(received: &str, days: u16) -> String {
        let at = Timestamp(Timestamp::start_of_day(d(received)).0 + 10 * 3_600_000);
        deadline_after(at, WorkingDays::try_from(days).unwrap(), &shipped()).local_date().to_string()
    }

    #[test]
    fn the_worked_examples_of_the_official_notice() {
        // Wed 2026-09-30 + 3 → Oct 8, Oct 9, Oct 10 (a make-up Saturday).
        assert_eq!(due("2026-09-30", 3), "2026-10-10");
        // Fri 2026-02-13 + 1 → Sat 2026-02-14, a make-up day.
        assert_eq!(due("2026-02-13", 1), "2026-02-14");
        // The Spring Festival week is skipped whole.
        assert_eq!(due("2026-02-14", 1), "2026-02-24");
        // New Year: Wed 2025-12-31 + 1 → Sun 2026-01-04 (make-up day), not Jan 1–3.
        assert_eq!(due("2025-12-31", 1), "2026-01-04");
    }

    #[test]
    fn urgent_deadlines_skip_holidays_and_use_make_up_days() {
        use crate::domain::deadline::urgent_deadline;
        let at = |text: &str| Timestamp(Timestamp::start_of_day(d(text)).0 + 9 * 3_600_000);
        // Thursday 1 October is National Day: due Thursday 8 October.
        assert_eq!(urgent_deadline(at("2026-10-01"), &shipped()).local_date(), d("2026-10-08"));
        // Saturday 10 October is a make-up working day: due that day.
        assert_eq!(urgent_deadline(at("2026-10-10"), &shipped()).local_date(), d("2026-10-10"));
    }

    #[test]
    fn a_year_without_a_calendar_is_monday_to_friday() {
        let c = shipped();
        assert!(c.knows(2026) && !c.knows(2027));
        // 2027-01-01 is a Friday: a working day by the fallback, whatever the notice will say.
        assert!(c.is_working_day(d("2027-01-01")));
        assert!(!c.is_working_day(d("2027-01-02")));
        // Across the year end: Thu 2026-12-31 + 2 → Fri 1 Jan, Mon 4 Jan 2027.
        assert_eq!(due("2026-12-31", 2), "2027-01-04");
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let base: YearFile = serde_json::from_str(SHIPPED[0]).unwrap();
        let mut f = base.clone();
        f.makeup_workdays.push("2026-03-03".into());
        assert_eq!(f.check(), Err(CalendarError::MakeupOnWeekday(d("2026-03-03"))));
        let mut f = base.clone();
        f.makeup_workdays.push("2026-10-03".into());
        assert_eq!(f.check(), Err(CalendarError::Both(d("2026-10-03"))));
        let mut f = base.clone();
        f.holidays[0].to = "2025-12-31".into();
        assert!(matches!(f.check(), Err(CalendarError::OutsideYear(..))));
        let mut f = base.clone();
        f.holidays[1].to = "2026-02-01".into();
        assert!(matches!(f.check(), Err(CalendarError::Backwards(_))));
        let mut f = base;
        f.holidays[2].from = "2026-04-31".into();
        assert!(matches!(f.check(), Err(CalendarError::BadDate(_))));
        assert!(serde_json::from_str::<YearFile>("{\"year\": 2026}").is_err());
    }

    proptest! {
        #[test]
        fn deadlines_fall_on_working_days_after_exactly_n_of_them(
            start in d("2025-12-01").days()..d("2027-02-01").days(),
            hour in 0i64..24,
            n in 1u16..=20,
        ) {
            let calendar = shipped();
            let received = Timestamp(Timestamp::start_of_day(LocalDate::from_days(start)).0 + hour * 3_600_000);
            let due = deadline_after(received, WorkingDays::try_from(n).unwrap(), &calendar).local_date();
            prop_assert!(calendar.is_working_day(due));
            let counted = (start + 1..=due.days()).filter(|x| calendar.is_working_day(LocalDate::from_days(*x))).count();
            prop_assert_eq!(counted, usize::from(n));
        }
    }
}
