//! The race board as a file, for the coordinator:
//!   GET /api/v1/race.csv?period=2026-W49   (or 2026-12; none: last week)
//! Headers in the reader's language. The CSV starts with a byte-order mark so that Excel opens
//! its Chinese text as UTF-8.

use super::doc::Refusals;
use super::exports::csv_download;
use super::extract::{Coordinator, QueryParams};
use super::ApiFailure;
use app::backend::{race, AppState, BackendError};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Which {
    /// `YYYY-Www` or `YYYY-MM`; none: last week.
    #[serde(default)]
    period: Option<String>,
}

/// Every chief's and section's standing of a week or month as CSV.
#[utoipa::path(
    get,
    path = "/race.csv",
    tag = "race",
    params(Which),
    responses((status = 200, description = "The file", content_type = "text/csv"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn csv(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    QueryParams(which): QueryParams<Which>,
) -> Result<Response, ApiFailure> {
    let lang = signed_in.lang;
    let fail = |e: BackendError| ApiFailure::from_backend(e, lang);
    let now = state.clock.now();
    let period = race::period_of(which.period.as_deref(), now).map_err(fail)?;
    let rows = {
        let mut conn = state.pool.read().await.map_err(|e| fail(e.into()))?;
        race::sheet_rows(&mut conn, &signed_in.user, period, lang, now).await.map_err(fail)?
    };
    csv_download(&race::sheet_headers(lang), &rows, format!("race-{period}.csv"), "the race board CSV", lang)
}
