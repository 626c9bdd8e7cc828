//! The outbox: every change made on the phone, in the order it was made, until the server has
//! it. Pure data and rules; `engine` keeps it in IndexedDB (`phone.js`), one entry per record
//! and photo, and sends it. A change to the outbox is written as the difference it makes
//! (`Outbox::change_to`), never as a rewrite of the whole, so that what another tab wrote
//! meanwhile stays.

use crate::api::error::ApiError;
use crate::api::operations::{NewFinding, Operation};
use crate::api::sync::{AnswerKind, OpAnswer};
use crate::domain::inspection::InspectionStatus;
use crate::domain::names::named;
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
    /// When it last went out in a sync request (the answer may not have come back yet).
    #[serde(default)]
    pub sent_at: Option<Timestamp>,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.op.get() == other.op.get()
            && self.about == other.about
            && self.rejected == other.rejected
            && self.sent_at == other.sent_at
    }
}

/// Where a record is on its way to the server.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Kept on this phone, not sent yet.
    Saved,
    /// Sent at this time; the server's answer has not come back.
    Sent(Timestamp),
    /// The server refused it, with its reason.
    Refused(ApiError),
}

impl Queued {
    pub fn stage(&self) -> Stage {
        match (&self.rejected, self.sent_at) {
            (Some(e), _) => Stage::Refused(e.clone()),
            (None, Some(at)) => Stage::Sent(at),
            (None, None) => Stage::Saved,
        }
    }

    /// A line saying what the record is: the finding's note, else the week.
    pub fn detail(&self) -> String {
        match (&self.about.finding, &self.about.detail) {
            (Some(f), _) => f.note.clone(),
            (None, Some(detail)) => detail.clone(),
            (None, None) => self.about.week.clone().unwrap_or_default(),
        }
    }
}

/// The server's word that it has a record: kept on the phone (the last few) so that a chief
/// can show something arrived, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: Uuid,
    pub kind: Kind,
    #[serde(default)]
    pub road_id: Option<String>,
    pub detail: String,
    pub queued_at: Timestamp,
    /// By the server's clock.
    pub accepted_at: Timestamp,
}

named! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Kind {
        StartInspection = "start_inspection",
        RecordFinding = "record_finding",
        SubmitInspection = "submit_inspection",
        MoveFinding = "move_finding",
        SaveShop = "save_shop",
        RecordVisit = "record_visit",
        FollowUpDone = "follow_up_done",
        RecordPatrol = "record_patrol",
    }
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
    /// What a work-log record says (a visit's request, a shop's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The visit a work-log record is, or concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    /// The photos a move carries (a resolution's photos of the result).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PhotoHash>,
    /// Where on the road the form put a finding (metres from the road's start), so that the
    /// checklist shows it without placing the point on the road again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub along_m: Option<f64>,
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
            Operation::MoveFinding { finding_id, photos, .. } => {
                let mut about = About::street(Kind::MoveFinding, None);
                about.finding_id = Some(*finding_id);
                about.photos = photos.clone();
                return about;
            }
            // A joint case's steps are moves of the finding, made at a desk.
            Operation::MakeJoint { finding_id, .. }
            | Operation::AnswerTask { finding_id, .. }
            | Operation::WaiveTask { finding_id, .. } => (Kind::MoveFinding, None, None, None, Some(*finding_id)),
            Operation::SaveShop { road_id, shop, .. } => {
                let mut about = About::street(Kind::SaveShop, Some(road_id));
                about.detail = Some(format!("{} {}", shop.house_number, shop.name));
                return about;
            }
            Operation::RecordVisit { road_id, visit } => {
                let mut about = About::street(Kind::RecordVisit, Some(road_id));
                about.detail = Some(visit.asked.clone());
                about.visit_id = Some(visit.id);
                return about;
            }
            Operation::RecordPatrol { road_id, week, .. } => {
                (Kind::RecordPatrol, Some(road_id), Some(week), None, None)
            }
            Operation::FollowUpDone { visit_id } => {
                let mut about = About::street(Kind::FollowUpDone, None);
                about.visit_id = Some(*visit_id);
                return about;
            }
        };
        About {
            kind,
            road_id: road_id.cloned(),
            week: week.cloned(),
            finding,
            finding_id,
            detail: None,
            visit_id: None,
            photos: Vec::new(),
            along_m: None,
        }
    }

    fn street(kind: Kind, road_id: Option<&String>) -> About {
        About {
            kind,
            road_id: road_id.cloned(),
            week: None,
            finding: None,
            finding_id: None,
            detail: None,
            visit_id: None,
            photos: Vec::new(),
            along_m: None,
        }
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
    /// The phone's clock as the request leaves: the server learns how far it is off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
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
    /// Stored entries this version cannot read (written by another version): kept as they
    /// are, never sent, never overwritten, exported with the rest.
    #[serde(default)]
    pub unreadable: Vec<Entry>,
}

