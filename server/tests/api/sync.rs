//! `POST /api/v1/sync`: batches applied exactly once, one bad record never blocks the rest,
//! and the phone pulls what changed since its cursor.

use crate::helpers::*;
use app::api::operations::{NewFinding, Operation, OperationRequest};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn record(app: &TestApp, road: &str, finding: NewFinding) -> Operation {
    Operation::RecordFinding { road_id: road.into(), week: app.week(), finding }
}

fn batch(ops: &[(uuid::Uuid, Operation)]) -> Vec<OperationRequest> {
    ops.iter().map(|(id, op)| OperationRequest { id: *id, op: op.clone(), sent_at: None }).collect()
}

fn results(answer: &Value) -> &Vec<Value> {
    answer["results"].as_array().expect("results")
}

/// An offline inspection as the phone queues it: start, three findings, submit.
async fn offline_inspection(app: &TestApp, chief: &reqwest::Client) -> Vec<(uuid::Uuid, Operation)> {
    let road = "market-road-2";
    let f1 = app.finding(chief, road, "sanitation", "垃圾堆放").await;
    let f2 = app.finding(chief, road, "street_occupation", "占道经营").await;
    let f3 = app.finding(chief, road, "safety_hazard", "井盖缺失").await;
    let results = results_for(&[f1.clone(), f2.clone(), f3.clone()]);
    vec![
        (new_uuid(), app_ops::start_op(app, road)),
        (new_uuid(), record(app, road, f1)),
        (new_uuid(), record(app, road, f2)),
        (new_uuid(), record(app, road, f3)),
        (new_uuid(), Operation::SubmitInspection { road_id: road.into(), week: app.week(), results, findings: vec![] }),
    ]
}

#[tokio::test]
async fn a_batch_pushed_twice_is_applied_once_and_answers_the_same() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let ops = offline_inspection(&app, &chief).await;
    let before = app.footprint().await;

    let sent_at = app.now().millis();
    let first = app.sync_ok(&chief, &json!({ "ops": batch(&ops) })).await;
    let answered_at = app.now().millis();
    assert!(results(&first).iter().all(|r| r["result"] == "applied" && r["replayed"] == false), "{first}");
    let routed = &results(&first)[1]["outcome"];
    assert_eq!(routed["kind"], "finding_recorded");
    assert_eq!(routed["finding"]["section_id"], "urban-management");
    assert!(routed["finding"]["deadline"].as_i64().unwrap() > app.now().millis());
    let after_first = app.footprint().await;
    let findings = after_first.iter().find(|(t, _)| *t == "findings").unwrap().1;
    assert_eq!(findings - before.iter().find(|(t, _)| *t == "findings").unwrap().1, 3);

    let received: Vec<Value> = results(&first).iter().map(|r| r["received_at"].clone()).collect();
    // The server's clock while it applied the batch (the test clock runs in real time).
    assert!(received.iter().all(|at| at.as_i64().is_some_and(|at| (sent_at..=answered_at).contains(&at))), "{first}");

    // The response was lost: the phone sends the same batch again, a minute later.
    app.state.clock.advance(60_000);
    let second = app.sync_ok(&chief, &json!({ "ops": batch(&ops) })).await;
    assert!(results(&second).iter().all(|r| r["replayed"] == true), "{second}");
    // The receipt is the server's first: the phone can show when the record really arrived.
    assert_eq!(results(&second).iter().map(|r| r["received_at"].clone()).collect::<Vec<_>>(), received);
    let outcomes = |a: &Value| results(a).iter().map(|r| r["outcome"].clone()).collect::<Vec<_>>();
    assert_eq!(outcomes(&first), outcomes(&second));
    assert_eq!(app.footprint().await, after_first);
}

