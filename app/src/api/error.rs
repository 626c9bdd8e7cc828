//! The one error type that crosses the wire. A code says what went wrong; the HTTP status and
//! the localized message both derive from it, here, once.

use crate::domain::names::named;
use crate::i18n::{Lang, Msg};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

named! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum ErrorCode {
        Unauthorized = "unauthorized",
        Forbidden = "forbidden",
        NotFound = "not_found",
        WrongCredentials = "wrong_credentials",
        TooManyAttempts = "too_many_attempts",
        /// The right password of a disabled account.
        AccountDisabled = "account_disabled",
        /// A state-changing request from another site (`Origin`, `Sec-Fetch-Site`).
        CrossSite = "cross_site",
        WeakPassword = "weak_password",
        Malformed = "malformed",
        NoteEmpty = "note_empty",
        NoteTooLong = "note_too_long",
        UnknownCategory = "unknown_category",
        UnknownSection = "unknown_section",
        InvalidPosition = "invalid_position",
        OffRoadUnconfirmed = "off_road_unconfirmed",
        ResultsIncomplete = "results_incomplete",
        ProblemWithoutFinding = "problem_without_finding",
        WeekNotOpen = "week_not_open",
        ObservedInFuture = "observed_in_future",
        ObservedTooLongAgo = "observed_too_long_ago",
        IllegalTransition = "illegal_transition",
        SameSection = "same_section",
        SectionRequired = "section_required",
        OperationConflict = "operation_conflict",
        TooManyPhotos = "too_many_photos",
        NotAnImage = "not_an_image",
        PhotoTooLarge = "photo_too_large",
        PhotoHashMismatch = "photo_hash_mismatch",
        BatchTooLarge = "batch_too_large",
        TooManyFindings = "too_many_findings",
        BodyTooLarge = "body_too_large",
        InvalidWebhook = "invalid_webhook",
        /// The webhook's host does not resolve.
        WebhookHostUnknown = "webhook_host_unknown",
        /// The webhook points inside (loopback, private, link-local, reserved addresses).
        WebhookNotPublic = "webhook_not_public",
        InvalidEmail = "invalid_email",
        InvalidCalendar = "invalid_calendar",
        InvalidWorkingDays = "invalid_working_days",
        ExtensionAlreadyAsked = "extension_already_asked",
        NoExtensionPending = "no_extension_pending",
        DeadlineNotLater = "deadline_not_later",
        /// The resident's report was confirmed, answered or marked already.
        ReportHandled = "report_handled",
        ShopNameMissing = "shop_name_missing",
        HouseNumberMissing = "house_number_missing",
        BusinessTypeMissing = "business_type_missing",
        /// A short field (a shop's name, an owner, a search) is longer than allowed.
        TextTooLong = "text_too_long",
        /// The shop is not one of the road's.
        UnknownShop = "unknown_shop",
        /// The visit is not one of the road's work log.
        UnknownVisit = "unknown_visit",
        TooManyShops = "too_many_shops",
        /// A visit says what was asked or suggested.
        AskedMissing = "asked_missing",
        /// The follow-up date is not a date, before the visit, or more than a year ahead.
        FollowUpInvalid = "follow_up_invalid",
        /// The visit's request became a finding already.
        VisitHasFinding = "visit_has_finding",
        /// A joint case needs at least one assisting section.
        JointNoAssisting = "joint_no_assisting",
        /// More assisting sections than a joint team has.
        JointTooMany = "joint_too_many",
        /// The lead section named as assisting, or a section named twice.
        JointSectionTwice = "joint_section_twice",
        /// The lead resolves a joint case only when every assisting task is done or waived.
        TasksOpen = "tasks_open",
        /// The task was answered or waived already.
        TaskNotOpen = "task_not_open",
        /// A name (of a road, section, community, category or person) is empty.
        NameMissing = "name_missing",
        InvalidUsername = "invalid_username",
        /// The username belongs to someone already.
        UsernameTaken = "username_taken",
        InvalidPhone = "invalid_phone",
        /// An id is not 1–64 of a-z, 0-9, '-' and '_'.
        InvalidCode = "invalid_code",
        /// The username names nobody.
        UnknownUser = "unknown_user",
        UnknownCommunity = "unknown_community",
        /// A road's GeoJSON line was refused; the message says why.
        InvalidRoadLine = "invalid_road_line",
        /// A road's chief is an enabled road chief who heads no section.
        NotARoadChief = "not_a_road_chief",
        /// A section's head is an enabled section head.
        NotASectionHead = "not_a_section_head",
        /// The person is still chief of a road.
        StillChief = "still_chief",
        /// The person still heads a section.
        StillHead = "still_head",
        /// The coordinator's own role or account (they would lock themself out).
        OwnAccount = "own_account",
        /// A patrol's trail, times or board scans cannot be read.
        InvalidPatrol = "invalid_patrol",
        /// A photo's record (when and where it was taken) names no photo sent with it, or an
        /// impossible time or place; or photos come with a move other than a resolution.
        InvalidPhotoRecord = "invalid_photo_record",
        /// The category's resolution needs a photo of the result.
        AfterPhotoRequired = "after_photo_required",
        /// An "after" photo that is one of the finding's own photos.
        SamePhotoAfter = "same_photo_after",
        /// The sync cursor is not one this server wrote: the phone pulls everything again.
        CursorRejected = "cursor_rejected",
        /// The phone's own storage is full: the record was not saved (never sent by the server).
        StorageFull = "storage_full",
        /// The server has more of this work queued than it takes on; try again shortly.
        Busy = "busy",
        /// The browser could not reach the server.
        Network = "network",
        Internal = "internal",
    }
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized | ErrorCode::WrongCredentials => 401,
            ErrorCode::Forbidden | ErrorCode::AccountDisabled | ErrorCode::CrossSite => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::IllegalTransition
            | ErrorCode::OperationConflict
            | ErrorCode::ExtensionAlreadyAsked
            | ErrorCode::NoExtensionPending
            | ErrorCode::ReportHandled
            | ErrorCode::VisitHasFinding
            | ErrorCode::TasksOpen
            | ErrorCode::TaskNotOpen
            | ErrorCode::UsernameTaken
            | ErrorCode::StillChief
            | ErrorCode::StillHead
            | ErrorCode::OwnAccount => 409,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::PhotoTooLarge
            | ErrorCode::BatchTooLarge
            | ErrorCode::TooManyFindings
            | ErrorCode::BodyTooLarge => 413,
            ErrorCode::NotAnImage => 415,
            ErrorCode::Internal => 500,
            ErrorCode::StorageFull => 507,
            ErrorCode::Busy | ErrorCode::Network => 503,
            _ => 400,
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            ErrorCode::Unauthorized => Msg::error_unauthorized,
            ErrorCode::Forbidden => Msg::error_forbidden,
            ErrorCode::NotFound => Msg::error_not_found,
            ErrorCode::WrongCredentials => Msg::error_wrong_credentials,
            ErrorCode::TooManyAttempts => Msg::error_too_many_attempts,
            ErrorCode::AccountDisabled => Msg::error_account_disabled,
            ErrorCode::CrossSite => Msg::error_cross_site,
            ErrorCode::WeakPassword => Msg::error_weak_password,
            ErrorCode::Malformed => Msg::error_malformed,
            ErrorCode::NoteEmpty => Msg::error_note_empty,
            ErrorCode::NoteTooLong => Msg::error_note_too_long,
            ErrorCode::UnknownCategory => Msg::error_unknown_category,
            ErrorCode::UnknownSection => Msg::error_unknown_section,
            ErrorCode::InvalidPosition => Msg::error_invalid_position,
            ErrorCode::OffRoadUnconfirmed => Msg::error_off_road_unconfirmed,
            ErrorCode::ResultsIncomplete => Msg::error_results_incomplete,
            ErrorCode::ProblemWithoutFinding => Msg::error_problem_without_finding,
            ErrorCode::WeekNotOpen => Msg::error_week_not_open,
            ErrorCode::ObservedInFuture => Msg::error_observed_in_future,
            ErrorCode::ObservedTooLongAgo => Msg::error_observed_too_long_ago,
            ErrorCode::IllegalTransition => Msg::error_illegal_transition,
            ErrorCode::SameSection => Msg::error_same_section,
            ErrorCode::SectionRequired => Msg::error_section_required,
            ErrorCode::TooManyPhotos => Msg::error_too_many_photos,
            ErrorCode::NotAnImage => Msg::error_not_an_image,
            ErrorCode::PhotoTooLarge => Msg::error_photo_too_large,
            ErrorCode::PhotoHashMismatch => Msg::error_photo_hash_mismatch,
            ErrorCode::BatchTooLarge => Msg::error_batch_too_large,
            ErrorCode::TooManyFindings => Msg::error_too_many_findings,
            ErrorCode::BodyTooLarge => Msg::error_body_too_large,
            ErrorCode::InvalidWebhook => Msg::error_invalid_webhook,
            ErrorCode::WebhookHostUnknown => Msg::error_webhook_host_unknown,
            ErrorCode::WebhookNotPublic => Msg::error_webhook_not_public,
            ErrorCode::InvalidEmail => Msg::error_invalid_email,
            ErrorCode::InvalidCalendar => Msg::error_invalid_calendar,
            ErrorCode::InvalidWorkingDays => Msg::error_invalid_working_days,
            ErrorCode::ExtensionAlreadyAsked => Msg::error_extension_already_asked,
            ErrorCode::NoExtensionPending => Msg::error_no_extension_pending,
            ErrorCode::DeadlineNotLater => Msg::error_deadline_not_later,
            ErrorCode::ReportHandled => Msg::error_report_handled,
            ErrorCode::ShopNameMissing => Msg::error_shop_name_missing,
            ErrorCode::HouseNumberMissing => Msg::error_house_number_missing,
            ErrorCode::BusinessTypeMissing => Msg::error_business_type_missing,
            ErrorCode::TextTooLong => Msg::error_text_too_long,
            ErrorCode::UnknownShop => Msg::error_unknown_shop,
            ErrorCode::UnknownVisit => Msg::error_unknown_visit,
            ErrorCode::TooManyShops => Msg::error_too_many_shops,
            ErrorCode::AskedMissing => Msg::error_asked_missing,
            ErrorCode::FollowUpInvalid => Msg::error_follow_up_invalid,
            ErrorCode::VisitHasFinding => Msg::error_visit_has_finding,
            ErrorCode::JointNoAssisting => Msg::error_joint_no_assisting,
            ErrorCode::JointTooMany => Msg::error_joint_too_many,
            ErrorCode::JointSectionTwice => Msg::error_joint_section_twice,
            ErrorCode::TasksOpen => Msg::error_tasks_open,
            ErrorCode::TaskNotOpen => Msg::error_task_not_open,
            ErrorCode::NameMissing => Msg::error_name_missing,
            ErrorCode::InvalidUsername => Msg::error_invalid_username,
            ErrorCode::UsernameTaken => Msg::error_username_taken,
            ErrorCode::InvalidPhone => Msg::error_invalid_phone,
            ErrorCode::InvalidCode => Msg::error_invalid_code,
            ErrorCode::UnknownUser => Msg::error_unknown_user,
            ErrorCode::UnknownCommunity => Msg::error_unknown_community,
            ErrorCode::InvalidRoadLine => Msg::error_invalid_road_line,
            ErrorCode::InvalidPatrol => Msg::error_invalid_patrol,
            ErrorCode::InvalidPhotoRecord => Msg::error_invalid_photo_record,
            ErrorCode::AfterPhotoRequired => Msg::error_after_photo_required,
            ErrorCode::SamePhotoAfter => Msg::error_same_photo_after,
            ErrorCode::NotARoadChief => Msg::error_not_a_road_chief,
            ErrorCode::NotASectionHead => Msg::error_not_a_section_head,
            ErrorCode::StillChief => Msg::error_still_chief,
            ErrorCode::StillHead => Msg::error_still_head,
            ErrorCode::OwnAccount => Msg::error_own_account,
            ErrorCode::OperationConflict => Msg::error_operation_conflict,
            ErrorCode::CursorRejected => Msg::error_cursor_rejected,
            ErrorCode::StorageFull => Msg::error_storage_full,
            ErrorCode::Busy => Msg::error_busy,
            ErrorCode::Network => Msg::error_network,
            ErrorCode::Internal => Msg::error_internal,
        }
    }
}

