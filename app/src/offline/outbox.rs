//! The outbox: every change made on the phone, in the order it was made, until the server has
//! it. Pure data and rules; `engine` keeps it in localStorage and sends it.

use crate::api::error::ApiError;
use crate::api::operations::{NewFinding, Operation};
use crate::api::sync::{AnswerKind, OpAnswer};
use crate::domain::inspection::InspectionStatus;
use crate::domain::photo::PhotoHash;
use crate::domain::time::{IsoWeek, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

/// Operations sent in one sync request. Smaller than the server's limit so that one request
/// stays short on a weak connection and the screen hears back often.
pub const BATCH: usize = 100;

/// One change waiting for the server. The operation is kept exactly as it will be sent (JSON
/// made once, when the change was made), beside the few facts the screens need about it; the
/// phone never has to parse an operation back, which keeps that parser out of the bundle.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Queued {
    pub id: Uuid,
    pub op: Box<RawValue>,
    pub about: About,
    pub queued_at: Timestamp,
    /// Why the server refused it; it stays (and is skipped) until the user fixes or discards it.
    #[serde(default)]
    pub rejected: Option<ApiError>,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.op.get() == other.op.get()
            && self.about == other.about
            && self.rejected == other.rejected
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    StartInspection,
    RecordFinding,
    SubmitInspection,
    MoveFinding,
}

/// What the screens need to know of a queued operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct About {
    pub kind: Kind,
    #[serde(default)]
    pub road_id: Option<String>,
    #[serde(default)]
    pub week: Option<String>,
    #[serde(default)]
    pub finding: Option<NewFinding>,
    #[serde(default)]
    pub finding_id: Option<Uuid>,
}

impl About {
    pub fn of(op: &Operation) -> About {
        let (kind, road_id, week, finding, finding_id) = match op {
            Operation::StartInspection { road_id, week } => {
                (Kind::StartInspection, Some(road_id), Some(week), None, None)
            }
            Operation::RecordFinding { road_id, week, finding } => {
                (Kind::RecordFinding, Some(road_id), Some(week), Some(finding.clone()), Some(finding.id))
            }
            Operation::SubmitInspection { road_id, week, .. } => {
                (Kind::SubmitInspection, Some(road_id), Some(week), None, None)
            }
            Operation::MoveFinding { finding_id, .. } => (Kind::MoveFinding, None, None, None, Some(*finding_id)),
        };
        About { kind, road_id: road_id.cloned(), week: week.cloned(), finding, finding_id }
    }

    fn is(&self, kind: Kind, road: &str, week: &str) -> bool {
        self.kind == kind && self.road_id.as_deref() == Some(road) && self.week.as_deref() == Some(week)
    }
}

