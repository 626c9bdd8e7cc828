//! Server-side work behind the pages and the JSON API, compiled only with the `ssr` feature:
//! thin use cases over the store (`store/`, the only place with SQL) and the engine (`db`).
//! Arrows run one way: use cases → access → store → db, and everything → domain.

pub mod access;
pub mod admin;
pub mod app_code;
pub mod auth;
pub mod calendars;
pub mod db;
pub mod district;
pub mod export;
pub mod extensions;
pub mod finding_page;
pub mod identity;
pub mod import;
pub mod inspections;
pub mod joint;
pub mod moves;
pub mod notify;
pub mod open311;
pub mod operations;
pub mod outbound;
pub mod overview;
pub mod page_policy;
pub mod patrols;
pub mod photos;
pub mod race;
pub mod reference;
pub mod reports;
pub mod review;
pub mod rules;
pub mod schedule;
pub mod store;
pub mod street;
pub mod sync;

use crate::api::error::ErrorCode;
use crate::domain::time::Timestamp;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use db::{Pool, Tx};
pub use store::users::User;

/// Everything a request handler needs, shared by the axum router and the Leptos context.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub clock: Clock,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark the session cookie `Secure` (the site is served over https).
    pub secure_cookies: bool,
    /// `scheme://host[:port]` of the configured public URL: pages from it may change things
    /// (besides pages from the request's own `Host`).
    pub public_origin: Option<String>,
    /// Networks webhooks may reach although they are not public.
    pub webhook_allow: outbound::AllowList,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub photos: photos::PhotoStore,
    /// Signs the public board's challenges and hides residents' addresses.
    pub board_secret: reports::BoardSecret,
}

/// The server's "now". Tests move it forward to make deadlines pass without waiting.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(system + self.offset_ms.load(Ordering::Relaxed))
    }

    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Why the backend did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The request is wrong or not allowed; nothing was changed.
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Stored data that should not exist (a bug or a hand-edited database).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// Files under the data directory (photos) could not be written or read.
    #[error("storage: {0}")]
    Storage(String),
}

impl BackendError {
    pub fn code(&self) -> ErrorCode {
        match self {
            BackendError::Refused(code) => *code,
            _ => ErrorCode::Internal,
        }
    }
}

impl From<ErrorCode> for BackendError {
    fn from(code: ErrorCode) -> Self {
        BackendError::Refused(code)
    }
}

impl From<crate::domain::text::NoteError> for BackendError {
    fn from(e: crate::domain::text::NoteError) -> Self {
        use crate::domain::text::NoteError;
        BackendError::Refused(match e {
            NoteError::Empty => ErrorCode::NoteEmpty,
            NoteError::TooLong => ErrorCode::NoteTooLong,
        })
    }
}

impl From<crate::domain::finding::TransitionError> for BackendError {
    fn from(e: crate::domain::finding::TransitionError) -> Self {
        use crate::domain::finding::TransitionError;
        BackendError::Refused(match e {
            TransitionError::NotYourMove => ErrorCode::Forbidden,
            TransitionError::Illegal { .. } => ErrorCode::IllegalTransition,
            TransitionError::SameSection => ErrorCode::SameSection,
        })
    }
}

impl From<crate::domain::joint::PlanError> for BackendError {
    fn from(e: crate::domain::joint::PlanError) -> Self {
        use crate::domain::joint::PlanError;
        BackendError::Refused(match e {
            PlanError::NoAssisting => ErrorCode::JointNoAssisting,
            PlanError::TooManyAssisting => ErrorCode::JointTooMany,
            PlanError::LeadAssists | PlanError::Twice => ErrorCode::JointSectionTwice,
            PlanError::NotWithSection => ErrorCode::IllegalTransition,
        })
    }
}

impl From<crate::domain::joint::TaskError> for BackendError {
    fn from(e: crate::domain::joint::TaskError) -> Self {
        use crate::domain::joint::TaskError;
        BackendError::Refused(match e {
            TaskError::NotYours => ErrorCode::Forbidden,
            TaskError::NotOpen => ErrorCode::TaskNotOpen,
        })
    }
}

impl From<crate::domain::inspection::SubmissionError> for BackendError {
    fn from(e: crate::domain::inspection::SubmissionError) -> Self {
        use crate::domain::inspection::SubmissionError;
        BackendError::Refused(match e {
            SubmissionError::Incomplete(_) => ErrorCode::ResultsIncomplete,
            SubmissionError::ProblemWithoutFinding(_) => ErrorCode::ProblemWithoutFinding,
            SubmissionError::UnknownCategory(_) => ErrorCode::UnknownCategory,
        })
    }
}

pub type Result<T, E = BackendError> = std::result::Result<T, E>;

/// Runs a write again when the engine chose it as the victim of a deadlock; operations
/// committed before are answered from their stored outcomes the second time.
pub async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(BackendError::Database(e)) if db::is_retryable(&e) && tries < db::RETRIES => {
                tries += 1;
                tracing::info!(error = %e, tries, "write chosen as a deadlock victim: trying again");
                let wait = 5 * u64::from(tries) + u64::from(auth::random_bytes::<1>()[0] % 20);
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            }
            other => return other,
        }
    }
}
