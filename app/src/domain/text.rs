//! Text that people type, parsed once at the boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A note, reason or resolution: trimmed, not empty, at most 2000 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Note(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the note is empty")]
    Empty,
    #[error("the note is longer than {} characters", Note::MAX_CHARS)]
    TooLong,
}

impl Note {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(text: &str) -> Result<Note, NoteError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            Err(NoteError::Empty)
        } else if trimmed.chars().count() > Self::MAX_CHARS {
            Err(NoteError::TooLong)
        } else {
            Ok(Note(trimmed.to_owned()))
        }
    }

    /// An optional note: blank means none.
    pub fn parse_optional(text: Option<&str>) -> Result<Option<Note>, NoteError> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => Note::parse(t).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Note {
    type Error = NoteError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Note::parse(&s)
    }
}

impl From<Note> for String {
    fn from(n: Note) -> String {
        n.0
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The stable identifier of a road, section, community or category as the subdistrict's
/// import file names it: 1–64 of a–z, 0–9, '-' and '_'.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a code is 1 to 64 of a-z, 0-9, '-' and '_'")]
pub struct CodeError;

impl Code {
    pub fn parse(text: &str) -> Result<Code, CodeError> {
        let ok = (1..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(Code(text.to_owned()))
        } else {
            Err(CodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Code::parse(&s)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A sign-in name: 3–32 of a–z, 0–9, '.', '-' and '_'; compared in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a username is 3 to 32 of a-z, 0-9, '.', '-' and '_'")]
pub struct UsernameError;

impl Username {
    pub fn parse(text: &str) -> Result<Username, UsernameError> {
        let lower = text.trim().to_ascii_lowercase();
        let ok = (3..=32).contains(&lower.len())
            && lower.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Username(lower))
        } else {
            Err(UsernameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = UsernameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Username::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

/// A new password: 8–128 characters. (Sign-in accepts whatever is typed and just compares.)
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a password has 8 to 128 characters")]
pub struct PasswordError;

impl NewPassword {
    pub fn parse(text: &str) -> Result<NewPassword, PasswordError> {
        if (8..=128).contains(&text.chars().count()) {
            Ok(NewPassword(text.to_owned()))
        } else {
            Err(PasswordError)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// Text for a one-line header (an email subject): line breaks and other control characters
/// become spaces, so that text people typed can never start a header of its own.
pub fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_stay_one_line() {
        assert_eq!(one_line("道路\r\nBcc: x@evil.example"), "道路  Bcc: x@evil.example");
        assert_eq!(one_line("a\u{85}b\u{2028}c"), "a b\u{2028}c");
        assert_eq!(one_line("平常的标题"), "平常的标题");
    }

    #[test]
    fn note_is_trimmed_and_bounded() {
        assert_eq!(Note::parse("  路面塌陷  ").unwrap().as_str(), "路面塌陷");
        assert_eq!(Note::parse(""), Err(NoteError::Empty));
        assert_eq!(Note::parse(" \n\t "), Err(NoteError::Empty));
        // 2000 Chinese characters are 6000 bytes: the limit counts characters.
        assert!(Note::parse(&"路".repeat(2000)).is_ok());
        assert_eq!(Note::parse(&"路".repeat(2001)), Err(NoteError::TooLong));
        assert_eq!(Note::parse(&"a".repeat(2001)), Err(NoteError::TooLong));
    }

    #[test]
    fn optional_note() {
        assert_eq!(Note::parse_optional(None), Ok(None));
        assert_eq!(Note::parse_optional(Some("   ")), Ok(None));
        assert_eq!(Note::parse_optional(Some(" ok ")).unwrap().unwrap().as_str(), "ok");
        assert_eq!(Note::parse_optional(Some(&"x".repeat(2001))), Err(NoteError::TooLong));
    }

    #[test]
    fn note_deserialization_enforces_the_rules() {
        assert!(serde_json::from_str::<Note>("\"\"").is_err());
        assert_eq!(serde_json::from_str::<Note>("\" a \"").unwrap().as_str(), "a");
    }

    #[test]
    fn codes() {
        assert!(Code::parse("market-road-1").is_ok());
        assert!(Code::parse("road_damage").is_ok());
        for bad in ["", "Market", "a b", "路", "x/y", &"a".repeat(65)] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Chief01 ").unwrap().as_str(), "chief01");
        for bad in ["ab", "with space", "王", &"a".repeat(33)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("longenough").is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("secret-secret").unwrap()), "NewPassword(..)");
    }
}
