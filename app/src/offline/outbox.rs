//! The outbox: every change made on the phone, in the order it was made, until the server has
//! it. Pure data and rules; `engine` keeps it in localStorage and sends it.

use crate::api::error::ApiError;
use crate::api::operations::{NewFinding, Operation, OperationRequest};
use crate::api::sync::{AnswerKind, OpAnswer};
use crate::domain::inspection::InspectionStatus;
use crate::domain::photo::PhotoHash;
use crate::domain::time::{IsoWeek, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Operations sent in one sync request. Smaller than the server's limit so that one request
/// stays short on a weak connection and the screen hears back often.
pub const BATCH: usize = 100;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    pub request: OperationRequest,
    pub queued_at: Timestamp,
    /// Why the server refused it; it stays (and is skipped) until the user fixes or discards it.
    #[serde(default)]
    pub rejected: Option<ApiError>,
}

/// A photo waiting to be uploaded; its bytes are in the phone's IndexedDB under its hash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedPhoto {
    pub finding_id: Uuid,
    pub hash: PhotoHash,
    #[serde(default)]
    pub rejected: Option<ApiError>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub items: Vec<Queued>,
    #[serde(default)]
    pub photos: Vec<QueuedPhoto>,
}

/// What a sync answer did to the outbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    pub applied: usize,
    pub rejected: usize,
}

impl Outbox {
    pub fn push(&mut self, request: OperationRequest, now: Timestamp) {
        if let Operation::RecordFinding { finding, .. } = &request.op {
            for hash in &finding.photos {
                self.photos.push(QueuedPhoto { finding_id: finding.id, hash: hash.clone(), rejected: None });
            }
        }
        self.items.push(Queued { request, queued_at: now, rejected: None });
    }

    /// Records not yet on the server, refused ones included: what must not be lost.
    pub fn unsynced(&self) -> usize {
        self.items.len() + self.photos.len()
    }

    pub fn attention(&self) -> usize {
        self.items.iter().filter(|q| q.rejected.is_some()).count()
            + self.photos.iter().filter(|p| p.rejected.is_some()).count()
    }

    /// The next operations to send, oldest first, skipping refused ones.
    pub fn next_batch(&self, size: usize) -> Vec<OperationRequest> {
        self.items.iter().filter(|q| q.rejected.is_none()).take(size).map(|q| q.request.clone()).collect()
    }

    /// Takes the server's answers: applied operations leave the outbox, refused ones stay
    /// with their reason.
    pub fn settle(&mut self, answers: &[OpAnswer]) -> Settled {
        let mut settled = Settled::default();
        for answer in answers {
            match answer.result {
                AnswerKind::Applied => {
                    let before = self.items.len();
                    self.items.retain(|q| q.request.id != answer.id);
                    settled.applied += before - self.items.len();
                }
                AnswerKind::Rejected => {
                    if let Some(q) = self.items.iter_mut().find(|q| q.request.id == answer.id) {
                        q.rejected = Some(answer.error.clone().unwrap_or_else(|| ApiError::from(answer.code())));
                        settled.rejected += 1;
                    }
                }
            }
        }
        settled
    }

    /// Refuses one operation by itself (the server refused the whole request it was alone in).
    pub fn reject(&mut self, id: Uuid, error: ApiError) {
        if let Some(q) = self.items.iter_mut().find(|q| q.request.id == id) {
            q.rejected = Some(error);
        }
    }

    /// Drops a record on the user's say-so, with the photos of a finding it carried.
    pub fn discard(&mut self, id: Uuid) -> Vec<PhotoHash> {
        let finding =
            self.items.iter().find(|q| q.request.id == id).and_then(|q| recorded(&q.request.op)).map(|f| f.id);
        self.items.retain(|q| q.request.id != id);
        let mut dropped = Vec::new();
        if let Some(finding) = finding {
            self.photos.retain(|p| {
                let keep = p.finding_id != finding;
                if !keep {
                    dropped.push(p.hash.clone());
                }
                keep
            });
        }
        dropped
    }

    /// Photos whose finding the server already has (no operation for it is waiting here).
    pub fn photos_ready(&self) -> Vec<QueuedPhoto> {
        self.photos
            .iter()
            .filter(|p| p.rejected.is_none())
            .filter(|p| !self.items.iter().any(|q| recorded(&q.request.op).is_some_and(|f| f.id == p.finding_id)))
            .cloned()
            .collect()
    }

