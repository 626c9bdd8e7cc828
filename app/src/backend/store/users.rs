//! People, their sessions and their failed sign-ins.

use super::{corrupt, Conn, Tx};
use crate::backend::Result;
use crate::domain::time::Timestamp;
use crate::domain::Role;

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

/// The user and their password hash (`None`: no password set, cannot sign in).
pub async fn with_password(conn: &mut Conn, username: &str) -> Result<Option<(User, Option<String>)>> {
    let row: Option<(String, String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(conn)
            .await?;
    row.map(|(id, u, d, r, hash)| Ok((user_from_row((id, u, d, r))?, hash))).transpose()
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub password_hash: Option<&'a str>,
}

/// Creates the user unless the username is taken; whether it was created.
pub async fn insert(tx: &mut Tx, user: &NewUser<'_>, now: Timestamp) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO users (id, username, display_name, role, phone, email, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
    )
    .bind(user.id)
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.role.as_str())
    .bind(user.phone)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Updates name, role and contacts of an existing user (an import of the same file again).
pub async fn update_details(tx: &mut Tx, user: &NewUser<'_>) -> Result<()> {
    sqlx::query("UPDATE users SET display_name = $1, role = $2, phone = $3, email = $4 WHERE username = $5")
        .bind(user.display_name)
        .bind(user.role.as_str())
        .bind(user.phone)
        .bind(user.email)
        .bind(user.username)
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
pub async fn set_missing_passwords(tx: &mut Tx, hash: &str) -> Result<u64> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE password_hash IS NULL")
        .bind(hash)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

pub async fn count_without_password(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE password_hash IS NULL").fetch_one(conn).await?;
    Ok(n)
}

pub async fn email_of(conn: &mut Conn, user_id: &str) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT email FROM users WHERE id = $1").bind(user_id).fetch_optional(conn).await?;
    Ok(row.and_then(|(e,)| e))
}

pub async fn with_role(conn: &mut Conn, role: Role) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = $1 ORDER BY id").bind(role.as_str()).fetch_all(conn).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Sessions: the cookie's token is never stored, only its hash.
pub mod sessions {
    use super::*;

    pub async fn insert(
        tx: &mut Tx,
        token_hash: &str,
        user_id: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(now.millis())
            .bind(expires.millis())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn user(conn: &mut Conn, token_hash: &str, now: Timestamp) -> Result<Option<User>> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.millis())
        .fetch_optional(conn)
        .await?;
        row.map(user_from_row).transpose()
    }

    pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut **tx).await?;
        Ok(())
    }
}

/// Failed sign-ins, counted per account and per address.
pub mod failures {
    use super::*;

    #[derive(Clone, Copy)]
    pub enum Key {
        Username,
        Address,
    }

    /// The times of the key's latest failures after `since`, newest first, at most `limit`.
    pub async fn recent(conn: &mut Conn, key: Key, value: &str, since: Timestamp, limit: i64) -> Result<Vec<i64>> {
        let sql = match key {
            Key::Username => {
                "SELECT at FROM sign_in_failures WHERE username = $1 AND at > $2 ORDER BY at DESC LIMIT $3"
            }
            Key::Address => "SELECT at FROM sign_in_failures WHERE address = $1 AND at > $2 ORDER BY at DESC LIMIT $3",
        };
        let rows: Vec<(i64,)> =
            sqlx::query_as(sql).bind(value).bind(since.millis()).bind(limit).fetch_all(conn).await?;
        Ok(rows.into_iter().map(|(at,)| at).collect())
    }

    pub async fn record(tx: &mut Tx, id: &str, username: &str, address: &str, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO sign_in_failures (id, username, address, at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(username)
            .bind(address)
            .bind(now.millis())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub async fn clear(tx: &mut Tx, username: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE username = $1").bind(username).execute(&mut **tx).await?;
        Ok(())
    }
}
