//! The office's directory as the coordinator changes it: names, who may hold which post, a
//! road's line from a GeoJSON file, and the record of each change (field, old → new).

use super::geometry::{GeometryError, RoadGeometry};
use super::time::Timestamp;
use super::Role;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a change was made to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    User,
    Community,
    Section,
    Category,
    Road,
}

impl Subject {
    pub const ALL: [Subject; 5] =
        [Subject::User, Subject::Community, Subject::Section, Subject::Category, Subject::Road];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::User => "user",
            Subject::Community => "community",
            Subject::Section => "section",
            Subject::Category => "category",
            Subject::Road => "road",
        }
    }

    pub fn parse(text: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The longest name of a road, section, community or category, and of a person.
pub const MAX_NAME_CHARS: usize = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
}

/// A one-line name: trimmed, not empty, at most `MAX_NAME_CHARS`, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(text: &str) -> Result<Name, NameError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NameError::Empty);
        }
        if text.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        // A line break in a name would break every list and export it appears in.
        Ok(Name(text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Chinese and an English name; both are needed (the app is complete in both languages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub zh: Name,
    pub en: Name,
}

impl Names {
    pub fn parse(zh: &str, en: &str) -> Result<Names, NameError> {
        Ok(Names { zh: Name::parse(zh)?, en: Name::parse(en)? })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a phone number is up to 20 of 0-9, '+', '-' and spaces")]
pub struct PhoneError;

/// A phone number as people write it, or none (empty).
pub fn parse_phone(text: &str) -> Result<Option<String>, PhoneError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let ok = text.chars().count() <= 20
        && text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c));
    if ok {
        Ok(Some(text.to_owned()))
    } else {
        Err(PhoneError)
    }
}

/// What the directory knows of a person when a post is given to them or their account changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    pub disabled: bool,
    /// Roads they are chief of now.
    pub roads: usize,
    /// Sections they head now.
    pub sections: usize,
}

/// Why a person cannot take a post, or their account cannot change so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PostError {
    #[error("a road's chief is an enabled road chief who heads no section")]
    NotARoadChief,
    #[error("a section's head is an enabled section head")]
    NotASectionHead,
    #[error("they are still chief of a road: give the road to someone else first")]
    StillChief,
    #[error("they still head a section: give the section to someone else first")]
    StillHead,
    #[error("the coordinator cannot lock themself out")]
    Yourself,
}

/// A road's chief is an enabled road chief who heads no section: the one who inspects is never
/// the one who answers.
pub fn may_be_chief(person: Standing) -> Result<(), PostError> {
    if person.role != Role::RoadChief || person.disabled || person.sections > 0 {
        return Err(PostError::NotARoadChief);
    }
    Ok(())
}

pub fn may_head_section(person: Standing) -> Result<(), PostError> {
    if person.role != Role::SectionHead || person.disabled {
        return Err(PostError::NotASectionHead);
    }
    Ok(())
}

/// A person's posts are handed over before their account changes.
fn holds_no_post(person: Standing) -> Result<(), PostError> {
    if person.roads > 0 {
        return Err(PostError::StillChief);
    }
    if person.sections > 0 {
        return Err(PostError::StillHead);
    }
    Ok(())
}

/// A role changes only when the person holds no post of the old role.
pub fn may_change_role(person: Standing, to: Role, yourself: bool) -> Result<(), PostError> {
    if to == person.role {
        return Ok(());
    }
    if yourself {
        return Err(PostError::Yourself);
    }
    holds_no_post(person)
}

/// An account is disabled only when it holds no post (nobody's road or section is left without
/// anyone), and never by its own coordinator.
pub fn may_disable(person: Standing, yourself: bool) -> Result<(), PostError> {
    if yourself {
        return Err(PostError::Yourself);
    }
    holds_no_post(person)
}

/// One field of one thing, before and after; `None` is "no value".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields whose value differs, in the order given: what a change record lists.
pub fn changed_fields(fields: &[(&'static str, Option<&str>, Option<&str>)]) -> Vec<FieldChange> {
    fields
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange { field, old: old.map(str::to_owned), new: new.map(str::to_owned) })
        .collect()
}

/// One chief's term on a road; the current term has no end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub chief_user_id: String,
    pub from: Timestamp,
    pub until: Option<Timestamp>,
}

/// Whose record of a road it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tenure {
    /// The road's chief now.
    Current,
    /// A chief no longer, who made the record while the road was theirs (it went out after the
    /// hand-over, from a phone with no signal): taken, and flagged.
    Former,
}

/// A chief records on a road while it is theirs; a record made during an earlier term of
/// theirs is still taken (once: operations apply once), flagged. Anything else is not theirs.
pub fn tenure(terms: &[Term], chief_user_id: &str, made_at: Timestamp) -> Option<Tenure> {
    let theirs = || terms.iter().filter(|t| t.chief_user_id == chief_user_id);
    if theirs().any(|t| t.until.is_none()) {
        return Some(Tenure::Current);
    }
    theirs()
        .any(|t| t.from.millis() <= made_at.millis() && t.until.is_some_and(|u| made_at.millis() <= u.millis()))
        .then_some(Tenure::Former)
}

