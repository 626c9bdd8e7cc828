//! Sync: applies a phone's batch of operations (each once, see `operations`), then tells the
//! phone what changed for it since its cursor.
//!
//! The batch goes in as few transactions as is safe: one, with a savepoint per operation (a
//! refused operation is undone alone and answered with its reason), committed early and
//! continued in a fresh transaction whenever it has held the write lock for `MAX_HOLD`.

use super::reference::Reference;
use super::store::findings;
use super::{db, inspections, operations, BackendError, Pool, Result, User};
use crate::api::error::{ApiError, ErrorCode};
use crate::api::sync::{ChiefScreens, OpResult, SyncRequest, SyncResponse, MAX_BATCH};
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Lang;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The longest a batch keeps the write lock before it commits and goes on in a new transaction.
pub const MAX_HOLD: Duration = Duration::from_millis(200);

/// Where the phone's copy stands: the database it came from (its epoch), the change counter
/// of findings it has seen, and a fingerprint of the screens it holds. Opaque to the phone:
/// `v2.<epoch>.<seq>.<fingerprint>`. A `v1` cursor (before epochs) is read as "from another
/// database": the phone gets everything again.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cursor {
    epoch: Option<String>,
    seq: i64,
    screens: String,
}

fn is_fingerprint(text: &str) -> bool {
    text == "-" || (text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Cursor {
    fn parse(text: &str) -> Option<Cursor> {
        let parts: Vec<&str> = text.split('.').collect();
        let (epoch, seq, screens) = match parts.as_slice() {
            ["v1", seq, screens] => (None, *seq, *screens),
            ["v2", epoch, seq, screens] if is_epoch(epoch) => (Some((*epoch).to_owned()), *seq, *screens),
            _ => return None,
        };
        let seq = seq.parse().ok().filter(|s: &i64| *s >= 0)?;
        is_fingerprint(screens).then(|| Cursor { epoch, seq, screens: screens.to_owned() })
    }

    fn render(&self) -> String {
        format!("v2.{}.{}.{}", self.epoch.as_deref().unwrap_or("-"), self.seq, self.screens)
    }
}

/// An epoch is 16 lowercase hex digits (`db::epoch`).
pub fn is_epoch(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub async fn sync(pool: &Pool, user: &User, request: &SyncRequest, lang: Lang, now: Timestamp) -> Result<SyncResponse> {
    // Everything that makes the whole request wrong is checked before anything is applied.
    if request.ops.len() > MAX_BATCH {
        return Err(ErrorCode::BatchTooLarge.into());
    }
    let since = match &request.cursor {
        Some(text) => Some(Cursor::parse(text).ok_or(ErrorCode::CursorRejected)?),
        None => None,
    };
    let results = super::retrying(|| apply_batch(pool, user, request, lang, now)).await?;

    let mut conn = pool.read().await?;
    let epoch = db::epoch(&mut conn).await?;
    let seq = db::last_change(&mut conn).await?;
    // A cursor from this database pulls what changed since; any other pulls everything.
    let current = since.filter(|c| c.epoch.as_deref() == Some(epoch.as_str()));
    if user.role != Role::RoadChief {
        let cursor = Cursor { epoch: Some(epoch), seq, screens: "-".into() };
        return Ok(SyncResponse {
            results,
            cursor: cursor.render(),
            findings: Vec::new(),
            full: current.is_none(),
            screens: None,
            streets: None,
            server_time: now,
        });
    }
    let changed =
        findings::changed_on_roads_of(&mut conn, &user.id, current.as_ref().map_or(0, |c| c.seq), now).await?;
    let screens = chief_screens(&mut conn, user, now).await?;
    let streets = super::street::pages_of_chief(&mut conn, user, now).await?;
    let fingerprint = fingerprint(&screens, &streets);
    let (screens, streets) = match &current {
        Some(c) if c.screens == fingerprint => (None, None),
        _ => (Some(screens), Some(streets)),
    };
    let cursor = Cursor { epoch: Some(epoch), seq, screens: fingerprint };
    Ok(SyncResponse {
        results,
        cursor: cursor.render(),
        findings: changed,
        full: current.is_none(),
        screens,
        streets,
        server_time: now,
    })
}

async fn apply_batch(
    pool: &Pool,
    user: &User,
    request: &SyncRequest,
    lang: Lang,
    now: Timestamp,
) -> Result<Vec<OpResult>> {
    let mut results = Vec::with_capacity(request.ops.len());
    if request.ops.is_empty() {
        return Ok(results);
    }
    let lock = format!("sync:{}", user.id);
    let mut tx = pool.begin_write().await?;
    tx.serialize_by(&lock).await?;
    let mut reference = Reference::default();
    for op in &request.ops {
        if tx.held() > MAX_HOLD {
            // What is applied so far is committed and safe to send again: a phone that never
            // hears the answer retries the batch and gets the stored outcomes.
            tx.commit().await?;
            tx = pool.begin_write().await?;
            tx.serialize_by(&lock).await?;
            reference = Reference::default();
        }
        results.push(match operations::apply_in(&mut tx, &mut reference, user, op, now).await {
            Ok(applied) => OpResult::Applied {
                id: op.id,
                replayed: applied.replayed(),
                received_at: applied.received_at(now),
                outcome: applied.outcome(),
            },
            Err(BackendError::Refused(code)) => {
                OpResult::Rejected { id: op.id, status: code.status(), error: ApiError::new(code, lang) }
            }
            Err(e) => return Err(e),
        });
    }
    tx.commit().await?;
    Ok(results)
}

async fn chief_screens(conn: &mut super::store::Conn, chief: &User, now: Timestamp) -> Result<ChiefScreens> {
    let home = inspections::chief_home(conn, chief, now).await?;
    let mut pages = Vec::with_capacity(home.roads.len());
    for card in &home.roads {
        pages.push(inspections::page(conn, chief, &card.road.id, now).await?);
    }
    Ok(ChiefScreens { home, inspections: pages })
}

fn fingerprint(screens: &ChiefScreens, streets: &[crate::api::street::StreetPage]) -> String {
    let bytes = serde_json::to_vec(&(screens, streets)).expect("screens serialize");
    Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor { epoch: Some("0123456789abcdef".into()), seq: 42, screens: "0123456789abcdef".into() };
        assert_eq!(Cursor::parse(&c.render()), Some(c));
        assert_eq!(Cursor::parse("v1.0.-").map(|c| (c.seq, c.epoch)), Some((0, None)));
        for bad in [
            "",
            "v1",
            "v1.x.-",
            "v1.-1.-",
            "v3.1.-",
            "v1.1.zz",
            "v1.1.-.extra",
            "v1.1.0123",
            "v2.1.-",
            "v2.0123456789ABCDEF.1.-",
            "v2.short.1.-",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
