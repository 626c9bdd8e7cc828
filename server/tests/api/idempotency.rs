//! The same operation twice is applied once; the same id with other content is refused.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn the_same_submission_twice_returns_the_first_result_and_stores_nothing_twice() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "food_safety", "摊点无防尘措施").await;
    let op = submit(&app, "market-road-2", vec![f]);
    let id = new_uuid();
    let first = app.send(&chief, id, &op).await;
    assert_eq!(first.headers()["idempotent-replayed"], "false");
    let first: Value = first.json().await.unwrap();
    let after_first = app.footprint().await;

    app.state.clock.advance(60_000);
    let second = app.send(&chief, id, &op).await;
    assert_eq!(second.status(), StatusCode::OK);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(app.footprint().await, after_first);
}

#[tokio::test]
async fn the_same_id_with_other_content_is_a_conflict() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let id = new_uuid();
    let f = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    assert_eq!(app.send(&chief, id, &submit(&app, "market-road-2", vec![f.clone()])).await.status(), StatusCode::OK);
    let before = app.footprint().await;
    let mut changed = f;
    changed.note = "另一段说明".into();
    changed.id = new_uuid();
    let (status, code, _) = error_code(app.send(&chief, id, &submit(&app, "market-road-2", vec![changed])).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "operation_conflict"));
    // Another user reusing the id is refused the same way.
    let other = app.user("chief02").await;
    let (status, _, _) = error_code(app.send(&other, id, &app_ops::start_op(&app, "market-road-3")).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(app.footprint().await, before);
}

#[tokio::test]
async fn a_finding_id_cannot_be_recorded_twice_under_different_operations() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    assert_eq!(
        app.send(&chief, new_uuid(), &submit(&app, "market-road-2", vec![f.clone()])).await.status(),
        StatusCode::OK
    );
    let before = app.footprint().await;
    let (status, code, _) =
        error_code(app.send(&chief, new_uuid(), &submit(&app, "market-road-2", vec![f])).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "operation_conflict"));
    assert_eq!(app.footprint().await, before);
}
