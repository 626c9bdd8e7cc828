//! Patrols on the road: a trail queued offline arrives exactly once, the server works out its
//! figures itself (share walked, board checked, implausible traces flagged), the checklist and
//! the coordinator read them, positions are private to the chief who walked and the
//! coordinator, and they are deleted after the retention period.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use app::api::patrol::{BoardScan, NewPatrol};
use app::domain::geometry::RoadGeometry;
use app::domain::patrol::{encode, Fix};
use app::domain::time::Timestamp;
use reqwest::StatusCode;
use serde_json::{json, Value};

const ROAD: &str = "market-road-1";

async fn geometry(app: &TestApp, client: &reqwest::Client) -> RoadGeometry {
    let page = app.read_ok(client, "inspection", &[("road_id", ROAD)]).await;
    let coordinates: Vec<[f64; 2]> = serde_json::from_value(page["road"]["coordinates"].clone()).unwrap();
    RoadGeometry::parse(&coordinates).unwrap()
}

async fn board_code(app: &TestApp) -> String {
    let (code,): (String,) =
        sqlx::query_as("SELECT board_code FROM roads WHERE id = $1").bind(ROAD).fetch_one(app.db()).await.unwrap();
    code
}

/// Positions every 5 s along the whole road at `kmh`, starting `ago_min` minutes ago.
fn walk(app: &TestApp, road: &RoadGeometry, kmh: f64, ago_min: i64) -> (Timestamp, Timestamp, Vec<Fix>) {
    let start = Timestamp(app.now().millis() - ago_min * 60_000);
    let steps = (road.length_m() / (kmh / 3.6) / 5.0).ceil() as i64;
    let fixes: Vec<Fix> = (0..=steps)
        .map(|i| Fix {
            at: Timestamp(start.millis() + i * 5_000),
            point: road.point_at(road.length_m() * i as f64 / steps as f64),
            accuracy_m: 9,
        })
        .collect();
    let end = Timestamp(fixes.last().unwrap().at.millis() + 5_000);
    (start, end, fixes)
}

fn patrol_op(app: &TestApp, start: Timestamp, end: Timestamp, trail: String, board: Vec<BoardScan>) -> Operation {
    Operation::RecordPatrol {
        road_id: ROAD.into(),
        week: app.week(),
        patrol: NewPatrol { id: new_uuid(), started_at: start, ended_at: end, trail, board },
    }
}

async fn patrol_count(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM patrols").fetch_one(app.db()).await.unwrap();
    n
}

