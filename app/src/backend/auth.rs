//! Passwords (argon2id, a few at a time), sessions (random tokens, stored hashed) and the
//! limit on failed sign-ins (5 per account or per address in 15 minutes, held in the database
//! so a restart does not lift it).

use super::store::users::{self, failures, sessions, User};
use super::{BackendError, Pool, Result};
use crate::domain::ids::uuid_v7;
use crate::domain::text::NewPassword;
use crate::domain::time::Timestamp;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::sync::{mpsc, LazyLock, Mutex, OnceLock};

pub const SESSION_COOKIE: &str = "rc_session";
pub const SESSION_DAYS: i64 = 30;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_FAILURES: usize = 5;

/// Password hashes computed at once. Each argon2id check needs about 19 MB while it runs, and
/// the allocator keeps a thread's largest block for that thread: hashing on two threads of our
/// own (not the runtime's growing pool of blocking threads) holds the process at 2 × 19 MB
/// however many people sign in at once. A burst queues; past `HASHING_QUEUE` it is refused
/// (503 busy: try again shortly).
const HASHING_THREADS: usize = 2;
const HASHING_QUEUE: usize = 256;

type Job = Box<dyn FnOnce() + Send>;

static HASHING: LazyLock<mpsc::SyncSender<Job>> = LazyLock::new(|| {
    let (sender, jobs) = mpsc::sync_channel::<Job>(HASHING_QUEUE);
    let jobs = std::sync::Arc::new(Mutex::new(jobs));
    for n in 0..HASHING_THREADS {
        let jobs = jobs.clone();
        std::thread::Builder::new()
            .name(format!("password-hash-{n}"))
            .spawn(move || loop {
                let job = match jobs.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                match job {
                    // A job that panics drops its answer (the caller sees the failure); the
                    // thread stays for the next one.
                    Ok(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
                    Err(_) => return,
                }
            })
            .expect("a hashing thread starts");
    }
    sender
});

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A fresh time-ordered id for rows the server creates.
pub fn new_id(now: Timestamp) -> String {
    uuid_v7(now.millis().max(0) as u64, random_bytes()).to_string()
}

pub fn hash_password(password: &NewPassword) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Hashes or checks on the hashing threads, at most `HASHING_THREADS` at a time.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    match HASHING.try_send(job) {
        Ok(()) => {}
        Err(mpsc::TrySendError::Full(_)) => return Err(crate::api::error::ErrorCode::Busy.into()),
        Err(mpsc::TrySendError::Disconnected(_)) => {
            return Err(BackendError::Corrupt("hashing threads stopped".into()))
        }
    }
    answered.await.map_err(|_| BackendError::Corrupt("password hashing panicked".into()))
}

pub async fn hash_password_async(password: NewPassword) -> Result<String> {
    hashing(move || hash_password(&password)).await
}

/// Unknown users are checked against this so that a wrong username costs as long as a wrong
/// password and the timing tells nothing.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(&NewPassword::parse("not-a-real-password").expect("valid")))
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, PartialEq)]
pub enum SignInRefusal {
    /// Wrong username or password; which one is not said.
    WrongCredentials,
    /// Too many failures lately; try again after this many seconds.
    Locked { retry_after_s: i64 },
}

/// How long until fewer than `MAX_FAILURES` of the key's failures lie in the window.
async fn lockout(pool: &Pool, key: failures::Key, value: &str, now: Timestamp) -> Result<Option<i64>> {
    let mut conn = pool.read().await?;
    let since = Timestamp(now.millis() - FAILURE_WINDOW_MS);
    let times = failures::recent(&mut conn, key, value, since, MAX_FAILURES as i64).await?;
    Ok((times.len() >= MAX_FAILURES).then(|| {
        let oldest_counted = times[MAX_FAILURES - 1];
        ((oldest_counted + FAILURE_WINDOW_MS - now.millis()) as f64 / 1000.0).ceil().max(1.0) as i64
    }))
}

/// Checks a username and password. Returns the user and a new session token.
pub async fn sign_in(
    pool: &Pool,
    username: &str,
    password: &str,
    address: &str,
    now: Timestamp,
) -> Result<std::result::Result<(User, String), SignInRefusal>> {
    let username = username.trim().to_lowercase();
    let locked = match (
        lockout(pool, failures::Key::Username, &username, now).await?,
        lockout(pool, failures::Key::Address, address, now).await?,
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if let Some(retry_after_s) = locked {
        return Ok(Err(SignInRefusal::Locked { retry_after_s }));
    }

    let found = users::with_password(&mut *pool.read().await?, &username).await?;
    let hash = found.as_ref().and_then(|(_, h)| h.clone());
    let typed = password.to_owned();
    let matches = hashing(move || verify_password(hash.as_deref().unwrap_or_else(|| dummy_hash()), &typed)).await?;

    let mut tx = pool.begin_write().await?;
    let outcome = match found {
        Some((user, Some(_))) if matches => {
            failures::clear(&mut tx, &user.username).await?;
            let token = new_session(&mut tx, &user.id, now).await?;
            Ok((user, token))
        }
        _ => {
            failures::record(&mut tx, &new_id(now), &username, address, now).await?;
            Err(SignInRefusal::WrongCredentials)
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

async fn new_session(tx: &mut super::Tx, user_id: &str, now: Timestamp) -> Result<String> {
    let token: String = random_bytes::<32>().iter().map(|b| format!("{b:02x}")).collect();
    let expires = Timestamp(now.millis() + SESSION_DAYS * 86_400_000);
    sessions::insert(tx, &token_hash(&token), user_id, now, expires).await?;
    Ok(token)
}

pub async fn end_session(pool: &Pool, token: &str) -> Result<()> {
    let mut tx = pool.begin_write().await?;
    sessions::delete(&mut tx, &token_hash(token)).await?;
    tx.commit().await?;
    Ok(())
}

/// The value of one cookie from a request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value that starts a session (or, with `None`, ends it).
pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => {
            format!("{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", SESSION_DAYS * 86_400)
        }
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The language a request asks for (cookie, then Accept-Language).
pub fn request_lang(headers: &http::HeaderMap) -> crate::i18n::Lang {
    let accept = headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    crate::i18n::Lang::negotiate(cookie(headers, crate::i18n::LANG_COOKIE), accept)
}

/// Sets (or replaces) a user's password; whether the user exists.
pub async fn set_password(pool: &Pool, username: &str, password: NewPassword) -> Result<bool> {
    let hash = hash_password_async(password).await?;
    let mut tx = pool.begin_write().await?;
    let found = users::set_password_hash(&mut tx, username, &hash).await?;
    tx.commit().await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let hash = hash_password(&NewPassword::parse("correct horse").unwrap());
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horse "));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "a=1; rc_session=abc".parse().unwrap());
        headers.append(http::header::COOKIE, "lang=en".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "lang"), Some("en"));
        assert_eq!(cookie(&headers, "b"), None);
        assert_eq!(request_lang(&headers), crate::i18n::Lang::En);
    }

    #[test]
    fn session_cookie_attributes() {
        let c = session_cookie(Some("t"), true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("; Secure"));
        assert!(!session_cookie(Some("t"), false).contains("Secure"));
        assert!(session_cookie(None, false).contains("Max-Age=0"));
    }
}
