//! Evidence that holds: when and where a photo was taken as the phone saw it, how far the
//! phone's clock stood from the server's, and which photos show the problem fixed.
//!
//! A phone's clock can be set to anything, so its times are kept as the phone's word beside
//! the server's own receipt time, and a record whose phone clock disagrees with the server's by
//! more than ten minutes is marked for whoever weighs it.

use super::geometry::GeoPoint;
use super::photo::PhotoHash;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Beyond this the phone's clock is called wrong.
pub const SKEW_MARK_MS: i64 = 10 * 60_000;

/// The span a phone may say a photo was taken in (2000-01-01 to 2100-01-01): outside it is a
/// clock that was never set, not a time. Inside it a wrong clock is marked, not refused: a
/// record kept offline must not become unsendable because the phone's clock was changed.
const EARLIEST_MS: i64 = 946_684_800_000;
const LATEST_MS: i64 = 4_102_444_800_000;

/// The phone's clock minus the server's, measured when the phone sent the record (it stamps
/// each record as it sends it, so time spent offline does not count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClockSkew(pub i64);

impl ClockSkew {
    pub fn between(phone: Timestamp, server: Timestamp) -> ClockSkew {
        ClockSkew(phone.0.saturating_sub(server.0))
    }

    /// The record is marked: the phone's times are not to be taken at their word.
    pub fn marked(self) -> bool {
        self.0.unsigned_abs() > SKEW_MARK_MS as u64
    }

    /// Whole minutes, rounded towards zero, for the mark's text.
    pub fn minutes(self) -> i64 {
        self.0 / 60_000
    }
}

/// Whether a photo shows the problem as found or as fixed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoStage {
    /// Taken with the finding.
    #[default]
    Before,
    /// Taken with the resolution.
    After,
}

impl PhotoStage {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoStage::Before => "before",
            PhotoStage::After => "after",
        }
    }

    pub fn parse(text: &str) -> Option<PhotoStage> {
        [PhotoStage::Before, PhotoStage::After].into_iter().find(|s| s.as_str() == text)
    }
}

/// When and where the phone says a photo was taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhotoTaken {
    pub hash: PhotoHash,
    /// The phone's clock (the file's time for a picked photo).
    pub at: Timestamp,
    /// The phone's position then, if it had one.
    #[serde(default)]
    pub place: Option<GeoPoint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("a photo's record names a photo not declared with it, or one twice")]
    UnknownPhoto,
    #[error("a photo's time or place is impossible")]
    Impossible,
}

/// Whether a phone's time for a photo can be a time at all.
pub fn possible_time(at: Timestamp) -> bool {
    (EARLIEST_MS..LATEST_MS).contains(&at.0)
}

/// Checks the records of `photos`' taking: each names one of them, once, at a possible time
/// and a place on the globe. A photo without a record is allowed (an older phone).
pub fn check_taken(photos: &[PhotoHash], taken: &[PhotoTaken]) -> Result<(), EvidenceError> {
    for (i, t) in taken.iter().enumerate() {
        if !photos.contains(&t.hash) || taken[..i].iter().any(|o| o.hash == t.hash) {
            return Err(EvidenceError::UnknownPhoto);
        }
        if !possible_time(t.at) {
            return Err(EvidenceError::Impossible);
        }
        if let Some(p) = t.place {
            GeoPoint::parse(p.lon, p.lat).map_err(|_| EvidenceError::Impossible)?;
        }
    }
    Ok(())
}

/// Why a resolution cannot go as it is, under its category's rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolutionEvidence {
    #[error("this category's resolution needs a photo of the result")]
    AfterPhotoRequired,
    #[error("an after photo cannot be one of the finding's own photos")]
    SamePhotoAsBefore,
}

