//! Open311 GeoReport v2: how the subdistrict's findings and residents' reports look to 311 apps
//! and city platforms. A finding is a service request; so is a report a platform posted, until
//! the road chief decides on it (and then it follows the finding made from it).

use super::finding::FindingStatus;
use super::report::{longest_wait, Limited, Recent, ReportStatus, ROAD_PER_DAY};
use super::sign_in::ceiling_wait;
use super::time::{LocalDate, Timestamp, SHANGHAI_OFFSET_MS};

/// The answer's format, named by the resource's extension (`services.json`, `requests.xml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// Splits `requests.json` into `("requests", Json)`; `None` without a known extension.
pub fn split_format(file: &str) -> Option<(&str, Format)> {
    let (stem, extension) = file.rsplit_once('.')?;
    let format = match extension.to_ascii_lowercase().as_str() {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    (!stem.is_empty()).then_some((stem, format))
}

/// A service request is open until it is closed out, or answered without a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestStatus {
    Open,
    Closed,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Closed => "closed",
        }
    }

    pub fn of_finding(status: FindingStatus) -> RequestStatus {
        match status {
            FindingStatus::Closed => RequestStatus::Closed,
            _ => RequestStatus::Open,
        }
    }

    /// A report waiting for the chief is open; once confirmed it is as its finding is; answered
    /// without a finding (or not taken up) it is closed.
    pub fn of_report(status: ReportStatus, finding: Option<FindingStatus>) -> RequestStatus {
        match (status, finding) {
            (ReportStatus::New, _) => RequestStatus::Open,
            (ReportStatus::Confirmed, Some(finding)) => RequestStatus::of_finding(finding),
            (ReportStatus::Confirmed, None) => RequestStatus::Open,
            (ReportStatus::Answered | ReportStatus::Spam, _) => RequestStatus::Closed,
        }
    }

    /// `open`, `closed` or both, comma-separated; `None` if a part is neither.
    pub fn parse_list(text: &str) -> Option<Vec<RequestStatus>> {
        let mut statuses = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let status = match part {
                "open" => RequestStatus::Open,
                "closed" => RequestStatus::Closed,
                _ => return None,
            };
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
        Some(statuses)
    }
}

/// A listing covers at most 90 days of requests (by when they were made), the last 90 when no
/// dates are given; at most this many requests are listed.
pub const WINDOW_MS: i64 = 90 * 86_400_000;
pub const MAX_LISTED: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowError {
    /// The end is before the start.
    Reversed,
    /// More than 90 days.
    TooLong,
}

/// The window `[start, end]` of a listing from the dates asked for.
pub fn window(
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), WindowError> {
    let (start, end) = match (start, end) {
        (Some(start), Some(end)) => (start, end),
        (Some(start), None) => (start, Timestamp(start.millis().saturating_add(WINDOW_MS))),
        (None, Some(end)) => (Timestamp(end.millis().saturating_sub(WINDOW_MS)), end),
        (None, None) => (Timestamp(now.millis() - WINDOW_MS), now),
    };
    if end.millis() < start.millis() {
        return Err(WindowError::Reversed);
    }
    if end.millis() - start.millis() > WINDOW_MS {
        return Err(WindowError::TooLong);
    }
    Ok((start, end))
}

/// A W3C date-time as the standard uses (`2010-01-01T00:00:00Z`, an offset such as `+08:00`,
/// optional fractions of a second); a date alone is its midnight in China.
pub fn parse_datetime(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let (date, rest) = match text.split_once('T') {
        Some((date, rest)) => (date, Some(rest)),
        None => (text, None),
    };
    let date = LocalDate::parse(date).ok()?;
    let Some(rest) = rest else {
        return Some(Timestamp::start_of_day(date));
    };
    let (clock, offset_ms) = if let Some(clock) = rest.strip_suffix('Z').or_else(|| rest.strip_suffix('z')) {
        (clock, 0)
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let (clock, offset) = rest.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':').unwrap_or((&offset[1..], "00"));
        let hours: i64 = number(hours, 2, 23)?;
        let minutes: i64 = number(minutes, 2, 59)?;
        (clock, sign * (hours * 60 + minutes) * 60_000)
    } else {
        // No offset: the subdistrict's own time.
        (rest, SHANGHAI_OFFSET_MS)
    };
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut parts = clock.split(':');
    let hour = number(parts.next()?, 2, 23)?;
    let minute = number(parts.next()?, 2, 59)?;
    let second = match parts.next() {
        Some(s) => number(s, 2, 60)?,
        None => 0,
    };
    if parts.next().is_some() || !fraction.chars().all(|c| c.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    let utc_midnight = date.days() * 86_400_000;
    Some(Timestamp(utc_midnight + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset_ms))
}

fn number(text: &str, digits: usize, max: i64) -> Option<i64> {
    if text.len() != digits || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n <= max)
}

/// `2026-12-03T13:46:29+08:00`: the subdistrict's own time, with its offset.
pub fn format_datetime(at: Timestamp) -> String {
    let date = at.local_date();
    let (hour, minute, second) = at.local_time();
    format!("{date}T{hour:02}:{minute:02}:{second:02}+08:00")
}

/// A platform's name for its key: letters, digits, `-`, `_` and `.`, up to 40.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformName(String);

