//! The subdistrict on one map: every road with the week's inspection and the stretches walked,
//! and the findings not closed out with their place and urgency; for the coordinator only.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use app::api::patrol::NewPatrol;
use app::domain::geometry::{GeoPoint, RoadGeometry};
use app::domain::patrol::{encode, Fix};
use app::domain::time::{IsoWeek, Timestamp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ROAD: &str = "market-road-1";

fn road<'a>(map: &'a Value, id: &str) -> &'a Value {
    map["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == id).unwrap()
}

fn finding<'a>(map: &'a Value, id: &str) -> Option<&'a Value> {
    map["findings"].as_array().unwrap().iter().find(|f| f["id"] == id)
}

/// A walk over the first half of the road, positions every 5 s, ten minutes ago.
fn half_walk(app: &TestApp, road: &RoadGeometry) -> Operation {
    let start = Timestamp(app.now().millis() - 10 * 60_000);
    let steps = (road.length_m() / 2.0 / 1.25 / 5.0).ceil() as i64;
    let fixes: Vec<Fix> = (0..=steps)
        .map(|i| Fix {
            at: Timestamp(start.millis() + i * 5_000),
            point: road.point_at(road.length_m() / 2.0 * i as f64 / steps as f64),
            accuracy_m: 9,
        })
        .collect();
    let end = Timestamp(fixes.last().unwrap().at.millis() + 5_000);
    Operation::RecordPatrol {
        road_id: ROAD.into(),
        week: app.week(),
        patrol: NewPatrol {
            id: new_uuid(),
            started_at: start,
            ended_at: end,
            trail: encode(start, &fixes),
            board: vec![],
        },
    }
}

#[tokio::test]
async fn the_map_has_every_road_the_stretches_walked_and_the_findings_not_closed_out() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let chief = app.user("chief01").await;
    let before = app.read_ok(&coordinator, "district_map", &[]).await;
    let (roads,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM roads").fetch_one(app.db()).await.unwrap();
    assert_eq!(before["roads"].as_array().unwrap().len() as i64, roads);
    assert_eq!(road(&before, ROAD)["status"], "not_started");
    assert_eq!(road(&before, ROAD)["walked_percent"], Value::Null);
    assert_eq!(road(&before, ROAD)["walked"], json!([]));
    assert!(road(&before, ROAD)["coordinates"].as_array().unwrap().len() >= 2);
    assert!(!before["texts"]["title"].as_str().unwrap().is_empty());

    // Half the road walked, and the inspection submitted with a finding.
    let coordinates: Vec<[f64; 2]> = serde_json::from_value(road(&before, ROAD)["coordinates"].clone()).unwrap();
    let geometry = RoadGeometry::parse(&coordinates).unwrap();
    let walked = app.send(&chief, new_uuid(), &half_walk(&app, &geometry)).await;
    assert_eq!(walked.status(), StatusCode::OK);
    let found = app.finding(&chief, ROAD, "sanitation", "垃圾堆放").await;
    let batch = json!({ "ops": [OperationRequest { id: new_uuid(), op: submit(&app, ROAD, vec![found.clone()]), sent_at: None }] });
    assert_eq!(app.sync_ok(&chief, &batch).await["results"][0]["result"], "applied");

    let after = app.read_ok(&coordinator, "district_map", &[]).await;
    let market = road(&after, ROAD);
    assert_eq!(market["status"], "submitted");
    let share = market["walked_percent"].as_u64().unwrap();
    assert!((45..=65).contains(&share), "{market}");
    let lines: Vec<Vec<[f64; 2]>> = serde_json::from_value(market["walked"].clone()).unwrap();
    assert_eq!(lines.len(), 1, "one stretch from the start: {lines:?}");
    for [lon, lat] in &lines[0] {
        let placed = geometry.place(GeoPoint { lon: *lon, lat: *lat });
        assert!(placed.off_road_m < 1.0, "on the road: {placed:?}");
        assert!(placed.along_m <= geometry.length_m() * 0.7, "the first half: {placed:?}");
    }
    assert_eq!(road(&after, "market-road-2")["walked"], json!([]));

    let id = found.id.to_string();
    let dot = finding(&after, &id).expect("the new finding is drawn");
    assert_eq!(dot["road_id"], ROAD);
    assert_eq!(dot["category"]["id"], "sanitation");
    assert_eq!(dot["status"], "routed");
    assert!(dot["urgency"].is_string(), "its section's clock runs: {dot}");
    assert!((dot["lon"].as_f64().unwrap() - found.lon).abs() < 1e-9);
    assert!((dot["lat"].as_f64().unwrap() - found.lat).abs() < 1e-9);
    let count = |map: &Value| map["findings"].as_array().unwrap().len() as u64 + map["not_drawn"].as_u64().unwrap();
    assert_eq!(count(&after), count(&before) + 1);

    // Resolved: still drawn, waiting for the chief, no urgency; closed out: gone.
    let head = app.user("head_urban").await;
    for action in ["accept", "resolve"] {
        let note = (action == "resolve").then_some("已清理");
        assert_eq!(app.send(&head, new_uuid(), &move_op(&id, action, note, None)).await.status(), StatusCode::OK);
    }
    let resolved = app.read_ok(&coordinator, "district_map", &[]).await;
    let dot = finding(&resolved, &id).unwrap();
    assert_eq!((dot["status"].as_str(), dot["urgency"].is_null()), (Some("resolved"), true), "{dot}");
    let closed = app.send(&chief, new_uuid(), &move_op(&id, "close_out", Some("已核实"), None)).await;
    assert_eq!(closed.status(), StatusCode::OK);
    let closed = app.read_ok(&coordinator, "district_map", &[]).await;
    assert!(finding(&closed, &id).is_none());
    assert_eq!(count(&closed), count(&before));

    // The week before: nothing inspected or walked on the road then.
    let earlier = IsoWeek::parse(&app.week()).unwrap().previous().to_string();
    let last_week = app.read_ok(&coordinator, "district_map", &[("week", &earlier)]).await;
    assert_eq!(last_week["week"], earlier);
    assert_eq!(road(&last_week, ROAD)["status"], "not_started");
    assert_eq!(road(&last_week, ROAD)["walked"], json!([]));
}

#[tokio::test]
async fn only_the_coordinator_reads_the_map_and_a_bad_week_is_refused() {
    let app = spawn_app().await;
    for who in ["chief01", "head_urban"] {
        let client = app.user(who).await;
        assert_eq!(app.read(&client, "district_map", &[]).await.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(app.read(&app.anonymous(), "district_map", &[]).await.status(), StatusCode::UNAUTHORIZED);
    let coordinator = app.user("coordinator").await;
    for week in ["2026-W99", "<script>", "2026-13-01"] {
        let answer = app.read(&coordinator, "district_map", &[("week", week)]).await;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{week}");
    }
}
