//! Sync: applies a phone's batch of operations one by one (each once, see `operations`), then
//! tells the phone what changed for it since its cursor.

use super::auth::User;
use super::db::Pool;
use super::{findings, inspections, operations, BackendError, Result};
use crate::api::error::{ApiError, ErrorCode};
use crate::api::sync::{ChiefScreens, OpResult, SyncRequest, SyncResponse, MAX_BATCH};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Lang;
use sha2::{Digest, Sha256};

/// Where the phone's copy stands: the change counter of findings it has seen, and a
/// fingerprint of the screens it holds. Opaque to the phone: `v1.<seq>.<fingerprint>`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cursor {
    seq: i64,
    screens: String,
}

impl Cursor {
    fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.split('.');
        let (Some("v1"), Some(seq), Some(screens), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let seq = seq.parse().ok().filter(|s: &i64| *s >= 0)?;
        let valid = screens == "-" || (screens.len() == 16 && screens.bytes().all(|b| b.is_ascii_hexdigit()));
        valid.then(|| Cursor { seq, screens: screens.to_owned() })
    }

    fn render(&self) -> String {
        format!("v1.{}.{}", self.seq, self.screens)
    }
}

pub async fn sync(pool: &Pool, user: &User, request: &SyncRequest, lang: Lang, now: Timestamp) -> Result<SyncResponse> {
    // Everything that makes the whole request wrong is checked before anything is applied.
    if request.ops.len() > MAX_BATCH {
        return Err(ErrorCode::BatchTooLarge.into());
    }
    let since = match &request.cursor {
        Some(text) => Some(Cursor::parse(text).ok_or(ErrorCode::Malformed)?),
        None => None,
    };

    let mut results = Vec::with_capacity(request.ops.len());
    for op in &request.ops {
        results.push(match operations::apply(pool, user, op, now).await {
            Ok((outcome, replayed)) => OpResult::Applied { id: op.id, outcome, replayed },
            Err(BackendError::Refused(code)) => {
                OpResult::Rejected { id: op.id, status: code.status(), error: ApiError::new(code, lang) }
            }
            // Operations applied so far are committed and safe to send again: the phone
            // retries the whole batch and gets their stored outcomes.
            Err(e) => return Err(e),
        });
    }

    // The counter is read before the changes: a write committed in between shows up now and
    // again next time, never not at all.
    let (seq,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(change_seq), 0) FROM findings").fetch_one(pool).await?;
    if user.role != Role::RoadChief {
        let cursor = Cursor { seq, screens: "-".into() };
        return Ok(SyncResponse {
            results,
            cursor: cursor.render(),
            findings: Vec::new(),
            screens: None,
            server_time: now,
        });
    }
    let changed = findings::changed_on_roads_of(pool, user, since.as_ref().map_or(0, |c| c.seq), now).await?;
    let screens = chief_screens(pool, user, now).await?;
    let fingerprint = fingerprint(&screens);
    let screens = match &since {
        Some(c) if c.screens == fingerprint => None,
        _ => Some(screens),
    };
    let cursor = Cursor { seq, screens: fingerprint };
    Ok(SyncResponse { results, cursor: cursor.render(), findings: changed, screens, server_time: now })
}

async fn chief_screens(pool: &Pool, chief: &User, now: Timestamp) -> Result<ChiefScreens> {
    let home = inspections::chief_home(pool, chief, now).await?;
    let mut pages = Vec::with_capacity(home.roads.len());
    for card in &home.roads {
        pages.push(inspections::page(pool, chief, &card.road.id, now).await?);
    }
    Ok(ChiefScreens { home, inspections: pages })
}

fn fingerprint(screens: &ChiefScreens) -> String {
    let bytes = serde_json::to_vec(screens).expect("screens serialize");
    Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor { seq: 42, screens: "0123456789abcdef".into() };
        assert_eq!(Cursor::parse(&c.render()), Some(c));
        assert_eq!(Cursor::parse("v1.0.-").map(|c| c.seq), Some(0));
        for bad in ["", "v1", "v1.x.-", "v1.-1.-", "v2.1.-", "v1.1.zz", "v1.1.-.extra", "v1.1.0123"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
