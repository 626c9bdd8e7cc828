//! People, their sessions and their failed sign-ins.

use super::{corrupt, Conn, Tx};
use crate::backend::Result;
use crate::domain::time::Timestamp;
use crate::domain::Role;
use crate::i18n::Lang;

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

fn user_from_row((id, username, display_name, role): (String, String, String, String)) -> Result<User> {
    let role = Role::parse(&role).ok_or_else(|| corrupt(format!("role {role}")))?;
    Ok(User { id, username, display_name, role })
}

pub async fn by_id(conn: &mut Conn, id: &str) -> Result<Option<User>> {
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT id, username, display_name, role FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    row.map(user_from_row).transpose()
}

/// A user as sign-in sees them.
pub struct Credentials {
    pub user: User,
    /// `None`: no password set, cannot sign in.
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// A user row with their password hash and when they were disabled.
type CredentialsRow = (String, String, String, String, Option<String>, Option<i64>);

pub async fn credentials(conn: &mut Conn, username: &str) -> Result<Option<Credentials>> {
    let row: Option<CredentialsRow> = sqlx::query_as(
        "SELECT id, username, display_name, role, password_hash, disabled_at FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(conn)
    .await?;
    row.map(|(id, u, d, r, password_hash, disabled_at)| {
        Ok(Credentials { user: user_from_row((id, u, d, r))?, password_hash, disabled: disabled_at.is_some() })
    })
    .transpose()
}

/// Disables the account (`Some(now)`) or enables it again (`None`); whether the user exists.
pub async fn set_disabled(tx: &mut Tx, username: &str, at: Option<Timestamp>) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE username = $2")
        .bind(at.map(|t| t.millis()))
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    /// The language they are written to in.
    pub lang: Lang,
}

/// Creates the user unless the username is taken; whether it was created.
pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: Timestamp) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO users (id, username, display_name, role, phone, email, password_hash, created_at, lang) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING",
    )
    .bind(user.id)
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.role.as_str())
    .bind(user.phone)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(now.millis())
    .bind(user.lang.code())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Updates name, role and contacts of an existing user (an import of the same file again).
pub async fn update_details(tx: &mut Tx, user: &NewUser<'_>) -> Result<()> {
    sqlx::query("UPDATE users SET display_name = $1, role = $2, phone = $3, email = $4, lang = $6 WHERE username = $5")
        .bind(user.display_name)
        .bind(user.role.as_str())
        .bind(user.phone)
        .bind(user.email)
        .bind(user.username)
        .bind(user.lang.code())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets (or replaces) a user's password hash; whether the user exists.
pub async fn set_password_hash(tx: &mut Tx, username: &str, hash: &str) -> Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
        .bind(hash)
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives every user without a password this hash (demo mode); how many got it.
/// Gives these users the password if they have none; how many got it.
pub async fn set_missing_password(tx: &mut Tx, usernames: &[&str], hash: &str) -> Result<u64> {
    let mut set = 0;
    for username in usernames {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2 AND password_hash IS NULL")
            .bind(hash)
            .bind(username)
            .execute(&mut **tx)
            .await?;
        set += done.rows_affected();
    }
    Ok(set)
}

/// How many of these users have no password.
pub async fn count_without_password(conn: &mut Conn, usernames: &[&str]) -> Result<usize> {
    let mut without = 0;
    for username in usernames {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM users WHERE username = $1 AND password_hash IS NULL")
            .bind(username)
            .fetch_optional(&mut *conn)
            .await?;
        without += usize::from(row.is_some());
    }
    Ok(without)
}

/// A person's email address, if they have one, and the language they are written to in.
pub async fn email_of(conn: &mut Conn, user_id: &str) -> Result<Option<(String, Lang)>> {
    let row: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT email, lang FROM users WHERE id = $1").bind(user_id).fetch_optional(conn).await?;
    Ok(row.and_then(|(email, lang)| Some((email?, Lang::from_code(&lang).unwrap_or_default()))))
}

pub async fn with_role(conn: &mut Conn, role: Role) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = $1 ORDER BY id").bind(role.as_str()).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Sessions: the cookie's token is never stored, only its hash. A session ends at its
/// absolute expiry, after `idle_ms` without use, when its user is disabled, or when the user's
/// password changes.
pub mod sessions {
    use super::*;

    pub async fn insert(
        tx: &mut Tx,
        token_hash: &str,
        user_id: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now.millis())
        .bind(expires.millis())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The user of a live session, and when the session was last seen.
    pub async fn user(
        conn: &mut Conn,
        token_hash: &str,
        now: Timestamp,
        idle_ms: i64,
    ) -> Result<Option<(User, Timestamp)>> {
        let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now.millis())
        .bind(now.millis() - idle_ms)
        .fetch_optional(conn)
        .await?;
        row.map(|(id, u, d, r, seen)| Ok((user_from_row((id, u, d, r))?, Timestamp(seen)))).transpose()
    }

    /// Notes that the session was used now.
    pub async fn seen(tx: &mut Tx, token_hash: &str, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1")
            .bind(now.millis())
            .bind(token_hash)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await?;
        Ok(())
    }

    /// Ends every session of the user but `keep` (the one that asked, if any). How many ended.
    pub async fn end_all_of(tx: &mut Tx, user_id: &str, keep: Option<&str>) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected())
    }

    /// Forgets sessions that can no longer be used.
    pub async fn purge(tx: &mut Tx, now: Timestamp, idle_ms: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now.millis())
            .bind(now.millis() - idle_ms)
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected())
    }
}

