//! How server functions carry their answers: JSON, decoded from text. The page hands its
//! screen data to the app as text (hydration) and the phone keeps it as text, so decoding a
//! server function's answer from text too lets every screen type share one decoder in the
//! browser bundle, instead of a second copy for bytes (`serde_json::from_slice`).

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// JSON, as `application/json`, read from its text.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, serde_json::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, serde_json::Error> {
        // Not UTF-8 is not JSON: the same refusal serde_json gives for a bad byte.
        let text =
            std::str::from_utf8(&bytes).map_err(|_| <serde_json::Error as serde::de::Error>::custom("not UTF-8"))?;
        serde_json::from_str(text)
    }
}

/// A server function's answer: posted arguments, a JSON answer read from text.
pub type Json = Post<JsonText>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_bad_bytes_are_refused() {
        let bytes = <JsonText as Encodes<Vec<String>>>::encode(&vec!["路长".to_owned()]).unwrap();
        let back: Vec<String> = <JsonText as Decodes<Vec<String>>>::decode(bytes).unwrap();
        assert_eq!(back, vec!["路长".to_owned()]);
        assert!(<JsonText as Decodes<Vec<String>>>::decode(Bytes::from_static(b"[\"\xff\"]")).is_err());
    }
}
