//! The versioned JSON API (`/api/v1`): the writes that must answer with precise status codes
//! (sign-in and sign-out, operations, sync, photo files, settings, exports). Every refusal is
//! `{"error": {"code", "message"}}` with the message in the caller's language. Each route is
//! described where it is written (`#[utoipa::path]`); the document is `doc`.

mod admin;
pub mod doc;
mod exports;
mod extract;
mod failure;
mod notifications;
mod operations;
mod photos;
mod race;
mod reports;
mod session;
mod settings;
mod street;
mod sync;

use crate::protect;
use app::backend::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use extract::SignedIn;
pub use failure::ApiFailure;

/// The largest body of the routes that take small JSON (settings, a calendar file, sign-in).
const SMALL_BODY_MAX: usize = 256 * 1024;
/// A full batch of 500 findings with long notes is a few MB.
const SYNC_BODY_MAX: usize = 16 * 1024 * 1024;
/// A photo, and one byte to tell "too large" apart from "exactly the limit".
const PHOTO_BODY_MAX: usize = app::domain::photo::MAX_PHOTO_BYTES + 1;

/// The routes of `/api/v1` and their OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let sync = OpenApiRouter::new()
        .routes(routes!(sync::sync))
        .layer(DefaultBodyLimit::max(SYNC_BODY_MAX))
        .layer(from_fn_with_state(SYNC_BODY_MAX, protect::limit_body));
    let photo_files = OpenApiRouter::new()
        .routes(routes!(photos::upload))
        .layer(DefaultBodyLimit::max(PHOTO_BODY_MAX))
        .layer(from_fn_with_state(PHOTO_BODY_MAX, protect::limit_body));
    let small = OpenApiRouter::new()
        .routes(routes!(session::sign_in, session::sign_out))
        .routes(routes!(session::change_password))
        .routes(routes!(operations::apply))
        .routes(routes!(photos::download))
        .routes(routes!(photos::on_board))
        .routes(routes!(notifications::set_webhook))
        .routes(routes!(notifications::set_email))
        .routes(routes!(notifications::retry))
        .routes(routes!(settings::set_rule))
        .routes(routes!(admin::create_user))
        .routes(routes!(admin::change_user))
        .routes(routes!(admin::set_disabled))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::put_community))
        .routes(routes!(admin::put_section))
        .routes(routes!(admin::put_category))
        .routes(routes!(admin::put_road))
        .routes(routes!(settings::get_calendar, settings::put_calendar))
        .routes(routes!(settings::ask_extension))
        .routes(routes!(settings::decide_extension))
        .routes(routes!(reports::waiting))
        .routes(routes!(reports::confirm))
        .routes(routes!(reports::answer))
        .routes(routes!(reports::spam))
        .routes(routes!(reports::set_board))
        .routes(routes!(exports::csv))
        .routes(routes!(exports::xlsx))
        .routes(routes!(race::csv))
        .routes(routes!(street::page))
        .routes(routes!(street::log))
        .routes(routes!(street::csv))
        .routes(routes!(street::xlsx))
        .routes(routes!(street::shop))
        .routes(routes!(openapi))
        .layer(from_fn_with_state(SMALL_BODY_MAX, protect::limit_body));
    let (router, api) = OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .nest("/api/v1", sync.merge(photo_files).merge(small))
        .split_for_parts();
    let document = Document(doc::json(&api).into());
    (router.layer(axum::Extension(document)), api)
}

/// The OpenAPI document, as served.
#[derive(Clone)]
struct Document(std::sync::Arc<str>);

/// This API's OpenAPI 3 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "openapi",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")),
    extensions(("x-roles" = json!(["anyone"])))
)]
async fn openapi(axum::Extension(Document(document)): axum::Extension<Document>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document.to_string())
}
