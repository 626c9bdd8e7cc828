//! Residents' reports from a road's public board: what becomes of them, the short code a
//! resident notes down, the proof of work the board page computes before it sends one, and how
//! often one sender and one road may report.

use super::deadline::{deadline_after, WorkingCalendar, WorkingDays};
use super::sign_in::ceiling_wait;
use super::time::Timestamp;

/// A report waits for the road's chief, who confirms it (a finding of the road is made from
/// it), answers it without a finding, or marks it as spam.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportStatus {
    New,
    Confirmed,
    Answered,
    Spam,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::New => "new",
            ReportStatus::Confirmed => "confirmed",
            ReportStatus::Answered => "answered",
            ReportStatus::Spam => "spam",
        }
    }

    pub fn parse(text: &str) -> Option<ReportStatus> {
        [ReportStatus::New, ReportStatus::Confirmed, ReportStatus::Answered, ReportStatus::Spam]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Working days a chief has to confirm or answer a report before the coordinator is told.
pub const ANSWER_WITHIN_DAYS: u16 = 2;

/// When a report received at `received` has waited too long: the end of the second working
/// day after it came.
pub fn answer_due(received: Timestamp, calendar: &impl WorkingCalendar) -> Timestamp {
    let days = WorkingDays::try_from(ANSWER_WITHIN_DAYS).expect("a valid number of working days");
    deadline_after(received, days, calendar)
}

/// Photos a resident may send with one report.
pub const MAX_REPORT_PHOTOS: usize = 2;
/// A resident's contact (a phone number, an address, a name): optional, one line.
pub const MAX_CONTACT_CHARS: usize = 100;
/// How far from the road a resident's position may be (they stand near the board).
pub const MAX_OFF_ROAD_M: f64 = 300.0;

/// The symbols of short codes and board codes (Crockford's base 32: no I, L, O, U).
const SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random bytes as Crockford symbols, 5 bits each.
pub fn symbols(random: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in random {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(SYMBOLS[((buffer >> bits) & 31) as usize]));
        }
        buffer &= (1 << bits) - 1;
    }
    out
}

/// The code a resident notes down to follow a report without its link: 8 symbols (40 random
/// bits), shown as `XXXX-XXXX`. Typed back, case, dashes, spaces and the look-alikes O, I and
/// L do not matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAShortCode;

impl ShortCode {
    pub const LEN: usize = 8;

    /// From 5 random bytes.
    pub fn from_random(random: [u8; 5]) -> ShortCode {
        ShortCode(symbols(&random))
    }

