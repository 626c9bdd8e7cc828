//! The JSON API's OpenAPI 3 document, served at `GET /api/v1/openapi.json`. It is collected
//! from the routes themselves (`utoipa_axum`: a route exists only with its description) and the
//! types that cross the wire (`utoipa::ToSchema` on `app::api`), so it cannot drift.
//!
//! Every operation says who may call it in `x-roles`: `anyone` (no session needed) or the roles
//! whose session it takes. The authorization test reads it and tries every route as everyone.

use app::api::error::ErrorBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Extension naming who may call an operation.
pub const ROLES: &str = "x-roles";
/// `x-roles` of an operation that needs no session.
pub const ANYONE: &str = "anyone";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Road Chief (路长巡查) API",
        description = "The versioned JSON API of Road Chief: sign-in, operations and sync for the \
                       phone, photos, the coordinator's settings and exports. A refusal is always \
                       `{\"error\": {\"code\", \"message\"}}`, the message in the caller's language \
                       (`Accept-Language` or the `lang` cookie). State-changing requests from \
                       another site's page are refused (`403 cross_site`).",
    ),
    modifiers(&SessionCookie),
    tags(
        (name = "session", description = "Signing in and out; one's own password"),
        (name = "operations", description = "Writes made on a device, each applied once"),
        (name = "sync", description = "The phone's outbox up, what changed down"),
        (name = "photos", description = "Photo files of findings"),
        (name = "users", description = "Accounts: created, changed, disabled, passwords reset (coordinator)"),
        (name = "communities", description = "The subdistrict's communities"),
        (name = "sections", description = "Sections: names, head, and how they hear of findings (webhook, email)"),
        (name = "notifications", description = "Messages to sections and people"),
        (name = "categories", description = "Categories and their routing rules: section and working days"),
        (name = "roads", description = "Roads: names, community, chief (rotation keeps the past chiefs), line"),
        (name = "calendars", description = "The official working-day calendars"),
        (name = "findings", description = "Deadline extensions of a finding"),
        (name = "reports", description = "Residents' reports from the public boards, and what a board shows"),
        (name = "exports", description = "Findings of a date range as a file"),
        (name = "street", description = "A road's shops and the chief's work log of visits"),
        (name = "race", description = "The race board (赛马) of a week or month as a file"),
        (name = "openapi", description = "This document"),
    )
)]
pub struct ApiDoc;

/// The session cookie every operation but sign-in needs.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                app::backend::auth::SESSION_COOKIE,
                "Set by POST /api/v1/session",
            ))),
        );
    }
}

/// The refusals any operation may answer with (which ones an operation gives depends on what
/// was sent and by whom).
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum Refusals {
    /// Not understood, or not valid (the code says which rule).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No session, or a wrong password.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Not this user's to do; a disabled account; another site's request.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Not possible in the current state, or an operation id reused with other content.
    #[response(status = 409)]
    Conflict(ErrorBody),
    #[response(status = 413)]
    TooLarge(ErrorBody),
    #[response(status = 415)]
    NotAnImage(ErrorBody),
    /// Too many failed sign-ins: `Retry-After` says when to try again.
    #[response(status = 429)]
    TooManyAttempts(ErrorBody),
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The server has more of this work than it takes on now.
    #[response(status = 503)]
    Busy(ErrorBody),
}

/// The document, once: served as it is.
pub fn json(api: &utoipa::openapi::OpenApi) -> String {
    api.to_pretty_json().expect("the OpenAPI document serializes")
}
