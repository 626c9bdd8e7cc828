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
pub mod names;
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

use crate::domain::names::named;

named! {
    /// What a user is in the subdistrict office.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum Role {
        RoadChief = "road_chief",
        SectionHead = "section_head",
        Coordinator = "coordinator",
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
