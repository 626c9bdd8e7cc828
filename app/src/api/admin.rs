//! The coordinator's administration: the directory as the screens show it, and the typed
//! requests of its writes on the JSON API.
//!   POST /api/v1/users                         `NewUserForm`
//!   PUT  /api/v1/users/{username}              `UserForm`
//!   PUT  /api/v1/users/{username}/disabled     `AccountStatus`
//!   PUT  /api/v1/users/{username}/password     `PasswordReset`
//!   PUT  /api/v1/communities/{id}              `NamesForm` (creates or renames)
//!   PUT  /api/v1/sections/{id}                 `SectionForm` (creates or changes)
//!   PUT  /api/v1/categories/{code}             `CategoryForm` (creates or changes)
//!   PUT  /api/v1/roads/{id}                    `RoadForm` (creates or changes; a new chief is
//!                                              a rotation, and the road keeps its past chiefs)

use super::error::ApiError;
use super::views::Named;
use crate::domain::admin::{NameError, PostError, RoadLineError, Subject};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserForm {
    /// 3–32 of a-z, 0-9, '.', '-' and '_'.
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// 8–128 characters; they change it after signing in.
    pub password: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserForm {
    pub display_name: String,
    pub role: Role,
    /// Empty or absent: none.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountStatus {
    pub disabled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// 8–128 characters. Every session of the account ends.
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NamesForm {
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SectionForm {
    pub name_zh: String,
    pub name_en: String,
    /// The head's username; empty or absent: no head.
    #[serde(default)]
    pub head: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryForm {
    pub name_zh: String,
    pub name_en: String,
    /// Where its findings go (the routing rule; a change is recorded with the rules too).
    pub section_id: String,
    /// Working days, 1 to 60.
    pub days: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoadForm {
    pub name_zh: String,
    pub name_en: String,
    pub community_id: String,
    /// The chief's username.
    pub chief: String,
    /// A GeoJSON file's text: a LineString, a Feature holding one, or a FeatureCollection of
    /// one. Needed for a new road; absent keeps the line.
    #[serde(default)]
    pub geometry: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    /// Roads they are chief of and sections they head (names).
    pub posts: Vec<Named>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminSection {
    pub section: Named,
    /// The head's username.
    pub head: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminCategory {
    pub category: Named,
    pub section_id: String,
    pub days: u16,
}

/// One term of a road's chief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChiefTerm {
    pub chief_name: String,
    pub from: Timestamp,
    /// `None`: chief now.
    pub until: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminRoad {
    pub road: Named,
    pub community_id: String,
    /// The chief's username.
    pub chief: String,
    pub coordinates: Vec<[f64; 2]>,
    /// Newest first.
    pub chiefs: Vec<ChiefTerm>,
}

/// One field of one thing changed on the administration screens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminChange {
    pub at: Timestamp,
    /// Who changed it (display name).
    pub actor: String,
    pub subject: Subject,
    pub subject_id: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Everything the administration screens show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    pub users: Vec<AdminUser>,
    pub communities: Vec<Named>,
    pub sections: Vec<AdminSection>,
    pub categories: Vec<AdminCategory>,
    pub roads: Vec<AdminRoad>,
    /// The newest first.
    pub changes: Vec<AdminChange>,
}

/// The directory and its change record (coordinator only).
#[server(endpoint = "directory", output = super::wire::Json)]
pub async fn load_directory() -> Result<Directory, ApiError> {
    let ctx = crate::backend::identity::signed_in()?;
    crate::backend::admin::directory(ctx.pool(), &ctx.user).await.map_err(|e| ctx.fail(e))
}

/// The reason a road's line was refused, in words.
pub fn road_line_msg(e: RoadLineError) -> Msg {
    match e {
        RoadLineError::NotJson => Msg::road_line_not_json,
        RoadLineError::NotALineString => Msg::road_line_not_line,
        RoadLineError::BadPosition => Msg::road_line_bad_position,
        RoadLineError::TooFewPoints => Msg::road_line_too_few,
        RoadLineError::TooManyPoints => Msg::road_line_too_many,
        RoadLineError::TooLong => Msg::road_line_too_long,
    }
}

impl From<NameError> for super::error::ErrorCode {
    fn from(e: NameError) -> Self {
        match e {
            NameError::Empty => super::error::ErrorCode::NameMissing,
            NameError::TooLong => super::error::ErrorCode::TextTooLong,
        }
    }
}

impl From<PostError> for super::error::ErrorCode {
    fn from(e: PostError) -> Self {
        use super::error::ErrorCode;
        match e {
            PostError::NotARoadChief => ErrorCode::NotARoadChief,
            PostError::NotASectionHead => ErrorCode::NotASectionHead,
            PostError::StillChief => ErrorCode::StillChief,
            PostError::StillHead => ErrorCode::StillHead,
            PostError::Yourself => ErrorCode::OwnAccount,
        }
    }
}
