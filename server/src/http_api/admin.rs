//! The coordinator's administration (see `app::api::admin` for the routes). Each write is
//! checked whole before anything is written and recorded field by field.

use super::doc::Refusals;
use super::extract::{Coordinator, JsonBody, PathParams};
use super::ApiFailure;
use app::api::admin::{
    road_line_msg, AccountStatus, CategoryForm, NamesForm, NewUserForm, PasswordReset, RoadForm, SectionForm, UserForm,
};
use app::api::error::ErrorCode;
use app::backend::admin::{self, PersonForm, RoadChange};
use app::backend::{AppState, BackendError};
use app::domain::admin::road_line_from_geojson;
use app::domain::deadline::WorkingDays;
use app::domain::text::NewPassword;
use app::i18n::Lang;
use axum::extract::State;
use axum::http::StatusCode;

fn failed(lang: Lang) -> impl Fn(BackendError) -> ApiFailure {
    move |e| ApiFailure::from_backend(e, lang)
}

fn password(text: &str, lang: Lang) -> Result<NewPassword, ApiFailure> {
    NewPassword::parse(text).map_err(|_| ApiFailure::new(ErrorCode::WeakPassword, lang))
}

/// A new account, with a first password.
#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    request_body = NewUserForm,
    responses((status = 201, description = "Created; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn create_user(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    JsonBody(form): JsonBody<NewUserForm>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let person = PersonForm::parse(&form.display_name, form.role, form.phone.as_deref(), form.email.as_deref())
        .map_err(failed(lang))?;
    let password = password(&form.password, lang)?;
    admin::create_user(&state.pool, &signed_in.user, &form.username, &person, password, state.clock.now())
        .await
        .map_err(failed(lang))?;
    Ok(StatusCode::CREATED)
}

/// A person's name, role and contacts.
#[utoipa::path(
    put,
    path = "/users/{username}",
    tag = "users",
    params(("username" = String, Path, description = "The account's username")),
    request_body = UserForm,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn change_user(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(username): PathParams<String>,
    JsonBody(form): JsonBody<UserForm>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let person = PersonForm::parse(&form.display_name, form.role, form.phone.as_deref(), form.email.as_deref())
        .map_err(failed(lang))?;
    admin::change_user(&state.pool, &signed_in.user, &username, &person, state.clock.now())
        .await
        .map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disables an account (its sessions end) or enables it again.
#[utoipa::path(
    put,
    path = "/users/{username}/disabled",
    tag = "users",
    params(("username" = String, Path, description = "The account's username")),
    request_body = AccountStatus,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn set_disabled(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(username): PathParams<String>,
    JsonBody(status): JsonBody<AccountStatus>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    admin::set_disabled(&state.pool, &signed_in.user, &username, status.disabled, state.clock.now())
        .await
        .map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives an account a new password; its sessions end.
#[utoipa::path(
    put,
    path = "/users/{username}/password",
    tag = "users",
    params(("username" = String, Path, description = "The account's username")),
    request_body = PasswordReset,
    responses((status = 204, description = "Reset; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(username): PathParams<String>,
    JsonBody(reset): JsonBody<PasswordReset>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let password = password(&reset.password, lang)?;
    admin::reset_password(&state.pool, &signed_in.user, &username, password, state.clock.now())
        .await
        .map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates the community or renames it.
#[utoipa::path(
    put,
    path = "/communities/{id}",
    tag = "communities",
    params(("id" = String, Path, description = "The community's id: 1–64 of a-z, 0-9, '-' and '_'")),
    request_body = NamesForm,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn put_community(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(id): PathParams<String>,
    JsonBody(form): JsonBody<NamesForm>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let names = admin::names(&form.name_zh, &form.name_en).map_err(failed(lang))?;
    admin::put_community(&state.pool, &signed_in.user, &id, &names, state.clock.now()).await.map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates the section or changes its names and head.
#[utoipa::path(
    put,
    path = "/sections/{id}",
    tag = "sections",
    params(("id" = String, Path, description = "The section's id: 1–64 of a-z, 0-9, '-' and '_'")),
    request_body = SectionForm,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn put_section(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(id): PathParams<String>,
    JsonBody(form): JsonBody<SectionForm>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let names = admin::names(&form.name_zh, &form.name_en).map_err(failed(lang))?;
    admin::put_section(&state.pool, &signed_in.user, &id, &names, form.head.as_deref(), state.clock.now())
        .await
        .map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates the category or changes its names and routing rule.
#[utoipa::path(
    put,
    path = "/categories/{code}",
    tag = "categories",
    params(("code" = String, Path, description = "The category's code: 1–64 of a-z, 0-9, '-' and '_'")),
    request_body = CategoryForm,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn put_category(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(code): PathParams<String>,
    JsonBody(form): JsonBody<CategoryForm>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let names = admin::names(&form.name_zh, &form.name_en).map_err(failed(lang))?;
    let days = u16::try_from(form.days)
        .ok()
        .and_then(|d| WorkingDays::try_from(d).ok())
        .ok_or_else(|| ApiFailure::new(ErrorCode::InvalidWorkingDays, lang))?;
    let section = form.section_id.trim();
    admin::put_category(&state.pool, &signed_in.user, &code, &names, section, days, state.clock.now())
        .await
        .map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates the road or changes it; a different chief is a rotation, and the road keeps its
/// past chiefs. The line comes from a GeoJSON file, checked before anything is written.
#[utoipa::path(
    put,
    path = "/roads/{id}",
    tag = "roads",
    params(("id" = String, Path, description = "The road's id: 1–64 of a-z, 0-9, '-' and '_'")),
    request_body = RoadForm,
    responses((status = 204, description = "Saved; the change is recorded"), Refusals),
    security(("session" = [])),
    extensions(("x-roles" = json!(["coordinator"])))
)]
pub async fn put_road(
    State(state): State<AppState>,
    Coordinator(signed_in): Coordinator,
    PathParams(id): PathParams<String>,
    JsonBody(form): JsonBody<RoadForm>,
) -> Result<StatusCode, ApiFailure> {
    let lang = signed_in.lang;
    let names = admin::names(&form.name_zh, &form.name_en).map_err(failed(lang))?;
    let line = match form.geometry.as_deref().filter(|g| !g.trim().is_empty()) {
        Some(text) => Some(road_line_from_geojson(text).map_err(|e| ApiFailure {
            detail: Some(lang.format(road_line_msg(e), &[])),
            ..ApiFailure::new(ErrorCode::InvalidRoadLine, lang)
        })?),
        None => None,
    };
    let change = RoadChange {
        names,
        community_id: form.community_id.trim().to_owned(),
        chief: form.chief.trim().to_owned(),
        line,
    };
    admin::put_road(&state.pool, &signed_in.user, &id, &change, state.clock.now()).await.map_err(failed(lang))?;
    Ok(StatusCode::NO_CONTENT)
}
