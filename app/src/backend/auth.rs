//! Passwords (argon2id, a few at a time), sessions (random tokens, stored hashed; they end
//! after 30 days, or 14 days without use), trusted devices, and the waits after failed
//! sign-ins (`domain::sign_in`, counted in the database so a restart does not lift them).

use super::store::users::{self, devices, failures, sessions, User};
use super::{BackendError, Pool, Result};
use crate::domain::ids::uuid_v7;
use crate::domain::sign_in::{self, Failures};
use crate::domain::text::NewPassword;
use crate::domain::time::Timestamp;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::sync::{mpsc, LazyLock, Mutex, OnceLock};

pub const SESSION_COOKIE: &str = "rc_session";
/// A session ends this long after sign-in, however much it is used.
pub const SESSION_DAYS: i64 = 30;
/// A session not used for this long ends.
pub const SESSION_IDLE_MS: i64 = 14 * 86_400_000;
/// How often a session's last use is written down (not on every request).
const SEEN_EVERY_MS: i64 = 3_600_000;
/// The cookie that marks a browser that signed in to an account before. Sent only to the
/// sign-in endpoint.
pub const DEVICE_COOKIE: &str = "rc_device";
const DEVICE_DAYS: i64 = 365;
/// One lock for every sign-in's check-and-count (PostgreSQL; SQLite writers queue anyway):
/// two attempts never both pass a limit that only one of them may.
const SIGN_IN_LOCK: &str = "sign-in";

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
    Wait { retry_after_s: i64 },
    /// The right password for an account that is disabled.
    Disabled,
}

/// One try to prove who one is.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client's address (`X-Forwarded-For`'s last entry behind a trusted proxy).
    pub address: &'a str,
    /// The device cookie the browser sent, if any.
    pub device: Option<&'a str>,
}

/// A successful sign-in: the user, the new session's token, and the device cookie's token.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: String,
    pub device: String,
}

/// An attempt whose password was checked.
struct Checked {
    found: Option<users::Credentials>,
    matches: bool,
    /// The failure written before the check, in case it is one.
    failure_id: String,
    attempter: String,
    /// The device cookie belongs to this account.
    trusted_device: bool,
}

