//! Moving a finding along the state machine of `domain::finding`, with a history step in the
//! same transaction as every change.

use super::access::FindingAccess;
use super::auth::new_id;
use super::reference::Reference;
use super::store::{directory, findings, photos};
use super::{joint, notify, Result, Tx, User};
use crate::api::error::ErrorCode;
use crate::api::operations::Outcome;
use crate::domain::deadline::DeadlineRule;
use crate::domain::evidence::{check_resolution, check_taken, ClockSkew, PhotoStage, PhotoTaken, ResolutionEvidence};
use crate::domain::finding::{decide, Command, Move};
use crate::domain::photo::{check_declared, PhotoHash};
use crate::domain::text::Note;
use crate::domain::time::Timestamp;
use uuid::Uuid;

/// Parses a move's free-form fields into the command the state machine decides on.
pub fn command(action: Move, note: Option<&str>, section_id: Option<&str>) -> Result<Command<String>> {
    Ok(match action {
        Move::Accept => Command::Accept,
        Move::Resolve => Command::Resolve { note: Note::parse(note.unwrap_or(""))? },
        Move::Return => Command::Return { reason: Note::parse(note.unwrap_or(""))? },
        Move::Reopen => Command::Reopen { reason: Note::parse(note.unwrap_or(""))? },
        Move::SendBack => Command::SendBack { reason: Note::parse(note.unwrap_or(""))? },
        Move::CloseOut => Command::CloseOut { note: Note::parse_optional(note)? },
        Move::Reroute => Command::Reroute {
            to: section_id.map(str::trim).filter(|s| !s.is_empty()).ok_or(ErrorCode::SectionRequired)?.to_owned(),
            note: Note::parse_optional(note)?,
        },
    })
}

/// Photos sent with a move: a resolution's photos of the result.
pub struct AfterPhotos<'a> {
    pub photos: &'a [PhotoHash],
    pub taken: &'a [PhotoTaken],
    /// The phone's clock as it sent the move.
    pub sent: Option<Timestamp>,
}

/// Applies a move by `user` to a finding, inside the caller's transaction.
pub async fn apply(
    tx: &mut Tx,
    reference: &mut Reference,
    user: &User,
    id: &Uuid,
    command: &Command<String>,
    after: AfterPhotos<'_>,
    now: Timestamp,
) -> Result<Outcome> {
    let access = FindingAccess::load_for_update(tx, user, id).await?;
    let standing = &access.standing;
    let transition = decide(standing.status, &standing.section_id, &access.parties, command)?;
    let resolving = command.kind() == Move::Resolve;
    if !resolving && !after.photos.is_empty() {
        return Err(ErrorCode::InvalidPhotoRecord.into());
    }
    check_declared(after.photos).map_err(|_| ErrorCode::TooManyPhotos)?;
    check_taken(after.photos, after.taken).map_err(|_| ErrorCode::InvalidPhotoRecord)?;
    if resolving {
        let before = photos::hashes(tx, &access.key(), PhotoStage::Before).await?;
        check_resolution(standing.after_photo_required, after.photos, &before).map_err(|e| match e {
            ResolutionEvidence::AfterPhotoRequired => ErrorCode::AfterPhotoRequired,
            ResolutionEvidence::SamePhotoAsBefore => ErrorCode::SamePhotoAfter,
        })?;
    }
    // A joint case: the lead resolves only when no assisting task is open, and is never
    // re-routed to a section that assists it.
    match command {
        Command::Resolve { .. } if !joint::lead_may_resolve(tx, &access.key()).await? => {
            return Err(ErrorCode::TasksOpen.into());
        }
        Command::Reroute { to, .. } if super::store::joint::assists(tx, &access.key(), to).await? => {
            return Err(ErrorCode::JointSectionTwice.into());
        }
        _ => {}
    }

    let mut deadline = standing.deadline;
    let mut rule = None;
    if transition.restarts_deadline {
        if !directory::section_exists(tx, &transition.section).await? {
            return Err(ErrorCode::UnknownSection.into());
        }
        let restarted = DeadlineRule::for_finding(standing.deadline_days, standing.urgent);
        deadline = restarted.deadline(now, reference.calendar(tx).await?);
        rule = Some(restarted);
    }

    let key = access.key();
    findings::set_state(tx, &key, transition.to, &transition.section, deadline, now).await?;
    let event = new_id(now);
    let step = findings::Step {
        id: &event,
        finding_id: &key,
        at: now,
        actor_id: &user.id,
        from: Some(standing.status),
        to: transition.to,
        section_id: &transition.section,
        deadline: rule.map(|r| (deadline, r)),
        note: command.note(),
    };
    findings::append(tx, step).await?;
    if !after.photos.is_empty() {
        // A finding resolved again after a reopening keeps the earlier result's photos: an
        // "after" photo sent twice is the same file, refused as a repeat.
        if photos::hashes(tx, &key, PhotoStage::After).await?.iter().any(|h| after.photos.contains(h)) {
            return Err(ErrorCode::TooManyPhotos.into());
        }
        let declared = photos::Declared {
            finding_id: &key,
            photos: after.photos,
            taken: after.taken,
            stage: PhotoStage::After,
            declared_by: &user.id,
            clock_skew: after.sent.map(|s| ClockSkew::between(s, now)),
        };
        photos::declare(tx, declared).await?;
    }
    if transition.hands_to_section {
        // Re-routed, sent back or reopened: the section that has it now is told.
        notify::enqueue(tx, reference, &transition.section, &key, &event, now).await?;
    }
    Ok(Outcome::FindingMoved { finding_id: *id, status: transition.to, section_id: transition.section, deadline })
}