/// A resolution's photos under the rule: at least one when the category requires it, and none
/// the same as a photo taken with the finding (the "after" that is the "before" proves nothing).
pub fn check_resolution(required: bool, after: &[PhotoHash], before: &[PhotoHash]) -> Result<(), ResolutionEvidence> {
    if after.iter().any(|a| before.contains(a)) {
        return Err(ResolutionEvidence::SamePhotoAsBefore);
    }
    if required && after.is_empty() {
        return Err(ResolutionEvidence::AfterPhotoRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(c: char) -> PhotoHash {
        PhotoHash::parse(&c.to_string().repeat(64)).unwrap()
    }

    const NOW: Timestamp = Timestamp(1_796_000_000_000);

    #[test]
    fn a_clock_ten_minutes_off_is_not_marked_a_second_more_is() {
        assert!(!ClockSkew::between(Timestamp(NOW.0 + SKEW_MARK_MS), NOW).marked());
        assert!(ClockSkew::between(Timestamp(NOW.0 + SKEW_MARK_MS + 1), NOW).marked());
        assert!(ClockSkew::between(Timestamp(NOW.0 - SKEW_MARK_MS - 1), NOW).marked());
        assert!(!ClockSkew::between(NOW, NOW).marked());
        assert_eq!(ClockSkew::between(Timestamp(NOW.0 - 2 * 3_600_000), NOW).minutes(), -120);
        // Any i64 from a phone: no overflow.
        assert!(ClockSkew::between(Timestamp(i64::MIN), Timestamp(i64::MAX)).marked());
        assert!(ClockSkew(i64::MIN).marked());
    }

    #[test]
    fn a_photos_record_names_a_declared_photo_once_at_a_possible_time() {
        let taken = |c, at| PhotoTaken { hash: hash(c), at: Timestamp(at), place: None };
        let photos = [hash('a'), hash('b')];
        assert!(check_taken(&photos, &[taken('a', NOW.0 - 60_000)]).is_ok());
        assert!(check_taken(&photos, &[]).is_ok(), "an older phone sends none");
        assert_eq!(check_taken(&photos, &[taken('c', NOW.0)]), Err(EvidenceError::UnknownPhoto));
        assert_eq!(check_taken(&photos, &[taken('a', NOW.0), taken('a', NOW.0)]), Err(EvidenceError::UnknownPhoto));
        assert_eq!(check_taken(&photos, &[taken('a', 0)]), Err(EvidenceError::Impossible));
        assert_eq!(check_taken(&photos, &[taken('a', i64::MIN)]), Err(EvidenceError::Impossible));
        assert_eq!(check_taken(&photos, &[taken('a', i64::MAX)]), Err(EvidenceError::Impossible));
        // A day ahead of the server: a wrong clock, kept and marked (by the skew), not refused.
        assert!(check_taken(&photos, &[taken('a', NOW.0 + 86_400_000)]).is_ok());
        let off_globe = PhotoTaken { place: Some(GeoPoint { lon: 200.0, lat: 0.0 }), ..taken('a', NOW.0) };
        assert_eq!(check_taken(&photos, &[off_globe]), Err(EvidenceError::Impossible));
        let nan = PhotoTaken { place: Some(GeoPoint { lon: f64::NAN, lat: 0.0 }), ..taken('a', NOW.0) };
        assert_eq!(check_taken(&photos, &[nan]), Err(EvidenceError::Impossible));
    }

    #[test]
    fn the_after_photo_rule() {
        let before = [hash('a')];
        assert!(check_resolution(false, &[], &before).is_ok());
        assert!(check_resolution(true, &[hash('b')], &before).is_ok());
        assert_eq!(check_resolution(true, &[], &before), Err(ResolutionEvidence::AfterPhotoRequired));
        assert_eq!(check_resolution(true, &[hash('a')], &before), Err(ResolutionEvidence::SamePhotoAsBefore));
        assert_eq!(check_resolution(false, &[hash('a')], &before), Err(ResolutionEvidence::SamePhotoAsBefore));
    }

    #[test]
    fn stages_round_trip() {
        for s in [PhotoStage::Before, PhotoStage::After] {
            assert_eq!(PhotoStage::parse(s.as_str()), Some(s));
        }
        assert_eq!(PhotoStage::parse("during"), None);
    }
}
