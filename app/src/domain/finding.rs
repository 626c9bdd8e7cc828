//! The life of a finding: one state machine for every party's moves.
//!
//! routed → accepted | resolved | returned        (section head)
//! accepted → resolved | returned                 (section head)
//! returned → routed at another section           (coordinator upholds the return; deadline restarts)
//! returned → routed at the same section          (coordinator overrules it; deadline as routed)
//! resolved → closed (销号)                        (road chief)
//! resolved → routed at the same section          (road chief reopens; deadline restarts)
//!
//! Overdue is not a state: it is derived from the deadline while routed or accepted.

use super::deadline::{urgency, Urgency};
use super::text::Note;
use super::time::{IsoWeek, Timestamp};
use crate::domain::names::named;
use serde::{Deserialize, Serialize};

named! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum FindingStatus {
        /// Waiting for the section.
        Routed = "routed",
        /// The section is working on it.
        Accepted = "accepted",
        /// The section says it is done; waiting for the road chief's check.
        Resolved = "resolved",
        /// Verified and closed by the road chief (销号).
        Closed = "closed",
        /// "Not our section": waiting for the coordinator to re-route it.
        Returned = "returned",
    }
}

impl FindingStatus {
    /// With the section, its clock running (the only states in which a finding can be late).
    pub const WITH_SECTION: [FindingStatus; 2] = [FindingStatus::Routed, FindingStatus::Accepted];
    /// What a section's inbox lists: with it, or answered and waiting for the chief's check.
    pub const IN_INBOX: [FindingStatus; 3] = [FindingStatus::Routed, FindingStatus::Accepted, FindingStatus::Resolved];
    /// Not closed out (销号) yet, whoever has it.
    pub const NOT_CLOSED: [FindingStatus; 4] =
        [FindingStatus::Routed, FindingStatus::Accepted, FindingStatus::Resolved, FindingStatus::Returned];
    /// Waiting for someone other than the chief: the section, or the coordinator to re-route.
    pub const OPEN: [FindingStatus; 3] = [FindingStatus::Routed, FindingStatus::Accepted, FindingStatus::Returned];

    /// The section's clock runs only while the finding is with the section.
    pub fn deadline_runs(self) -> bool {
        Self::WITH_SECTION.contains(&self)
    }
}

/// The findings an urgency picks out, as bounds a database can search an index by: one of
/// `statuses`, with a deadline in `[from, until)` (an open end where `None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub statuses: &'static [FindingStatus],
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl Selection {
    pub fn of(statuses: &'static [FindingStatus]) -> Selection {
        Selection { statuses, from: None, until: None }
    }

    /// Findings with their section whose urgency `now` is one of: overdue (before `now`), due
    /// today (from `now` to midnight), due this week (from `now` to Monday 00:00).
    pub fn running(now: Timestamp, urgent: Urgency) -> Selection {
        let until_midnight = Timestamp::start_of_day(now.local_date().add_days(1));
        let until_monday = Timestamp::start_of_day(IsoWeek::containing(now).monday().add_days(7));
        let (from, until) = match urgent {
            Urgency::Overdue => (None, Some(now)),
            Urgency::DueToday => (Some(now), Some(until_midnight)),
            Urgency::DueThisWeek => (Some(now), Some(until_monday)),
            Urgency::Later => (Some(until_monday), None),
        };
        Selection { statuses: &FindingStatus::WITH_SECTION, from, until }
    }

    pub fn contains(&self, status: FindingStatus, deadline: Timestamp) -> bool {
        self.statuses.contains(&status)
            && self.from.is_none_or(|from| deadline >= from)
            && self.until.is_none_or(|until| deadline < until)
    }
}

/// Whether the finding is overdue now; `None` when its deadline does not run.
pub fn overdue(status: FindingStatus, deadline: Timestamp, now: Timestamp) -> bool {
    status.deadline_runs() && urgency(deadline, now) == Urgency::Overdue
}

/// Who stands in which relation to a finding. The server works this out from the signed-in
/// user, the finding's section and the finding's road.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// Head of the section the finding is routed to.
    Section,
    /// The subdistrict's coordinator.
    Coordinator,
    /// Chief of the road the finding is on.
    RoadChief,
}

