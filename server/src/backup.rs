//! `server backup FILE` and `server restore FILE`.
//!
//! SQLite: the backup is a consistent copy made while the server runs (`VACUUM INTO`); a
//! restore needs the server stopped, keeps the replaced files beside the database
//! (`*.before-restore-<time>`), brings the copy's schema up to date and gives the database a
//! new epoch, so every phone notices and pulls everything again. PostgreSQL: `pg_dump` and
//! `pg_restore` (custom format) do the copying, then the epoch is renewed the same way.

use crate::config::Config;
use crate::startup::{lock_data_dir, new_epoch, open_database};
use anyhow::{bail, Context};
use app::backend::db::{self, Engine};
use std::path::{Path, PathBuf};
use std::process::Command;

pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} exists already: choose a new file name", file.display());
    }
    match Engine::of_url(&config.database_url) {
        Some(Engine::Sqlite) => {
            let pool = open_database(config).await?;
            db::copy_into(&pool, file)
                .await
                .with_context(|| format!("copying the database into {}", file.display()))?;
            pool.close().await;
        }
        Some(Engine::Postgres) => {
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(file)
                .arg("--dbname")
                .arg(&config.database_url)
                .status()
                .context("running pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
        }
        None => bail!("unknown database URL"),
    }
    println!("Backup written to {}.", file.display());
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    // A running server holds this lock: the database must not be swapped under it.
    let _lock = lock_data_dir(config)?;
    match Engine::of_url(&config.database_url) {
        Some(Engine::Sqlite) => restore_sqlite(config, file).await?,
        Some(Engine::Postgres) => {
            let status = Command::new("pg_restore")
                .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname"])
                .arg(&config.database_url)
                .arg(file)
                .status()
                .context("running pg_restore (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_restore failed ({status})");
            }
        }
        None => bail!("unknown database URL"),
    }
    let pool = open_database(config).await?;
    db::renew_epoch(&pool, &new_epoch()).await.context("renewing the database epoch")?;
    pool.close().await;
    println!("Restored from {}. Phones will pull everything again on their next sync.", file.display());
    Ok(())
}

async fn restore_sqlite(config: &Config, file: &Path) -> anyhow::Result<()> {
    let target = db::sqlite_file(&config.database_url).context("the database URL names no file")?;
    let folder = target.parent().map(Path::to_owned).unwrap_or_else(|| PathBuf::from("."));
    let incoming = with_suffix(&target, ".restoring");
    std::fs::copy(file, &incoming).with_context(|| format!("copying {}", file.display()))?;
    if let Err(e) = check_backup(&incoming).await {
        let _ = std::fs::remove_file(&incoming);
        return Err(e.context(format!("{} is not a Road Chief backup", file.display())));
    }
    std::fs::File::open(&incoming)?.sync_all()?;
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    for suffix in ["", "-wal", "-shm"] {
        let current = with_suffix(&target, suffix);
        if current.exists() {
            let kept = with_suffix(&target, &format!(".before-restore-{stamp}{suffix}"));
            std::fs::rename(&current, &kept).with_context(|| format!("moving {} aside", current.display()))?;
        }
    }
    std::fs::rename(&incoming, &target).with_context(|| format!("putting the copy at {}", target.display()))?;
    std::fs::File::open(&folder)?.sync_all()?;
    Ok(())
}

/// A backup is a SQLite file of ours: it opens, and it has an epoch.
async fn check_backup(file: &Path) -> anyhow::Result<()> {
    let url = format!("sqlite://{}?mode=rw", file.display());
    let pool = db::Pool::connect(&url).await.context("it does not open as a SQLite database")?;
    let found = async {
        let mut conn = pool.read().await?;
        db::epoch(&mut conn).await
    }
    .await;
    pool.close().await;
    found.context("it has no epoch")?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
