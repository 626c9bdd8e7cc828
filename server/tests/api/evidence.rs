//! Evidence that holds: when and where the phone says a photo was taken, the phone's clock
//! against the server's, the "after" photo a category's resolution needs.

use crate::helpers::*;
use crate::photos::{hash_of, jpeg, put};
use app::api::operations::{NewFinding, Operation};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Sends one operation through `/sync` stamped with the phone's clock; its result.
async fn sync_one(app: &TestApp, client: &reqwest::Client, op: &Operation, sent_at: Option<i64>) -> Value {
    let mut request = json!({ "id": new_uuid(), "op": op });
    if let Some(at) = sent_at {
        request["sent_at"] = at.into();
    }
    let answer = app.sync_ok(client, &json!({ "ops": [request] })).await;
    answer["results"][0].clone()
}

/// The phone's clock against the server's, measured at the request: the test's clock runs, so
/// within a second of what was set.
fn about(value: &Value, expected: i64) -> bool {
    value.as_i64().is_some_and(|v| (v - expected).abs() < 1_000)
}

fn record(app: &TestApp, road: &str, finding: &NewFinding) -> Operation {
    Operation::RecordFinding { road_id: road.into(), week: app.week(), finding: finding.clone() }
}

fn moving(finding: &NewFinding, action: &str, note: Option<&str>, photos: Value, taken: Value) -> Operation {
    serde_json::from_value(json!({
        "kind": "move_finding", "finding_id": finding.id, "move": action, "note": note,
        "photos": photos, "taken": taken,
    }))
    .unwrap()
}

#[tokio::test]
async fn each_photo_keeps_the_phones_time_and_place_and_a_wrong_clock_is_marked() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let coordinator = app.user("coordinator").await;
    let now = app.now().millis();
    let photo = jpeg(11);
    let hash = hash_of(&photo);

    // A phone whose clock is two hours behind: its photo was taken "five minutes ago" by it.
    let mut behind = app.finding(&chief, "market-road-2", "sanitation", "垃圾桶满溢").await;
    behind.photos = vec![hash.clone()];
    let taken_at = now - 2 * 3_600_000 - 5 * 60_000;
    behind.taken = serde_json::from_value(json!([
        { "hash": hash, "at": taken_at, "place": { "lon": behind.lon, "lat": behind.lat + 0.0002 } }
    ]))
    .unwrap();
    let result = sync_one(&app, &chief, &record(&app, "market-road-2", &behind), Some(now - 2 * 3_600_000)).await;
    assert_eq!(result["result"], "applied", "{result}");
    // One a minute off, and one from a phone that does not say its time.
    let close = app.finding(&chief, "market-road-2", "sanitation", "果皮纸屑").await;
    assert_eq!(
        sync_one(&app, &chief, &record(&app, "market-road-2", &close), Some(now + 60_000)).await["result"],
        "applied"
    );
    let silent = app.finding(&chief, "market-road-2", "sanitation", "落叶堆积").await;
    assert_eq!(sync_one(&app, &chief, &record(&app, "market-road-2", &silent), None).await["result"], "applied");

    let detail = app.read_ok(&coordinator, "finding", &[("id", &behind.id.to_string())]).await;
    assert!(about(&detail["clock_skew"], -7_200_000), "{detail}");
    assert_eq!(detail["evidence_shown"], true);
    let shown = &detail["photos"][0];
    assert_eq!((shown["stage"].as_str(), shown["taken_at"].as_i64()), (Some("before"), Some(taken_at)));
    assert!((shown["taken_place"]["lat"].as_f64().unwrap() - behind.lat - 0.0002).abs() < 1e-9, "{shown}");
    assert!(about(&shown["clock_skew"], -7_200_000), "{shown}");
    assert_eq!(shown["received_at"], Value::Null, "not uploaded yet");
    app.state.clock.advance(90_000);
    assert_eq!(put(&app, &chief, &behind, hash.as_str(), photo).await.status(), StatusCode::NO_CONTENT);
    let detail = app.read_ok(&chief, "finding", &[("id", &behind.id.to_string())]).await;
    assert!(about(&detail["photos"][0]["received_at"], now + 90_000), "the server's receipt time: {detail}");
    assert_eq!(detail["evidence_shown"], false, "the SHA-256 and receipt are shown to the coordinator");

    let detail = app.read_ok(&coordinator, "finding", &[("id", &close.id.to_string())]).await;
    assert!(about(&detail["clock_skew"], 60_000), "{detail}");
    let detail = app.read_ok(&coordinator, "finding", &[("id", &silent.id.to_string())]).await;
    assert_eq!(detail["clock_skew"], Value::Null);

    // A record of a photo not sent with the finding, or at an impossible time: refused whole.
    for taken in [json!([{ "hash": hash_of(&jpeg(12)), "at": now }]), json!([{ "hash": hash, "at": 0 }])] {
        let mut f = app.finding(&chief, "market-road-2", "sanitation", "纸箱").await;
        f.photos = vec![hash.clone()];
        f.taken = serde_json::from_value(taken).unwrap();
        let result = sync_one(&app, &chief, &record(&app, "market-road-2", &f), Some(now)).await;
        assert_eq!(
            (result["result"].as_str(), result["error"]["code"].as_str()),
            (Some("rejected"), Some("invalid_photo_record")),
            "{result}"
        );
        let found = app.read(&coordinator, "finding", &[("id", &f.id.to_string())]).await;
        assert_eq!(found.status(), StatusCode::NOT_FOUND, "nothing written");
    }
}

