//! The engine: SQLite (embedded, the default) or PostgreSQL (the scale path), behind one pool
//! and one transaction type. SQL elsewhere is written once for both (`$n` parameters, no
//! engine-only syntax); what differs between them lives here: how writers queue, how a row is
//! locked, and the change counter devices pull by.

use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::AnyConnection;
use sqlx::{Any, Executor};
use std::collections::BTreeSet;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A connection of either engine; what store functions read and write through.
pub type Conn = AnyConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }

    /// The clause that locks the selected rows of `table` until the transaction ends. SQLite
    /// needs none: its write transactions run one at a time.
    pub fn lock_rows_of(self, table: &str) -> String {
        match self {
            Engine::Sqlite => String::new(),
            Engine::Postgres => format!(" FOR UPDATE OF {table}"),
        }
    }
}

/// The database: a pool of connections and, on SQLite, the turn writers wait for.
#[derive(Clone)]
pub struct Pool {
    pool: sqlx::AnyPool,
    engine: Engine,
    /// SQLite has one writer at a time. Writers of this process queue here, holding no
    /// connection while they wait, so readers never starve behind them; only another process
    /// (a CLI command, a second server) meets the lock in SQLite itself (`busy_timeout`).
    write_turn: Option<Arc<Mutex<()>>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("engine", &self.engine).finish()
    }
}

/// A pooled connection for reads.
pub type Read = PoolConnection<Any>;

impl Pool {
    /// Opens the database at `url` (`sqlite://path` is created if missing).
    pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(url)
            .ok_or_else(|| sqlx::Error::Configuration(format!("not a sqlite: or postgres:// URL: {url}").into()))?;
        match engine {
            Engine::Sqlite => {
                let url = if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") };
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // The busy timeout first: everything after it may meet another
                            // process's lock and must wait for it, not fail.
                            for pragma in [
                                "PRAGMA busy_timeout = 10000",
                                // FULL: a commit is on disk (the log fsynced) before we answer,
                                // so an acknowledged operation survives power loss; the phone
                                // has dropped it from its outbox by then.
                                "PRAGMA synchronous = FULL",
                                "PRAGMA foreign_keys = ON",
                            ] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?;
                // Write-ahead logging is a property of the file: set once, kept by SQLite.
                pool.execute("PRAGMA journal_mode = WAL").await?;
                Ok(Pool { pool, engine, write_turn: Some(Arc::new(Mutex::new(()))) })
            }
            Engine::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                Ok(Pool { pool, engine, write_turn: None })
            }
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The underlying pool, for migrations and tests.
    pub fn any(&self) -> &sqlx::AnyPool {
        &self.pool
    }

    pub async fn read(&self) -> Result<Read, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A transaction that writes. On SQLite it waits for this process's write turn, then takes
    /// the database's write lock up front (`BEGIN IMMEDIATE`), so writers queue instead of
    /// failing halfway with "database is locked".
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        let turn = match &self.write_turn {
            Some(turn) => Some(turn.clone().lock_owned().await),
            None => None,
        };
        let inner = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        };
        Ok(Tx { inner, engine: self.engine, touched: Vec::new(), savepoint: None, began: Instant::now(), _turn: turn })
    }

    /// Waits for writes in flight, then closes every connection (SQLite checkpoints its WAL
    /// into the database file as the last connection closes).
    pub async fn close(&self) {
        if let Some(turn) = &self.write_turn {
            let _last = turn.lock().await;
            if let Ok(mut conn) = self.pool.acquire().await {
                let _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await;
            }
        }
        self.pool.close().await;
    }
}

/// A write transaction. Findings changed in it are stamped with the next value of the change
/// counter when it commits (`touch`), so the counter follows the order of commits on both
/// engines: the counter row stays locked from that moment until the commit.
pub struct Tx {
    inner: sqlx::Transaction<'static, Any>,
    engine: Engine,
    /// Findings changed in this transaction (repeats allowed; stamped once each at commit).
    touched: Vec<String>,
    /// How many were touched when the open savepoint began, to go back to if it is undone.
    savepoint: Option<usize>,
    began: Instant,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

/// Findings per statement when stamping them (well under both engines' parameter limits).
const STAMP_CHUNK: usize = 200;

impl Tx {
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// How long this transaction has held the write lock.
    pub fn held(&self) -> Duration {
        self.began.elapsed()
    }

    /// Makes writes under the same key (one user's batches: two tabs, a retry racing the
    /// original) run one after the other, so they never wait for each other's rows in opposite
    /// orders. SQLite's writers run one at a time anyway.
    pub async fn serialize_by(&mut self, key: &str) -> Result<(), sqlx::Error> {
        if self.engine == Engine::Postgres {
            let digest = <sha2::Sha256 as sha2::Digest>::digest(key.as_bytes());
            let lock = i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock).execute(&mut *self.inner).await?;
        }
        Ok(())
    }