/// What a sync answer did to the outbox.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settled {
    pub applied: usize,
    pub rejected: usize,
    /// One per record the server accepted.
    pub receipts: Vec<Receipt>,
}

/// One stored entry of the outbox: a record or a photo, as text (JSON), under a key of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub text: String,
    /// The photo file this entry needs (the file goes when its last entry goes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

const PHOTO_KEY: &str = "photo:";

impl Entry {
    /// Text this version cannot read, kept as it is under a key made from its content (the
    /// same text moved twice, from two tabs at once, is one entry).
    pub fn unreadable(text: String) -> Entry {
        // FNV-1a: stable across versions and platforms.
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        Entry { key: format!("unreadable:{hash:016x}"), text, photo: None }
    }
}

impl QueuedPhoto {
    fn key(&self) -> String {
        format!("{PHOTO_KEY}{}:{}", self.finding_id, self.hash.as_str())
    }
}

/// A write to the stored outbox, applied all or nothing (`phone.js`, `outboxChange`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    pub add: Vec<Entry>,
    pub put: Vec<Entry>,
    pub remove: Vec<String>,
    /// Key: the record's id; text: the `Receipt`.
    pub receipts: Vec<Entry>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.put.is_empty() && self.remove.is_empty() && self.receipts.is_empty()
    }

    pub fn with_receipts(mut self, receipts: &[Receipt]) -> Change {
        self.receipts = receipts
            .iter()
            .map(|r| Entry {
                key: r.id.to_string(),
                text: serde_json::to_string(r).expect("receipts serialize"),
                photo: None,
            })
            .collect();
        self
    }
}

impl Outbox {
    pub fn push(&mut self, id: Uuid, op: &Operation, now: Timestamp) {
        let about = About::of(op);
        if let Some(finding) = &about.finding {
            for hash in &finding.photos {
                self.photos.push(QueuedPhoto { finding_id: finding.id, hash: hash.clone(), rejected: None });
            }
        }
        if let Some(finding_id) = about.finding_id.filter(|_| about.kind == Kind::MoveFinding) {
            for hash in &about.photos {
                self.photos.push(QueuedPhoto { finding_id, hash: hash.clone(), rejected: None });
            }
        }
        let json = serde_json::to_string(op).expect("operations serialize");
        let op = RawValue::from_string(json).expect("serde_json writes valid JSON");
        self.items.push(Queued { id, op, about, queued_at: now, rejected: None, sent_at: None });
    }

    /// The entries to store, records first, each in the order made.
    pub fn entries(&self) -> Vec<Entry> {
        let records = self.items.iter().map(|q| Entry {
            key: q.id.to_string(),
            text: serde_json::to_string(q).expect("records serialize"),
            photo: None,
        });
        let photos = self.photos.iter().map(|p| Entry {
            key: p.key(),
            text: serde_json::to_string(p).expect("photos serialize"),
            photo: Some(p.hash.as_str().to_owned()),
        });
        records.chain(photos).chain(self.unreadable.iter().cloned()).collect()
    }

    /// The outbox from its stored entries; what this version cannot read is kept aside.
    pub fn from_entries(entries: Vec<Entry>) -> Outbox {
        let mut outbox = Outbox::default();
        for entry in entries {
            if entry.key.starts_with(PHOTO_KEY) {
                match serde_json::from_str::<QueuedPhoto>(&entry.text) {
                    Ok(p) if p.key() == entry.key => outbox.photos.push(p),
                    _ => outbox.unreadable.push(entry),
                }
            } else {
                match serde_json::from_str::<Queued>(&entry.text) {
                    Ok(q) if q.id.to_string() == entry.key => outbox.items.push(q),
                    _ => outbox.unreadable.push(entry),
                }
            }
        }
        outbox
    }

