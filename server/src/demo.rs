//! Demo mode: the Jimo Road subdistrict with its roads, sections and people, every demo
//! account with the same password. Only ever switched on explicitly.

use app::backend::import::{import, parse, DEMO_FILE};
use app::backend::store::{directory, reports, users};
use app::backend::{auth, Pool};
use app::domain::text::NewPassword;
use app::domain::time::Timestamp;

pub const DEMO_PASSWORD: &str = "roadchief";

/// Imports the demo subdistrict once and gives each of the demo's own users the demo password
/// if they have none (nobody else: an account made or imported by hand keeps having no
/// password until someone sets one). Running it again changes nothing.
/// What the demo's boards publish: the office's work line and its hours (never a chief's own
/// number).
async fn publish_boards(pool: &Pool) -> anyhow::Result<()> {
    let roads = {
        let mut conn = pool.read().await?;
        directory::all_roads(&mut conn).await?
    };
    let mut tx = pool.begin_write().await?;
    for road in roads {
        reports::set_publication(
            &mut tx,
            &road.named.id,
            Some("街道城市管理办公室 0532-8000 1234"),
            Some("工作日 8:30–17:30"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn ensure(pool: &Pool, now: Timestamp) -> anyhow::Result<()> {
    let demo = parse(DEMO_FILE)?;
    let demo_users: Vec<&str> = demo.users.iter().map(|u| u.username.as_str()).collect();
    let (subdistricts, without) = {
        let mut conn = pool.read().await?;
        (directory::subdistrict_count(&mut conn).await?, users::count_without_password(&mut conn, &demo_users).await?)
    };
    if subdistricts == 0 {
        let summary = import(pool, &demo, now).await?;
        tracing::info!(?summary, "demo subdistrict imported");
        publish_boards(pool).await?;
    }
    if without > 0 || subdistricts == 0 {
        // One hash for all demo users: argon2 is slow on purpose, and these are demo accounts.
        let hash = auth::hash_password_async(NewPassword::parse(DEMO_PASSWORD)?).await?;
        let mut tx = pool.begin_write().await?;
        let set = users::set_missing_password(&mut tx, &demo_users, &hash).await?;
        tx.commit().await?;
        if set > 0 {
            tracing::info!(users = set, "demo passwords set");
        }
    }
    Ok(())
}
