//! Widgets shared by several screens.

pub mod badges;
pub mod finding_card;
pub mod header;
pub mod notice;
pub mod patrol_summary;
pub mod photo_picker;
pub mod road_map;
pub mod sync_status;
