//! One module per screen.

pub mod admin;
pub mod channels;
pub mod desk;
pub mod district_map;
pub mod extension;
pub mod finding;
pub mod finding_form;
mod finding_photos;
pub mod home;
pub mod inbox;
pub mod inspection;
pub mod joint;
pub mod moves;
pub mod my_findings;
pub mod not_found;
pub mod outbox;
pub mod overview;
pub mod overview_charts;
pub mod patrol;
pub mod patrol_sketch;
pub mod race;
pub mod reports;
pub mod rules;
pub mod shell;
pub mod shop;
pub mod sign_in;
pub mod street;