#[tokio::test]
async fn an_illegal_structure_is_resolved_only_with_a_new_photo_of_the_result() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let head = app.user("head_enforcement").await;
    let now = app.now().millis();
    let before = jpeg(21);
    let mut shed = app.finding(&chief, "market-road-1", "illegal_structure", "人行道上私搭彩钢棚").await;
    shed.photos = vec![hash_of(&before)];
    assert_eq!(sync_one(&app, &chief, &record(&app, "market-road-1", &shed), Some(now)).await["result"], "applied");
    assert_eq!(
        put(&app, &chief, &shed, hash_of(&before).as_str(), before.clone()).await.status(),
        StatusCode::NO_CONTENT
    );

    let detail = app.read_ok(&head, "finding", &[("id", &shed.id.to_string())]).await;
    assert_eq!(detail["after_photo_required"], true);
    let after = jpeg(22);
    let after_hash = hash_of(&after);
    let refusals = [
        (moving(&shed, "resolve", Some("已拆除"), json!([]), json!([])), "after_photo_required"),
        (moving(&shed, "resolve", Some("已拆除"), json!([hash_of(&before)]), json!([])), "same_photo_after"),
        (
            moving(
                &shed,
                "resolve",
                Some("已拆除"),
                json!([after_hash]),
                json!([{ "hash": hash_of(&jpeg(23)), "at": now }]),
            ),
            "invalid_photo_record",
        ),
        (moving(&shed, "accept", None, json!([after_hash]), json!([])), "invalid_photo_record"),
    ];
    for (op, code) in refusals {
        let result = sync_one(&app, &head, &op, Some(now)).await;
        assert_eq!(result["error"]["code"], code, "{result}");
        let detail = app.read_ok(&head, "finding", &[("id", &shed.id.to_string())]).await;
        assert_eq!(
            (detail["summary"]["status"].as_str(), detail["photos"].as_array().unwrap().len()),
            (Some("routed"), 1)
        );
    }

    // With a photo of the cleared pavement, taken by a phone whose clock is 20 minutes ahead.
    let op = moving(
        &shed,
        "resolve",
        Some("已拆除"),
        json!([after_hash]),
        json!([{ "hash": after_hash, "at": now + 19 * 60_000 }]),
    );
    let result = sync_one(&app, &head, &op, Some(now + 20 * 60_000)).await;
    assert_eq!(result["outcome"]["status"], "resolved", "{result}");
    // Only who declared a photo uploads it.
    assert_eq!(put(&app, &chief, &shed, after_hash.as_str(), after.clone()).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(put(&app, &head, &shed, after_hash.as_str(), after.clone()).await.status(), StatusCode::NO_CONTENT);

    // The chief's close-out sees both, as found and after.
    let detail = app.read_ok(&chief, "finding", &[("id", &shed.id.to_string())]).await;
    let photos: Vec<(&str, &str, bool)> = detail["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["hash"].as_str().unwrap(), p["stage"].as_str().unwrap(), p["uploaded"].as_bool().unwrap()))
        .collect();
    assert_eq!(photos, vec![(hash_of(&before).as_str(), "before", true), (after_hash.as_str(), "after", true)]);
    assert!(about(&detail["photos"][1]["clock_skew"], 20 * 60_000), "marked, over ten minutes: {detail}");
    assert_eq!(detail["moves"], json!(["close_out", "reopen"]));
}

#[tokio::test]
async fn the_coordinator_sets_the_after_photo_rule_and_the_change_is_recorded() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let rule = |body: Value| {
        let coordinator = coordinator.clone();
        let url = app.url("/api/v1/categories/sanitation/rule");
        async move { coordinator.put(url).json(&body).send().await.unwrap().status() }
    };
    assert_eq!(
        rule(json!({ "section_id": "urban-management", "days": 2, "after_photo": true })).await,
        StatusCode::NO_CONTENT
    );
    // Saved without saying: the rule stays as it is.
    assert_eq!(rule(json!({ "section_id": "urban-management", "days": 3 })).await, StatusCode::NO_CONTENT);
    let rules = app.read_ok(&coordinator, "rules", &[]).await;
    let sanitation =
        rules["categories"].as_array().unwrap().iter().find(|r| r["category"]["id"] == "sanitation").unwrap();
    assert_eq!((sanitation["after_photo"].as_bool(), sanitation["days"].as_u64()), (Some(true), Some(3)));
    let changes: Vec<(bool, bool)> = rules["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["old_after_photo"].as_bool().unwrap(), c["new_after_photo"].as_bool().unwrap()))
        .collect();
    assert_eq!(changes, vec![(true, true), (false, true)], "newest first");

    // From now on a sanitation finding needs its photo of the result.
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "sanitation", "垃圾堆放").await;
    assert_eq!(sync_one(&app, &chief, &record(&app, "market-road-2", &f), None).await["result"], "applied");
    let urban = app.user("head_urban").await;
    let result = sync_one(&app, &urban, &moving(&f, "resolve", Some("已清运"), json!([]), json!([])), None).await;
    assert_eq!(result["error"]["code"], "after_photo_required", "{result}");
    // A chief may not set rules.
    let response = chief
        .put(app.url("/api/v1/categories/sanitation/rule"))
        .json(&json!({ "section_id": "urban-management", "days": 2, "after_photo": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
