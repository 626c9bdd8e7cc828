//! Applied operations: the record that makes each operation happen once.

use super::{Conn, Tx};
use crate::backend::Result;
use crate::domain::time::Timestamp;

/// An operation id someone applied before.
pub struct Earlier {
    pub user_id: String,
    pub content_hash: String,
    pub outcome: String,
    pub applied_at: i64,
}

/// Claims the id for this operation. `None`: it is ours now (apply it, then `finish`); else
/// the operation that holds it. A concurrent claim of the same id waits for ours to commit
/// or roll back, so two requests never both apply it.
pub async fn claim(
    tx: &mut Tx,
    id: &str,
    user_id: &str,
    kind: &str,
    content_hash: &str,
    now: Timestamp,
) -> Result<Option<Earlier>> {
    let claimed = sqlx::query(
        "INSERT INTO operations (id, user_id, kind, content_hash, outcome, applied_at) VALUES ($1, $2, $3, $4, '', $5) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(user_id)
    .bind(kind)
    .bind(content_hash)
    .bind(now.millis())
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() == 1 {
        return Ok(None);
    }
    earlier(tx, id).await
}

async fn earlier(conn: &mut Conn, id: &str) -> Result<Option<Earlier>> {
    let row: Option<(String, String, String, i64)> =
        sqlx::query_as("SELECT user_id, content_hash, outcome, applied_at FROM operations WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(user_id, content_hash, outcome, applied_at)| Earlier { user_id, content_hash, outcome, applied_at }))
}

/// Stores the outcome of the claimed operation, to answer a repeat with.
pub async fn finish(tx: &mut Tx, id: &str, outcome: &str) -> Result<()> {
    sqlx::query("UPDATE operations SET outcome = $1 WHERE id = $2").bind(outcome).bind(id).execute(&mut **tx).await?;
    Ok(())
}
