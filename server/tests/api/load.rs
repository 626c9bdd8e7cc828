//! Many writers at once: nothing refused, every operation applied exactly once, and the change
//! cursor misses nothing that committed while phones were pulling.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

const ROADS: [(&str, &str); 4] = [
    ("chief01", "market-road-1"),
    ("chief02", "market-road-3"),
    ("chief03", "jimo-road"),
    ("chief04", "jiaozhou-road"),
];

#[tokio::test]
async fn forty_operations_at_once_from_four_chiefs_are_all_applied_once() {
    let app = spawn_app().await;
    let mut sent = Vec::new();
    for (chief, road) in ROADS {
        let client = app.user(chief).await;
        for i in 0..10 {
            let finding = app.finding(&client, road, "sanitation", &format!("{chief} 第 {i} 个")).await;
            let op = Operation::RecordFinding { road_id: road.into(), week: app.week(), finding };
            sent.push((client.clone(), new_uuid(), op));
        }
    }
    let answers = futures_join(sent.iter().map(|(client, id, op)| app.send(client, *id, op))).await;
    for response in answers {
        let status = response.status();
        assert_eq!(status, StatusCode::OK, "{}", response.text().await.unwrap());
    }
    // The same 40 again, all at once: each answered from its stored outcome, nothing doubled.
    let replays = futures_join(sent.iter().map(|(client, id, op)| app.send(client, *id, op))).await;
    for response in replays {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["idempotent-replayed"], "true");
    }
    let (findings, ops): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM findings), (SELECT COUNT(*) FROM operations)")
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!((findings, ops), (40, 40));
}

#[tokio::test]
async fn one_chief_sends_the_same_operations_in_parallel_syncs() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let mut ops = Vec::new();
    for i in 0..16 {
        let finding = app.finding(&chief, "market-road-1", "shop_sign", &format!("招牌 {i}")).await;
        let op = Operation::RecordFinding { road_id: "market-road-1".into(), week: app.week(), finding };
        ops.push(OperationRequest { id: new_uuid(), op, sent_at: None });
    }
    // Two tabs of one phone push overlapping batches at the same moment, four times over.
    let batches: Vec<Value> = (0..8).map(|i| json!({ "ops": ops[(i % 2) * 4..(i % 2) * 4 + 12] })).collect();
    let answers = futures_join(batches.iter().map(|b| app.sync(&chief, b))).await;
    for response in answers {
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["results"].as_array().unwrap().iter().all(|r| r["result"] == "applied"), "{body}");
    }
    let (findings,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM findings").fetch_one(app.db()).await.unwrap();
    assert_eq!(findings, 16);
}

/// Writers and a puller run at the same time; after the writers stop, one more pull. Every
/// finding reaches the puller: none is skipped by a cursor that moved past an uncommitted write.
#[tokio::test]
async fn the_change_cursor_misses_nothing_while_writers_commit() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let head = app.user("head_urban").await;
    let mut writers = Vec::new();
    for w in 0..4 {
        let (app, chief, head) = (&app, chief.clone(), head.clone());
        writers.push(async move {
            let mut ids = Vec::new();
            for i in 0..8 {
                let finding = app.finding(&chief, "market-road-1", "sanitation", &format!("写 {w}-{i}")).await;
                let op = Operation::RecordFinding { road_id: "market-road-1".into(), week: app.week(), finding };
                let answer = app
                    .sync_ok(&chief, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] }))
                    .await;
                let id = answer["results"][0]["outcome"]["finding"]["id"].as_str().unwrap().to_owned();
                // The section answers at once: a change by another user on the same finding.
                let accept = move_op(&id, "accept", None, None);
                assert_eq!(app.send(&head, new_uuid(), &accept).await.status(), StatusCode::OK);
                ids.push(id);
            }
            ids
        });
    }
    let puller = async {
        let mut cursor: Option<String> = None;
        let mut seen: HashSet<String> = HashSet::new();
        for _ in 0..20 {
            let body = match &cursor {
                Some(c) => json!({ "cursor": c }),
                None => json!({}),
            };
            let answer = app.sync_ok(&chief, &body).await;
            for f in answer["findings"].as_array().unwrap() {
                if f["status"] == "accepted" {
                    seen.insert(f["id"].as_str().unwrap().to_owned());
                }
            }
            cursor = Some(answer["cursor"].as_str().unwrap().to_owned());
            tokio::task::yield_now().await;
        }
        (cursor, seen)
    };
    let (written, (cursor, mut seen)) = tokio::join!(futures_join(writers), puller);
    let last = app.sync_ok(&chief, &json!({ "cursor": cursor })).await;
    for f in last["findings"].as_array().unwrap() {
        if f["status"] == "accepted" {
            seen.insert(f["id"].as_str().unwrap().to_owned());
        }
    }
    let written: HashSet<String> = written.into_iter().flatten().collect();
    assert_eq!(written.len(), 32);
    assert_eq!(seen, written, "every accepted finding reached the phone");
}

/// Runs futures concurrently and collects their outputs in order.
pub async fn futures_join<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    futures::future::join_all(futures).await
}
