//! Time as the road-chief system counts it: instants in UTC milliseconds; days and ISO weeks
//! in Asia/Shanghai, which is a fixed UTC+8 with no daylight saving. Pure arithmetic, so the
//! browser needs no date crate and tests can pass any "now".

use serde::{Deserialize, Serialize};
use std::fmt;

const DAY_MS: i64 = 86_400_000;
/// Asia/Shanghai is UTC+8 all year.
pub const SHANGHAI_OFFSET_MS: i64 = 8 * 3_600_000;

/// An instant: milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    fn local_millis(self) -> i64 {
        self.0 + SHANGHAI_OFFSET_MS
    }

    /// The calendar day in Asia/Shanghai that contains this instant.
    pub fn local_date(self) -> LocalDate {
        LocalDate::from_days(self.local_millis().div_euclid(DAY_MS))
    }

    /// Hours, minutes and seconds of the day in Asia/Shanghai.
    pub fn local_time(self) -> (u32, u32, u32) {
        let ms = self.local_millis().rem_euclid(DAY_MS) / 1000;
        ((ms / 3600) as u32, ((ms / 60) % 60) as u32, (ms % 60) as u32)
    }

    /// 00:00:00 Asia/Shanghai of the given day.
    pub fn start_of_day(day: LocalDate) -> Timestamp {
        Timestamp(day.days() * DAY_MS - SHANGHAI_OFFSET_MS)
    }

    /// 23:59:59 Asia/Shanghai of the given day: the moment a deadline on that day expires.
    pub fn end_of_day(day: LocalDate) -> Timestamp {
        Timestamp(Self::start_of_day(day).0 + DAY_MS - 1000)
    }

    /// Parses the value of an `<input type="datetime-local">` ("2026-11-26T16:09", seconds
    /// optional), read as Asia/Shanghai time.
    pub fn parse_local(text: &str) -> Result<Timestamp, TimeParseError> {
        let (date, time) = text.trim().split_once('T').ok_or(TimeParseError)?;
        let day = LocalDate::parse(date)?;
        let mut parts = time.split(':');
        let mut next = |max: u32| -> Result<u32, TimeParseError> {
            let p = parts.next().ok_or(TimeParseError)?;
            let v: u32 = parse_digits(p)?;
            if v > max {
                return Err(TimeParseError);
            }
            Ok(v)
        };
        let h = next(23)?;
        let m = next(59)?;
        let s = next(59).unwrap_or(0);
        let ms = Self::start_of_day(day).0 + (i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)) * 1000;
        Ok(Timestamp(ms))
    }

    /// "2026-11-26T16:09", the format of `<input type="datetime-local">`.
    pub fn to_local_input(self) -> String {
        let (h, m, _) = self.local_time();
        format!("{}T{h:02}:{m:02}", self.local_date())
    }

    /// "16:09" in Asia/Shanghai.
    pub fn format_clock(self) -> String {
        let (h, m, _) = self.local_time();
        format!("{h:02}:{m:02}")
    }

    /// "2026-11-26 16:09" in Asia/Shanghai, for people to read.
    pub fn format_local(self) -> String {
        let (h, m, _) = self.local_time();
        format!("{} {h:02}:{m:02}", self.local_date())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a valid date or time")]
pub struct TimeParseError;

fn parse_digits<T: std::str::FromStr>(s: &str) -> Result<T, TimeParseError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimeParseError);
    }
    s.parse().map_err(|_| TimeParseError)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    Mon = 1,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Sat | Weekday::Sun)
    }
}

