//! Who is asking: passwords (argon2id), sessions (random tokens, stored hashed) and the limit
//! on failed sign-ins (5 per account or per address in 15 minutes, held in the database so a
//! restart does not lift it).

use super::db::Pool;
use super::{BackendError, Result};
use crate::domain::ids::uuid_v7;
use crate::domain::text::NewPassword;
use crate::domain::time::Timestamp;
use crate::domain::Role;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "rc_session";
pub const SESSION_DAYS: i64 = 30;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_FAILURES: usize = 5;

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl User {
    pub fn me(&self) -> crate::api::views::Me {
        crate::api::views::Me {
            id: self.id.clone(),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }
}

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

/// Unknown users are checked against this so that a wrong username costs as long as a wrong
/// password and the timing tells nothing.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(&NewPassword::parse("not-a-real-password").expect("valid")))
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn user_from_row(id: String, username: String, display_name: String, role: String) -> Result<User> {
    let role = Role::parse(&role).ok_or_else(|| BackendError::Corrupt(format!("role {role}")))?;
    Ok(User { id, username, display_name, role })
}

pub async fn user_by_id(pool: &Pool, id: &str) -> Result<Option<User>> {
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT id, username, display_name, role FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.map(|(id, u, d, r)| user_from_row(id, u, d, r)).transpose()
}

#[derive(Debug, PartialEq)]
pub enum SignInRefusal {
    /// Wrong username or password; which one is not said.
    WrongCredentials,
    /// Too many failures lately; try again after this many seconds.
    Locked { retry_after_s: i64 },
}

#[derive(Clone, Copy)]
enum FailureKey {
    Username,
    Address,
}

/// How long until fewer than `MAX_FAILURES` of the key's failures lie in the window.
async fn lockout(pool: &Pool, key: FailureKey, value: &str, now: Timestamp) -> Result<Option<i64>> {
    let sql = match key {
        FailureKey::Username => {
            "SELECT at FROM sign_in_failures WHERE username = $1 AND at > $2 ORDER BY at DESC LIMIT $3"
        }
        FailureKey::Address => {
            "SELECT at FROM sign_in_failures WHERE address = $1 AND at > $2 ORDER BY at DESC LIMIT $3"
        }
    };
    let times: Vec<(i64,)> = sqlx::query_as(sql)
        .bind(value)
        .bind(now.millis() - FAILURE_WINDOW_MS)
        .bind(MAX_FAILURES as i64)
        .fetch_all(pool)
        .await?;
    Ok((times.len() >= MAX_FAILURES).then(|| {
        let oldest_counted = times[MAX_FAILURES - 1].0;
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
        lockout(pool, FailureKey::Username, &username, now).await?,
        lockout(pool, FailureKey::Address, address, now).await?,
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if let Some(retry_after_s) = locked {
        return Ok(Err(SignInRefusal::Locked { retry_after_s }));
    }

    let row: Option<(String, String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1")
            .bind(&username)
            .fetch_optional(pool)
            .await?;
    let hash = row.as_ref().and_then(|r| r.4.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let typed = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &typed))
        .await
        .map_err(|e| BackendError::Corrupt(format!("password check panicked: {e}")))?;

    match row {
        Some((id, username, display_name, role, Some(_))) if matches => {
            sqlx::query("DELETE FROM sign_in_failures WHERE username = $1").bind(&username).execute(pool).await?;
            let user = user_from_row(id, username, display_name, role)?;
            let token = create_session(pool, &user.id, now).await?;
            Ok(Ok((user, token)))
        }
        _ => {
            sqlx::query("INSERT INTO sign_in_failures (id, username, address, at) VALUES ($1, $2, $3, $4)")
                .bind(new_id(now))
                .bind(&username)
                .bind(address)
                .bind(now.millis())
                .execute(pool)
                .await?;
            Ok(Err(SignInRefusal::WrongCredentials))
        }
    }
}

pub async fn create_session(pool: &Pool, user_id: &str, now: Timestamp) -> Result<String> {
    let token: String = random_bytes::<32>().iter().map(|b| format!("{b:02x}")).collect();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now.millis())
        .bind(now.millis() + SESSION_DAYS * 86_400_000)
        .execute(pool)
        .await?;
    Ok(token)
}

pub async fn user_for_session(pool: &Pool, token: &str, now: Timestamp) -> Result<Option<User>> {
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now.millis())
    .fetch_optional(pool)
    .await?;
    row.map(|(id, u, d, r)| user_from_row(id, u, d, r)).transpose()
}

pub async fn end_session(pool: &Pool, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(pool).await?;
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

/// Sets (or replaces) a user's password.
pub async fn set_password(pool: &Pool, username: &str, password: &NewPassword) -> Result<bool> {
    let hash = hash_password(password);
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
        .bind(hash)
        .bind(username)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
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
