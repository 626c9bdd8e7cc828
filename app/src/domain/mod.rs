//! The rules of the road-chief system: pure functions and types, no I/O, compiled for both the
//! browser and the server. Everything else calls into this.

pub mod admin;
pub mod calendar;
pub mod deadline;
pub mod duplicate;
pub mod evidence;
pub mod finding;
pub mod geometry;
pub mod ids;
pub mod inspection;
pub mod joint;
pub mod notice;
pub mod open311;
pub mod patrol;
pub mod performance;
pub mod photo;
pub mod race;
pub mod reminder;
pub mod report;
pub mod sign_in;
pub mod street;
pub mod text;
pub mod time;

use serde::{Deserialize, Serialize};

/// What a user is in the subdistrict office.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    RoadChief,
    SectionHead,
    Coordinator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::RoadChief => "road_chief",
            Role::SectionHead => "section_head",
            Role::Coordinator => "coordinator",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [Role::RoadChief, Role::SectionHead, Role::Coordinator].into_iter().find(|r| r.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip() {
        for r in [Role::RoadChief, Role::SectionHead, Role::Coordinator] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
