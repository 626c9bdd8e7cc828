//! The chief's street: the shops on a road (the register, with the storefront pledge 门前三包)
//! and the work log of visits and conversations, with the rules both follow.

use super::text::Note;
use super::time::{LocalDate, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A short one-line text a person typed (a shop's name, house number, business type, owner,
/// contact): trimmed, control characters made spaces, 1 to `max` characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
}

impl Line {
    pub fn parse(text: &str, max: usize) -> Result<Line, LineError> {
        let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Err(LineError::Empty)
        } else if trimmed.chars().count() > max {
            Err(LineError::TooLong)
        } else {
            Ok(Line(trimmed.to_owned()))
        }
    }

    /// Blank means none.
    pub fn parse_optional(text: Option<&str>, max: usize) -> Result<Option<Line>, LineError> {
        match text {
            None => Ok(None),
            Some(t) => match Line::parse(t, max) {
                Err(LineError::Empty) => Ok(None),
                other => other.map(Some),
            },
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const MAX_SHOP_NAME_CHARS: usize = 60;
pub const MAX_HOUSE_NUMBER_CHARS: usize = 20;
pub const MAX_BUSINESS_TYPE_CHARS: usize = 30;
pub const MAX_OWNER_CHARS: usize = 30;
pub const MAX_CONTACT_CHARS: usize = 60;
/// Shops one road may hold: Market Road 1 has 83; a register of thousands is a mistake.
pub const MAX_SHOPS_PER_ROAD: usize = 500;
/// A follow-up is planned at most this far ahead.
pub const FOLLOW_UP_MAX_DAYS: i64 = 366;
/// This many findings about one shop make it a repeat offender, shown at a glance.
pub const REPEAT_FINDINGS: u32 = 2;

/// What is wrong with a shop as entered: said field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShopError {
    #[error("the shop's name is missing")]
    NameMissing,
    #[error("the house number is missing")]
    HouseNumberMissing,
    #[error("the business type is missing")]
    BusinessTypeMissing,
    #[error("a field is longer than allowed")]
    TooLong,
}

/// A shop as the register keeps it, parsed from what was typed or imported.
#[derive(Clone, Debug, PartialEq)]
pub struct Shop {
    pub name: Line,
    pub house_number: Line,
    pub business_type: Line,
    pub owner: Option<Line>,
    pub contact: Option<Line>,
    pub pledge_signed: bool,
    pub open: bool,
}

/// The fields of a shop as they come in (from the phone or the import file).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShopFields {
    pub name: String,
    pub house_number: String,
    pub business_type: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub pledge_signed: bool,
    #[serde(default = "yes")]
    pub open: bool,
}

fn yes() -> bool {
    true
}

impl Shop {
    pub fn parse(fields: &ShopFields) -> Result<Shop, ShopError> {
        let required = |text: &str, max, missing| match Line::parse(text, max) {
            Ok(line) => Ok(line),
            Err(LineError::Empty) => Err(missing),
            Err(LineError::TooLong) => Err(ShopError::TooLong),
        };
        let optional = |text: Option<&str>, max| Line::parse_optional(text, max).map_err(|_| ShopError::TooLong);
        Ok(Shop {
            name: required(&fields.name, MAX_SHOP_NAME_CHARS, ShopError::NameMissing)?,
            house_number: required(&fields.house_number, MAX_HOUSE_NUMBER_CHARS, ShopError::HouseNumberMissing)?,
            business_type: required(&fields.business_type, MAX_BUSINESS_TYPE_CHARS, ShopError::BusinessTypeMissing)?,
            owner: optional(fields.owner.as_deref(), MAX_OWNER_CHARS)?,
            contact: optional(fields.contact.as_deref(), MAX_CONTACT_CHARS)?,
            pledge_signed: fields.pledge_signed,
            open: fields.open,
        })
    }
}

/// What is wrong with a visit as entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VisitError {
    #[error("what was asked or suggested is missing")]
    AskedMissing,
    #[error("a note is longer than allowed")]
    TooLong,
    #[error("the follow-up date is not a date")]
    FollowUpNotADate,
    #[error("the follow-up date is before the visit or more than a year ahead")]
    FollowUpOutOfRange,
}

