//! The coordinator's settings and decisions and the section head's request for more time, as
//! typed requests: the page sends exactly what the handler reads.
//!   PUT  /api/v1/sections/{id}/webhook            `WebhookSetting`
//!   PUT  /api/v1/sections/{id}/email              `EmailSetting`
//!   PUT  /api/v1/categories/{code}/rule           `RuleSetting`
//!   POST /api/v1/findings/{id}/extension          `ExtensionAsk`
//!   POST /api/v1/findings/{id}/extension/decision `ExtensionDecision`

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookSetting {
    /// `None` or empty removes the webhook.
    pub url: Option<String>,
    /// `json` (the default), `wecom` or `dingtalk`.
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailSetting {
    /// `None` or empty removes the address.
    pub email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    pub section_id: String,
    /// Working days, 1 to 60.
    pub days: i64,
    /// A resolution needs a photo of the result; absent keeps the rule as it is.
    #[serde(default)]
    pub after_photo: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionAsk {
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecision {
    pub grant: bool,
    /// More working days, when granted.
    #[serde(default)]
    pub days: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The answer to a decision: the finding's deadline now (unix ms) and whether time was granted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExtensionDecided {
    pub deadline: crate::domain::time::Timestamp,
    pub granted: bool,
}

pub fn webhook_path(section_id: &str) -> String {
    format!("/api/v1/sections/{section_id}/webhook")
}

pub fn email_path(section_id: &str) -> String {
    format!("/api/v1/sections/{section_id}/email")
}

pub fn rule_path(category: &str) -> String {
    format!("/api/v1/categories/{category}/rule")
}

pub fn extension_path(finding_id: &uuid::Uuid) -> String {
    format!("/api/v1/findings/{finding_id}/extension")
}

pub fn extension_decision_path(finding_id: &uuid::Uuid) -> String {
    format!("/api/v1/findings/{finding_id}/extension/decision")
}

/// A number typed into a form, or 0 (which the server refuses with the reason) if it is none.
pub fn typed_days(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}