#[tokio::test]
async fn one_refused_record_does_not_block_the_others() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let good = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    let mut empty_note = app.finding(&chief, "market-road-2", "sanitation", "x").await;
    empty_note.note = "   ".into();
    let later = app.finding(&chief, "market-road-2", "shop_sign", "招牌破损").await;
    let ops = [
        (new_uuid(), record(&app, "market-road-2", good)),
        (new_uuid(), record(&app, "market-road-2", empty_note)),
        (new_uuid(), record(&app, "market-road-2", later)),
    ];
    let answer = app.sync_ok(&chief, &json!({ "ops": batch(&ops) })).await;
    let r = results(&answer);
    assert_eq!(r[0]["result"], "applied");
    assert_eq!(r[1]["result"], "rejected");
    assert_eq!((r[1]["status"].as_u64(), r[1]["error"]["code"].as_str()), (Some(400), Some("note_empty")));
    assert!(!r[1]["error"]["message"].as_str().unwrap().is_empty());
    assert_eq!(r[1]["id"], ops[1].0.to_string());
    assert_eq!(r[2]["result"], "applied");
}

#[tokio::test]
async fn the_same_id_with_other_content_is_a_conflict_not_an_overwrite() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "sanitation", "第一次的说明").await;
    let id = new_uuid();
    app.sync_ok(&chief, &json!({ "ops": batch(&[(id, record(&app, "market-road-2", f.clone()))]) })).await;
    let before = app.footprint().await;
    let mut edited = f;
    edited.note = "改过的说明".into();
    let answer = app.sync_ok(&chief, &json!({ "ops": batch(&[(id, record(&app, "market-road-2", edited))]) })).await;
    let r = &results(&answer)[0];
    assert_eq!((r["status"].as_u64(), r["error"]["code"].as_str()), (Some(409), Some("operation_conflict")));
    assert_eq!(app.footprint().await, before);
    let (note,): (String,) = sqlx::query_as("SELECT note FROM findings").fetch_one(app.db()).await.unwrap();
    assert_eq!(note, "第一次的说明");
}

#[tokio::test]
async fn a_stale_close_out_is_rejected_with_its_reason() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let head = app.user("head_urban").await;
    let f = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    let id = f.id.to_string();
    app.sync_ok(&chief, &json!({ "ops": batch(&[(new_uuid(), record(&app, "market-road-2", f))]) })).await;
    for (who, action, note) in [(&head, "accept", None), (&head, "resolve", Some("已清理"))] {
        let response = app.send(who, new_uuid(), &move_op(&id, action, note, None)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    // On one phone the chief reopens it; on another, offline, they had closed it out.
    let reopen = app.send(&chief, new_uuid(), &move_op(&id, "reopen", Some("没有清理干净"), None)).await;
    assert_eq!(reopen.status(), StatusCode::OK);
    let another = app.finding(&chief, "market-road-2", "shop_sign", "招牌歪斜").await;
    let ops =
        [(new_uuid(), move_op(&id, "close_out", None, None)), (new_uuid(), record(&app, "market-road-2", another))];
    let answer = app.sync_ok(&chief, &json!({ "ops": batch(&ops) })).await;
    let r = results(&answer);
    assert_eq!((r[0]["status"].as_u64(), r[0]["error"]["code"].as_str()), (Some(409), Some("illegal_transition")));
    assert_eq!(r[1]["result"], "applied");
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM findings WHERE id = $1").bind(&id).fetch_one(app.db()).await.unwrap();
    assert_eq!(status, "routed");
}

#[tokio::test]
async fn the_cursor_brings_only_what_changed_including_section_answers() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let first = app.sync_ok(&chief, &json!({})).await;
    let screens = &first["screens"];
    assert_eq!(screens["home"]["roads"].as_array().unwrap().len(), 2);
    let pages = screens["inspections"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages[0]["road"]["coordinates"].as_array().unwrap().len() >= 2);
    assert_eq!(pages[0]["categories"].as_array().unwrap().len(), 10);

    // Nothing changed: nothing comes down but a cursor.
    let cursor = first["cursor"].clone();
    let quiet = app.sync_ok(&chief, &json!({ "cursor": cursor })).await;
    assert_eq!(quiet["screens"], Value::Null);
    assert_eq!(quiet["findings"].as_array().unwrap().len(), 0);

    let f = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    let observed = f.observed_at.millis() - 3_600_000;
    let mut f = f;
    f.observed_at = app::domain::time::Timestamp(observed);
    let pushed = app.sync_ok(&chief, &json!({ "ops": batch(&[(new_uuid(), record(&app, "market-road-2", f.clone()))]), "cursor": quiet["cursor"] })).await;
    let mine = pushed["findings"].as_array().unwrap();
    assert_eq!(mine.len(), 1);
    // The deadline counts from receipt; the time seen on the phone is kept.
    assert_eq!(mine[0]["observed_at"].as_i64(), Some(observed));
    assert!(mine[0]["received_at"].as_i64().unwrap() >= observed + 3_600_000);
    assert!(pushed["screens"].is_object(), "a new finding changes the inspection page");

    let head = app.user("head_urban").await;
    let accepted = app.send(&head, new_uuid(), &move_op(&f.id.to_string(), "accept", None, None)).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let answer = app.sync_ok(&chief, &json!({ "cursor": pushed["cursor"] })).await;
    let changed = answer["findings"].as_array().unwrap();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["status"], "accepted");
    // Another chief's phone hears nothing of it.
    let other = app.user("chief02").await;
    let theirs = app.sync_ok(&other, &json!({})).await;
    assert!(theirs["findings"].as_array().unwrap().iter().all(|f| f["road"]["id"] != "market-road-2"));
}

