//! Bounded work: no request makes the server hold the write lock or its memory for long.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_submission_carries_at_most_200_findings() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let template = app.finding(&chief, "market-road-1", "sanitation", "很多").await;
    let many =
        |n: usize| (0..n).map(|_| app::api::operations::NewFinding { id: new_uuid(), ..template.clone() }).collect();
    let before = app.footprint().await;
    let (status, code, message) =
        error_code(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", many(201))).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_findings"));
    assert!(message.contains("200"), "{message}");
    assert_eq!(app.footprint().await, before, "nothing written");

    // In a sync, only that record is refused; the others go on.
    let fine =
        Operation::RecordFinding { road_id: "market-road-1".into(), week: app.week(), finding: many(1).pop().unwrap() };
    let body = json!({ "ops": [
        OperationRequest { id: new_uuid(), op: submit(&app, "market-road-1", many(201)), sent_at: None },
        OperationRequest { id: new_uuid(), op: fine, sent_at: None },
    ]});
    let answer = app.sync_ok(&chief, &body).await;
    assert_eq!(answer["results"][0]["status"], 413);
    assert_eq!(answer["results"][0]["error"]["code"], "too_many_findings");
    assert_eq!(answer["results"][1]["result"], "applied");

    let (status, _, _) =
        error_code(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", many(200))).await).await;
    assert_eq!(status, StatusCode::OK, "200 findings are fine");
}

#[tokio::test]
async fn a_sync_carries_at_most_500_operations_and_16_mb() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let start = app_ops::start_op(&app, "market-road-1");
    let ops: Vec<OperationRequest> =
        (0..501).map(|_| OperationRequest { id: new_uuid(), op: start.clone(), sent_at: None }).collect();
    let before = app.footprint().await;
    let (status, code, _) = error_code(app.sync(&chief, &json!({ "ops": ops })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large"));

    let huge = "长".repeat(6 * 1024 * 1024); // 18 MB of UTF-8
    let response = chief
        .post(app.url("/api/v1/sync"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"ops": [], "cursor": "{huge}"}}"#))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));
    assert!(!message.is_empty());
    assert_eq!(app.footprint().await, before, "nothing written");
}