/// A move, without its data: what a button offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Move {
    Accept,
    Resolve,
    Return,
    Reroute,
    /// The coordinator overrules a return: the finding goes back to the section that returned it.
    SendBack,
    CloseOut,
    Reopen,
}

impl Move {
    pub const ALL: [Move; 7] =
        [Move::Accept, Move::Resolve, Move::Return, Move::Reroute, Move::SendBack, Move::CloseOut, Move::Reopen];

    pub fn party(self) -> Party {
        match self {
            Move::Accept | Move::Resolve | Move::Return => Party::Section,
            Move::Reroute | Move::SendBack => Party::Coordinator,
            Move::CloseOut | Move::Reopen => Party::RoadChief,
        }
    }

    /// Where the move leads from `from`, if it is legal there.
    pub fn target(self, from: FindingStatus) -> Option<FindingStatus> {
        use FindingStatus::*;
        match (self, from) {
            (Move::Accept, Routed) => Some(Accepted),
            (Move::Resolve, Routed | Accepted) => Some(Resolved),
            (Move::Return, Routed | Accepted) => Some(Returned),
            (Move::Reroute | Move::SendBack, Returned) => Some(Routed),
            (Move::CloseOut, Resolved) => Some(Closed),
            (Move::Reopen, Resolved) => Some(Routed),
            _ => None,
        }
    }

    /// Moves that send the finding (back) to a section start a new deadline; an overruled
    /// return does not, so a wrong "not ours" buys no time: the clock started at routing.
    pub fn restarts_deadline(self) -> bool {
        matches!(self, Move::Reroute | Move::Reopen)
    }

    /// Moves after which a section has the finding again and must be told.
    pub fn hands_to_section(self) -> bool {
        matches!(self, Move::Reroute | Move::SendBack | Move::Reopen)
    }
}

/// The coordinator's decision on a returned finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnRuling {
    /// Re-routed to another section: it was not the returning section's.
    Upheld,
    /// Sent back to the section that returned it.
    Overruled,
}

impl ReturnRuling {
    /// What a step out of `returned` decided, from the section that returned the finding and
    /// the section that has it after the step; `None` for any other step.
    pub fn of<S: PartialEq>(from: Option<FindingStatus>, returned_by: &S, now_with: &S) -> Option<ReturnRuling> {
        (from == Some(FindingStatus::Returned)).then(|| {
            if returned_by == now_with {
                ReturnRuling::Overruled
            } else {
                ReturnRuling::Upheld
            }
        })
    }
}

/// The moves a party may make on a finding in this state: what the screen offers.
pub fn available_moves(status: FindingStatus, parties: &[Party]) -> Vec<Move> {
    Move::ALL.into_iter().filter(|m| parties.contains(&m.party()) && m.target(status).is_some()).collect()
}

/// A move with what it needs: a resolution needs a note, a return or a reopening a reason.
/// Parsing a request into this type is where "note required" is enforced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command<S> {
    Accept,
    Resolve {
        note: Note,
    },
    Return {
        reason: Note,
    },
    Reroute {
        to: S,
        note: Option<Note>,
    },
    /// Overruling a return says why the finding is the section's after all.
    SendBack {
        reason: Note,
    },
    CloseOut {
        note: Option<Note>,
    },
    Reopen {
        reason: Note,
    },
}

impl<S> Command<S> {
    pub fn kind(&self) -> Move {
        match self {
            Command::Accept => Move::Accept,
            Command::Resolve { .. } => Move::Resolve,
            Command::Return { .. } => Move::Return,
            Command::Reroute { .. } => Move::Reroute,
            Command::SendBack { .. } => Move::SendBack,
            Command::CloseOut { .. } => Move::CloseOut,
            Command::Reopen { .. } => Move::Reopen,
        }
    }