/// The longest road a chief walks: longer lines are a wrong file (a whole district, or
/// latitude and longitude swapped into another continent).
pub const MAX_ROAD_M: f64 = 20_000.0;
/// The most points a road's line may have.
pub const MAX_ROAD_POINTS: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoadLineError {
    #[error("the file is not JSON")]
    NotJson,
    #[error("the file holds no LineString (a Feature, a FeatureCollection of one, or the geometry)")]
    NotALineString,
    #[error("a position is not [longitude, latitude] in range")]
    BadPosition,
    #[error("a road needs at least two distinct points")]
    TooFewPoints,
    #[error("the line has more than {MAX_ROAD_POINTS} points")]
    TooManyPoints,
    #[error("the line is longer than 20 km")]
    TooLong,
}

impl From<GeometryError> for RoadLineError {
    fn from(e: GeometryError) -> Self {
        match e {
            GeometryError::OutOfRange => RoadLineError::BadPosition,
            GeometryError::TooFewPoints => RoadLineError::TooFewPoints,
        }
    }
}

/// A road's line from an uploaded GeoJSON file: a LineString geometry, a Feature holding one,
/// or a FeatureCollection of exactly one such Feature. Positions are `[lon, lat]` (WGS84); an
/// altitude after them is dropped.
pub fn road_line_from_geojson(text: &str) -> Result<RoadGeometry, RoadLineError> {
    let value: Value = serde_json::from_str(text).map_err(|_| RoadLineError::NotJson)?;
    let geometry = line_string_of(&value).ok_or(RoadLineError::NotALineString)?;
    let positions = geometry.get("coordinates").and_then(Value::as_array).ok_or(RoadLineError::NotALineString)?;
    if positions.len() > MAX_ROAD_POINTS {
        return Err(RoadLineError::TooManyPoints);
    }
    let coordinates = positions
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([lon, lat]) | Some([lon, lat, _]) => Some([lon.as_f64()?, lat.as_f64()?]),
            _ => None,
        })
        .collect::<Option<Vec<[f64; 2]>>>()
        .ok_or(RoadLineError::BadPosition)?;
    let line = RoadGeometry::parse(&coordinates)?;
    if line.length_m() > MAX_ROAD_M {
        return Err(RoadLineError::TooLong);
    }
    Ok(line)
}

