//! Findings of a date range as a file, for the coordinator:
//!   GET /api/v1/exports/findings.csv?from=2026-11-01&to=2026-11-30
//!   GET /api/v1/exports/findings.xlsx?from=2026-11-01&to=2026-11-30
//! Headers in the reader's language (Chinese in zh-CN). The CSV starts with a byte-order mark
//! so that Excel opens its Chinese text as UTF-8.

use super::doc::Refusals;
use super::extract::Coordinator;
use super::extract::QueryParams;
use super::{ApiFailure, SignedIn};
use app::api::error::ErrorCode;
use app::backend::export::{self, DateRange, ExportRow};
use app::backend::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// The first day, `YYYY-MM-DD`.
    #[serde(default)]
    from: String,
    /// The last day, `YYYY-MM-DD` (at most a year after `from`).
    #[serde(default)]
    to: String,
}

async fn rows(
    state: &AppState,
    signed_in: &SignedIn,
    range: &Range,
) -> Result<(DateRange, Vec<ExportRow>), ApiFailure> {
    let lang = signed_in.lang;
    let range = DateRange::parse(range.from.trim(), range.to.trim())
        .ok_or_else(|| ApiFailure::new(ErrorCode::Malformed, lang))?;
    let fail = |e: app::backend::BackendError| ApiFailure::from_backend(e, lang);
    let mut conn = state.pool.read().await.map_err(|e| fail(e.into()))?;
    let rows = export::rows(&mut conn, &signed_in.user, range, lang, state.clock.now()).await.map_err(fail)?;
    Ok((range, rows))
}

/// A sheet as a CSV download: UTF-8 with a byte-order mark (so that Excel opens its Chinese text
/// as UTF-8), every cell safe from being run as a formula. `what` names it in the log if writing
/// fails.
pub(super) fn csv_download<R: AsRef<[String]>>(
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
    name: String,
    what: &str,
    lang: app::i18n::Lang,
) -> Result<Response, ApiFailure> {
    let write = move || -> Result<Vec<u8>, csv::Error> {
        let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(headers)?;
        for row in rows {
            out.write_record(row.as_ref().iter().map(|cell| export::csv_cell(cell).into_owned()))?;
        }
        out.into_inner().map_err(|e| e.into_error().into())
    };
    let body = write().map_err(|e| {
        tracing::error!(error = %e, "writing {what}");
        ApiFailure::new(ErrorCode::Internal, lang)
    })?;
    Ok(download("text/csv; charset=utf-8", name, body))
}

pub(super) fn download(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

/// Findings received in the range as CSV (UTF-8 with a byte-order mark, for Excel).
#[utoipa::path(
    get,
    path = "/exports/findings.csv",
    tag = "exports",
    params(Range),
    responses((status = 200, description = "The file", content_type = "text/csv"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn csv(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    QueryParams(range): QueryParams<Range>,
) -> Result<Response, ApiFailure> {
    let (range, rows) = rows(&state, &signed_in, &range).await?;
    let name = format!("findings-{}-{}.csv", range.from, range.to);
    let lang = signed_in.lang;
    csv_download(&export::headers(lang), rows.iter().map(|r| &r.cells), name, "the CSV export", lang)
}

/// The same as an Excel workbook.
#[utoipa::path(
    get,
    path = "/exports/findings.xlsx",
    tag = "exports",
    params(Range),
    responses(
        (status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Refusals,
    ),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn xlsx(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    QueryParams(range): QueryParams<Range>,
) -> Result<Response, ApiFailure> {
    let (range, rows) = rows(&state, &signed_in, &range).await?;
    let body = workbook(&rows, signed_in.lang).map_err(|e| {
        tracing::error!(error = %e, "writing the XLSX export");
        ApiFailure::new(ErrorCode::Internal, signed_in.lang)
    })?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("findings-{}-{}.xlsx", range.from, range.to),
        body,
    ))
}

/// The metres column is a number; everything else text.
const METRES: u16 = 5;

fn workbook(rows: &[ExportRow], lang: app::i18n::Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if lang == app::i18n::Lang::ZhCn { "问题清单" } else { "Findings" })?;
    let bold = Format::new().set_bold();
    for (col, title) in export::headers(lang).iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
        sheet.set_column_width(col as u16, if col == 4 { 40 } else { 16 })?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in row.cells.iter().enumerate() {
            if col as u16 == METRES {
                sheet.write_number(r, METRES, row.metres)?;
            } else {
                sheet.write_string(r, col as u16, cell)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