#[tokio::test]
async fn a_patrol_queued_offline_arrives_once_and_the_checklist_and_coordinator_read_it() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let road = geometry(&app, &chief).await;
    let (start, end, fixes) = walk(&app, &road, 4.5, 10);
    let scan = BoardScan {
        at: Timestamp(start.millis() + 60_000),
        text: format!("http://x/board/{ROAD}?c={}", board_code(&app).await),
    };
    let op = patrol_op(&app, start, end, encode(start, &fixes), vec![scan]);
    let batch = json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] });

    // Sent, the answer lost, sent again: one patrol.
    let first = app.sync_ok(&chief, &batch).await;
    let again = app.sync_ok(&chief, &batch).await;
    assert_eq!(first["results"][0]["result"], "applied", "{first}");
    assert_eq!(again["results"][0]["replayed"], true, "{again}");
    assert_eq!(first["results"][0]["outcome"], again["results"][0]["outcome"]);
    assert_eq!(patrol_count(&app).await, 1);
    let summary = &first["results"][0]["outcome"]["summary"];
    assert_eq!(summary["walked_percent"], 100, "{summary}");
    assert_eq!(summary["board_checked"], true);
    assert_eq!(summary["flags"], json!([]));
    assert_eq!(summary["positions"], fixes.len());

    // The checklist carries the week's patrol; the inspection is under way.
    let page = app.read_ok(&chief, "inspection", &[("road_id", ROAD)]).await;
    assert_eq!(page["status"], "in_progress");
    assert_eq!(page["patrol"]["patrols"], 1);
    assert_eq!(page["patrol"]["walked_percent"], 100);
    assert_eq!(page["patrol"]["board_checked"], true);

    // A drive the same week with a made-up board code: flagged, not refused; not a check.
    let (start, end, fixes) = walk(&app, &road, 30.0, 4);
    let wrong = BoardScan { at: start, text: "ZZZZZZZZ".into() };
    let drive = app.send(&chief, new_uuid(), &patrol_op(&app, start, end, encode(start, &fixes), vec![wrong])).await;
    assert_eq!(drive.status(), StatusCode::OK);
    let drive: Value = drive.json().await.unwrap();
    assert_eq!(drive["summary"]["flags"], json!(["too_fast"]), "{drive}");
    assert_eq!(drive["summary"]["board_checked"], false);

    // The coordinator's overview of the week, road by road.
    let coordinator = app.user("coordinator").await;
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    let row = overview["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == ROAD).unwrap();
    assert_eq!(row["patrol"]["patrols"], 2, "{row}");
    assert_eq!(row["patrol"]["board_checked"], true);
    assert_eq!(row["patrol"]["flags"], json!(["too_fast"]));
    let other = overview["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == "market-road-2").unwrap();
    assert!(other["patrol"].is_null());

    // Positions: the chief who walked and the coordinator; nobody else.
    let own = app.read_ok(&chief, "patrols", &[("road_id", ROAD)]).await;
    assert_eq!(own["trails"].as_array().unwrap().len(), 2);
    assert_eq!(
        own["trails"][0]["positions"].as_array().unwrap().len(),
        summary["positions"].as_u64().unwrap() as usize
    );
    let all = app.read_ok(&coordinator, "patrols", &[("road_id", ROAD)]).await;
    assert_eq!(all["trails"].as_array().unwrap().len(), 2);
    for (who, status) in [("head_urban", StatusCode::FORBIDDEN), ("chief02", StatusCode::FORBIDDEN)] {
        let client = app.user(who).await;
        assert_eq!(app.read(&client, "patrols", &[("road_id", ROAD)]).await.status(), status, "{who}");
    }

    // After the retention period the positions go and the figures stay.
    let later = Timestamp(app.now().millis() + 181 * 86_400_000);
    let forgotten = app::backend::patrols::forget_old_trails(&app.state.pool, later, 180).await.unwrap();
    assert_eq!(forgotten, 2);
    let kept = app.read_ok(&coordinator, "patrols", &[("road_id", ROAD)]).await;
    assert!(kept["trails"][0]["positions"].as_array().unwrap().is_empty());
    assert_eq!(kept["summary"]["walked_percent"], 100);
    assert_eq!(app::backend::patrols::forget_old_trails(&app.state.pool, later, 180).await.unwrap(), 0);
}

#[tokio::test]
async fn a_bad_patrol_is_refused_with_its_reason_and_changes_nothing() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let road = geometry(&app, &chief).await;
    let (start, end, fixes) = walk(&app, &road, 4.5, 10);
    let good = encode(start, &fixes);
    let before = app.footprint().await;

    let cases = [
        ("broken trail", patrol_op(&app, start, end, format!("{good} !"), vec![]), "invalid_patrol"),
        ("ends before it starts", patrol_op(&app, end, start, String::new(), vec![]), "invalid_patrol"),
        (
            "positions after the end",
            patrol_op(&app, start, Timestamp(start.millis() + 10_000), good.clone(), vec![]),
            "invalid_patrol",
        ),
        (
            "too many scans",
            patrol_op(&app, start, end, good.clone(), vec![BoardScan { at: start, text: "AB12".into() }; 21]),
            "invalid_patrol",
        ),
        (
            "ends in the future",
            patrol_op(&app, start, Timestamp(app.now().millis() + 3_600_000), good.clone(), vec![]),
            "observed_in_future",
        ),
    ];
    for (what, op, code) in cases {
        let (status, got, message) = error_code(app.send(&chief, new_uuid(), &op).await).await;
        assert_eq!((status, got.as_str()), (StatusCode::BAD_REQUEST, code), "{what}");
        assert!(!message.is_empty(), "{what}");
    }
    // Another chief's road; the coordinator records no patrols.
    for who in ["chief02", "coordinator"] {
        let client = app.user(who).await;
        let response = app.send(&client, new_uuid(), &patrol_op(&app, start, end, good.clone(), vec![])).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(app.footprint().await, before);
    assert_eq!(patrol_count(&app).await, 0);
}