fn line_string_of(value: &Value) -> Option<&Value> {
    match value.get("type")?.as_str()? {
        "LineString" => Some(value),
        "Feature" => value.get("geometry").filter(|g| g.get("type").and_then(Value::as_str) == Some("LineString")),
        "FeatureCollection" => match value.get("features")?.as_array()?.as_slice() {
            [one] if one.get("type").and_then(Value::as_str) == Some("Feature") => line_string_of(one),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role) -> Standing {
        Standing { role, disabled: false, roads: 0, sections: 0 }
    }

    #[test]
    fn names_are_one_trimmed_line_within_the_limit() {
        assert_eq!(Name::parse("  市场一路 ").unwrap().as_str(), "市场一路");
        assert_eq!(Name::parse("a\nb").unwrap().as_str(), "a b");
        assert_eq!(Name::parse(" \t"), Err(NameError::Empty));
        assert_eq!(Name::parse(&"路".repeat(61)), Err(NameError::TooLong));
        assert!(Name::parse(&"路".repeat(60)).is_ok());
        assert_eq!(Names::parse("市场一路", ""), Err(NameError::Empty));
    }

    #[test]
    fn phones_are_digits_and_separators() {
        assert_eq!(parse_phone(" 0532-8286 1234 "), Ok(Some("0532-8286 1234".into())));
        assert_eq!(parse_phone(""), Ok(None));
        assert_eq!(parse_phone("call me"), Err(PhoneError));
        assert_eq!(parse_phone("---"), Err(PhoneError));
        assert_eq!(parse_phone(&"1".repeat(21)), Err(PhoneError));
    }

    #[test]
    fn a_chief_is_an_enabled_road_chief_heading_no_section() {
        assert_eq!(may_be_chief(person(Role::RoadChief)), Ok(()));
        assert_eq!(may_be_chief(person(Role::SectionHead)), Err(PostError::NotARoadChief));
        assert_eq!(may_be_chief(Standing { sections: 1, ..person(Role::RoadChief) }), Err(PostError::NotARoadChief));
        assert_eq!(may_be_chief(Standing { disabled: true, ..person(Role::RoadChief) }), Err(PostError::NotARoadChief));
        assert_eq!(may_head_section(person(Role::SectionHead)), Ok(()));
        assert_eq!(may_head_section(person(Role::Coordinator)), Err(PostError::NotASectionHead));
        assert_eq!(
            may_head_section(Standing { disabled: true, ..person(Role::SectionHead) }),
            Err(PostError::NotASectionHead)
        );
    }

    #[test]
    fn posts_are_handed_over_before_a_role_changes_or_an_account_is_disabled() {
        let chief = Standing { roads: 2, ..person(Role::RoadChief) };
        assert_eq!(may_change_role(chief, Role::SectionHead, false), Err(PostError::StillChief));
        assert_eq!(may_change_role(chief, Role::RoadChief, false), Ok(()));
        assert_eq!(may_disable(chief, false), Err(PostError::StillChief));
        let head = Standing { sections: 1, ..person(Role::SectionHead) };
        assert_eq!(may_change_role(head, Role::RoadChief, false), Err(PostError::StillHead));
        assert_eq!(may_disable(head, false), Err(PostError::StillHead));
        assert_eq!(may_disable(person(Role::RoadChief), false), Ok(()));
        assert_eq!(may_disable(person(Role::Coordinator), true), Err(PostError::Yourself));
        assert_eq!(may_change_role(person(Role::Coordinator), Role::RoadChief, true), Err(PostError::Yourself));
        assert_eq!(may_change_role(person(Role::SectionHead), Role::RoadChief, false), Ok(()));
    }

    #[test]
    fn only_changed_fields_are_recorded() {
        let changes = changed_fields(&[
            ("name_zh", Some("市场一路"), Some("市场一路")),
            ("chief", Some("chief01"), Some("chief02")),
            ("phone", None, Some("123")),
        ]);
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0],
            FieldChange { field: "chief", old: Some("chief01".into()), new: Some("chief02".into()) }
        );
        assert_eq!(changes[1].old, None);
    }

    #[test]
    fn a_former_chief_records_only_what_they_made_during_their_term() {
        let term = |who: &str, from: i64, until: Option<i64>| Term {
            chief_user_id: who.into(),
            from: Timestamp(from),
            until: until.map(Timestamp),
        };
        let terms = [term("new", 200, None), term("old", 100, Some(200)), term("old", 10, Some(20))];
        assert_eq!(tenure(&terms, "new", Timestamp(150)), Some(Tenure::Current));
        assert_eq!(tenure(&terms, "old", Timestamp(150)), Some(Tenure::Former));
        assert_eq!(tenure(&terms, "old", Timestamp(200)), Some(Tenure::Former));
        assert_eq!(tenure(&terms, "old", Timestamp(201)), None, "after the hand-over");
        assert_eq!(tenure(&terms, "old", Timestamp(50)), None, "between their terms");
        assert_eq!(tenure(&terms, "old", Timestamp(15)), Some(Tenure::Former));
        assert_eq!(tenure(&terms, "someone", Timestamp(150)), None);
    }

    #[test]
    fn a_road_line_comes_from_a_geometry_a_feature_or_a_collection_of_one() {
        let line = r#"{"type": "LineString", "coordinates": [[120.32, 36.07], [120.321, 36.071, 12.5]]}"#;
        let geometry = road_line_from_geojson(line).unwrap();
        assert_eq!(geometry.coordinates(), vec![[120.32, 36.07], [120.321, 36.071]]);
        let feature = format!(r#"{{"type": "Feature", "properties": {{"name": "x"}}, "geometry": {line}}}"#);
        assert!(road_line_from_geojson(&feature).is_ok());
        let collection = format!(r#"{{"type": "FeatureCollection", "features": [{feature}]}}"#);
        assert!(road_line_from_geojson(&collection).is_ok());
        let two = format!(r#"{{"type": "FeatureCollection", "features": [{feature}, {feature}]}}"#);
        assert_eq!(road_line_from_geojson(&two), Err(RoadLineError::NotALineString));
    }

    #[test]
    fn broken_road_lines_are_refused_with_the_reason() {
        assert_eq!(road_line_from_geojson("{not json"), Err(RoadLineError::NotJson));
        assert_eq!(
            road_line_from_geojson(r#"{"type": "Point", "coordinates": [120.32, 36.07]}"#),
            Err(RoadLineError::NotALineString)
        );
        assert_eq!(
            road_line_from_geojson(r#"{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}}"#),
            Err(RoadLineError::NotALineString)
        );
        assert_eq!(
            road_line_from_geojson(r#"{"type": "LineString", "coordinates": [[36.07, 120.32], [36.08, 120.33]]}"#),
            Err(RoadLineError::BadPosition),
            "latitude and longitude swapped"
        );
        assert_eq!(
            road_line_from_geojson(r#"{"type": "LineString", "coordinates": [["120.32", 36.07], [120.33, 36.08]]}"#),
            Err(RoadLineError::BadPosition)
        );
        assert_eq!(
            road_line_from_geojson(r#"{"type": "LineString", "coordinates": [[120.32, 36.07], [120.32, 36.07]]}"#),
            Err(RoadLineError::TooFewPoints)
        );
        assert_eq!(
            road_line_from_geojson(r#"{"type": "LineString", "coordinates": [[120.32, 36.07], [121.32, 36.07]]}"#),
            Err(RoadLineError::TooLong)
        );
        let many: Vec<[f64; 2]> = (0..=MAX_ROAD_POINTS).map(|i| [120.32 + i as f64 * 1e-6, 36.07]).collect();
        let many = serde_json::json!({"type": "LineString", "coordinates": many}).to_string();
        assert_eq!(road_line_from_geojson(&many), Err(RoadLineError::TooManyPoints));
    }
}