/// A calendar day (proleptic Gregorian), as people in Shanghai name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LocalDate {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl LocalDate {
    pub fn new(year: i32, month: u8, day: u8) -> Option<LocalDate> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(LocalDate { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// "2026-11-26".
    pub fn parse(text: &str) -> Result<LocalDate, TimeParseError> {
        let mut parts = text.trim().splitn(3, '-');
        let y: i32 = parse_digits(parts.next().ok_or(TimeParseError)?)?;
        let m: u8 = parse_digits(parts.next().ok_or(TimeParseError)?)?;
        let d: u8 = parse_digits(parts.next().ok_or(TimeParseError)?)?;
        LocalDate::new(y, m, d).ok_or(TimeParseError)
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`LocalDate::days`].
    pub fn from_days(days: i64) -> LocalDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        LocalDate { year, month, day }
    }

    pub fn add_days(self, n: i64) -> LocalDate {
        LocalDate::from_days(self.days() + n)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days() + 3).rem_euclid(7) {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }

    pub fn iso_week(self) -> IsoWeek {
        // The ISO week belongs to the year of its Thursday.
        let thursday = self.add_days(4 - self.weekday() as i64);
        let jan1 = LocalDate::new(thursday.year, 1, 1).expect("January 1st exists");
        let week = (thursday.days() - jan1.days()) / 7 + 1;
        IsoWeek { year: thursday.year, week: week as u8 }
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An ISO 8601 week ("2026-W48"): the unit of the road chief's weekly inspection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u8,
}

impl IsoWeek {
    pub fn containing(instant: Timestamp) -> IsoWeek {
        instant.local_date().iso_week()
    }

    pub fn new(year: i32, week: u8) -> Option<IsoWeek> {
        let candidate = IsoWeek { year, week };
        (week >= 1 && candidate.monday().iso_week() == candidate).then_some(candidate)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn week(self) -> u8 {
        self.week
    }

    pub fn monday(self) -> LocalDate {
        // January 4th is always in week 1.
        let jan4 = LocalDate::new(self.year, 1, 4).expect("January 4th exists");
        let week1_monday = jan4.add_days(1 - jan4.weekday() as i64);
        week1_monday.add_days(i64::from(self.week - 1) * 7)
    }

    pub fn sunday(self) -> LocalDate {
        self.monday().add_days(6)
    }

    pub fn previous(self) -> IsoWeek {
        self.monday().add_days(-7).iso_week()
    }

    pub fn contains(self, day: LocalDate) -> bool {
        day.iso_week() == self
    }

    pub fn parse(text: &str) -> Result<IsoWeek, TimeParseError> {
        let (y, w) = text.trim().split_once("-W").ok_or(TimeParseError)?;
        IsoWeek::new(parse_digits(y)?, parse_digits(w)?).ok_or(TimeParseError)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoWeek {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        IsoWeek::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// In the API's OpenAPI document: a string like `2026-W49`.
#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for IsoWeek {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^[0-9]{4}-W[0-9]{2}$"))
            .examples(["2026-W49"])
            .into()
    }
}

#[cfg(feature = "ssr")]
impl utoipa::ToSchema for IsoWeek {}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u8, d: u8) -> LocalDate {
        LocalDate::new(y, m, d).unwrap()
    }

    /// 2026-11-26 08:09 UTC is 16:09 in Shanghai.
    const SAMPLE: Timestamp = Timestamp(1_795_680_540_000);

    #[test]
    fn days_round_trip_over_four_centuries() {
        for days in (-200_000..200_000).step_by(37) {
            assert_eq!(LocalDate::from_days(days).days(), days);
        }
        assert_eq!(date(1970, 1, 1).days(), 0);
        assert_eq!(date(2000, 3, 1).days(), 11_017);
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert!(LocalDate::new(2026, 2, 29).is_none());
        assert!(LocalDate::new(2028, 2, 29).is_some());
        assert!(LocalDate::new(1900, 2, 29).is_none());
        assert!(LocalDate::new(2000, 2, 29).is_some());
        assert!(LocalDate::new(2026, 13, 1).is_none());
        assert!(LocalDate::new(2026, 4, 31).is_none());
        assert!(LocalDate::parse("2026-4-1x").is_err());
        assert!(LocalDate::parse("").is_err());
        assert_eq!(LocalDate::parse("2026-04-01").unwrap(), date(2026, 4, 1));
    }

    #[test]
    fn local_date_uses_utc_plus_eight() {
        assert_eq!(SAMPLE.local_date(), date(2026, 11, 26));
        assert_eq!(SAMPLE.local_time(), (16, 9, 0));
        // 16:30 UTC on the 25th is already 00:30 on the 26th in Shanghai.
        let late = Timestamp::start_of_day(date(2026, 11, 26)).0 + 30 * 60_000;
        assert_eq!(Timestamp(late).local_date(), date(2026, 11, 26));
        assert_eq!(Timestamp(late - 31 * 60_000).local_date(), date(2026, 11, 25));
    }

    #[test]
    fn end_of_day_is_one_second_before_midnight() {
        let end = Timestamp::end_of_day(date(2026, 12, 31));
        assert_eq!(end.local_date(), date(2026, 12, 31));
        assert_eq!(end.local_time(), (23, 59, 59));
        assert_eq!(Timestamp(end.0 + 1000).local_date(), date(2027, 1, 1));
    }

    #[test]
    fn weekdays() {
        assert_eq!(date(2026, 11, 26).weekday(), Weekday::Thu);
        assert_eq!(date(2026, 11, 28).weekday(), Weekday::Sat);
        assert_eq!(date(1970, 1, 1).weekday(), Weekday::Thu);
        assert_eq!(date(2024, 12, 30).weekday(), Weekday::Mon);
    }

    #[test]
    fn iso_week_boundaries() {
        assert_eq!(date(2026, 11, 26).iso_week().to_string(), "2026-W48");
        // 2026 begins on a Thursday: January 1st is in week 1 of 2026.
        assert_eq!(date(2026, 1, 1).iso_week().to_string(), "2026-W01");
        // 2020 had 53 weeks; 2021-01-03 (Sunday) is still in 2020-W53.
        assert_eq!(date(2021, 1, 3).iso_week().to_string(), "2020-W53");
        assert_eq!(date(2021, 1, 4).iso_week().to_string(), "2021-W01");
        // 2024-12-30 (Monday) is in week 1 of 2025.
        assert_eq!(date(2024, 12, 30).iso_week().to_string(), "2025-W01");
        // 2027-01-01 is a Friday: it belongs to the last week of 2026 (2026-W53).
        assert_eq!(date(2027, 1, 1).iso_week().to_string(), "2026-W53");
        assert_eq!(date(2027, 1, 4).iso_week().to_string(), "2027-W01");
    }

    #[test]
    fn iso_week_from_instant_changes_at_shanghai_midnight() {
        // Sunday 2026-11-29 23:59:59 Shanghai is week 48; one second later is week 49.
        let end_of_sunday = Timestamp::end_of_day(date(2026, 11, 29));
        assert_eq!(IsoWeek::containing(end_of_sunday).to_string(), "2026-W48");
        assert_eq!(IsoWeek::containing(Timestamp(end_of_sunday.0 + 1000)).to_string(), "2026-W49");
    }

    #[test]
    fn iso_week_parse_and_days() {
        let w = IsoWeek::parse("2026-W48").unwrap();
        assert_eq!(w.monday(), date(2026, 11, 23));
        assert_eq!(w.sunday(), date(2026, 11, 29));
        assert!(w.contains(date(2026, 11, 26)));
        assert_eq!(w.previous().to_string(), "2026-W47");
        assert_eq!(IsoWeek::parse("2026-W01").unwrap().previous().to_string(), "2025-W52");
        assert!(IsoWeek::parse("2026-W53").is_ok());
        assert!(IsoWeek::parse("2025-W53").is_err());
        assert!(IsoWeek::parse("2026-W00").is_err());
        assert!(IsoWeek::parse("2026W10").is_err());
        assert!(IsoWeek::parse("x-W10").is_err());
    }

    #[test]
    fn every_day_lies_in_the_week_it_names() {
        for days in 19_000..21_000 {
            let d = LocalDate::from_days(days);
            let w = d.iso_week();
            assert!(w.monday() <= d && d <= w.sunday(), "{d} {w}");
            assert_eq!(IsoWeek::new(w.year(), w.week()), Some(w));
        }
    }

    #[test]
    fn datetime_local_input_round_trip() {
        let t = Timestamp::parse_local("2026-11-26T16:09").unwrap();
        assert_eq!(t, SAMPLE);
        assert_eq!(t.to_local_input(), "2026-11-26T16:09");
        assert_eq!(t.format_local(), "2026-11-26 16:09");
        assert_eq!(Timestamp::parse_local("2026-11-26T16:09:30").unwrap().0, SAMPLE.0 + 30_000);
        for bad in ["", "2026-11-26", "2026-11-26T24:00", "2026-11-26T12:60", "2026-02-30T10:00", "T10:00"] {
            assert!(Timestamp::parse_local(bad).is_err(), "{bad}");
        }
    }
}
