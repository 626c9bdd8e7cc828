//! Findings of a date range as rows for a spreadsheet, with the headers in the reader's
//! language (Chinese in zh-CN). The files themselves (CSV, XLSX) are written in `server`.

use super::store::{self, findings, Conn};
use super::{Result, User};
use crate::api::error::ErrorCode;
use crate::domain::finding::{overdue, FindingStatus};
use crate::domain::time::{LocalDate, Timestamp};
use crate::domain::Role;
use crate::i18n::{Lang, Msg, ServerMsg};

/// The most days one export may cover (a few years of a subdistrict's findings).
pub const MAX_DAYS: i64 = 3 * 366;

/// A checked date range: `from` ≤ `to`, at most `MAX_DAYS` long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: LocalDate,
    pub to: LocalDate,
}

impl DateRange {
    pub fn parse(from: &str, to: &str) -> Option<DateRange> {
        let (from, to) = (LocalDate::parse(from).ok()?, LocalDate::parse(to).ok()?);
        (from <= to && to.days() - from.days() <= MAX_DAYS).then_some(DateRange { from, to })
    }
}

/// The columns' headers in the reader's language.
pub fn headers(lang: Lang) -> [&'static str; 14] {
    [
        ServerMsg::sheet_id,
        ServerMsg::sheet_road,
        ServerMsg::sheet_community,
        ServerMsg::sheet_category,
        ServerMsg::sheet_note,
        ServerMsg::sheet_metres,
        ServerMsg::sheet_reported_by,
        ServerMsg::sheet_observed,
        ServerMsg::sheet_received,
        ServerMsg::sheet_status,
        ServerMsg::sheet_section,
        ServerMsg::sheet_deadline,
        ServerMsg::sheet_urgent,
        ServerMsg::sheet_overdue,
    ]
    .map(|msg| lang.server(msg))
}

/// A status by the name the screens give it.
fn status_text(status: FindingStatus, lang: Lang) -> &'static str {
    lang.text(match status {
        FindingStatus::Routed => Msg::status_routed,
        FindingStatus::Accepted => Msg::status_accepted,
        FindingStatus::Resolved => Msg::status_resolved,
        FindingStatus::Closed => Msg::status_closed,
        FindingStatus::Returned => Msg::status_returned,
    })
}

/// A CSV cell as a spreadsheet will not run: text that starts like a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'`, which spreadsheets show as text.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// One exported finding; `metres` stays a number so spreadsheets can sum it.
pub struct ExportRow {
    pub cells: [String; 14],
    pub metres: f64,
}

pub async fn rows(
    conn: &mut Conn,
    user: &User,
    range: DateRange,
    lang: Lang,
    now: Timestamp,
) -> Result<Vec<ExportRow>> {
    if user.role != Role::Coordinator {
        return Err(ErrorCode::Forbidden.into());
    }
    let found =
        findings::received_between(conn, Timestamp::start_of_day(range.from), Timestamp::end_of_day(range.to)).await?;
    let pick = |zh: String, en: String| if lang == Lang::ZhCn || en.is_empty() { zh } else { en };
    let yes_no = |b: bool| lang.server(if b { ServerMsg::sheet_yes } else { ServerMsg::sheet_no });
    found
        .into_iter()
        .map(|r| {
            let status = store::status(&r.status)?;
            let late = overdue(status, Timestamp(r.deadline_at), now);
            Ok(ExportRow {
                metres: r.along_m.round(),
                cells: [
                    r.id,
                    pick(r.road_zh, r.road_en),
                    pick(r.community_zh, r.community_en),
                    pick(r.category_zh, r.category_en),
                    r.note,
                    format!("{}", r.along_m.round() as i64),
                    r.reporter,
                    Timestamp(r.observed_at).format_local(),
                    Timestamp(r.received_at).format_local(),
                    status_text(status, lang).to_owned(),
                    pick(r.section_zh, r.section_en),
                    Timestamp(r.deadline_at).format_local(),
                    yes_no(r.urgent != 0).to_owned(),
                    yes_no(late).to_owned(),
                ],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_start_a_formula() {
        for hostile in ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            let cell = csv_cell(hostile);
            assert_eq!(cell, format!("'{hostile}"));
        }
        assert_eq!(csv_cell("垃圾堆放 = 3 处"), "垃圾堆放 = 3 处");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn ranges_must_be_ordered_and_bounded() {
        assert!(DateRange::parse("2026-11-01", "2026-11-30").is_some());
        assert!(DateRange::parse("2026-11-30", "2026-11-01").is_none());
        assert!(DateRange::parse("2026-11-01", "2030-11-01").is_none());
        assert!(DateRange::parse("yesterday", "2026-11-01").is_none());
    }

    #[test]
    fn headers_are_chinese_in_zh_cn() {
        assert_eq!(headers(Lang::ZhCn)[3], "问题类别");
        assert_eq!(headers(Lang::En)[3], "Category");
    }
}
