//! How failed sign-ins slow down whoever makes them, without letting a stranger lock a real
//! user out.
//!
//! Failures are counted three ways:
//! - per *attempter*: the account together with the address (or, for a browser that has
//!   signed in to this account before, that browser's device cookie). The first
//!   `FREE_FAILURES` cost nothing; each one after doubles the wait before the next try, up to
//!   `MAX_WAIT_S`. A typo or five costs a second; a guesser gets a few tries an hour.
//! - per *address*: a ceiling high enough for an office behind one NAT address.
//! - per *account*, from every address: a guesser spread over many addresses is slowed down,
//!   but only where the account has no trusted device: a browser that signed in to the account
//!   before is never held up by anyone else's failures.

use super::time::Timestamp;

/// Failures of one attempter that cost no wait.
pub const FREE_FAILURES: usize = 3;
/// The longest wait between two tries of one attempter.
pub const MAX_WAIT_S: i64 = 15 * 60;
/// How long failures count at all (older ones are purged).
pub const MEMORY_MS: i64 = 24 * 3600 * 1000;
/// The window of the address and account ceilings.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures from one address in `WINDOW_MS` (any accounts) before it must wait.
pub const ADDRESS_CEILING: usize = 100;
/// Failures for one account in `WINDOW_MS` (any addresses) before untrusted browsers wait.
pub const ACCOUNT_CEILING: usize = 20;

/// The failures that bear on one sign-in attempt, newest first, as the store counts them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Failures {
    /// Of this attempter, within `MEMORY_MS`.
    pub attempter: Vec<Timestamp>,
    /// From this address within `WINDOW_MS`, any account (ignored for a trusted device).
    pub address: Vec<Timestamp>,
    /// For this account within `WINDOW_MS`, any address (ignored for a trusted device).
    pub account: Vec<Timestamp>,
    /// The attempt carries a device cookie of this account.
    pub trusted_device: bool,
}

/// The wait before the next try of an attempter with `failures` failures, the last at `last`.
fn attempter_wait(failures: usize, last: Timestamp, now: Timestamp) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20) as u32;
    let wait_ms = (1000i64 << doublings).min(MAX_WAIT_S * 1000);
    last.millis() + wait_ms - now.millis()
}

/// The wait until fewer than `ceiling` of `times` (newest first) lie within `window_ms`.
pub(crate) fn ceiling_wait(times: &[Timestamp], ceiling: usize, window_ms: i64, now: Timestamp) -> i64 {
    match times.get(ceiling - 1) {
        Some(oldest_counted) if now.millis() - oldest_counted.millis() < window_ms => {
            oldest_counted.millis() + window_ms - now.millis()
        }
        _ => 0,
    }
}

/// `None`: the password may be checked now. `Some(s)`: try again in `s` seconds (at least 1).
pub fn wait_before_try(failures: &Failures, now: Timestamp) -> Option<i64> {
    let mut wait_ms = failures.attempter.first().map_or(0, |last| attempter_wait(failures.attempter.len(), *last, now));
    if !failures.trusted_device {
        wait_ms = wait_ms.max(ceiling_wait(&failures.address, ADDRESS_CEILING, WINDOW_MS, now)).max(ceiling_wait(
            &failures.account,
            ACCOUNT_CEILING,
            WINDOW_MS,
            now,
        ));
    }
    (wait_ms > 0).then(|| ((wait_ms + 999) / 1000).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp(1_800_000_000_000 + s * 1000)
    }

    fn newest_first(seconds: &[i64]) -> Vec<Timestamp> {
        let mut times: Vec<Timestamp> = seconds.iter().map(|s| at(*s)).collect();
        times.sort_by_key(|t| std::cmp::Reverse(t.millis()));
        times
    }

    #[test]
    fn a_few_typos_cost_nothing_then_waits_double_up_to_fifteen_minutes() {
        let now = at(100);
        let failures = |n: usize| Failures { attempter: vec![now; n], ..Failures::default() };
        assert_eq!(wait_before_try(&failures(0), now), None);
        assert_eq!(wait_before_try(&failures(2), now), None);
        assert_eq!(wait_before_try(&failures(3), now), Some(1));
        assert_eq!(wait_before_try(&failures(4), now), Some(2));
        assert_eq!(wait_before_try(&failures(8), now), Some(32));
        assert_eq!(wait_before_try(&failures(30), now), Some(MAX_WAIT_S));
        assert_eq!(wait_before_try(&failures(10_000), now), Some(MAX_WAIT_S));
        // The wait runs from the last failure.
        let later = Failures { attempter: vec![at(0); 8], ..Failures::default() };
        assert_eq!(wait_before_try(&later, at(30)), Some(2));
        assert_eq!(wait_before_try(&later, at(32)), None);
    }

    #[test]
    fn an_office_behind_one_address_has_room_but_not_without_end() {
        let now = at(1000);
        let busy = Failures { address: newest_first(&vec![990; ADDRESS_CEILING - 1]), ..Failures::default() };
        assert_eq!(wait_before_try(&busy, now), None);
        let full = Failures { address: newest_first(&vec![990; ADDRESS_CEILING]), ..Failures::default() };
        assert_eq!(wait_before_try(&full, now), Some(WINDOW_MS / 1000 - 10));
        // Failures older than the window do not count.
        let old = Failures { address: newest_first(&vec![0; ADDRESS_CEILING]), ..Failures::default() };
        assert_eq!(wait_before_try(&old, at(WINDOW_MS / 1000)), None);
    }

    #[test]
    fn a_spread_attack_on_an_account_never_holds_up_its_trusted_browser() {
        let now = at(500);
        let attacked = Failures { account: newest_first(&[499; ACCOUNT_CEILING]), ..Failures::default() };
        assert!(wait_before_try(&attacked, now).is_some(), "a new browser waits");
        let trusted = Failures { trusted_device: true, ..attacked.clone() };
        assert_eq!(wait_before_try(&trusted, now), None, "the owner's browser goes on");
        let flooded = Failures {
            address: newest_first(&vec![499; ADDRESS_CEILING * 3]),
            trusted_device: true,
            ..Failures::default()
        };
        assert_eq!(wait_before_try(&flooded, now), None);
        // Its own failures still count.
        let guessing = Failures { attempter: vec![now; 6], ..trusted };
        assert_eq!(wait_before_try(&guessing, now), Some(8));
    }
}