/// What the server answers when it refuses: `{"error": {"code": ..., "message": ...}}`
/// on the JSON API; the same fields from server functions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    /// Already localized for the person who made the request.
    #[serde(default)]
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, lang: Lang) -> ApiError {
        ApiError { code, message: lang.text(code.msg()).to_owned() }
    }

    /// The message in the language the page shows now (the server's may be another).
    pub fn localized(&self, lang: Lang) -> String {
        lang.text(self.code.msg()).to_owned()
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError { code, message: String::new() }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = super::wire::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match value {
            ServerFnErrorErr::Request(_) => ErrorCode::Network,
            // The caller's mistake (arguments missing or not understood, a wrong method).
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => ErrorCode::Malformed,
            _ => ErrorCode::Internal,
        };
        #[cfg(feature = "ssr")]
        {
            // On the server, before the function ran: answer with the code's status (the
            // server-function layer would say 500) and in the caller's language.
            use leptos::prelude::use_context;
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(http::StatusCode::from_u16(code.status()).unwrap_or(http::StatusCode::BAD_REQUEST));
            }
            let lang = use_context::<http::request::Parts>()
                .map(|p| crate::backend::auth::request_lang(&p.headers))
                .unwrap_or_default();
            return ApiError::new(code, lang);
        }
        #[allow(unreachable_code)]
        code.into()
    }
}

/// The body of a refusal on the JSON API.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ApiError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        let codes = [
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::NoteTooLong,
            ErrorCode::OffRoadUnconfirmed,
            ErrorCode::TooManyAttempts,
            ErrorCode::Busy,
        ];
        for code in codes {
            assert_ne!(Lang::ZhCn.text(code.msg()), Lang::En.text(code.msg()));
        }
        assert_eq!(ErrorCode::Forbidden.status(), 403);
        assert_eq!(ErrorCode::NoteEmpty.status(), 400);
        assert_eq!(ErrorCode::OperationConflict.status(), 409);
        assert_eq!(ErrorCode::Busy.status(), 503, "a full queue is the server's state, not the user's failures");
    }

    #[test]
    fn codes_are_snake_case_on_the_wire() {
        let body = serde_json::to_string(&ApiError::new(ErrorCode::NoteTooLong, Lang::En)).unwrap();
        assert!(body.contains("\"note_too_long\""), "{body}");
    }
}
