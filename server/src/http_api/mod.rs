//! The versioned JSON API (`/api/v1`): the writes that must answer with precise status codes
//! (sign-in and sign-out, operations, sync, photo files). Every refusal is `{"error": {"code", "message"}}` with
//! the message in the caller's language.

mod exports;
mod extract;
mod failure;
mod notifications;
mod operations;
mod photos;
mod session;
mod settings;
mod sync;

use crate::protect;
use app::backend::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use axum::Router;

pub use extract::SignedIn;
pub use failure::ApiFailure;

/// The largest body of the routes that take small JSON (settings, a calendar file, sign-in).
const SMALL_BODY_MAX: usize = 256 * 1024;
/// A full batch of 500 findings with long notes is a few MB.
const SYNC_BODY_MAX: usize = 16 * 1024 * 1024;
/// A photo, and one byte to tell "too large" apart from "exactly the limit".
const PHOTO_BODY_MAX: usize = app::domain::photo::MAX_PHOTO_BYTES + 1;

pub fn router() -> Router<AppState> {
    let large = Router::new()
        .route(
            "/sync",
            post(sync::sync)
                .layer(DefaultBodyLimit::max(SYNC_BODY_MAX))
                .layer(from_fn_with_state(SYNC_BODY_MAX, protect::limit_body)),
        )
        .route(
            "/findings/{finding_id}/photos/{hash}",
            put(photos::upload)
                .layer(DefaultBodyLimit::max(PHOTO_BODY_MAX))
                .layer(from_fn_with_state(PHOTO_BODY_MAX, protect::limit_body)),
        );
    let small = Router::new()
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/password", put(session::change_password))
        .route("/operations", post(operations::apply))
        .route("/photos/{hash}", get(photos::download))
        .route("/sections/{id}/webhook", put(notifications::set_webhook))
        .route("/sections/{id}/email", put(notifications::set_email))
        .route("/notifications/{id}/retry", post(notifications::retry))
        .route("/categories/{code}/rule", put(settings::set_rule))
        .route("/calendars/{year}", get(settings::get_calendar).put(settings::put_calendar))
        .route("/findings/{id}/extension", post(settings::ask_extension))
        .route("/findings/{id}/extension/decision", post(settings::decide_extension))
        .route("/exports/findings.csv", get(exports::csv))
        .route("/exports/findings.xlsx", get(exports::xlsx))
        .layer(from_fn_with_state(SMALL_BODY_MAX, protect::limit_body));
    large.merge(small)
}