#[tokio::test]
async fn pushing_to_another_chiefs_road_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let other = app.user("chief02").await;
    let f = app.finding(&other, "market-road-3", "sanitation", "垃圾").await;
    let before = app.footprint().await;
    let ops = [(new_uuid(), app_ops::start_op(&app, "market-road-3")), (new_uuid(), record(&app, "market-road-3", f))];
    let answer = app.sync_ok(&chief, &json!({ "ops": batch(&ops) })).await;
    assert!(results(&answer).iter().all(|r| r["status"] == 403), "{answer}");
    assert_eq!(app.footprint().await, before);
    // And without a session, nothing at all.
    let anonymous = app.anonymous();
    assert_eq!(app.sync(&anonymous, &json!({ "ops": batch(&ops) })).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.footprint().await, before);
}

#[tokio::test]
async fn a_malformed_batch_is_refused_whole() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let good = OperationRequest { id: new_uuid(), op: app_ops::start_op(&app, "market-road-2"), sent_at: None };
    let before = app.footprint().await;
    let bodies = [
        json!({ "ops": [good, {"id": "not-a-uuid", "op": {"kind": "start_inspection"}}] }),
        json!({ "ops": [good], "surprise": true }),
        json!({ "ops": "everything" }),
    ];
    for body in &bodies {
        let (status, code, message) = error_code(app.sync(&chief, body).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "malformed"), "{body}");
        assert!(!message.is_empty());
    }
    let too_many: Vec<_> = (0..501)
        .map(|_| OperationRequest { id: new_uuid(), op: app_ops::start_op(&app, "market-road-2"), sent_at: None })
        .collect();
    let (status, code, _) = error_code(app.sync(&chief, &json!({ "ops": too_many })).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "batch_too_large"));
    assert_eq!(app.footprint().await, before);
}

#[tokio::test]
async fn a_cursor_the_server_did_not_write_is_refused_alone_and_changes_nothing() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let finding = app.finding(&chief, "market-road-2", "sanitation", "垃圾").await;
    let ops = [(new_uuid(), record(&app, "market-road-2", finding))];
    let before = app.footprint().await;
    let response = app.sync(&chief, &json!({ "ops": batch(&ops), "cursor": "v9.garbage" })).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.unwrap();
    // Its own code: the phone resets its pull and sends the same records again.
    assert_eq!(answer["error"]["code"], "cursor_rejected", "{answer}");
    assert_eq!(app.footprint().await, before);
    let again = app.sync_ok(&chief, &json!({ "ops": batch(&ops) })).await;
    assert_eq!(results(&again)[0]["result"], "applied");
    assert_eq!(again["full"], true);
}
