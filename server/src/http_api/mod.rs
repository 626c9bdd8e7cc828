//! The versioned JSON API (`/api/v1`): the writes that must answer with precise status codes
//! (sign-in and sign-out, operations). Every refusal is `{"error": {"code", "message"}}` with
//! the message in the caller's language.

mod extract;
mod failure;
mod operations;
mod session;

use app::backend::AppState;
use axum::routing::post;
use axum::Router;

pub use extract::SignedIn;
pub use failure::ApiFailure;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/operations", post(operations::apply))
}
