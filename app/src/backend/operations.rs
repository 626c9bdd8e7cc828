//! The one entry point for writes: applies an operation exactly once. The operation id comes
//! from the device; the first outcome is stored with a hash of the content, so a repeat (a
//! retry after a lost response, a double tap) gets the same answer and changes nothing, and
//! the same id with other content is refused as a conflict.

use super::reference::Reference;
use super::store::operations as stored;
use super::{inspections, joint, moves, patrols, street, BackendError, Pool, Result, Tx, User};
use crate::api::error::ErrorCode;
use crate::api::operations::{Operation, OperationRequest, Outcome};
use crate::domain::time::Timestamp;
use sha2::{Digest, Sha256};

/// What became of an operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// Applied by this request.
    Now(Outcome),
    /// Applied before (a repeat) at this time: the outcome stored then, and nothing changed now.
    Earlier(Outcome, Timestamp),
}

impl Applied {
    pub fn outcome(self) -> Outcome {
        match self {
            Applied::Now(o) | Applied::Earlier(o, _) => o,
        }
    }

    pub fn replayed(&self) -> bool {
        matches!(self, Applied::Earlier(..))
    }

    /// When the server first had it; `now` is this request's time.
    pub fn received_at(&self, now: Timestamp) -> Timestamp {
        match self {
            Applied::Now(_) => now,
            Applied::Earlier(_, at) => *at,
        }
    }
}

fn kind(op: &Operation) -> &'static str {
    match op {
        Operation::StartInspection { .. } => "start_inspection",
        Operation::RecordFinding { .. } => "record_finding",
        Operation::SubmitInspection { .. } => "submit_inspection",
        Operation::MoveFinding { .. } => "move_finding",
        Operation::SaveShop { .. } => "save_shop",
        Operation::RecordVisit { .. } => "record_visit",
        Operation::FollowUpDone { .. } => "follow_up_done",
        Operation::MakeJoint { .. } => "make_joint",
        Operation::AnswerTask { .. } => "answer_task",
        Operation::WaiveTask { .. } => "waive_task",
        Operation::RecordPatrol { .. } => "record_patrol",
    }
}

fn content_hash(op: &Operation) -> String {
    // Re-serialized from the parsed value: key order and whitespace do not matter.
    let bytes = serde_json::to_vec(op).expect("operations serialize");
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// One operation in its own transaction (`POST /api/v1/operations`).
pub async fn apply(pool: &Pool, user: &User, request: &OperationRequest, now: Timestamp) -> Result<Applied> {
    super::retrying(|| async {
        let mut tx = pool.begin_write().await?;
        tx.serialize_by(&format!("sync:{}", user.id)).await?;
        // A refusal drops the transaction: nothing of the operation stays.
        let applied = apply_unguarded(&mut tx, &mut Reference::default(), user, request, now).await?;
        tx.commit().await?;
        Ok(applied)
    })
    .await
}

/// One operation of a batch, in a savepoint of the batch's transaction: a refusal undoes this
/// operation alone and the batch goes on. Any other error abandons the whole transaction.
pub async fn apply_in(
    tx: &mut Tx,
    reference: &mut Reference,
    user: &User,
    request: &OperationRequest,
    now: Timestamp,
) -> Result<Applied> {
    tx.savepoint().await?;
    match apply_unguarded(tx, reference, user, request, now).await {
        Ok(applied) => {
            tx.keep().await?;
            Ok(applied)
        }
        Err(BackendError::Refused(code)) => {
            tx.undo().await?;
            // What the operation read or started may be undone with it.
            *reference = Reference::default();
            Err(code.into())
        }
        Err(e) => Err(e),
    }
}

async fn apply_unguarded(
    tx: &mut Tx,
    reference: &mut Reference,
    user: &User,
    request: &OperationRequest,
    now: Timestamp,
) -> Result<Applied> {
    let hash = content_hash(&request.op);
    let id = request.id.to_string();
    if let Some(earlier) = stored::claim(tx, &id, &user.id, kind(&request.op), &hash, now).await? {
        if earlier.user_id != user.id || earlier.content_hash != hash {
            return Err(ErrorCode::OperationConflict.into());
        }
        let outcome = serde_json::from_str(&earlier.outcome)
            .map_err(|e| BackendError::Corrupt(format!("stored outcome {id}: {e}")))?;
        return Ok(Applied::Earlier(outcome, Timestamp(earlier.applied_at)));
    }

    let outcome = match &request.op {
        Operation::StartInspection { road_id, week } => {
            inspections::start(tx, reference, user, road_id, week, now).await?
        }
        Operation::RecordFinding { road_id, week, finding } => {
            let single = inspections::Single { road_id, week, finding, sent: request.sent_at };
            inspections::record_finding(tx, reference, user, single, now).await?
        }
        Operation::SubmitInspection { road_id, week, results, findings } => {
            let sent = request.sent_at;
            let submission = inspections::Submission { road_id, week, ticked: results, findings, sent };
            inspections::submit(tx, reference, user, submission, now).await?
        }
        Operation::MoveFinding { finding_id, action, note, section_id, photos, taken } => {
            let command = moves::command(*action, note.as_deref(), section_id.as_deref())?;
            let after = moves::AfterPhotos { photos, taken, sent: request.sent_at };
            moves::apply(tx, reference, user, finding_id, &command, after, now).await?
        }
        Operation::SaveShop { road_id, shop_id, shop } => {
            street::save_shop(tx, reference, user, road_id, shop_id, shop, now).await?
        }
        Operation::RecordVisit { road_id, visit } => {
            street::record_visit(tx, reference, user, road_id, visit, now).await?
        }
        Operation::FollowUpDone { visit_id } => street::follow_up_done(tx, reference, user, visit_id, now).await?,
        Operation::MakeJoint { finding_id, tasks } => joint::make(tx, reference, user, finding_id, tasks, now).await?,
        Operation::AnswerTask { finding_id, note } => joint::answer(tx, user, finding_id, note, now).await?,
        Operation::WaiveTask { finding_id, section_id, reason } => {
            joint::waive(tx, user, finding_id, section_id, reason, now).await?
        }
        Operation::RecordPatrol { road_id, week, patrol } => {
            patrols::record(tx, reference, user, road_id, week, patrol, now).await?
        }
    };
    stored::finish(tx, &id, &serde_json::to_string(&outcome).expect("outcomes serialize")).await?;
    Ok(Applied::Now(outcome))
}
