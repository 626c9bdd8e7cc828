//! A finding's page: what it is, where, its history and photos, the moves its viewer may make;
//! and its timeline of notices (reminders, messages, extension steps), read separately.

use super::access::FindingAccess;
use super::store::extensions::Status as ExtensionStatus;
use super::store::joint as joint_store;
use super::store::{directory, extensions, findings, notifications, photos, reminders, Conn};
use super::{joint, Result, User};
use crate::api::error::ErrorCode;
use crate::api::views::{FindingDetail, NoticeEntry};
use crate::domain::finding::{available_moves, Move, Party};
use crate::domain::joint::{TaskStatus, MAX_ASSISTING};
use crate::domain::time::Timestamp;
use uuid::Uuid;

/// Who may show a finding's photo on the public board: whoever answers for the road to the
/// public (its chief) and the coordinator.
pub fn may_publish(access: &FindingAccess) -> bool {
    access.is(Party::RoadChief) || access.is(Party::Coordinator)
}

pub async fn detail(conn: &mut Conn, user: &User, id: &Uuid, now: Timestamp) -> Result<FindingDetail> {
    let access = FindingAccess::load(conn, user, id).await?;
    let key = access.key();
    let summary = findings::by_id(conn, &key, now).await?.ok_or(ErrorCode::NotFound)?;
    let road = directory::road(conn, &summary.road.id).await?.ok_or(ErrorCode::NotFound)?;
    let place = findings::whereabouts(conn, &key).await?;
    let moves = available_moves(summary.status, &access.parties);
    let reroute_targets = if moves.contains(&Move::Reroute) {
        directory::sections(conn).await?.into_iter().map(|s| s.named).filter(|s| s.id != summary.section.id).collect()
    } else {
        Vec::new()
    };
    let extension = extensions::status_of(conn, &key).await?;
    let tasks = joint_store::of_finding(conn, &key, None).await?;
    let may_answer_task = access
        .assisting
        .as_ref()
        .is_some_and(|mine| tasks.iter().any(|t| &t.section.id == mine && t.status == TaskStatus::Open));
    let coordinator = access.is(Party::Coordinator);
    let joint_targets = if coordinator && summary.status.deadline_runs() && tasks.len() < MAX_ASSISTING {
        directory::sections(conn)
            .await?
            .into_iter()
            .map(|s| s.named)
            .filter(|s| s.id != summary.section.id && !tasks.iter().any(|t| t.section.id == s.id))
            .collect()
    } else {
        Vec::new()
    };
    Ok(FindingDetail {
        joint: tasks.into_iter().map(|t| joint::view(t, now)).collect(),
        joint_targets,
        may_answer_task,
        may_waive_tasks: coordinator,
        may_ask_extension: access.is(Party::Section) && summary.status.deadline_runs() && extension.is_none(),
        may_decide_extension: access.is(Party::Coordinator) && extension == Some(ExtensionStatus::Pending),
        may_publish_photos: may_publish(&access),
        road: road.view(),
        point: place.point,
        off_road_m: place.off_road_m,
        off_road_confirmed: place.off_road_confirmed,
        reported_by: place.reported_by,
        after_hand_over: place.after_hand_over,
        clock_skew: place.clock_skew,
        after_photo_required: access.standing.after_photo_required,
        evidence_shown: coordinator,
        history: findings::history(conn, &key).await?,
        photos: photos::of_finding(conn, &key).await?,
        moves,
        reroute_targets,
        summary,
    })
}

fn entry(at: Timestamp, kind: &str) -> NoticeEntry {
    NoticeEntry {
        at,
        kind: kind.to_owned(),
        channel: None,
        to: None,
        status: None,
        actor: None,
        note: None,
        deadline: None,
    }
}

/// Reminders, messages and extension steps of a finding the user may see, oldest first.
pub async fn notices(conn: &mut Conn, user: &User, id: &Uuid) -> Result<Vec<NoticeEntry>> {
    let key = FindingAccess::load(conn, user, id).await?.key();
    let mut out: Vec<NoticeEntry> =
        reminders::of_finding(conn, &key).await?.into_iter().map(|(at, kind)| entry(at, &kind)).collect();
    out.extend(notifications::of_finding(conn, &key).await?.into_iter().map(|s| NoticeEntry {
        channel: Some(s.channel),
        to: Some(s.recipient),
        status: Some(s.status),
        ..entry(Timestamp(s.at), &format!("message_{}", s.kind))
    }));
    for t in joint_store::of_finding(conn, &key, None).await? {
        let to = Some(t.section.name_zh.clone());
        out.push(NoticeEntry {
            actor: Some(t.created_by),
            to: to.clone(),
            note: Some(t.task),
            deadline: Some(t.deadline),
            ..entry(t.created_at, "task_given")
        });
        if let Some(at) = t.answered_at {
            let kind = if t.status == TaskStatus::Waived { "task_waived" } else { "task_done" };
            out.push(NoticeEntry { actor: t.answered_by, to, note: t.answer, ..entry(at, kind) });
        }
    }
    if let Some(e) = extensions::of_finding(conn, &key).await? {
        let status = e.status()?;
        out.push(NoticeEntry {
            actor: Some(e.asked_by),
            note: Some(e.reason),
            ..entry(Timestamp(e.requested_at), "extension_asked")
        });
        // A grant is in the history already (the new deadline, its rule and note); a refusal
        // changes nothing there, so it is shown here.
        if let (Some(at), ExtensionStatus::Refused) = (e.decided_at, status) {
            out.push(NoticeEntry {
                actor: e.decided_by,
                note: e.decision_note,
                deadline: e.new_deadline_at.map(Timestamp),
                ..entry(Timestamp(at), &format!("extension_{}", status.as_str()))
            });
        }
    }
    out.sort_by_key(|n| n.at);
    Ok(out)
}
