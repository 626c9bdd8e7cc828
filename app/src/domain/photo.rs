//! Photos of findings: named by the SHA-256 of their bytes, at most four per finding, images
//! only, at most 10 MB each (the phone downsizes them to a few hundred KB before storing).

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAX_PHOTOS_PER_FINDING: usize = 4;
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The phone scales photos so that their longest side is at most this.
pub const MAX_PHOTO_SIDE_PX: u32 = 1600;

/// Lowercase hex SHA-256 of a photo's bytes: its name, on the phone and on the server.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PhotoHash(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 in lowercase hex")]
pub struct NotAPhotoHash;

impl PhotoHash {
    pub fn parse(text: &str) -> Result<PhotoHash, NotAPhotoHash> {
        let ok = text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(PhotoHash(text.to_owned()))
        } else {
            Err(NotAPhotoHash)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PhotoHash {
    type Error = NotAPhotoHash;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        PhotoHash::parse(&text)
    }
}

impl From<PhotoHash> for String {
    fn from(hash: PhotoHash) -> String {
        hash.0
    }
}

impl fmt::Display for PhotoHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The image formats a phone produces and a browser shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    /// What the bytes are, by their first bytes, whatever the upload claims.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(ImageKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageKind::Png),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageKind::Webp),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }

    pub fn parse_content_type(text: &str) -> Option<ImageKind> {
        [ImageKind::Jpeg, ImageKind::Png, ImageKind::Webp].into_iter().find(|k| k.content_type() == text)
    }
}

/// The photos declared with a finding: at most four, no repeats.
pub fn check_declared(photos: &[PhotoHash]) -> Result<(), TooManyPhotos> {
    let mut seen: Vec<&PhotoHash> = Vec::with_capacity(photos.len());
    for p in photos {
        if seen.contains(&p) {
            return Err(TooManyPhotos);
        }
        seen.push(p);
    }
    if photos.len() > MAX_PHOTOS_PER_FINDING {
        return Err(TooManyPhotos);
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("more than four photos, or the same photo twice")]
pub struct TooManyPhotos;

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn hashes_are_64_lowercase_hex_digits() {
        assert_eq!(PhotoHash::parse(HASH).unwrap().as_str(), HASH);
        assert!(PhotoHash::parse(&HASH.to_uppercase()).is_err());
        assert!(PhotoHash::parse(&HASH[1..]).is_err());
        assert!(PhotoHash::parse("../../etc/passwd").is_err());
        let from_json: Result<PhotoHash, _> = serde_json::from_str("\"zz\"");
        assert!(from_json.is_err());
    }

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"%PDF-1.7"), None);
        assert_eq!(ImageKind::sniff(b""), None);
        assert_eq!(ImageKind::parse_content_type("image/png"), Some(ImageKind::Png));
    }

    #[test]
    fn at_most_four_distinct_photos() {
        let h = |c: char| PhotoHash::parse(&c.to_string().repeat(64)).unwrap();
        assert!(check_declared(&[h('a'), h('b'), h('c'), h('d')]).is_ok());
        assert!(check_declared(&[h('a'), h('b'), h('c'), h('d'), h('e')]).is_err());
        assert!(check_declared(&[h('a'), h('a')]).is_err());
        assert!(check_declared(&[]).is_ok());
    }
}
