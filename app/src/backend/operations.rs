//! The one entry point for writes: applies an operation exactly once. The operation id comes
//! from the device; the first outcome is stored with a hash of the content, so a repeat (a
//! retry after a lost response, a double tap) gets the same answer and changes nothing, and
//! the same id with other content is refused as a conflict.

use super::auth::User;
use super::db::{begin_write, Pool};
use super::{findings, inspections, BackendError, Result};
use crate::api::error::ErrorCode;
use crate::api::operations::{Operation, OperationRequest, Outcome};
use crate::domain::time::Timestamp;
use sha2::{Digest, Sha256};

fn kind(op: &Operation) -> &'static str {
    match op {
        Operation::StartInspection { .. } => "start_inspection",
        Operation::RecordFinding { .. } => "record_finding",
        Operation::SubmitInspection { .. } => "submit_inspection",
        Operation::MoveFinding { .. } => "move_finding",
    }
}

fn content_hash(op: &Operation) -> String {
    // Re-serialized from the parsed value: key order and whitespace do not matter.
    let bytes = serde_json::to_vec(op).expect("operations serialize");
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies the operation, or returns the stored outcome of its first application.
/// The flag says whether this was a replay.
pub async fn apply(pool: &Pool, user: &User, request: &OperationRequest, now: Timestamp) -> Result<(Outcome, bool)> {
    let hash = content_hash(&request.op);
    let id = request.id.to_string();
    let mut tx = begin_write(pool).await?;

    let earlier: Option<(String, String, String)> =
        sqlx::query_as("SELECT user_id, content_hash, outcome FROM operations WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((by, earlier_hash, outcome)) = earlier {
        if by != user.id || earlier_hash != hash {
            return Err(ErrorCode::OperationConflict.into());
        }
        let outcome =
            serde_json::from_str(&outcome).map_err(|e| BackendError::Corrupt(format!("stored outcome {id}: {e}")))?;
        return Ok((outcome, true));
    }

    let outcome = match &request.op {
        Operation::StartInspection { road_id, week } => {
            inspections::start(pool, &mut tx, user, road_id, week, now).await?
        }
        Operation::RecordFinding { road_id, week, finding } => {
            inspections::record_finding(pool, &mut tx, user, road_id, week, finding, now).await?
        }
        Operation::SubmitInspection { road_id, week, results, findings } => {
            let submission = inspections::Submission { road_id, week, ticked: results, findings };
            inspections::submit(pool, &mut tx, user, submission, now).await?
        }
        Operation::MoveFinding { finding_id, action, note, section_id } => {
            let command = findings::command(*action, note.as_deref(), section_id.as_deref())?;
            findings::apply_move(&mut tx, user, finding_id, &command, now).await?
        }
    };

    sqlx::query(
        "INSERT INTO operations (id, user_id, kind, content_hash, outcome, applied_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&user.id)
    .bind(kind(&request.op))
    .bind(&hash)
    .bind(serde_json::to_string(&outcome).expect("outcomes serialize"))
    .bind(now.millis())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((outcome, false))
}
