//! Closed sets of values that travel and are stored as fixed names (`"routed"`, `"note_too_long"`).
//!
//! `named!` declares such an enum with each value's name beside it, once: `ALL`, `as_str` and
//! `parse` come from that list, serde writes the same names, and reading one is a lookup in the
//! list. Serde's derived reader would match every name twice over (text and bytes) in each
//! type's own code, which the browser bundle carries for every such type.

use serde::de::{Deserializer, Error, Unexpected};
use serde::Deserialize;

/// Reads one of `all` by its name, refusing any other text.
pub fn read<'de, D: Deserializer<'de>, T: Copy>(
    deserializer: D,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    all.iter()
        .copied()
        .find(|value| name(*value) == text)
        .ok_or_else(|| D::Error::invalid_value(Unexpected::Str(&text), &"a known name"))
}

/// An enum of unit values, each written `Value = "name"`.
///
/// Names are taken as raw tokens (`tt`, not `literal`): a `literal` fragment reaches derives
/// wrapped in an invisible group, and utoipa's reader of `#[serde(rename)]` skips it, so the
/// API document would list `NotStarted` where the wire says `not_started`.
macro_rules! named {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$value_meta:meta])* $value:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        $vis enum $name {
            $( $(#[$value_meta])* #[serde(rename = $text)] $value ),+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$value),+];

            /// The value's name, as written on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$value => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                Self::ALL.into_iter().find(|value| value.as_str() == text)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                $crate::domain::names::read(deserializer, &Self::ALL, $name::as_str)
            }
        }
    };
}

pub(crate) use named;

#[cfg(test)]
mod tests {
    named! {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum Light {
            Red = "red",
            /// Documented values keep their comments.
            Green = "green_now",
        }
    }

    #[test]
    fn values_read_and_write_their_names() {
        assert_eq!(Light::ALL, [Light::Red, Light::Green]);
        assert_eq!(Light::Green.as_str(), "green_now");
        assert_eq!(Light::parse("red"), Some(Light::Red));
        assert_eq!(Light::parse("Green"), None);
        assert_eq!(serde_json::to_string(&Light::Green).unwrap(), "\"green_now\"");
        assert_eq!(serde_json::from_str::<Light>("\"green_now\"").unwrap(), Light::Green);
        // Escaped text is read as the same name.
        assert_eq!(serde_json::from_str::<Light>("\"r\\u0065d\"").unwrap(), Light::Red);
        assert!(serde_json::from_str::<Light>("\"blue\"").is_err());
        assert!(serde_json::from_str::<Light>("0").is_err());
        assert!(serde_json::from_str::<Vec<Light>>("[\"red\",\"green\"]").is_err());
    }

    /// The API document lists the names the wire carries (a contract run refuses any other).
    #[cfg(feature = "ssr")]
    #[test]
    fn the_api_document_lists_the_wire_names() {
        use crate::api::{error::ErrorCode, sync::AnswerKind};
        use crate::domain::{deadline::Urgency, finding::FindingStatus, inspection::*, Role};
        fn listed<T: utoipa::PartialSchema>() -> serde_json::Value {
            serde_json::to_value(T::schema()).unwrap()["enum"].clone()
        }
        fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> serde_json::Value {
            all.iter().map(|value| name(*value)).collect()
        }
        assert_eq!(listed::<InspectionStatus>(), serde_json::json!(["not_started", "in_progress", "submitted"]));
        assert_eq!(listed::<FindingStatus>(), names(&FindingStatus::ALL, FindingStatus::as_str));
        assert_eq!(listed::<Role>(), names(&Role::ALL, Role::as_str));
        assert_eq!(listed::<ErrorCode>(), names(&ErrorCode::ALL, ErrorCode::as_str));
        assert_eq!(listed::<CheckResult>(), names(&CheckResult::ALL, CheckResult::as_str));
        assert_eq!(listed::<Urgency>(), names(&Urgency::ALL, Urgency::as_str));
        assert_eq!(listed::<AnswerKind>(), names(&AnswerKind::ALL, AnswerKind::as_str));
    }
}