    /// Marks a finding as changed: devices that follow its road pull it again.
    pub fn touch(&mut self, finding_id: &str) {
        self.touched.push(finding_id.to_owned());
    }

    /// Starts a savepoint: what follows can be undone alone (`undo`) or kept (`keep`).
    pub async fn savepoint(&mut self) -> Result<(), sqlx::Error> {
        debug_assert!(self.savepoint.is_none(), "one savepoint at a time");
        self.inner.execute("SAVEPOINT operation").await?;
        self.savepoint = Some(self.touched.len());
        Ok(())
    }

    pub async fn keep(&mut self) -> Result<(), sqlx::Error> {
        self.inner.execute("RELEASE SAVEPOINT operation").await?;
        self.savepoint = None;
        Ok(())
    }

    pub async fn undo(&mut self) -> Result<(), sqlx::Error> {
        self.inner.execute("ROLLBACK TO SAVEPOINT operation").await?;
        self.inner.execute("RELEASE SAVEPOINT operation").await?;
        if let Some(before) = self.savepoint.take() {
            self.touched.truncate(before);
        }
        Ok(())
    }

    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        if !self.touched.is_empty() {
            let seq = next_change(&mut self.inner).await?;
            let ids: Vec<String> =
                std::mem::take(&mut self.touched).into_iter().collect::<BTreeSet<_>>().into_iter().collect();
            for chunk in ids.chunks(STAMP_CHUNK) {
                let marks = (2..chunk.len() + 2).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
                let sql = format!("UPDATE findings SET change_seq = $1 WHERE id IN ({marks})");
                let mut query = sqlx::query(&sql).bind(seq);
                for id in chunk {
                    query = query.bind(id);
                }
                query.execute(&mut *self.inner).await?;
            }
        }
        self.inner.commit().await
    }
}

const CHANGE_COUNTER: &str = "finding_changes";

/// Takes the next value of the change counter; its row stays locked until the commit.
async fn next_change(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let (seq,): (i64,) = sqlx::query_as("UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
        .bind(CHANGE_COUNTER)
        .fetch_one(conn)
        .await?;
    Ok(seq)
}

/// The last value of the change counter that a committed write took. Read before the changes
/// themselves: a write committed in between shows up now and again next time, never not at all.
pub async fn last_change(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let (seq,): (i64,) =
        sqlx::query_as("SELECT value FROM counters WHERE name = $1").bind(CHANGE_COUNTER).fetch_one(conn).await?;
    Ok(seq)
}

/// This database's identity, made when it was created and made anew by a restore: a device
/// whose cursor names another epoch pulls everything again.
pub async fn epoch(conn: &mut AnyConnection) -> Result<String, sqlx::Error> {
    let (epoch,): (String,) = sqlx::query_as("SELECT value FROM meta WHERE key = 'epoch'").fetch_one(conn).await?;
    Ok(epoch)
}

/// Gives the database an epoch if it has none (a new database).
pub async fn ensure_epoch(pool: &Pool, fresh: &str) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_write().await?;
    sqlx::query("INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO NOTHING")
        .bind(fresh)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Replaces the epoch (after a restore).
pub async fn renew_epoch(pool: &Pool, fresh: &str) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_write().await?;
    sqlx::query(
        "INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(fresh)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A consistent copy of a SQLite database into a new file, taken while the server runs
/// (readers and writers go on; the copy is a snapshot of one moment).
pub async fn copy_into(pool: &Pool, file: &std::path::Path) -> Result<(), sqlx::Error> {
    if pool.engine != Engine::Sqlite {
        return Err(sqlx::Error::Configuration("copies are made with pg_dump on PostgreSQL".into()));
    }
    let path = file.to_str().ok_or_else(|| sqlx::Error::Configuration("the backup path is not UTF-8".into()))?;
    sqlx::query("VACUUM INTO $1").bind(path).execute(&pool.pool).await?;
    Ok(())
}

/// The file of a `sqlite:` URL.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// A failure that says "try the whole transaction again": PostgreSQL chose it as the victim of
/// a deadlock (40P01) or a serialization conflict (40001). Nothing of it was kept.
pub fn is_retryable(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).is_some_and(|code| code == "40P01" || code == "40001")
}

/// How often a write is tried again after such a failure.
pub const RETRIES: u32 = 4;

/// Booleans are stored as 0/1 BIGINT on both engines.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_told_by_their_urls() {
        assert_eq!(Engine::of_url("sqlite://data/road-chief.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgres://rc@127.0.0.1:5432/rc"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("postgresql://rc@db/rc"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("mysql://x"), None);
        assert_eq!(Engine::Sqlite.lock_rows_of("f"), "");
        assert_eq!(Engine::Postgres.lock_rows_of("f"), " FOR UPDATE OF f");
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_file("sqlite://data/road-chief.db"), Some("data/road-chief.db".into()));
        assert_eq!(sqlite_file("sqlite:///var/lib/rc/rc.db?mode=rwc"), Some("/var/lib/rc/rc.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
