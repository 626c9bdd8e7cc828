//! Offline first: what the road chief records is kept on the phone (the outbox), sent when the
//! network allows (the engine), and what the server knows is kept for reading with no network
//! (the replica). See `docs/sync-api.md` for the protocol.

pub mod engine;
pub mod outbox;
pub mod phone;
pub mod photos;
pub mod replica;

use crate::api::error::{ApiError, ErrorCode};
use replica::Replica;

/// A screen's data: the server's answer when there is one, else the phone's copy.
pub fn or_stored<T>(fresh: Result<T, ApiError>, from_copy: impl FnOnce(&Replica) -> Option<T>) -> Result<T, ApiError> {
    match fresh {
        Err(e) if e.code == ErrorCode::Network => engine::stored_replica().as_ref().and_then(from_copy).ok_or(e),
        other => other,
    }
}
