//! The one way into a finding: who the user is to it (its road's chief, its section's head, the
//! coordinator), checked before anything of it is read or changed.
//!
//! `FindingAccess::load(conn, user, id)?.require(Party::Section)?`

use super::db::Tx;
use super::store::findings::{self, Standing};
use super::store::joint;
use super::store::Conn;
use super::{Result, User};
use crate::api::error::ErrorCode;
use crate::domain::finding::Party;
use crate::domain::Role;
use uuid::Uuid;

pub struct FindingAccess {
    pub id: Uuid,
    pub standing: Standing,
    pub parties: Vec<Party>,
    /// The assisting section of a joint case the user heads (they read the finding and answer
    /// their task; they make none of the finding's moves).
    pub assisting: Option<String>,
}

/// The roles `user` holds towards a finding on `road_chief`'s road routed to `section_head`.
fn parties(user: &User, standing: &Standing) -> Vec<Party> {
    match user.role {
        Role::RoadChief if user.id == standing.chief_user_id => vec![Party::RoadChief],
        Role::SectionHead if standing.head_user_id.as_deref() == Some(user.id.as_str()) => vec![Party::Section],
        Role::Coordinator => vec![Party::Coordinator],
        _ => Vec::new(),
    }
}

impl FindingAccess {
    /// The finding as `user` may see it: 404 if there is none, 403 if it is none of theirs.
    pub async fn load(conn: &mut Conn, user: &User, id: &Uuid) -> Result<FindingAccess> {
        let standing = findings::standing(conn, &id.to_string(), None).await?;
        Self::from(conn, standing, user, id).await
    }

    /// The same inside a write, with the finding locked until the write commits: moves of one
    /// finding happen one after the other, each from the state the last one left.
    pub async fn load_for_update(tx: &mut Tx, user: &User, id: &Uuid) -> Result<FindingAccess> {
        let engine = tx.engine();
        let standing = findings::standing(tx, &id.to_string(), Some(engine)).await?;
        Self::from(tx, standing, user, id).await
    }

    async fn from(conn: &mut Conn, standing: Option<Standing>, user: &User, id: &Uuid) -> Result<FindingAccess> {
        let standing = standing.ok_or(ErrorCode::NotFound)?;
        let parties = parties(user, &standing);
        let assisting = if user.role == Role::SectionHead && parties.is_empty() {
            joint::assisting_section_of(conn, &id.to_string(), &user.id).await?
        } else {
            None
        };
        if parties.is_empty() && assisting.is_none() {
            return Err(ErrorCode::Forbidden.into());
        }
        Ok(FindingAccess { id: *id, standing, parties, assisting })
    }

    /// Refused unless the user is this party to the finding.
    pub fn require(self, party: Party) -> Result<FindingAccess> {
        if self.parties.contains(&party) {
            Ok(self)
        } else {
            Err(ErrorCode::Forbidden.into())
        }
    }

    pub fn is(&self, party: Party) -> bool {
        self.parties.contains(&party)
    }

    pub fn key(&self) -> String {
        self.id.to_string()
    }
}