/// A visit or conversation as the work log keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub asked: Note,
    pub promised: Option<Note>,
    pub follow_up: Option<LocalDate>,
}

impl Visit {
    /// `follow_up` is `YYYY-MM-DD` or blank; it may not be before the day of the visit, nor
    /// more than `FOLLOW_UP_MAX_DAYS` after `now`.
    pub fn parse(
        asked: &str,
        promised: Option<&str>,
        follow_up: Option<&str>,
        visited_at: Timestamp,
        now: Timestamp,
    ) -> Result<Visit, VisitError> {
        use super::text::NoteError;
        let asked = Note::parse(asked).map_err(|e| match e {
            NoteError::Empty => VisitError::AskedMissing,
            NoteError::TooLong => VisitError::TooLong,
        })?;
        let promised = Note::parse_optional(promised).map_err(|_| VisitError::TooLong)?;
        let follow_up = match follow_up.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(text) => {
                let day = LocalDate::parse(text).map_err(|_| VisitError::FollowUpNotADate)?;
                if day < visited_at.local_date() || day > now.local_date().add_days(FOLLOW_UP_MAX_DAYS) {
                    return Err(VisitError::FollowUpOutOfRange);
                }
                Some(day)
            }
        };
        Ok(Visit { asked, promised, follow_up })
    }
}

/// A follow-up comes due on its day and stays due until it is marked done.
pub fn follow_up_due(on: LocalDate, done: bool, today: LocalDate) -> bool {
    !done && on <= today
}

/// A calendar quarter, the period visit coverage is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    pub fn containing(day: LocalDate) -> Quarter {
        Quarter { year: day.year(), quarter: (day.month() - 1) / 3 + 1 }
    }

    pub fn first_day(self) -> LocalDate {
        LocalDate::new(self.year, (self.quarter - 1) * 3 + 1, 1).expect("a quarter starts on a real day")
    }

    /// The first instant of the quarter, in Shanghai time.
    pub fn start(self) -> Timestamp {
        Timestamp::start_of_day(self.first_day())
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

/// How many of a road's open shops the chief visited in a quarter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Coverage {
    pub visited: u32,
    /// Open shops (a closed one is not counted: there is no one to visit).
    pub shops: u32,
}

