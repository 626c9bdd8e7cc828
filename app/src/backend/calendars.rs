//! The working-day calendars deadlines are counted in: one official file per year, stored in
//! the database (the years that ship with the app are written at start-up when missing), and
//! imported or edited by the coordinator. Years without a file count Monday–Friday.

use super::store::{self, Conn};
use super::{BackendError, Pool, Result, User};
use crate::api::error::ErrorCode;
use crate::domain::calendar::{CalendarError, OfficialCalendar, YearFile, SHIPPED};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Lang;

/// The calendar as stored now. Read in the transaction that sets a deadline, so an import
/// and a routing never mix (a few small files: parsing them costs microseconds).
pub async fn current(conn: &mut Conn) -> Result<OfficialCalendar> {
    let rows = store::calendars::all(conn).await?;
    let mut years = Vec::with_capacity(rows.len());
    for (year, body) in rows {
        // Checked on import; a row that no longer parses is a corrupt database, not a user error.
        let file: YearFile =
            serde_json::from_str(&body).map_err(|e| BackendError::Corrupt(format!("calendar {year}: {e}")))?;
        let checked = file.check().map_err(|e| BackendError::Corrupt(format!("calendar {year}: {e}")))?;
        years.push((file.year, checked));
    }
    Ok(OfficialCalendar::new(years))
}

/// Writes the calendars that ship with the app for years the database does not have yet;
/// a year the coordinator imported or edited is left alone.
pub async fn seed_shipped(pool: &Pool, now: Timestamp) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    for text in SHIPPED {
        let file: YearFile = serde_json::from_str(text).map_err(|e| BackendError::Corrupt(e.to_string()))?;
        store::calendars::insert_missing(&mut tx, file.year, text, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Why a calendar file was refused, for the coordinator to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Unreadable(String),
    #[error("{0}")]
    Invalid(CalendarError),
    #[error("the file is for {found}, not {expected}")]
    WrongYear { expected: i32, found: i32 },
}

impl ImportError {
    /// What is wrong, in the coordinator's language (English is the `Display` text).
    pub fn describe(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            ImportError::Unreadable(_) => "不是有效的 JSON 日历文件（需要 year、holidays、makeup_workdays）".into(),
            ImportError::WrongYear { expected, found } => format!("文件是 {found} 年的，不是 {expected} 年"),
            ImportError::Invalid(e) => match e {
                CalendarError::BadDate(d) => format!("{d} 不是 2026-10-01 这样的日期"),
                CalendarError::OutsideYear(d, y) => format!("{d} 不在 {y} 年内"),
                CalendarError::Backwards(h) => format!("假期“{h}”的结束日期早于开始日期"),
                CalendarError::TooLong(h) => format!("假期“{h}”超过 31 天"),
                CalendarError::MakeupOnWeekday(d) => format!("{d} 是工作日：只有周六或周日才能是调休上班日"),
                CalendarError::Both(d) => format!("{d} 既是假日又是调休上班日"),
            },
        }
    }
}

/// Checks a year's file completely before anything is written; stores it as sent.
pub fn parse_year(expected: i32, text: &str) -> std::result::Result<YearFile, ImportError> {
    let file: YearFile = serde_json::from_str(text).map_err(|e| ImportError::Unreadable(e.to_string()))?;
    if file.year != expected {
        return Err(ImportError::WrongYear { expected, found: file.year });
    }
    file.check().map_err(ImportError::Invalid)?;
    Ok(file)
}

/// Imports (or replaces) a year's calendar. Deadlines already set stay as they are.
pub async fn import(pool: &Pool, user: &User, file: &YearFile, now: Timestamp) -> Result<()> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let body = serde_json::to_string_pretty(file).map_err(|e| BackendError::Corrupt(e.to_string()))?;
    let mut tx = pool.begin_write().await?;
    store::calendars::put(&mut tx, file.year, &body, &user.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A year's file as stored, if any.
pub async fn year(pool: &Pool, year: i32) -> Result<Option<String>> {
    store::calendars::body(&mut *pool.read().await?, year).await
}

/// The years near `now` (this one, and the next from November on, when deadlines start to
/// reach into it) that have no calendar: deadlines there count Monday–Friday only.
pub async fn missing_years(conn: &mut Conn, now: Timestamp) -> Result<Vec<i32>> {
    let today = now.local_date();
    let mut near = vec![today.year()];
    if today.month() >= 11 {
        near.push(today.year() + 1);
    }
    let known: Vec<i32> = store::calendars::years(conn).await?.into_iter().map(|(y, _, _)| y).collect();
    Ok(near.into_iter().filter(|y| !known.contains(y)).collect())
}
