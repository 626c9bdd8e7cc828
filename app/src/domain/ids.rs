//! Identifiers made on the device (UUID v7: time-ordered, so the server can de-duplicate and
//! the ids sort by creation).

use uuid::Uuid;

/// Builds a UUID v7 from a Unix time in milliseconds and 10 random bytes. The caller brings the
/// randomness (the browser's `crypto.getRandomValues`, the server's OS generator), which keeps
/// this crate free of a random-number dependency in the bundle.
pub fn uuid_v7(unix_millis: u64, random: [u8; 10]) -> Uuid {
    uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_ids_sort_by_time_and_parse_back() {
        let a = uuid_v7(1_795_680_540_000, [0xff; 10]);
        let b = uuid_v7(1_795_680_540_001, [0; 10]);
        assert!(a < b);
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(Uuid::parse_str(&a.to_string()).unwrap(), a);
    }
}