    pub fn parse(text: &str) -> Result<ShortCode, NotAShortCode> {
        let mut code = String::with_capacity(Self::LEN);
        for c in text.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !SYMBOLS.contains(&(c as u8)) || code.len() == Self::LEN {
                return Err(NotAShortCode);
            }
            code.push(c);
        }
        if code.len() == Self::LEN {
            Ok(ShortCode(code))
        } else {
            Err(NotAShortCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed for people: `XXXX-XXXX`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// The secret part of a tracking link: 128 random bits in lowercase hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingToken(String);

impl TrackingToken {
    pub fn from_random(random: [u8; 16]) -> TrackingToken {
        TrackingToken(random.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn parse(text: &str) -> Option<TrackingToken> {
        (text.len() == 32 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| TrackingToken(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a resident can be reached: trimmed, one line, at most `MAX_CONTACT_CHARS`. Seen by the
/// road's chief only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactTooLong;

impl Contact {
    /// Blank is no contact.
    pub fn parse_optional(text: &str) -> Result<Option<Contact>, ContactTooLong> {
        let line = super::text::one_line(text);
        let line = line.trim();
        if line.is_empty() {
            Ok(None)
        } else if line.chars().count() > MAX_CONTACT_CHARS {
            Err(ContactTooLong)
        } else {
            Ok(Some(Contact(line.to_owned())))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// The proof of work. The board page gets a challenge signed by the server for its road and
// time; before sending, it finds a counter such that SHA-256 of `challenge:counter` starts with
// `WORK_BITS` zero bits (about 65,000 hashes: well under a second on a cheap phone, and a cost
// per report that a flood has to pay again and again). Each solved challenge serves one report.

/// Leading zero bits the proof's hash needs.
pub const WORK_BITS: u32 = 16;
/// How long a challenge may be used after the page got it.
pub const CHALLENGE_LIFETIME_MS: i64 = 2 * 3_600_000;
/// A counter is a decimal number of at most this many digits.
pub const MAX_COUNTER_DIGITS: usize = 12;

/// The leading zero bits of a hash.
pub fn leading_zero_bits(hash: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

/// What is hashed for a proof: the challenge and the counter, if the counter is a counter.
pub fn work_input(challenge: &str, counter: &str) -> Option<String> {
    let counter_ok =
        !counter.is_empty() && counter.len() <= MAX_COUNTER_DIGITS && counter.bytes().all(|b| b.is_ascii_digit());
    counter_ok.then(|| format!("{challenge}:{counter}"))
}

/// A challenge as the board page carries it: `{issued_at}.{nonce}.{signature}`, the signature
/// over the road, the time and the nonce (made and checked by the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub issued_at: Timestamp,
    pub nonce: String,
    pub signature: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChallengeError {
    Malformed,
    Expired,
}

impl Challenge {
    pub fn parse(text: &str, now: Timestamp) -> Result<Challenge, ChallengeError> {
        let mut parts = text.split('.');
        let (Some(issued), Some(nonce), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ChallengeError::Malformed);
        };
        let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
        let issued: i64 = issued.parse().map_err(|_| ChallengeError::Malformed)?;
        if !hex(nonce, 32) || !hex(signature, 64) {
            return Err(ChallengeError::Malformed);
        }
        // A few minutes ahead is another server's clock behind a balancer; more is made up.
        if issued > now.millis() + 5 * 60_000 || now.millis() - issued > CHALLENGE_LIFETIME_MS {
            return Err(ChallengeError::Expired);
        }
        Ok(Challenge { issued_at: Timestamp(issued), nonce: nonce.to_owned(), signature: signature.to_owned() })
    }

    /// What the signature covers.
    pub fn signed_text(road_id: &str, issued_at: Timestamp, nonce: &str) -> String {
        format!("board-challenge\n{road_id}\n{}\n{nonce}", issued_at.millis())
    }
}

// How often reports may come. One sender (an address) sends a few an hour; a road takes a few
// dozen a day; a sender whose reports the chief marked as spam twice in a month is not heard
// for the rest of that month. Counted by the store from the reports themselves.

pub const SENDER_PER_HOUR: usize = 3;
pub const SENDER_PER_DAY: usize = 10;
pub const ROAD_PER_DAY: usize = 60;
pub const SPAM_MARKS_BLOCK: usize = 2;
pub const SPAM_MEMORY_MS: i64 = 30 * 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What the store counted for one report, newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recent {
    /// The sender's reports within a day.
    pub sender: Vec<Timestamp>,
    /// The sender's reports marked as spam within `SPAM_MEMORY_MS`.
    pub sender_spam: Vec<Timestamp>,
    /// The road's reports within a day.
    pub road: Vec<Timestamp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    /// Too many lately: try again in this many seconds.
    Wait { retry_after_s: i64 },
}

/// Whether one more report may come now.
pub fn may_report(recent: &Recent, now: Timestamp) -> Result<(), Limited> {
    longest_wait([
        ceiling_wait(&recent.sender, SENDER_PER_HOUR, HOUR_MS, now),
        ceiling_wait(&recent.sender, SENDER_PER_DAY, DAY_MS, now),
        ceiling_wait(&recent.road, ROAD_PER_DAY, DAY_MS, now),
        ceiling_wait(&recent.sender_spam, SPAM_MARKS_BLOCK, SPAM_MEMORY_MS, now),
    ])
}

/// Refused for the longest of the waits the limits ask (in ms), if any; seconds rounded up.
pub(crate) fn longest_wait(waits_ms: impl IntoIterator<Item = i64>) -> Result<(), Limited> {
    match waits_ms.into_iter().max().unwrap_or(0) {
        wait_ms if wait_ms <= 0 => Ok(()),
        wait_ms => Err(Limited::Wait { retry_after_s: (wait_ms + 999) / 1000 }),
    }
}

/// Who counts as one sender: an IPv4 address, or an IPv6 /64 (one household or phone gets a
/// whole /64 and can change addresses inside it at will).
pub fn sender_of(address: std::net::IpAddr) -> String {
    match address {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_800_000_000_000);

    fn ago(ms: i64) -> Timestamp {
        Timestamp(NOW.millis() - ms)
    }

    #[test]
    fn a_report_sent_on_friday_is_due_on_tuesday_night() {
        use crate::domain::deadline::WeekdaysOnly;
        use crate::domain::time::LocalDate;
        // Friday 2026-12-04, 10:00 in Shanghai.
        let friday = Timestamp(Timestamp::start_of_day(LocalDate::new(2026, 12, 4).unwrap()).millis() + 10 * 3_600_000);
        let due = answer_due(friday, &WeekdaysOnly);
        assert_eq!(due, Timestamp::end_of_day(LocalDate::new(2026, 12, 8).unwrap()));
    }

    #[test]
    fn an_ipv6_sender_is_its_64() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(sender_of(a), sender_of(b));
        assert_eq!(sender_of("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
        assert_ne!(sender_of("10.0.0.1".parse().unwrap()), sender_of("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn short_codes_survive_how_people_type_them() {
        let code = ShortCode::from_random([0xff, 0x00, 0x12, 0x34, 0x56]);
        assert_eq!(code.as_str().len(), 8);
        assert_eq!(ShortCode::parse(&code.display()), Ok(code.clone()));
        assert_eq!(ShortCode::parse(&code.display().to_lowercase()), Ok(code.clone()));
        assert_eq!(ShortCode::parse("0O1I-L2 3x"), Ok(ShortCode("0011123X".into())));
        assert_eq!(ShortCode::parse("ABCD-EFG"), Err(NotAShortCode));
        assert_eq!(ShortCode::parse("ABCD-EFGHJ"), Err(NotAShortCode));
        assert_eq!(ShortCode::parse("ABCD-EFGU"), Err(NotAShortCode), "U is not a symbol");
        assert_eq!(ShortCode::parse("ABCD-ÉFGH"), Err(NotAShortCode));
    }

    #[test]
    fn symbols_use_five_bits_each() {
        assert_eq!(symbols(&[0, 0, 0, 0, 0]), "00000000");
        assert_eq!(symbols(&[0xff; 5]), "ZZZZZZZZ");
        assert_eq!(symbols(&[0x08, 0x86, 0x42, 0x98, 0xe8]), "12345678");
    }

    #[test]
    fn tracking_tokens_are_exactly_128_bits_of_hex() {
        let token = TrackingToken::from_random([0xab; 16]);
        assert_eq!(TrackingToken::parse(token.as_str()), Some(token));
        assert_eq!(TrackingToken::parse(&"AB".repeat(16)), None);
        assert_eq!(TrackingToken::parse(&"ab".repeat(15)), None);
        assert_eq!(TrackingToken::parse("../../etc/passwd"), None);
    }

    #[test]
    fn contacts_are_one_short_line() {
        assert_eq!(Contact::parse_optional("  "), Ok(None));
        assert_eq!(Contact::parse_optional(" 138 0000 0000\n王 ").unwrap().unwrap().as_str(), "138 0000 0000 王");
        assert_eq!(Contact::parse_optional(&"x".repeat(MAX_CONTACT_CHARS + 1)), Err(ContactTooLong));
    }

    #[test]
    fn proofs_count_leading_zero_bits() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x80]), 16);
        assert_eq!(leading_zero_bits(&[0, 0x01]), 15);
        assert_eq!(leading_zero_bits(&[0xff]), 0);
        assert_eq!(work_input("c", "123"), Some("c:123".into()));
        assert_eq!(work_input("c", ""), None);
        assert_eq!(work_input("c", "-1"), None);
        assert_eq!(work_input("c", "1234567890123"), None);
    }

    #[test]
    fn challenges_expire_and_must_look_right() {
        let text = |at: i64| format!("{at}.{}.{}", "a".repeat(32), "b".repeat(64));
        assert!(Challenge::parse(&text(NOW.millis() - 60_000), NOW).is_ok());
        assert_eq!(
            Challenge::parse(&text(NOW.millis() - CHALLENGE_LIFETIME_MS - 1), NOW),
            Err(ChallengeError::Expired)
        );
        assert_eq!(Challenge::parse(&text(NOW.millis() + 3_600_000), NOW), Err(ChallengeError::Expired));
        assert_eq!(Challenge::parse("1.2.3", NOW), Err(ChallengeError::Malformed));
        assert_eq!(Challenge::parse(&format!("{}.x", text(NOW.millis())), NOW), Err(ChallengeError::Malformed));
    }

    #[test]
    fn a_sender_waits_after_three_an_hour_and_ten_a_day() {
        let mut recent = Recent { sender: vec![ago(60_000), ago(120_000)], ..Recent::default() };
        assert_eq!(may_report(&recent, NOW), Ok(()));
        recent.sender.push(ago(30 * 60_000));
        assert_eq!(may_report(&recent, NOW), Err(Limited::Wait { retry_after_s: 30 * 60 }));
        let day: Vec<Timestamp> = (1..=10).map(|h| ago(h * 2 * HOUR_MS)).collect();
        let wait = may_report(&Recent { sender: day, ..Recent::default() }, NOW);
        assert_eq!(wait, Err(Limited::Wait { retry_after_s: 4 * 3600 }), "until the oldest of the ten is a day old");
    }

    #[test]
    fn a_busy_road_and_a_spammer_wait_too() {
        let road: Vec<Timestamp> = (0..ROAD_PER_DAY as i64).map(|i| ago(1000 * (i + 1))).collect();
        assert!(may_report(&Recent { road, ..Recent::default() }, NOW).is_err());
        let spam = vec![ago(DAY_MS), ago(2 * DAY_MS)];
        let Err(Limited::Wait { retry_after_s }) = may_report(&Recent { sender_spam: spam, ..Recent::default() }, NOW)
        else {
            panic!("two spam marks in a month stop a sender")
        };
        assert_eq!(retry_after_s, 28 * 86_400);
        let one = vec![ago(DAY_MS)];
        assert_eq!(may_report(&Recent { sender_spam: one, ..Recent::default() }, NOW), Ok(()));
    }
}