    pub fn photo_done(&mut self, hash: &PhotoHash, finding_id: Uuid, refusal: Option<ApiError>) {
        match refusal {
            None => self.photos.retain(|p| !(p.finding_id == finding_id && &p.hash == hash)),
            Some(e) => {
                if let Some(p) = self.photos.iter_mut().find(|p| p.finding_id == finding_id && &p.hash == hash) {
                    p.rejected = Some(e);
                }
            }
        }
    }

    /// Findings queued for a road and week, in the order recorded.
    pub fn findings_for<'a>(
        &'a self,
        road: &'a str,
        week: IsoWeek,
    ) -> impl Iterator<Item = (&'a Queued, &'a NewFinding)> {
        let week = week.to_string();
        self.items.iter().filter_map(move |q| match &q.request.op {
            Operation::RecordFinding { road_id, week: w, finding } if road_id == road && *w == week => {
                Some((q, finding))
            }
            _ => None,
        })
    }

    /// The inspection status the phone knows about, ahead of the server's.
    pub fn status_for(&self, road: &str, week: IsoWeek, server: InspectionStatus) -> InspectionStatus {
        let week = week.to_string();
        let mut status = server;
        for q in self.items.iter().filter(|q| q.rejected.is_none()) {
            let queued = match &q.request.op {
                Operation::SubmitInspection { road_id, week: w, .. } if road_id == road && *w == week => {
                    InspectionStatus::Submitted
                }
                Operation::StartInspection { road_id, week: w } | Operation::RecordFinding { road_id, week: w, .. }
                    if road_id == road && *w == week =>
                {
                    InspectionStatus::InProgress
                }
                _ => continue,
            };
            status = status.max(queued);
        }
        status
    }

    pub fn has_start(&self, road: &str, week: IsoWeek) -> bool {
        let week = week.to_string();
        self.items.iter().any(|q| {
            matches!(&q.request.op, Operation::StartInspection { road_id, week: w } if road_id == road && *w == week)
        })
    }

    /// A submission of this road and week is on its way.
    pub fn submission_waiting(&self, road: &str, week: IsoWeek) -> bool {
        let week = week.to_string();
        self.items.iter().any(|q| {
            q.rejected.is_none()
                && matches!(&q.request.op, Operation::SubmitInspection { road_id, week: w, .. } if road_id == road && *w == week)
        })
    }

    /// A submission of this road and week the server refused, if any.
    pub fn refused_submission(&self, road: &str, week: IsoWeek) -> Option<&Queued> {
        let week = week.to_string();
        self.items.iter().find(|q| {
            q.rejected.is_some()
                && matches!(&q.request.op, Operation::SubmitInspection { road_id, week: w, .. } if road_id == road && *w == week)
        })
    }

    /// Moves of a finding still on their way.
    pub fn moves_of(&self, finding: Uuid) -> impl Iterator<Item = &Queued> {
        self.items.iter().filter(
            move |q| matches!(&q.request.op, Operation::MoveFinding { finding_id, .. } if *finding_id == finding),
        )
    }
}