/// Coverage from each shop's openness and its last visit.
pub fn coverage(shops: impl IntoIterator<Item = (bool, Option<Timestamp>)>, quarter: Quarter) -> Coverage {
    let start = quarter.start();
    shops.into_iter().filter(|(open, _)| *open).fold(Coverage::default(), |c, (_, last)| Coverage {
        visited: c.visited + u32::from(last.is_some_and(|at| at >= start)),
        shops: c.shops + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> LocalDate {
        LocalDate::new(y, m, d).unwrap()
    }

    fn noon(d: LocalDate) -> Timestamp {
        Timestamp(Timestamp::start_of_day(d).0 + 12 * 3_600_000)
    }

    #[test]
    fn lines_are_one_trimmed_bounded_line() {
        assert_eq!(Line::parse("  老王面馆\n ", 10).unwrap().as_str(), "老王面馆");
        assert_eq!(Line::parse("a\r\nb", 10).unwrap().as_str(), "a  b");
        assert_eq!(Line::parse(" \t", 10), Err(LineError::Empty));
        assert!(Line::parse(&"店".repeat(10), 10).is_ok());
        assert_eq!(Line::parse(&"店".repeat(11), 10), Err(LineError::TooLong));
        assert_eq!(Line::parse_optional(Some("  "), 5), Ok(None));
        assert_eq!(Line::parse_optional(None, 5), Ok(None));
        assert_eq!(Line::parse_optional(Some("123456"), 5), Err(LineError::TooLong));
    }

    #[test]
    fn a_shop_needs_a_name_a_number_and_a_trade() {
        let fields = ShopFields {
            name: "老王面馆".into(),
            house_number: "12号".into(),
            business_type: "餐饮".into(),
            owner: Some(" ".into()),
            contact: Some("0532-1234".into()),
            pledge_signed: true,
            open: true,
        };
        let shop = Shop::parse(&fields).unwrap();
        assert_eq!(shop.owner, None, "blank is none");
        assert_eq!(shop.contact.unwrap().as_str(), "0532-1234");
        let broken = |f: fn(&mut ShopFields)| {
            let mut copy = fields.clone();
            f(&mut copy);
            Shop::parse(&copy).unwrap_err()
        };
        assert_eq!(broken(|f| f.name = "".into()), ShopError::NameMissing);
        assert_eq!(broken(|f| f.house_number = " ".into()), ShopError::HouseNumberMissing);
        assert_eq!(broken(|f| f.business_type = "".into()), ShopError::BusinessTypeMissing);
        assert_eq!(broken(|f| f.owner = Some("x".repeat(31))), ShopError::TooLong);
        assert_eq!(broken(|f| f.name = "x".repeat(61)), ShopError::TooLong);
        // An import row without `open` is an open shop.
        let row: ShopFields = serde_json::from_str(r#"{"name":"a","house_number":"1","business_type":"b"}"#).unwrap();
        assert!(row.open && !row.pledge_signed);
    }

    #[test]
    fn a_visit_needs_what_was_asked_and_a_sensible_follow_up() {
        let now = noon(day(2026, 12, 2));
        let ok = Visit::parse(" 想在门前放两张桌子 ", Some(""), Some("2026-12-09"), now, now).unwrap();
        assert_eq!(ok.asked.as_str(), "想在门前放两张桌子");
        assert_eq!((ok.promised, ok.follow_up), (None, Some(day(2026, 12, 9))));
        assert_eq!(Visit::parse(" ", None, None, now, now), Err(VisitError::AskedMissing));
        assert_eq!(Visit::parse("a", Some(&"x".repeat(2001)), None, now, now), Err(VisitError::TooLong));
        assert_eq!(Visit::parse("a", None, Some("next week"), now, now), Err(VisitError::FollowUpNotADate));
        assert_eq!(Visit::parse("a", None, Some("2026-12-01"), now, now), Err(VisitError::FollowUpOutOfRange));
        assert_eq!(Visit::parse("a", None, Some("2028-01-01"), now, now), Err(VisitError::FollowUpOutOfRange));
        // The visit's own day is fine, even when it reaches the server days later.
        let earlier = noon(day(2026, 11, 28));
        assert!(Visit::parse("a", None, Some("2026-11-28"), earlier, now).is_ok());
    }

    #[test]
    fn follow_ups_come_due_on_their_day_until_done() {
        let today = day(2026, 12, 2);
        assert!(follow_up_due(day(2026, 12, 2), false, today));
        assert!(follow_up_due(day(2026, 11, 20), false, today));
        assert!(!follow_up_due(day(2026, 12, 3), false, today));
        assert!(!follow_up_due(day(2026, 11, 20), true, today));
    }

    #[test]
    fn quarters() {
        assert_eq!(Quarter::containing(day(2026, 12, 31)), Quarter { year: 2026, quarter: 4 });
        assert_eq!(Quarter::containing(day(2026, 1, 1)).first_day(), day(2026, 1, 1));
        assert_eq!(Quarter::containing(day(2026, 6, 30)).first_day(), day(2026, 4, 1));
        assert_eq!(Quarter::containing(day(2026, 8, 15)).to_string(), "2026-Q3");
    }

    #[test]
    fn coverage_counts_open_shops_visited_this_quarter() {
        let quarter = Quarter::containing(day(2026, 12, 2));
        let this = Some(noon(day(2026, 10, 1)));
        let last = Some(noon(day(2026, 9, 30)));
        let shops = [(true, this), (true, last), (true, None), (false, this)];
        assert_eq!(coverage(shops, quarter), Coverage { visited: 1, shops: 3 });
        // Midnight in Shanghai starts the quarter, not midnight UTC.
        let just_before = Some(Timestamp(quarter.start().0 - 1));
        assert_eq!(coverage([(true, just_before)], quarter).visited, 0);
        assert_eq!(coverage([(true, Some(quarter.start()))], quarter).visited, 1);
    }
}