    /// What must be written for the stored outbox to go from `self` to `after`: entries added,
    /// changed and removed, and nothing else.
    pub fn change_to(&self, after: &Outbox) -> Change {
        // Linear: outboxes hold hundreds of entries, and no map code is needed (bundle size).
        let before = self.entries();
        let after = after.entries();
        let mut change = Change::default();
        for entry in &after {
            match before.iter().find(|b| b.key == entry.key) {
                None => change.add.push(entry.clone()),
                Some(b) if b.text != entry.text => change.put.push(entry.clone()),
                Some(_) => {}
            }
        }
        change.remove = before.into_iter().filter(|b| !after.iter().any(|a| a.key == b.key)).map(|b| b.key).collect();
        change
    }

    /// Notes that these records went out now.
    pub fn mark_sent(&mut self, ids: &[Uuid], now: Timestamp) {
        for q in self.items.iter_mut().filter(|q| ids.contains(&q.id)) {
            q.sent_at = Some(now);
        }
    }

    pub fn get(&self, id: Uuid) -> Option<&Queued> {
        self.items.iter().find(|q| q.id == id)
    }

    /// Records not yet on the server, refused and unreadable ones included: what must not be
    /// lost.
    pub fn unsynced(&self) -> usize {
        self.items.len() + self.photos.len() + self.unreadable.len()
    }

    pub fn attention(&self) -> usize {
        self.items.iter().filter(|q| q.rejected.is_some()).count()
            + self.photos.iter().filter(|p| p.rejected.is_some()).count()
            + self.unreadable.len()
    }