pub fn recorded(op: &Operation) -> Option<&NewFinding> {
    match op {
        Operation::RecordFinding { finding, .. } => Some(finding),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ErrorCode;
    use crate::domain::ids::uuid_v7;

    fn id(n: u8) -> Uuid {
        uuid_v7(1_764_000_000_000 + u64::from(n), [n; 10])
    }

    fn week() -> IsoWeek {
        IsoWeek::parse("2026-W48").unwrap()
    }

    fn finding(n: u8, photos: Vec<PhotoHash>) -> OperationRequest {
        let finding = NewFinding {
            id: id(100 + n),
            category: "sanitation".into(),
            note: format!("note {n}"),
            lon: 120.0,
            lat: 36.0,
            off_road_confirmed: false,
            observed_at: Timestamp(0),
            photos,
        };
        OperationRequest {
            id: id(n),
            op: Operation::RecordFinding { road_id: "r1".into(), week: week().to_string(), finding },
        }
    }

    fn answer(n: u8, result: AnswerKind) -> OpAnswer {
        let error = (result == AnswerKind::Rejected).then(|| ApiError::from(ErrorCode::IllegalTransition));
        OpAnswer { id: id(n), result, status: if error.is_some() { 409 } else { 0 }, error }
    }

    fn hash(c: char) -> PhotoHash {
        PhotoHash::parse(&c.to_string().repeat(64)).unwrap()
    }

    #[test]
    fn applied_records_leave_refused_ones_stay_and_are_skipped() {
        let mut outbox = Outbox::default();
        for n in 1..=3 {
            outbox.push(finding(n, vec![]), Timestamp(n.into()));
        }
        let settled = outbox.settle(&[answer(1, AnswerKind::Applied), answer(2, AnswerKind::Rejected)]);
        assert_eq!(settled, Settled { applied: 1, rejected: 1 });
        assert_eq!(outbox.unsynced(), 2);
        assert_eq!(outbox.attention(), 1);
        let next: Vec<Uuid> = outbox.next_batch(BATCH).iter().map(|r| r.id).collect();
        assert_eq!(next, vec![id(3)], "the refused record does not block the next one");
        // An answer for something no longer here (discarded meanwhile) changes nothing.
        assert_eq!(outbox.settle(&[answer(9, AnswerKind::Applied)]), Settled::default());
    }

    #[test]
    fn batches_keep_the_order_records_were_made_in() {
        let mut outbox = Outbox::default();
        for n in 1..=5 {
            outbox.push(finding(n, vec![]), Timestamp(0));
        }
        let ids: Vec<Uuid> = outbox.next_batch(3).iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![id(1), id(2), id(3)]);
    }

    #[test]
    fn photos_wait_for_their_finding_and_go_with_it_when_discarded() {
        let mut outbox = Outbox::default();
        outbox.push(finding(1, vec![hash('a'), hash('b')]), Timestamp(0));
        outbox.push(finding(2, vec![hash('c')]), Timestamp(0));
        assert_eq!(outbox.unsynced(), 5);
        assert!(outbox.photos_ready().is_empty(), "the server does not know the findings yet");
        outbox.settle(&[answer(1, AnswerKind::Applied)]);
        let ready: Vec<PhotoHash> = outbox.photos_ready().into_iter().map(|p| p.hash).collect();
        assert_eq!(ready, vec![hash('a'), hash('b')]);
        outbox.photo_done(&hash('a'), id(101), None);
        outbox.photo_done(&hash('b'), id(101), Some(ErrorCode::NotAnImage.into()));
        assert_eq!(outbox.attention(), 1);
        assert_eq!(outbox.discard(id(2)), vec![hash('c')]);
        assert_eq!(outbox.unsynced(), 1);
    }

    #[test]
    fn queued_work_shows_in_the_inspection_status() {
        let mut outbox = Outbox::default();
        assert_eq!(outbox.status_for("r1", week(), InspectionStatus::NotStarted), InspectionStatus::NotStarted);
        outbox.push(finding(1, vec![]), Timestamp(0));
        assert_eq!(outbox.status_for("r1", week(), InspectionStatus::NotStarted), InspectionStatus::InProgress);
        assert_eq!(outbox.status_for("r2", week(), InspectionStatus::NotStarted), InspectionStatus::NotStarted);
        let submit = Operation::SubmitInspection {
            road_id: "r1".into(),
            week: week().to_string(),
            results: Default::default(),
            findings: vec![],
        };
        outbox.push(OperationRequest { id: id(7), op: submit }, Timestamp(0));
        assert_eq!(outbox.status_for("r1", week(), InspectionStatus::InProgress), InspectionStatus::Submitted);
        outbox.reject(id(7), ErrorCode::ResultsIncomplete.into());
        assert_eq!(outbox.status_for("r1", week(), InspectionStatus::InProgress), InspectionStatus::InProgress);
        assert!(outbox.refused_submission("r1", week()).is_some());
        // The server's word stands when it is ahead.
        assert_eq!(outbox.status_for("r2", week(), InspectionStatus::Submitted), InspectionStatus::Submitted);
    }

    #[test]
    fn the_outbox_survives_a_round_trip_through_storage() {
        let mut outbox = Outbox::default();
        outbox.push(finding(1, vec![hash('a')]), Timestamp(5));
        outbox.reject(id(1), ErrorCode::NoteEmpty.into());
        let text = serde_json::to_string(&outbox).unwrap();
        assert_eq!(serde_json::from_str::<Outbox>(&text).unwrap(), outbox);
    }
}