/// An operation as it goes out in a sync request.
#[derive(Clone, Debug, Serialize)]
pub struct Outgoing<'a> {
    pub id: Uuid,
    pub op: &'a RawValue,
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
    pub fn push(&mut self, id: Uuid, op: &Operation, now: Timestamp) {
        let about = About::of(op);
        if let Some(finding) = &about.finding {
            for hash in &finding.photos {
                self.photos.push(QueuedPhoto { finding_id: finding.id, hash: hash.clone(), rejected: None });
            }
        }
        let json = serde_json::to_string(op).expect("operations serialize");
        let op = RawValue::from_string(json).expect("serde_json writes valid JSON");
        self.items.push(Queued { id, op, about, queued_at: now, rejected: None });
    }

    pub fn get(&self, id: Uuid) -> Option<&Queued> {
        self.items.iter().find(|q| q.id == id)
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
    pub fn next_batch(&self, size: usize) -> Vec<Outgoing<'_>> {
        self.items
            .iter()
            .filter(|q| q.rejected.is_none())
            .take(size)
            .map(|q| Outgoing { id: q.id, op: &q.op })
            .collect()
    }

    /// Takes the server's answers: applied operations leave the outbox, refused ones stay
    /// with their reason.
    pub fn settle(&mut self, answers: &[OpAnswer]) -> Settled {
        let mut settled = Settled::default();
        for answer in answers {
            match answer.result {
                AnswerKind::Applied => {
                    let before = self.items.len();
                    self.items.retain(|q| q.id != answer.id);
                    settled.applied += before - self.items.len();
                }
                AnswerKind::Rejected => {
                    if let Some(q) = self.items.iter_mut().find(|q| q.id == answer.id) {
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
        if let Some(q) = self.items.iter_mut().find(|q| q.id == id) {
            q.rejected = Some(error);
        }
    }

    /// Drops a record on the user's say-so, with the photos of a finding it carried.
    pub fn discard(&mut self, id: Uuid) -> Vec<PhotoHash> {
        let finding = self.get(id).and_then(|q| q.about.finding.as_ref()).map(|f| f.id);
        self.items.retain(|q| q.id != id);
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

    /// Photos whose finding the server already has (no operation recording it is waiting here).
    pub fn photos_ready(&self) -> Vec<QueuedPhoto> {
        self.photos
            .iter()
            .filter(|p| p.rejected.is_none())
            .filter(|p| {
                !self
                    .items
                    .iter()
                    .any(|q| q.about.kind == Kind::RecordFinding && q.about.finding_id == Some(p.finding_id))
            })
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
        self.items.iter().filter_map(move |q| match &q.about.finding {
            Some(f) if q.about.is(Kind::RecordFinding, road, &week) => Some((q, f)),
            _ => None,
        })
    }

    /// The inspection status the phone knows about, ahead of the server's.
    pub fn status_for(&self, road: &str, week: IsoWeek, server: InspectionStatus) -> InspectionStatus {
        let week = week.to_string();
        let mut status = server;
        for q in self.items.iter().filter(|q| q.rejected.is_none()) {
            if q.about.is(Kind::SubmitInspection, road, &week) {
                status = status.max(InspectionStatus::Submitted);
            } else if q.about.is(Kind::StartInspection, road, &week) || q.about.is(Kind::RecordFinding, road, &week) {
                status = status.max(InspectionStatus::InProgress);
            }
        }
        status
    }

    pub fn has_start(&self, road: &str, week: IsoWeek) -> bool {
        let week = week.to_string();
        self.items.iter().any(|q| q.about.is(Kind::StartInspection, road, &week))
    }

    /// A submission of this road and week is on its way.
    pub fn submission_waiting(&self, road: &str, week: IsoWeek) -> bool {
        let week = week.to_string();
        self.items.iter().any(|q| q.rejected.is_none() && q.about.is(Kind::SubmitInspection, road, &week))
    }

    /// A submission of this road and week the server refused, if any.
    pub fn refused_submission(&self, road: &str, week: IsoWeek) -> Option<&Queued> {
        let week = week.to_string();
        self.items.iter().find(|q| q.rejected.is_some() && q.about.is(Kind::SubmitInspection, road, &week))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ErrorCode;
    use crate::api::operations::NewFinding;
    use crate::domain::ids::uuid_v7;

    fn id(n: u8) -> Uuid {
        uuid_v7(1_764_000_000_000 + u64::from(n), [n; 10])
    }

    fn week() -> IsoWeek {
        IsoWeek::parse("2026-W48").unwrap()
    }

    fn finding(n: u8, photos: Vec<PhotoHash>) -> (Uuid, Operation) {
        let finding = NewFinding {
            id: id(100 + n),
            category: "sanitation".into(),
            note: format!("note {n}"),
            lon: 120.0,
            lat: 36.0,
            off_road_confirmed: false,
            observed_at: Timestamp(0),
            photos,
            urgent: false,
        };
        (id(n), Operation::RecordFinding { road_id: "r1".into(), week: week().to_string(), finding })
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
            let (i, op) = finding(n, vec![]);
            outbox.push(i, &op, Timestamp(n.into()));
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
            let (i, op) = finding(n, vec![]);
            outbox.push(i, &op, Timestamp(0));
        }
        let ids: Vec<Uuid> = outbox.next_batch(3).iter().map(|r| r.id).collect();
        assert_eq!(ids, vec![id(1), id(2), id(3)]);
    }

    #[test]
    fn photos_wait_for_their_finding_and_go_with_it_when_discarded() {
        let mut outbox = Outbox::default();
        let (i, op) = finding(1, vec![hash('a'), hash('b')]);
        outbox.push(i, &op, Timestamp(0));
        let (i, op) = finding(2, vec![hash('c')]);
        outbox.push(i, &op, Timestamp(0));
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
        let (i, op) = finding(1, vec![]);
        outbox.push(i, &op, Timestamp(0));
        assert_eq!(outbox.status_for("r1", week(), InspectionStatus::NotStarted), InspectionStatus::InProgress);
        assert_eq!(outbox.status_for("r2", week(), InspectionStatus::NotStarted), InspectionStatus::NotStarted);
        let submit = Operation::SubmitInspection {
            road_id: "r1".into(),
            week: week().to_string(),
            results: Default::default(),
            findings: vec![],
        };
        outbox.push(id(7), &submit, Timestamp(0));
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
        let (i, op) = finding(1, vec![hash('a')]);
        outbox.push(i, &op, Timestamp(5));
        outbox.reject(id(1), ErrorCode::NoteEmpty.into());
        let text = serde_json::to_string(&outbox).unwrap();
        let back = serde_json::from_str::<Outbox>(&text).unwrap();
        assert_eq!(back, outbox);
        // What goes to the server is the operation exactly as made.
        let sent: Operation = serde_json::from_str(back.items[0].op.get()).unwrap();
        assert_eq!(sent, op);
    }
}