impl PlatformName {
    pub fn parse(text: &str) -> Option<PlatformName> {
        let text = text.trim();
        let fine = !text.is_empty()
            && text.len() <= 40
            && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        fine.then(|| PlatformName(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reports a platform may post: it speaks for many residents, so more than one person may send,
/// but the road's own daily limit still holds.
pub const PLATFORM_PER_HOUR: usize = 60;
pub const PLATFORM_PER_DAY: usize = 300;

/// Whether a platform may post one more report (`recent.sender`: the platform's reports).
pub fn may_post(recent: &Recent, now: Timestamp) -> Result<(), Limited> {
    const HOUR_MS: i64 = 3_600_000;
    longest_wait([
        ceiling_wait(&recent.sender, PLATFORM_PER_HOUR, HOUR_MS, now),
        ceiling_wait(&recent.sender, PLATFORM_PER_DAY, 24 * HOUR_MS, now),
        ceiling_wait(&recent.road, ROAD_PER_DAY, 24 * HOUR_MS, now),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_names_the_format() {
        assert_eq!(split_format("services.json"), Some(("services", Format::Json)));
        assert_eq!(split_format("requests.XML"), Some(("requests", Format::Xml)));
        assert_eq!(split_format("0195.a.json"), Some(("0195.a", Format::Json)));
        assert_eq!(split_format("requests"), None);
        assert_eq!(split_format("requests.html"), None);
        assert_eq!(split_format(".json"), None);
    }

    #[test]
    fn a_report_follows_its_finding_once_confirmed() {
        use RequestStatus::*;
        assert_eq!(RequestStatus::of_report(ReportStatus::New, None), Open);
        assert_eq!(RequestStatus::of_report(ReportStatus::Confirmed, Some(FindingStatus::Resolved)), Open);
        assert_eq!(RequestStatus::of_report(ReportStatus::Confirmed, Some(FindingStatus::Closed)), Closed);
        assert_eq!(RequestStatus::of_report(ReportStatus::Answered, None), Closed);
        assert_eq!(RequestStatus::of_report(ReportStatus::Spam, None), Closed);
        assert_eq!(RequestStatus::of_finding(FindingStatus::Returned), Open);
    }

    #[test]
    fn statuses_are_a_comma_list() {
        assert_eq!(RequestStatus::parse_list("open"), Some(vec![RequestStatus::Open]));
        assert_eq!(
            RequestStatus::parse_list("closed, open,closed"),
            Some(vec![RequestStatus::Closed, RequestStatus::Open])
        );
        assert_eq!(RequestStatus::parse_list(""), Some(vec![]));
        assert_eq!(RequestStatus::parse_list("open,pending"), None);
    }

    #[test]
    fn datetimes_read_as_the_standard_writes_them() {
        let utc = parse_datetime("2010-01-01T00:00:00Z").unwrap();
        assert_eq!(utc.millis(), 1_262_304_000_000);
        assert_eq!(parse_datetime("2010-01-01T08:00:00+08:00"), Some(utc));
        assert_eq!(parse_datetime("2009-12-31T19:00:00-05:00"), Some(utc));
        assert_eq!(parse_datetime("2010-01-01T00:00:00.250Z").unwrap().millis(), utc.millis() + 250);
        assert_eq!(parse_datetime("2010-01-01T08:00+08:00"), Some(utc));
        assert_eq!(parse_datetime("2010-01-01T08:00:00"), Some(utc));
        // A date alone: midnight in China.
        assert_eq!(parse_datetime("2010-01-01").unwrap().millis(), utc.millis() - 8 * 3_600_000);
        for bad in [
            "",
            "yesterday",
            "2010-13-01T00:00:00Z",
            "2010-01-01T25:00:00Z",
            "2010-01-01T00:00:00+8",
            "2010-01-01T00:00:00.x1Z",
            "2010-01-01T00:00:00:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetimes_are_written_in_the_subdistricts_time_and_read_back() {
        let at = Timestamp(1_262_304_000_000);
        assert_eq!(format_datetime(at), "2010-01-01T08:00:00+08:00");
        assert_eq!(parse_datetime(&format_datetime(at)), Some(at));
    }

    #[test]
    fn a_window_is_at_most_ninety_days() {
        let now = Timestamp(1_800_000_000_000);
        let day = 86_400_000;
        assert_eq!(window(None, None, now), Ok((Timestamp(now.millis() - 90 * day), now)));
        let start = Timestamp(now.millis() - 10 * day);
        assert_eq!(window(Some(start), None, now), Ok((start, Timestamp(start.millis() + 90 * day))));
        assert_eq!(window(None, Some(start), now), Ok((Timestamp(start.millis() - 90 * day), start)));
        assert_eq!(window(Some(now), Some(start), now), Err(WindowError::Reversed));
        assert_eq!(window(Some(Timestamp(now.millis() - 91 * day)), Some(now), now), Err(WindowError::TooLong));
        assert!(window(Some(Timestamp(now.millis() - 90 * day)), Some(now), now).is_ok());
    }

    #[test]
    fn a_platform_posts_more_than_a_resident_but_not_past_the_roads_limit() {
        let now = Timestamp(1_800_000_000_000);
        let minutes_ago = |n: i64| Timestamp(now.millis() - n * 60_000);
        let some = Recent { sender: (1..=20).map(minutes_ago).collect(), sender_spam: vec![], road: vec![] };
        assert_eq!(may_post(&some, now), Ok(()));
        let hour_full = Recent { sender: (0..60).map(minutes_ago).collect(), ..some.clone() };
        assert_eq!(may_post(&hour_full, now), Err(Limited::Wait { retry_after_s: 60 }));
        let road_full = Recent { sender: vec![], sender_spam: vec![], road: (1..=60).map(minutes_ago).collect() };
        assert!(may_post(&road_full, now).is_err());
    }

    #[test]
    fn platform_names_are_plain() {
        assert_eq!(PlatformName::parse(" city-311 ").unwrap().as_str(), "city-311");
        assert!(PlatformName::parse("").is_none());
        assert!(PlatformName::parse("a b").is_none());
        assert!(PlatformName::parse("<script>").is_none());
        assert!(PlatformName::parse(&"x".repeat(41)).is_none());
    }
}
