//! The one place that knows which database we talk to. SQL elsewhere stays portable
//! (`$n` parameters, no SQLite-only syntax) so PostgreSQL can replace SQLite here.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub type Db = sqlx::Sqlite;
pub type Pool = sqlx::SqlitePool;
pub type Conn = sqlx::SqliteConnection;
pub type Tx = sqlx::Transaction<'static, Db>;

pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new().max_connections(8).connect_with(options).await
}

/// A transaction that writes. SQLite takes the write lock up front, so two writers queue
/// instead of failing halfway with "database is locked".
pub async fn begin_write(pool: &Pool) -> Result<Tx, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Booleans are stored as 0/1 integers, which both SQLite and PostgreSQL columns of type
/// INTEGER accept.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}