/// Failed sign-ins, counted per attempter (account and address or device), per address and
/// per account (`domain::sign_in`).
pub mod failures {
    use super::*;

    #[derive(Clone, Copy)]
    pub enum Key {
        Attempter,
        Address,
        Account,
    }

    /// The times of the key's latest failures after `since`, newest first, at most `limit`.
    pub async fn recent(
        conn: &mut Conn,
        key: Key,
        value: &str,
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<Timestamp>> {
        let sql = match key {
            Key::Attempter => {
                "SELECT at FROM sign_in_failures WHERE attempter = $1 AND at > $2 ORDER BY at DESC LIMIT $3"
            }
            Key::Address => "SELECT at FROM sign_in_failures WHERE address = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
            Key::Account => "SELECT at FROM sign_in_failures WHERE username = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
        };
        let rows: Vec<(i64,)> =
            sqlx::query_as(sql).bind(value).bind(since.millis()).bind(limit).fetch_all(conn).await?;
        Ok(rows.into_iter().map(|(at,)| Timestamp(at)).collect())
    }

    pub struct Failure<'a> {
        pub id: &'a str,
        pub username: &'a str,
        pub address: &'a str,
        pub attempter: &'a str,
    }

    pub async fn record(tx: &mut Tx, failure: &Failure<'_>, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO sign_in_failures (id, username, address, attempter, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(failure.id)
            .bind(failure.username)
            .bind(failure.address)
            .bind(failure.attempter)
            .bind(now.millis())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Forgets one failure (written before a check that did not happen or that passed).
    pub async fn forget(tx: &mut Tx, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(id).execute(&mut **tx).await?;
        Ok(())
    }

    /// Forgets an attempter's failures (the right password came).
    pub async fn clear(tx: &mut Tx, attempter: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE attempter = $1").bind(attempter).execute(&mut **tx).await?;
        Ok(())
    }

    /// Forgets failures from before `before`: they no longer count for anything.
    pub async fn purge(tx: &mut Tx, before: Timestamp) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM sign_in_failures WHERE at < $1").bind(before.millis()).execute(&mut **tx).await?;
        Ok(done.rows_affected())
    }
}

/// Browsers that signed in to an account before (a device cookie, stored hashed): a failure
/// storm on the account does not hold them up (`domain::sign_in`).
pub mod devices {
    use super::*;

    /// Whether the device is one of this user's.
    pub async fn belongs_to(conn: &mut Conn, token_hash: &str, user_id: &str) -> Result<bool> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT user_id FROM trusted_devices WHERE token_hash = $1 AND user_id = $2")
                .bind(token_hash)
                .bind(user_id)
                .fetch_optional(conn)
                .await?;
        Ok(row.is_some())
    }

    /// Trusts the device for the user (again), now.
    pub async fn trust(tx: &mut Tx, token_hash: &str, user_id: &str, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO trusted_devices (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (token_hash) DO UPDATE SET last_used_at = $3",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now.millis())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Forgets devices not used since `before`.
    pub async fn purge(tx: &mut Tx, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM trusted_devices WHERE last_used_at < $1")
            .bind(before.millis())
            .execute(&mut **tx)
            .await?;
        Ok(done.rows_affected())
    }
}
