//! The phone's copy of what the server knows for this road chief: enough to open the app and
//! do the week's inspection with no network. Filled and refreshed by sync.

use crate::api::sync::{ChiefScreens, Kept, SyncAnswer};
use crate::api::views::{ChiefHome, FindingDetail, FindingSummary, InspectionPage};
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Finding pages kept for reading offline; the oldest go first.
const DETAILS_KEPT: usize = 30;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Replica {
    pub cursor: Option<String>,
    pub last_sync: Option<Timestamp>,
    pub screens: Option<ChiefScreens>,
    /// Every finding on the chief's roads as last heard, newest change last.
    pub findings: Vec<FindingSummary>,
    /// The street screens of the chief's roads (`Vec<StreetPage>`), as the server sent them.
    #[serde(default)]
    pub streets: Option<Kept>,
}

/// Finding pages the user has read, for reading again offline. Kept apart from the replica so
/// that only the (lazily loaded) finding page carries their parser.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadFindings(pub Vec<FindingDetail>);

impl ReadFindings {
    pub fn keep(&mut self, detail: FindingDetail) {
        self.0.retain(|d| d.summary.id != detail.summary.id);
        self.0.push(detail);
        if self.0.len() > DETAILS_KEPT {
            self.0.remove(0);
        }
    }

    /// A finding page read earlier, with its status as last synced.
    pub fn detail(&self, id: Uuid, replica: Option<&Replica>) -> Option<FindingDetail> {
        let mut detail = self.0.iter().find(|d| d.summary.id == id)?.clone();
        if let Some(latest) = replica.and_then(|r| r.findings.iter().find(|f| f.id == id)) {
            if latest.status != detail.summary.status {
                // What could be done then may not be possible now: offer nothing until online.
                detail.moves.clear();
            }
            detail.summary = latest.clone();
        }
        Some(detail)
    }
}

impl Replica {
    /// Takes in a sync answer. Returns whether anything the screens show changed.
    pub fn absorb(&mut self, answer: SyncAnswer, now: Timestamp) -> bool {
        self.cursor = Some(answer.cursor);
        self.last_sync = Some(now);
        let mut changed = !answer.findings.is_empty() || (answer.full && !self.findings.is_empty());
        if answer.full {
            // Everything the server has: what it no longer has (a restored backup) goes.
            self.findings.clear();
        }
        for finding in answer.findings {
            self.findings.retain(|f| f.id != finding.id);
            self.findings.push(finding);
        }
        if let Some(screens) = answer.screens {
            changed = true;
            // A road given to another chief leaves this phone with its findings.
            let roads: Vec<&str> = screens.home.roads.iter().map(|r| r.road.id.as_str()).collect();
            self.findings.retain(|f| roads.contains(&f.road.id.as_str()));
            self.screens = Some(screens);
        }
        if let Some(streets) = answer.streets {
            changed = true;
            self.streets = Some(streets);
        }
        changed
    }

    /// Nothing heard from the server yet: a fresh phone (or one signed out since).
    pub fn is_empty(&self) -> bool {
        self.cursor.is_none() && self.screens.is_none() && self.findings.is_empty()
    }

    pub fn home(&self) -> Option<ChiefHome> {
        self.screens.as_ref().map(|s| s.home.clone())
    }

    /// A road's street screen as last synced.
    pub fn street(&self, road_id: &str) -> Option<crate::api::street::StreetPage> {
        let pages: Vec<crate::api::street::StreetPage> = serde_json::from_str(self.streets.as_ref()?.0.get()).ok()?;
        pages.into_iter().find(|p| p.road.road.id == road_id)
    }

    pub fn inspection(&self, road_id: &str) -> Option<InspectionPage> {
        self.screens.as_ref()?.inspections.iter().find(|p| p.road.road.id == road_id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::views::Named;
    use crate::domain::finding::FindingStatus;
    use crate::domain::time::IsoWeek;

    fn summary(n: u128, status: FindingStatus) -> FindingSummary {
        let named = Named { id: "x".into(), name_zh: "x".into(), name_en: "x".into() };
        FindingSummary {
            id: Uuid::from_u128(n),
            road: named.clone(),
            category: named.clone(),
            note: "n".into(),
            status,
            section: named,
            deadline: Timestamp(0),
            urgency: None,
            observed_at: Timestamp(0),
            received_at: Timestamp(0),
            along_m: 0.0,
            urgent: false,
        }
    }

    fn answer(findings: Vec<FindingSummary>, screens: Option<ChiefScreens>) -> SyncAnswer {
        SyncAnswer {
            results: vec![],
            cursor: "v1.1.-".into(),
            findings,
            full: false,
            screens,
            streets: None,
            server_time: Timestamp(0),
        }
    }

    #[test]
    fn a_phone_is_empty_until_its_first_answer() {
        let mut replica = Replica::default();
        assert!(replica.is_empty());
        replica.absorb(answer(vec![], None), Timestamp(5));
        assert!(!replica.is_empty(), "a cursor is something heard");
    }

    #[test]
    fn changes_replace_what_the_phone_had() {
        let mut replica = Replica::default();
        assert!(replica.absorb(
            answer(vec![summary(1, FindingStatus::Routed), summary(2, FindingStatus::Routed)], None),
            Timestamp(5)
        ));
        assert!(replica.absorb(answer(vec![summary(1, FindingStatus::Accepted)], None), Timestamp(6)));
        assert_eq!(replica.findings.len(), 2);
        assert_eq!(
            replica.findings.iter().find(|f| f.id == Uuid::from_u128(1)).unwrap().status,
            FindingStatus::Accepted
        );
        assert_eq!((replica.cursor.as_deref(), replica.last_sync), (Some("v1.1.-"), Some(Timestamp(6))));
        // A quiet sync changes nothing the screens show.
        assert!(!replica.absorb(answer(vec![], None), Timestamp(7)));
        let home = ChiefHome { week: IsoWeek::parse("2026-W48").unwrap(), roads: vec![], reports: Default::default() };
        assert!(replica
            .absorb(answer(vec![], Some(ChiefScreens { home: home.clone(), inspections: vec![] })), Timestamp(8)));
        assert_eq!(replica.home(), Some(home));
        assert_eq!(replica.inspection("nowhere"), None);
    }

    #[test]
    fn a_full_answer_replaces_the_copy() {
        let mut replica = Replica::default();
        replica.absorb(
            answer(vec![summary(1, FindingStatus::Routed), summary(2, FindingStatus::Routed)], None),
            Timestamp(5),
        );
        // A restored server no longer knows finding 2.
        let full = SyncAnswer { full: true, ..answer(vec![summary(1, FindingStatus::Routed)], None) };
        assert!(replica.absorb(full, Timestamp(6)));
        assert_eq!(replica.findings.iter().map(|f| f.id).collect::<Vec<_>>(), vec![Uuid::from_u128(1)]);
    }
}