    /// The next operations to send, oldest first, skipping refused ones.
    pub fn next_batch(&self, size: usize) -> Vec<Outgoing<'_>> {
        self.items
            .iter()
            .filter(|q| q.rejected.is_none())
            .take(size)
            .map(|q| Outgoing { id: q.id, op: &q.op, sent_at: None })
            .collect()
    }

    /// Takes the server's answers: applied operations leave the outbox with a receipt (the
    /// server's receipt time, else the time of its answer), refused ones stay with their reason.
    pub fn settle(&mut self, answers: &[OpAnswer], server_time: Timestamp) -> Settled {
        let mut settled = Settled::default();
        for answer in answers {
            match answer.result {
                AnswerKind::Applied => {
                    let Some(at) = self.items.iter().position(|q| q.id == answer.id) else { continue };
                    let q = self.items.remove(at);
                    settled.applied += 1;
                    settled.receipts.push(Receipt {
                        id: q.id,
                        kind: q.about.kind,
                        road_id: q.about.road_id.clone(),
                        detail: q.detail(),
                        queued_at: q.queued_at,
                        accepted_at: answer.received_at.unwrap_or(server_time),
                    });
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

    /// Keeps where on the road the record `id`'s finding was put.
    pub fn place(&mut self, id: Uuid, along_m: f64) {
        if let Some(q) = self.items.iter_mut().find(|q| q.id == id) {
            q.about.along_m = Some(along_m);
        }
    }

    /// Drops a record on the user's say-so, with the photos it carried (a finding's, or a
    /// resolution's).
    pub fn discard(&mut self, id: Uuid) -> Vec<PhotoHash> {
        // A recorded finding takes all its photos; a move only those it carried.
        let carried = self.get(id).and_then(|q| match &q.about.finding {
            Some(f) => Some((f.id, None)),
            None => q.about.finding_id.map(|f| (f, Some(q.about.photos.clone()))),
        });
        self.items.retain(|q| q.id != id);
        let mut dropped = Vec::new();
        if let Some((finding, only)) = carried {
            self.photos.retain(|p| {
                let goes = p.finding_id == finding && only.as_ref().is_none_or(|o| o.contains(&p.hash));
                if goes {
                    dropped.push(p.hash.clone());
                }
                !goes
            });
        }
        dropped
    }

    /// Photos the server expects (no operation recording their finding, or moving it, is
    /// waiting here: a resolution's photos are declared by the move).
    pub fn photos_ready(&self) -> Vec<QueuedPhoto> {
        self.photos
            .iter()
            .filter(|p| p.rejected.is_none())
            .filter(|p| {
                !self.items.iter().any(|q| {
                    matches!(q.about.kind, Kind::RecordFinding | Kind::MoveFinding)
                        && q.about.finding_id == Some(p.finding_id)
                })
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

    /// Records of this kind for the road still waiting to be sent (refused ones not counted).
    pub fn waiting(&self, kind: Kind, road: &str) -> usize {
        self.items
            .iter()
            .filter(|q| q.rejected.is_none() && q.about.kind == kind && q.about.road_id.as_deref() == Some(road))
            .count()
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
            taken: Vec::new(),
            urgent: false,
            visit_id: None,
            shop_id: None,
        };
        (id(n), Operation::RecordFinding { road_id: "r1".into(), week: week().to_string(), finding })
    }

    fn answer(n: u8, result: AnswerKind) -> OpAnswer {
        let error = (result == AnswerKind::Rejected).then(|| ApiError::from(ErrorCode::IllegalTransition));
        OpAnswer { id: id(n), result, status: if error.is_some() { 409 } else { 0 }, error, received_at: None }
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
        let settled = outbox.settle(&[answer(1, AnswerKind::Applied), answer(2, AnswerKind::Rejected)], Timestamp(9));
        assert_eq!((settled.applied, settled.rejected), (1, 1));
        assert_eq!(settled.receipts.len(), 1);
        assert_eq!((settled.receipts[0].id, settled.receipts[0].accepted_at), (id(1), Timestamp(9)));
        assert_eq!(settled.receipts[0].detail, "note 1");
        assert_eq!(outbox.unsynced(), 2);
        assert_eq!(outbox.attention(), 1);
        let next: Vec<Uuid> = outbox.next_batch(BATCH).iter().map(|r| r.id).collect();
        assert_eq!(next, vec![id(3)], "the refused record does not block the next one");
        // An answer for something no longer here (discarded meanwhile) changes nothing.
        assert_eq!(outbox.settle(&[answer(9, AnswerKind::Applied)], Timestamp(9)), Settled::default());
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
        outbox.settle(&[answer(1, AnswerKind::Applied)], Timestamp(0));
        let ready: Vec<PhotoHash> = outbox.photos_ready().into_iter().map(|p| p.hash).collect();
        assert_eq!(ready, vec![hash('a'), hash('b')]);
        outbox.photo_done(&hash('a'), id(101), None);
        outbox.photo_done(&hash('b'), id(101), Some(ErrorCode::NotAnImage.into()));
        assert_eq!(outbox.attention(), 1);
        assert_eq!(outbox.discard(id(2)), vec![hash('c')]);
        assert_eq!(outbox.unsynced(), 1);
    }

    #[test]
    fn a_resolutions_photos_wait_for_the_move_and_only_they_go_with_it() {
        let mut outbox = Outbox::default();
        let resolve = |n: u8, photos: Vec<PhotoHash>| Operation::MoveFinding {
            finding_id: id(100 + n),
            action: crate::domain::finding::Move::Resolve,
            note: Some("修好了".into()),
            section_id: None,
            photos,
            taken: Vec::new(),
        };
        outbox.push(id(1), &resolve(1, vec![hash('a')]), Timestamp(0));
        outbox.push(id(2), &resolve(2, vec![hash('b'), hash('c')]), Timestamp(0));
        assert_eq!(outbox.unsynced(), 5);
        assert!(outbox.photos_ready().is_empty(), "declared by moves the server has not had");
        outbox.settle(&[answer(1, AnswerKind::Applied)], Timestamp(0));
        let ready: Vec<(Uuid, PhotoHash)> = outbox.photos_ready().into_iter().map(|p| (p.finding_id, p.hash)).collect();
        assert_eq!(ready, vec![(id(101), hash('a'))]);
        assert_eq!(outbox.discard(id(2)), vec![hash('b'), hash('c')]);
        assert_eq!(outbox.unsynced(), 1, "the first resolution's photo stays");
        // The move goes out as it was made, photos and all.
        outbox.push(id(3), &resolve(3, vec![hash('d')]), Timestamp(0));
        let sent = outbox.next_batch(BATCH);
        assert!(sent[0].op.get().contains(&"d".repeat(64)), "{}", sent[0].op.get());
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

    #[test]
    fn a_findings_place_on_the_road_is_kept_with_it_and_not_sent() {
        let mut outbox = Outbox::default();
        let (i, op) = finding(1, vec![]);
        outbox.push(i, &op, Timestamp(5));
        assert_eq!(outbox.items[0].about.along_m, None, "records of older versions have none");
        outbox.place(i, 120.5);
        outbox.place(id(9), 1.0);
        let back = Outbox::from_entries(outbox.entries());
        let (q, _) = back.findings_for("r1", week()).next().unwrap();
        assert_eq!(q.about.along_m, Some(120.5));
        let sent: Operation = serde_json::from_str(q.op.get()).unwrap();
        assert_eq!(sent, op, "the place is the phone's, not part of the record sent");
    }

    #[test]
    fn the_stored_outbox_changes_by_difference_only() {
        let mut outbox = Outbox::default();
        let (i, op) = finding(1, vec![hash('a')]);
        outbox.push(i, &op, Timestamp(1));
        let (i, op) = finding(2, vec![]);
        outbox.push(i, &op, Timestamp(2));
        // Stored and read back: the same outbox, records and photo in order.
        let back = Outbox::from_entries(outbox.entries());
        assert_eq!(back, outbox);
        assert_eq!(Outbox::default().change_to(&outbox).add.len(), 3);

        // A new record is one entry added; nothing else is touched.
        let mut after = outbox.clone();
        let (i, op) = finding(3, vec![]);
        after.push(i, &op, Timestamp(3));
        let change = outbox.change_to(&after);
        assert_eq!(change.add.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), vec![id(3).to_string()]);
        assert!(change.put.is_empty() && change.remove.is_empty());

        // An answer: one record leaves, one is marked refused, the photo's entry is kept.
        let mut after = outbox.clone();
        let settled = after.settle(&[answer(1, AnswerKind::Applied), answer(2, AnswerKind::Rejected)], Timestamp(7));
        let change = outbox.change_to(&after).with_receipts(&settled.receipts);
        assert_eq!(change.remove, vec![id(1).to_string()]);
        assert_eq!(change.put.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), vec![id(2).to_string()]);
        assert!(change.add.is_empty());
        assert_eq!(change.receipts.len(), 1);
        // The photo's entry names its file, so the file goes with its last entry.
        let photo = outbox.entries().into_iter().find(|e| e.photo.is_some()).unwrap();
        assert_eq!(photo.photo.as_deref(), Some(hash('a').as_str()));
    }

    #[test]
    fn entries_this_version_cannot_read_are_kept_and_counted() {
        let (i, op) = finding(1, vec![]);
        let mut outbox = Outbox::default();
        outbox.push(i, &op, Timestamp(1));
        let mut entries = outbox.entries();
        entries.push(Entry { key: "unreadable:5".into(), text: "{\"items\": 3}".into(), photo: None });
        // A record under another id than its own is not taken for it either.
        entries.push(Entry { key: id(9).to_string(), text: entries[0].text.clone(), photo: None });
        let back = Outbox::from_entries(entries);
        assert_eq!(back.items.len(), 1);
        assert_eq!(back.unreadable.len(), 2);
        assert_eq!((back.unsynced(), back.attention()), (3, 2));
        assert_eq!(back.next_batch(BATCH).len(), 1, "unreadable entries are never sent");
        // Untouched by any change but their own removal.
        let mut after = back.clone();
        after.settle(&[answer(1, AnswerKind::Applied)], Timestamp(2));
        assert_eq!(back.change_to(&after).remove, vec![id(1).to_string()]);
    }

    #[test]
    fn a_record_goes_from_saved_to_sent_to_refused() {
        let (i, op) = finding(1, vec![]);
        let mut outbox = Outbox::default();
        outbox.push(i, &op, Timestamp(1));
        assert_eq!(outbox.items[0].stage(), Stage::Saved);
        outbox.mark_sent(&[id(1)], Timestamp(5));
        assert_eq!(outbox.items[0].stage(), Stage::Sent(Timestamp(5)));
        outbox.reject(id(1), ErrorCode::NoteEmpty.into());
        assert!(matches!(outbox.items[0].stage(), Stage::Refused(e) if e.code == ErrorCode::NoteEmpty));
    }
}
