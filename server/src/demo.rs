//! Demo mode: the Jimo Road subdistrict with its roads, sections and people, every demo
//! account with the same password. Only ever switched on explicitly.

use app::backend::import::{import, parse, DEMO_FILE};
use app::backend::Pool;
use app::domain::text::NewPassword;
use app::domain::time::Timestamp;

pub const DEMO_PASSWORD: &str = "roadchief";

/// Imports the demo subdistrict once and gives every demo user without a password the demo
/// password. Running it again changes nothing.
pub async fn ensure(pool: &Pool, now: Timestamp) -> anyhow::Result<()> {
    let (subdistricts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM subdistricts").fetch_one(pool).await?;
    let file = parse(DEMO_FILE)?;
    if subdistricts == 0 {
        let summary = import(pool, &file, now).await?;
        tracing::info!(?summary, "demo subdistrict imported");
    }
    let without: Vec<(String,)> =
        sqlx::query_as("SELECT username FROM users WHERE password_hash IS NULL").fetch_all(pool).await?;
    if !without.is_empty() {
        let password = NewPassword::parse(DEMO_PASSWORD)?;
        // One hash for all demo users: argon2 is slow on purpose, and these are demo accounts.
        let hash = app::backend::auth::hash_password(&password);
        for (username,) in &without {
            sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2 AND password_hash IS NULL")
                .bind(&hash)
                .bind(username)
                .execute(pool)
                .await?;
        }
        tracing::info!(users = without.len(), "demo passwords set");
    }
    Ok(())
}
