//! What the server promises about what it has answered: on disk before the answer, copied
//! consistently by `server backup`, brought back by `server restore` (and phones notice), and
//! a shutdown that finishes its work.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use app::backend::db::Engine;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn an_acknowledged_write_is_on_disk_before_the_answer() {
    let app = spawn_app().await;
    if app.state.pool.engine() != Engine::Sqlite {
        return; // PostgreSQL's own default (synchronous_commit = on) holds this.
    }
    let mut conn = app.db().acquire().await.unwrap();
    let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
    let (synchronous,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
    // WAL with synchronous = FULL (2): every commit fsyncs the log before it returns.
    assert_eq!((journal.as_str(), synchronous), ("wal", 2));
}

async fn record(app: &TestApp, client: &reqwest::Client, note: &str) -> (String, Value) {
    let finding = app.finding(client, "market-road-1", "sanitation", note).await;
    let op = Operation::RecordFinding { road_id: "market-road-1".into(), week: app.week(), finding };
    let answer = app.sync_ok(client, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    (answer["results"][0]["outcome"]["finding"]["id"].as_str().unwrap().to_owned(), answer)
}

fn ids(answer: &Value) -> Vec<String> {
    answer["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_backup_taken_while_running_restores_and_phones_pull_everything_again() {
    let dir = temp_dir();
    let config = test_config(&dir, true).await;
    let (first, stop, task) = spawn_stoppable(config.clone(), "target/site").await;
    let chief = first.user("chief01").await;
    let (kept, _) = record(&first, &chief, "备份前的问题").await;

    let file = dir.join("backup.db");
    server::backup::backup(&config, &file).await.expect("a backup while the server runs");
    assert!(server::backup::backup(&config, &file).await.is_err(), "an existing file is never overwritten");
    let (lost, answer) = record(&first, &chief, "备份后的问题").await;
    let cursor = answer["cursor"].as_str().unwrap().to_owned();

    assert!(server::backup::restore(&config, &file).await.is_err(), "no restore under a running server");
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), task).await.expect("shuts down").unwrap().unwrap();
    server::backup::restore(&config, &file).await.expect("restores");

    let second = spawn_app_with(config, "target/site").await;
    let chief = second.user("chief01").await;
    // The phone's cursor is ahead of the restored database: it gets everything, marked full.
    let answer = second.sync_ok(&chief, &json!({ "cursor": cursor })).await;
    assert_eq!(answer["full"], true);
    assert_eq!(ids(&answer), vec![kept.clone()], "the restored database, no more and no less");
    // From then on, its new cursor pulls only changes again.
    let again = second.sync_ok(&chief, &json!({ "cursor": answer["cursor"] })).await;
    assert_eq!((again["full"].as_bool(), ids(&again).len()), (Some(false), 0));
    assert_ne!(kept, lost);
    drop(first);
}

#[tokio::test]
async fn a_shutdown_stops_the_courier_and_closes_the_database() {
    let dir = temp_dir();
    let mut config = test_config(&dir, true).await;
    config.notify_every_s = 1;
    config.schedule_every_s = 1;
    let (app, stop, task) = spawn_stoppable(config, "target/site").await;
    let chief = app.user("chief01").await;
    record(&app, &chief, "关机前").await;
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(20), task).await.expect("stops within the time").unwrap().unwrap();
    assert!(app.db().is_closed(), "the database is closed");
    if app.state.pool.engine() == Engine::Sqlite {
        // The last connection checkpointed the log into the database file.
        let wal = dir.join("test.db-wal");
        assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0, "log checkpointed");
    }
    assert!(reqwest::get(app.url("/login")).await.is_err(), "no longer listening");
}