    pub fn note(&self) -> Option<&Note> {
        match self {
            Command::Accept => None,
            Command::Resolve { note }
            | Command::Return { reason: note }
            | Command::SendBack { reason: note }
            | Command::Reopen { reason: note } => Some(note),
            Command::Reroute { note, .. } | Command::CloseOut { note } => note.as_ref(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("this party may not make this move")]
    NotYourMove,
    #[error("the move is not possible in the finding's current state")]
    Illegal { from: FindingStatus, attempted: Move },
    #[error("a finding can only be re-routed to another section")]
    SameSection,
}

/// What a legal move does to the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition<S> {
    pub from: FindingStatus,
    pub to: FindingStatus,
    /// The section the finding is with afterwards.
    pub section: S,
    pub restarts_deadline: bool,
    /// A section has it again and is told.
    pub hands_to_section: bool,
}

/// Decides a move. `current_section` is where the finding is now; `parties` are the roles the
/// acting user holds towards this finding.
pub fn decide<S: Clone + PartialEq>(
    from: FindingStatus,
    current_section: &S,
    parties: &[Party],
    command: &Command<S>,
) -> Result<Transition<S>, TransitionError> {
    let kind = command.kind();
    if !parties.contains(&kind.party()) {
        return Err(TransitionError::NotYourMove);
    }
    let to = kind.target(from).ok_or(TransitionError::Illegal { from, attempted: kind })?;
    let section = match command {
        Command::Reroute { to: target, .. } if target == current_section => return Err(TransitionError::SameSection),
        Command::Reroute { to: target, .. } => target.clone(),
        _ => current_section.clone(),
    };
    Ok(Transition {
        from,
        to,
        section,
        restarts_deadline: kind.restarts_deadline(),
        hands_to_section: kind.hands_to_section(),
    })
}

#[cfg(test)]
mod tests {
    use super::FindingStatus::*;
    use super::*;

    fn at(y: i32, m: u8, d: u8, h: i64) -> Timestamp {
        Timestamp(Timestamp::start_of_day(crate::domain::time::LocalDate::new(y, m, d).unwrap()).0 + h * 3_600_000)
    }

    #[test]
    fn selections_pick_what_urgency_says() {
        // Around a Sunday evening and a Wednesday noon, deadlines every 7 hours for 3 weeks.
        for now in [at(2026, 11, 29, 20), at(2026, 12, 2, 12)] {
            for status in FindingStatus::ALL {
                for k in -30..90 {
                    let deadline = Timestamp(now.0 + k * 7 * 3_600_000 + 1);
                    let running = status.deadline_runs().then(|| urgency(deadline, now));
                    let overdue = Selection::running(now, Urgency::Overdue).contains(status, deadline);
                    let today = Selection::running(now, Urgency::DueToday).contains(status, deadline);
                    let week = Selection::running(now, Urgency::DueThisWeek).contains(status, deadline);
                    let later = Selection::running(now, Urgency::Later).contains(status, deadline);
                    assert_eq!(overdue, running == Some(Urgency::Overdue), "{k}");
                    assert_eq!(today, running == Some(Urgency::DueToday), "{k}");
                    assert_eq!(week, matches!(running, Some(Urgency::DueToday | Urgency::DueThisWeek)), "{k}");
                    assert_eq!(later, running == Some(Urgency::Later), "{k}");
                }
                let exactly_now = Selection::running(now, Urgency::Overdue).contains(status, now);
                assert!(!exactly_now, "due this very moment is not late yet");
            }
        }
    }

    fn note() -> Note {
        Note::parse("fixed").unwrap()
    }

    fn command(m: Move) -> Command<&'static str> {
        match m {
            Move::Accept => Command::Accept,
            Move::Resolve => Command::Resolve { note: note() },
            Move::Return => Command::Return { reason: note() },
            Move::Reroute => Command::Reroute { to: "engineering", note: None },
            Move::SendBack => Command::SendBack { reason: note() },
            Move::CloseOut => Command::CloseOut { note: None },
            Move::Reopen => Command::Reopen { reason: note() },
        }
    }

    /// The whole table of legal moves, written out once by hand.
    const LEGAL: [(FindingStatus, Move, FindingStatus); 9] = [
        (Routed, Move::Accept, Accepted),
        (Routed, Move::Resolve, Resolved),
        (Routed, Move::Return, Returned),
        (Accepted, Move::Resolve, Resolved),
        (Accepted, Move::Return, Returned),
        (Returned, Move::Reroute, Routed),
        (Returned, Move::SendBack, Routed),
        (Resolved, Move::CloseOut, Closed),
        (Resolved, Move::Reopen, Routed),
    ];