fn random_token() -> String {
    random_bytes::<32>().iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts the attempt as a failure before the password is checked (in one transaction with the
/// check of the limits, so parallel attempts cannot all slip under them), then checks it.
async fn check(
    pool: &Pool,
    attempt: &Attempt<'_>,
    now: Timestamp,
) -> Result<std::result::Result<Checked, SignInRefusal>> {
    let username = attempt.username.trim().to_lowercase();
    let failure_id = new_id(now);
    let mut tx = pool.begin_write().await?;
    tx.serialize_by(SIGN_IN_LOCK).await?;
    failures::purge(&mut tx, Timestamp(now.millis() - sign_in::MEMORY_MS)).await?;
    let found = users::credentials(&mut tx, &username).await?;
    let trusted_device = match (attempt.device, &found) {
        (Some(device), Some(c)) => devices::belongs_to(&mut tx, &token_hash(device), &c.user.id).await?,
        _ => false,
    };
    let attempter = match (trusted_device, attempt.device) {
        (true, Some(device)) => format!("{username} device:{}", &token_hash(device)[..16]),
        _ => format!("{username} address:{}", attempt.address),
    };
    let window = Timestamp(now.millis() - sign_in::WINDOW_MS);
    let counted = Failures {
        attempter: failures::recent(
            &mut tx,
            failures::Key::Attempter,
            &attempter,
            Timestamp(now.millis() - sign_in::MEMORY_MS),
            64,
        )
        .await?,
        address: failures::recent(
            &mut tx,
            failures::Key::Address,
            attempt.address,
            window,
            sign_in::ADDRESS_CEILING as i64,
        )
        .await?,
        account: failures::recent(&mut tx, failures::Key::Account, &username, window, sign_in::ACCOUNT_CEILING as i64)
            .await?,
        trusted_device,
    };
    if let Some(retry_after_s) = sign_in::wait_before_try(&counted, now) {
        return Ok(Err(SignInRefusal::Wait { retry_after_s }));
    }
    let failure =
        failures::Failure { id: &failure_id, username: &username, address: attempt.address, attempter: &attempter };
    failures::record(&mut tx, &failure, now).await?;
    tx.commit().await?;

    let hash = found.as_ref().and_then(|c| c.password_hash.clone());
    let typed = attempt.password.to_owned();
    let matches = match hashing(move || verify_password(hash.as_deref().unwrap_or_else(|| dummy_hash()), &typed)).await
    {
        Ok(matches) => matches && found.as_ref().is_some_and(|c| c.password_hash.is_some()),
        Err(e) => {
            // Not checked (the server is busy): the attempt does not count.
            let mut tx = pool.begin_write().await?;
            failures::forget(&mut tx, &failure_id).await?;
            tx.commit().await?;
            return Err(e);
        }
    };
    Ok(Ok(Checked { found, matches, failure_id, attempter, trusted_device }))
}

/// Checks a username and password: a new session (and a device cookie) for the right one.
pub async fn sign_in(
    pool: &Pool,
    attempt: &Attempt<'_>,
    now: Timestamp,
) -> Result<std::result::Result<SignedIn, SignInRefusal>> {
    let checked = match check(pool, attempt, now).await? {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(found) = checked.found.filter(|_| checked.matches) else {
        return Ok(Err(SignInRefusal::WrongCredentials));
    };
    let mut tx = pool.begin_write().await?;
    failures::clear(&mut tx, &checked.attempter).await?;
    failures::forget(&mut tx, &checked.failure_id).await?;
    if found.disabled {
        tx.commit().await?;
        return Ok(Err(SignInRefusal::Disabled));
    }
    let session = new_session(&mut tx, &found.user.id, now).await?;
    let device = match (checked.trusted_device, attempt.device) {
        (true, Some(device)) => device.to_owned(),
        _ => random_token(),
    };
    devices::trust(&mut tx, &token_hash(&device), &found.user.id, now).await?;
    devices::purge(&mut tx, Timestamp(now.millis() - DEVICE_DAYS * 86_400_000)).await?;
    sessions::purge(&mut tx, now, SESSION_IDLE_MS).await?;
    tx.commit().await?;
    Ok(Ok(SignedIn { user: found.user, session, device }))
}

/// A signed-in user changes their own password: the current one is checked like a sign-in
/// (the same waits), then every other session of theirs ends.
pub async fn change_password(
    pool: &Pool,
    attempt: &Attempt<'_>,
    session_token: &str,
    new: NewPassword,
    now: Timestamp,
) -> Result<std::result::Result<(), SignInRefusal>> {
    let checked = match check(pool, attempt, now).await? {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(found) = checked.found.filter(|c| checked.matches && !c.disabled) else {
        return Ok(Err(SignInRefusal::WrongCredentials));
    };
    let hash = hash_password_async(new).await?;
    let mut tx = pool.begin_write().await?;
    failures::clear(&mut tx, &checked.attempter).await?;
    failures::forget(&mut tx, &checked.failure_id).await?;
    users::set_password_hash(&mut tx, &found.user.username, &hash).await?;
    sessions::end_all_of(&mut tx, &found.user.id, Some(&token_hash(session_token))).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

async fn new_session(tx: &mut super::Tx, user_id: &str, now: Timestamp) -> Result<String> {
    let token = random_token();
    let expires = Timestamp(now.millis() + SESSION_DAYS * 86_400_000);
    sessions::insert(tx, &token_hash(&token), user_id, now, expires).await?;
    Ok(token)
}

/// The user of a live session; its last use is written down now and then.
pub async fn session_user(pool: &Pool, token: &str, now: Timestamp) -> Result<Option<User>> {
    let hash = token_hash(token);
    let found = sessions::user(&mut *pool.read().await?, &hash, now, SESSION_IDLE_MS).await?;
    let Some((user, last_seen)) = found else { return Ok(None) };
    if now.millis() - last_seen.millis() >= SEEN_EVERY_MS {
        let mut tx = pool.begin_write().await?;
        sessions::seen(&mut tx, &hash, now).await?;
        tx.commit().await?;
    }
    Ok(Some(user))
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

/// The `Set-Cookie` value of the device cookie: sent back only to the sign-in endpoint.
pub fn device_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{DEVICE_COOKIE}={token}; Path=/api/v1/session; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        DEVICE_DAYS * 86_400
    )
}

/// The language a request asks for (cookie, then Accept-Language).
pub fn request_lang(headers: &http::HeaderMap) -> crate::i18n::Lang {
    let accept = headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    crate::i18n::Lang::negotiate(cookie(headers, crate::i18n::LANG_COOKIE), accept)
}

/// Sets (or replaces) a user's password, ending every session they had; whether the user
/// exists.
pub async fn set_password(pool: &Pool, username: &str, password: NewPassword) -> Result<bool> {
    let hash = hash_password_async(password).await?;
    let mut tx = pool.begin_write().await?;
    let found = users::set_password_hash(&mut tx, username, &hash).await?;
    if let Some(c) = users::credentials(&mut tx, username).await? {
        sessions::end_all_of(&mut tx, &c.user.id, None).await?;
    }
    tx.commit().await?;
    Ok(found)
}

/// Disables an account (its sessions end; it cannot sign in) or enables it again; whether the
/// user exists.
pub async fn set_disabled(pool: &Pool, username: &str, disabled: bool, now: Timestamp) -> Result<bool> {
    let mut tx = pool.begin_write().await?;
    let found = users::set_disabled(&mut tx, username, disabled.then_some(now)).await?;
    if let (true, Some(c)) = (disabled, users::credentials(&mut tx, username).await?) {
        sessions::end_all_of(&mut tx, &c.user.id, None).await?;
    }
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
