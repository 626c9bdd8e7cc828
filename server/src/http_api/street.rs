//! The chief's street, for the road's chief and the coordinator:
//!   GET /api/v1/roads/{id}/street     the road's shops, visit coverage, follow-ups due, latest log
//!   GET /api/v1/roads/{id}/log?q=     the work log searched (newest first)
//!   GET /api/v1/roads/{id}/log.csv    the whole work log (UTF-8 with a byte-order mark)
//!   GET /api/v1/roads/{id}/log.xlsx   the same as an Excel workbook
//!   GET /api/v1/shops/{id}            one shop: its visits and the findings about it
//! Shops are saved and visits recorded as operations (`save_shop`, `record_visit`,
//! `follow_up_done`) through `POST /api/v1/operations` and `POST /api/v1/sync`.

use super::doc::Refusals;
use super::exports::{csv_download, download};
use super::extract::{PathParams, QueryParams, RoadKeeper};
use super::ApiFailure;
use app::api::error::ErrorCode;
use app::api::street::{ShopPage, StreetPage, VisitView};
use app::backend::{street, AppState, BackendError};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Search {
    /// Words the entry's text, shop or recorder contain (at most 100 characters); blank: all.
    #[serde(default)]
    q: String,
}

/// A road's street screen.
#[utoipa::path(
    get,
    path = "/roads/{id}/street",
    tag = "street",
    params(("id" = String, Path, description = "The road's id")),
    responses((status = 200, body = StreetPage), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn page(
    State(state): State<AppState>,
    RoadKeeper(signed_in): RoadKeeper,
    PathParams(id): PathParams<String>,
) -> Result<Json<StreetPage>, ApiFailure> {
    let fail = |e: BackendError| ApiFailure::from_backend(e, signed_in.lang);
    let mut conn = state.pool.read().await.map_err(|e| fail(e.into()))?;
    Ok(Json(street::page(&mut conn, &signed_in.user, &id, state.clock.now()).await.map_err(fail)?))
}

/// The road's work log, searched.
#[utoipa::path(
    get,
    path = "/roads/{id}/log",
    tag = "street",
    params(("id" = String, Path, description = "The road's id"), Search),
    responses((status = 200, body = Vec<VisitView>), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn log(
    State(state): State<AppState>,
    RoadKeeper(signed_in): RoadKeeper,
    PathParams(id): PathParams<String>,
    QueryParams(search): QueryParams<Search>,
) -> Result<Json<Vec<VisitView>>, ApiFailure> {
    let fail = |e: BackendError| ApiFailure::from_backend(e, signed_in.lang);
    let mut conn = state.pool.read().await.map_err(|e| fail(e.into()))?;
    Ok(Json(street::search_log(&mut conn, &signed_in.user, &id, &search.q).await.map_err(fail)?))
}

/// One shop's page.
#[utoipa::path(
    get,
    path = "/shops/{id}",
    tag = "street",
    params(("id" = String, Path, description = "The shop's id")),
    responses((status = 200, body = ShopPage), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn shop(
    State(state): State<AppState>,
    RoadKeeper(signed_in): RoadKeeper,
    PathParams(id): PathParams<String>,
) -> Result<Json<ShopPage>, ApiFailure> {
    let fail = |e: BackendError| ApiFailure::from_backend(e, signed_in.lang);
    let mut conn = state.pool.read().await.map_err(|e| fail(e.into()))?;
    Ok(Json(street::shop_page(&mut conn, &signed_in.user, &id, state.clock.now()).await.map_err(fail)?))
}

async fn log_rows(
    state: &AppState,
    signed_in: &super::SignedIn,
    id: &str,
) -> Result<(String, Vec<[String; 9]>), ApiFailure> {
    let fail = |e: BackendError| ApiFailure::from_backend(e, signed_in.lang);
    let mut conn = state.pool.read().await.map_err(|e| fail(e.into()))?;
    let (road, rows) = street::log_rows(&mut conn, &signed_in.user, id, signed_in.lang).await.map_err(fail)?;
    Ok((road.named.id, rows))
}

/// The road's whole work log as CSV.
#[utoipa::path(
    get,
    path = "/roads/{id}/log.csv",
    tag = "street",
    params(("id" = String, Path, description = "The road's id")),
    responses((status = 200, description = "The file", content_type = "text/csv"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn csv(
    State(state): State<AppState>,
    RoadKeeper(signed_in): RoadKeeper,
    PathParams(id): PathParams<String>,
) -> Result<Response, ApiFailure> {
    let (road, rows) = log_rows(&state, &signed_in, &id).await?;
    let lang = signed_in.lang;
    csv_download(&street::log_headers(lang), &rows, format!("work-log-{road}.csv"), "the work log CSV", lang)
}

/// The road's whole work log as an Excel workbook.
#[utoipa::path(
    get,
    path = "/roads/{id}/log.xlsx",
    tag = "street",
    params(("id" = String, Path, description = "The road's id")),
    responses(
        (status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Refusals,
    ),
    security(("session" = [])),
    extensions(("x-roles" = json!(["road_chief", "coordinator"])))
)]
pub async fn xlsx(
    State(state): State<AppState>,
    RoadKeeper(signed_in): RoadKeeper,
    PathParams(id): PathParams<String>,
) -> Result<Response, ApiFailure> {
    let (road, rows) = log_rows(&state, &signed_in, &id).await?;
    let body = workbook(&rows, signed_in.lang).map_err(|e| {
        tracing::error!(error = %e, "writing the work log XLSX");
        ApiFailure::new(ErrorCode::Internal, signed_in.lang)
    })?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("work-log-{road}.xlsx"),
        body,
    ))
}

fn workbook(rows: &[[String; 9]], lang: app::i18n::Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(if lang == app::i18n::Lang::ZhCn { "工作日志" } else { "Work log" })?;
    let bold = Format::new().set_bold();
    for (col, title) in street::log_headers(lang).iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
        sheet.set_column_width(col as u16, if col == 3 || col == 4 { 40 } else { 16 })?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            sheet.write_string(i as u32 + 1, col as u16, cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