    #[test]
    fn every_legal_move_leads_where_the_table_says() {
        for (from, m, to) in LEGAL {
            let t = decide(from, &"urban", &[m.party()], &command(m)).unwrap();
            assert_eq!((t.from, t.to), (from, to), "{m:?} from {from:?}");
            assert_eq!(t.restarts_deadline, matches!(m, Move::Reroute | Move::Reopen));
            assert_eq!(t.hands_to_section, to == Routed);
        }
    }

    #[test]
    fn every_other_move_is_refused_as_illegal() {
        for from in FindingStatus::ALL {
            for m in Move::ALL {
                if LEGAL.iter().any(|(f, lm, _)| *f == from && *lm == m) {
                    continue;
                }
                assert_eq!(
                    decide(from, &"urban", &[m.party()], &command(m)),
                    Err(TransitionError::Illegal { from, attempted: m }),
                    "{m:?} from {from:?}"
                );
            }
        }
    }

    #[test]
    fn closed_is_final() {
        assert!(available_moves(Closed, &[Party::Section, Party::Coordinator, Party::RoadChief]).is_empty());
    }

    #[test]
    fn only_the_right_party_may_move() {
        for (from, m, _) in LEGAL {
            for party in [Party::Section, Party::Coordinator, Party::RoadChief] {
                let result = decide(from, &"urban", &[party], &command(m));
                if party == m.party() {
                    assert!(result.is_ok());
                } else {
                    assert_eq!(result, Err(TransitionError::NotYourMove), "{party:?} {m:?}");
                }
            }
        }
    }

    #[test]
    fn reroute_changes_section_and_must_change_it() {
        let t = decide(Returned, &"urban", &[Party::Coordinator], &command(Move::Reroute)).unwrap();
        assert_eq!(t.section, "engineering");
        assert_eq!(
            decide(Returned, &"engineering", &[Party::Coordinator], &command(Move::Reroute)),
            Err(TransitionError::SameSection)
        );
        // A reopening goes back to the same section, and so does an overruled return.
        let t = decide(Resolved, &"urban", &[Party::RoadChief], &command(Move::Reopen)).unwrap();
        assert_eq!(t.section, "urban");
        let t = decide(Returned, &"urban", &[Party::Coordinator], &command(Move::SendBack)).unwrap();
        assert_eq!((t.section, t.restarts_deadline), ("urban", false));
    }

    #[test]
    fn a_step_out_of_returned_is_a_ruling_on_the_return() {
        assert_eq!(ReturnRuling::of(Some(Returned), &"urban", &"urban"), Some(ReturnRuling::Overruled));
        assert_eq!(ReturnRuling::of(Some(Returned), &"urban", &"engineering"), Some(ReturnRuling::Upheld));
        for from in [None, Some(Routed), Some(Accepted), Some(Resolved)] {
            assert_eq!(ReturnRuling::of(from, &"urban", &"urban"), None);
            assert_eq!(ReturnRuling::of(from, &"urban", &"engineering"), None);
        }
    }

    #[test]
    fn moves_offered_per_party() {
        assert_eq!(available_moves(Routed, &[Party::Section]), vec![Move::Accept, Move::Resolve, Move::Return]);
        assert_eq!(available_moves(Accepted, &[Party::Section]), vec![Move::Resolve, Move::Return]);
        assert_eq!(available_moves(Returned, &[Party::Coordinator]), vec![Move::Reroute, Move::SendBack]);
        assert_eq!(available_moves(Resolved, &[Party::RoadChief]), vec![Move::CloseOut, Move::Reopen]);
        assert!(available_moves(Routed, &[Party::RoadChief, Party::Coordinator]).is_empty());
    }

    #[test]
    fn overdue_is_derived_and_only_while_with_the_section() {
        let deadline = Timestamp(1_000_000);
        let later = Timestamp(2_000_000);
        assert!(overdue(Routed, deadline, later));
        assert!(overdue(Accepted, deadline, later));
        for s in [Resolved, Closed, Returned] {
            assert!(!overdue(s, deadline, later));
        }
        assert!(!overdue(Routed, deadline, Timestamp(500_000)));
    }

    #[test]
    fn status_names_round_trip() {
        for s in FindingStatus::ALL {
            assert_eq!(FindingStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(FindingStatus::parse("overdue"), None);
    }
}
