//! The store: the only place with SQL. One module per aggregate owns the statements of its
//! tables and returns domain types; statuses and rules go in and out as domain enums. Reads
//! take any connection (`&mut Conn`: a pooled one, or a write's own transaction, so that what
//! a write depends on is read inside it); writes take the write transaction (`&mut Tx`).

pub mod admin;
pub mod calendars;
pub mod directory;
pub mod extensions;
pub mod findings;
pub mod inspections;
pub mod joint;
pub mod notifications;
pub mod open311;
pub mod operations;
pub mod patrols;
pub mod photos;
pub mod race;
pub mod reminders;
pub mod reports;
pub mod rules;
pub mod street;
pub mod tallies;
pub mod users;

pub use super::db::{Conn, Tx};
use super::BackendError;
use crate::domain::finding::FindingStatus;
use uuid::Uuid;

/// A list of statuses for `status IN (...)`, written from the domain's own names.
pub(crate) fn statuses(set: &[FindingStatus]) -> String {
    set.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> BackendError {
    BackendError::Corrupt(what.to_string())
}

pub(crate) fn uuid(text: &str) -> Result<Uuid, BackendError> {
    Uuid::parse_str(text).map_err(|e| corrupt(format!("id {text}: {e}")))
}

pub(crate) fn status(text: &str) -> Result<FindingStatus, BackendError> {
    FindingStatus::parse(text).ok_or_else(|| corrupt(format!("finding status {text}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lists_come_from_the_domain() {
        assert_eq!(statuses(&FindingStatus::WITH_SECTION), "'routed', 'accepted'");
    }
}
