//! Bad input gets a 4xx with a clear, localized message, and changes nothing.

use crate::helpers::*;
use app::api::operations::NewFinding;
use reqwest::StatusCode;

async fn refused(app: &TestApp, finding: NewFinding) -> (StatusCode, String, String) {
    let chief = app.user("chief01").await;
    let before = app.footprint().await;
    let result = error_code(app.send(&chief, new_uuid(), &submit(app, "market-road-1", vec![finding])).await).await;
    assert_eq!(app.footprint().await, before, "a refused submission changed the database");
    result
}

#[tokio::test]
async fn notes_must_be_there_and_not_too_long() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let mut f = app.finding(&chief, "market-road-1", "sanitation", "   ").await;
    let (status, code, message) = refused(&app, f.clone()).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "note_empty"));
    assert_eq!(message, "请填写说明。");
    f.note = "路".repeat(2001);
    let (status, code, _) = refused(&app, f.clone()).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "note_too_long"));
    f.note = "路".repeat(2000);
    assert_eq!(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![f])).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_category_unknown_road_and_bad_places() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let mut f = app.finding(&chief, "market-road-1", "weather", "下雨").await;
    let before = app.footprint().await;
    let op = app_ops::start_op(&app, "no-such-road");
    let (status, code, _) = error_code(app.send(&chief, new_uuid(), &op).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(app.footprint().await, before);

    let (status, code, _) = refused(&app, f.clone()).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "unknown_category"));

    f.category = "sanitation".into();
    f.lat = 95.0;
    let (_, code, _) = refused(&app, f.clone()).await;
    assert_eq!(code, "invalid_position");

    // 300 m south of the road, not confirmed: refused; confirmed: recorded with the flag.
    let (lon, lat) = app.point_on(&chief, "market-road-1", 0.5).await;
    f.lon = lon;
    f.lat = lat - 300.0 / 111_195.0;
    let (status, code, message) = refused(&app, f.clone()).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "off_road_unconfirmed"));
    assert!(message.contains("100"), "{message}");
    f.off_road_confirmed = true;
    assert_eq!(
        app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![f.clone()])).await.status(),
        StatusCode::OK
    );
    let detail = app.read_ok(&chief, "finding", &[("id", &f.id.to_string())]).await;
    assert_eq!(detail["off_road_confirmed"], true);
    assert!((detail["off_road_m"].as_f64().unwrap() - 300.0).abs() < 40.0, "{}", detail["off_road_m"]);
}

#[tokio::test]
async fn results_must_be_complete_and_problems_need_findings() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let before = app.footprint().await;
    let mut op = submit(&app, "market-road-1", vec![]);
    if let app::api::operations::Operation::SubmitInspection { results, .. } = &mut op {
        results.remove("safety_hazard");
    }
    let (status, code, _) = error_code(app.send(&chief, new_uuid(), &op).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "results_incomplete"));
    let mut op = submit(&app, "market-road-1", vec![]);
    if let app::api::operations::Operation::SubmitInspection { results, .. } = &mut op {
        results.insert("safety_hazard".into(), app::domain::inspection::CheckResult::Problem);
    }
    let (_, code, _) = error_code(app.send(&chief, new_uuid(), &op).await).await;
    assert_eq!(code, "problem_without_finding");
    let mut op = submit(&app, "market-road-1", vec![]);
    if let app::api::operations::Operation::SubmitInspection { week, .. } = &mut op {
        *week = "2020-W10".into();
    }
    let (_, code, _) = error_code(app.send(&chief, new_uuid(), &op).await).await;
    assert_eq!(code, "week_not_open");
    let mut f = app.finding(&chief, "market-road-1", "sanitation", "垃圾").await;
    f.observed_at = app::domain::time::Timestamp(app.now().millis() + 3_600_000);
    let (_, code, _) = error_code(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![f])).await).await;
    assert_eq!(code, "observed_in_future");
    assert_eq!(app.footprint().await, before);
    // A clean submission of all OK goes through.
    assert_eq!(app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![])).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_bodies_are_a_localized_400() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let before = app.footprint().await;
    let url = app.url("/api/v1/operations");
    let bad_json = chief
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"id\": \"x\", \"op\": ")
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(bad_json).await;
    assert_eq!((status, code.as_str(), message.as_str()), (StatusCode::BAD_REQUEST, "malformed", "请求格式不正确。"));
    let english = chief
        .post(&url)
        .header("content-type", "application/json")
        .header("accept-language", "en-GB,en;q=0.9")
        .body("[1, 2]")
        .send()
        .await
        .unwrap();
    let (status, _, message) = error_code(english).await;
    assert_eq!((status, message.as_str()), (StatusCode::BAD_REQUEST, "The request was not understood."));
    let form = chief.post(&url).form(&[("id", "1"), ("op", "start_inspection")]).send().await.unwrap();
    assert_eq!(error_code(form).await.0, StatusCode::BAD_REQUEST);
    let unknown_kind = chief
        .post(&url)
        .json(&serde_json::json!({"id": new_uuid(), "op": {"kind": "delete_everything"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(unknown_kind).await.1, "malformed");
    // A move with a missing required reason.
    let chief_id = new_uuid().to_string();
    let (status, code, _) =
        error_code(app.send(&chief, new_uuid(), &move_op(&chief_id, "reopen", Some("  "), None)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "note_empty"));
    assert_eq!(app.footprint().await, before);
}
