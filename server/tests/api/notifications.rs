//! Sections hear of findings through their webhooks: delivered at least once, acknowledged
//! messages never again, failures retried with back-off, a hanging receiver timed out.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::courier::{Courier, Round};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A webhook receiver on 127.0.0.1 inside the test: records what arrives, fails the first
/// `fail` requests, or hangs.
#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<(String, Value)>>>,
    fail: Arc<AtomicUsize>,
    hang: Arc<AtomicBool>,
}

impl Receiver {
    pub async fn start(self) -> (Receiver, String) {
        async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: String) -> (AxumStatus, String) {
            if r.hang.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            r.got.lock().unwrap().push((key, serde_json::from_str(&body).unwrap_or(Value::Null)));
            if r.fail.load(Ordering::SeqCst) > 0 {
                r.fail.fetch_sub(1, Ordering::SeqCst);
                return (AxumStatus::INTERNAL_SERVER_ERROR, "busy".into());
            }
            (AxumStatus::OK, r#"{"errcode":0,"errmsg":"ok"}"#.into())
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let router = axum::Router::new().route("/hook", post(hook)).with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (self, url)
    }

    pub fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }
}

pub async fn set_webhook(app: &TestApp, section: &str, body: Value) -> reqwest::Response {
    let coordinator = app.user("coordinator").await;
    coordinator.put(app.url(&format!("/api/v1/sections/{section}/webhook"))).json(&body).send().await.unwrap()
}

/// chief01 records a sanitation finding (urban management) through sync; its note.
pub async fn record_sanitation(app: &TestApp, note: &str) -> String {
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "sanitation", note).await;
    let op = Operation::RecordFinding { road_id: "market-road-2".into(), week: app.week(), finding: f.clone() };
    app.sync_ok(&chief, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    f.id.to_string()
}

pub fn courier(app: &TestApp, timeout: Duration) -> Courier {
    Courier::new(app.state.pool.clone(), app.state.clock.clone(), timeout, app.state.settings.webhook_allow.clone())
}

async fn statuses(app: &TestApp) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT status, failures FROM notifications ORDER BY created_at").fetch_all(app.db()).await.unwrap()
}

#[tokio::test]
async fn a_routed_finding_reaches_the_sections_webhook_once() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::default().start().await;
    assert_eq!(
        set_webhook(&app, "urban-management", json!({"url": url, "format": "wecom"})).await.status(),
        StatusCode::NO_CONTENT
    );
    let id = record_sanitation(&app, "垃圾堆放在路口").await;

    let courier = courier(&app, Duration::from_secs(5));
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 1, failed: 0 });
    assert_eq!(courier.deliver_due().await.unwrap(), Round::default(), "an acknowledged message is not sent again");
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let text = got[0].1["text"]["content"].as_str().unwrap();
    assert_eq!(got[0].1["msgtype"], "text");
    for part in ["城管科", "环境卫生", "市场二路", "垃圾堆放在路口", "处理期限", &format!("/findings/{id}")]
    {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(!got[0].0.is_empty(), "the idempotency key is sent");
    assert_eq!(statuses(&app).await, vec![("sent".to_owned(), 0)]);
    // A section without a webhook gets nothing outside the app (its inbox has it).
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "road_damage", "路面坑洼").await;
    let op = Operation::RecordFinding { road_id: "market-road-2".into(), week: app.week(), finding: f };
    app.sync_ok(&chief, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    assert_eq!(statuses(&app).await.len(), 1);
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_message_once_after_back_off() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::default().start().await;
    receiver.fail.store(2, Ordering::SeqCst);
    set_webhook(&app, "urban-management", json!({"url": url, "format": "json"})).await;
    record_sanitation(&app, "垃圾").await;
    let courier = courier(&app, Duration::from_secs(5));

    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 0, failed: 1 });
    // Not due again before a minute has passed.
    assert_eq!(courier.deliver_due().await.unwrap(), Round::default());
    app.state.clock.advance(61_000);
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 0, failed: 1 });
    app.state.clock.advance(61_000);
    assert_eq!(courier.deliver_due().await.unwrap(), Round::default(), "the second wait is five minutes");
    app.state.clock.advance(5 * 60_000);
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 1, failed: 0 });

    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "two refused, one acknowledged");
    assert!(got.iter().all(|(key, body)| *key == got[0].0 && *body == got[0].1), "the same message every time");
    assert_eq!(got[0].1["event"], "finding_routed");
    assert_eq!(statuses(&app).await, vec![("sent".to_owned(), 2)]);
    let (attempts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notification_attempts").fetch_one(app.db()).await.unwrap();
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn a_hanging_receiver_times_out_and_is_retried() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::default().start().await;
    receiver.hang.store(true, Ordering::SeqCst);
    set_webhook(&app, "urban-management", json!({"url": url, "format": "dingtalk"})).await;
    record_sanitation(&app, "垃圾").await;
    let courier = courier(&app, Duration::from_millis(300));
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 0, failed: 1 });
    let (detail,): (String,) =
        sqlx::query_as("SELECT detail FROM notification_attempts").fetch_one(app.db()).await.unwrap();
    assert_eq!(detail, "timed out");
    receiver.hang.store(false, Ordering::SeqCst);
    app.state.clock.advance(61_000);
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 1, failed: 0 });
    assert_eq!(receiver.count(), 1);
}

#[tokio::test]
async fn a_restart_mid_queue_loses_nothing_and_repeats_nothing_acknowledged() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::default().start().await;
    set_webhook(&app, "urban-management", json!({"url": url, "format": "json"})).await;
    record_sanitation(&app, "第一个").await;
    courier(&app, Duration::from_secs(5)).deliver_due().await.unwrap();
    record_sanitation(&app, "第二个").await;
    record_sanitation(&app, "第三个").await;

    // A courier that took a message and died before answering holds its lease: a new process
    // waits for the lease to run out, then sends it.
    let taken = app::backend::notify::claim_due(&app.state.pool, app.now(), 1).await.unwrap();
    assert_eq!(taken.len(), 1);
    let pool = app::backend::db::Pool::connect(&app.database_url).await.unwrap();
    let restarted =
        Courier::new(pool, app.state.clock.clone(), Duration::from_secs(5), app.state.settings.webhook_allow.clone());
    assert_eq!(restarted.deliver_due().await.unwrap(), Round { sent: 1, failed: 0 });
    app.state.clock.advance(3 * 60_000);
    assert_eq!(restarted.deliver_due().await.unwrap(), Round { sent: 1, failed: 0 });
    let notes: Vec<String> =
        receiver.got.lock().unwrap().iter().map(|(_, b)| b["note"].as_str().unwrap().to_owned()).collect();
    assert_eq!(notes.len(), 3);
    for note in ["第一个", "第二个", "第三个"] {
        assert_eq!(notes.iter().filter(|n| *n == note).count(), 1, "{note}");
    }
}

#[tokio::test]
async fn webhooks_are_the_coordinators_and_must_be_http() {
    let app = spawn_app().await;
    let head = app.user("head_urban").await;
    let response = head
        .put(app.url("/api/v1/sections/urban-management/webhook"))
        .json(&json!({"url": "https://example.com/hook"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    for body in [
        json!({"url": "ftp://example.com/hook"}),
        json!({"url": "https://example.com/hook", "format": "slack"}),
        json!({"url": "not a url"}),
    ] {
        let (status, code, message) = error_code(set_webhook(&app, "urban-management", body.clone()).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "invalid_webhook"), "{body}");
        assert!(!message.is_empty());
    }
    let (status, code, _) =
        error_code(set_webhook(&app, "no-such-section", json!({"url": "https://example.com/h"})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "unknown_section"));
    let (url,): (Option<String>,) = sqlx::query_as("SELECT webhook_url FROM sections WHERE id = 'urban-management'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(url, None, "nothing half-saved");
}

#[tokio::test]
async fn the_coordinator_can_send_a_failed_message_again() {
    let app = spawn_app().await;
    set_webhook(&app, "urban-management", json!({"url": "http://127.0.0.1:9/nothing-listens", "format": "json"})).await;
    record_sanitation(&app, "垃圾").await;
    let courier = courier(&app, Duration::from_millis(500));
    for _ in 0..28 {
        courier.deliver_due().await.unwrap();
        app.state.clock.advance(2 * 3_600_000);
    }
    assert_eq!(statuses(&app).await, vec![("failed".to_owned(), 28)]);
    let (id,): (String,) = sqlx::query_as("SELECT id FROM notifications").fetch_one(app.db()).await.unwrap();
    let coordinator = app.user("coordinator").await;
    let retried = coordinator.post(app.url(&format!("/api/v1/notifications/{id}/retry"))).send().await.unwrap();
    assert_eq!(retried.status(), StatusCode::NO_CONTENT);
    assert_eq!(statuses(&app).await[0].0, "pending");
    let head = app.user("head_urban").await;
    let refused = head.post(app.url(&format!("/api/v1/notifications/{id}/retry"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_coordinator_sees_channels_and_troubled_deliveries() {
    let app = spawn_app().await;
    set_webhook(&app, "urban-management", json!({"url": "http://127.0.0.1:9/closed", "format": "wecom"})).await;
    record_sanitation(&app, "垃圾").await;
    courier(&app, Duration::from_millis(500)).deliver_due().await.unwrap();
    let coordinator = app.user("coordinator").await;
    let channels = app.read_ok(&coordinator, "channels", &[]).await;
    let urban =
        channels["sections"].as_array().unwrap().iter().find(|s| s["section"]["id"] == "urban-management").unwrap();
    assert_eq!(
        (urban["webhook_url"].as_str(), urban["webhook_format"].as_str()),
        (Some("http://127.0.0.1:9/closed"), Some("wecom"))
    );
    let troubled = channels["troubled"].as_array().unwrap();
    assert_eq!(troubled.len(), 1);
    assert_eq!((troubled[0]["status"].as_str(), troubled[0]["failures"].as_u64()), (Some("pending"), Some(1)));
    assert!(troubled[0]["last_error"].as_str().unwrap().starts_with("could not connect"));
    let head = app.user("head_urban").await;
    assert_eq!(app.read(&head, "channels", &[]).await.status(), StatusCode::FORBIDDEN);
}

/// A receiver that answers every request with `status`, `location` and `body`, and counts them.
async fn answering(status: u16, location: Option<String>, body: &'static str) -> (Arc<AtomicUsize>, String) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let handler = move || {
        let (hits, location) = (counted.clone(), location.clone());
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            let mut response = axum::response::Response::new(axum::body::Body::from(body));
            *response.status_mut() = AxumStatus::from_u16(status).unwrap();
            if let Some(location) = location {
                response.headers_mut().insert("location", location.parse().unwrap());
            }
            response
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let router = axum::Router::new().route("/hook", post(handler.clone()).get(handler));
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (hits, url)
}

async fn attempt_details(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT detail FROM notification_attempts ORDER BY at").fetch_all(app.db()).await.unwrap();
    rows.into_iter().map(|(d,)| d).collect()
}

#[tokio::test]
async fn webhooks_cannot_be_pointed_inside() {
    // No allow-list: this machine, the office network and the cloud's metadata are out of reach.
    let mut config = test_config(&temp_dir(), true).await;
    config.webhook_allow = Default::default();
    let app = spawn_app_with(config, "target/site").await;
    for inside in [
        "http://127.0.0.1:22/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://[::1]:8080/hook",
        "http://localhost:9000/hook",
        "http://[::ffff:127.0.0.1]/hook",
    ] {
        let (status, code, message) =
            error_code(set_webhook(&app, "urban-management", json!({"url": inside, "format": "json"})).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "webhook_not_public"), "{inside}");
        assert!(message.contains("内部网络"), "{message}");
    }
    let (status, code, _) =
        error_code(set_webhook(&app, "urban-management", json!({"url": "http://no-such-host.invalid/hook"})).await)
            .await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "webhook_host_unknown"));
    let (url,): (Option<String>,) = sqlx::query_as("SELECT webhook_url FROM sections WHERE id = 'urban-management'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(url, None, "nothing saved");
}

#[tokio::test]
async fn a_webhook_checked_on_saving_is_checked_again_on_sending() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::default().start().await;
    set_webhook(&app, "urban-management", json!({"url": url, "format": "json"})).await;
    record_sanitation(&app, "垃圾").await;
    // Since it was saved, the operator narrowed what webhooks may reach (or the name now points
    // inside): the courier refuses to send there.
    let strict =
        Courier::new(app.state.pool.clone(), app.state.clock.clone(), Duration::from_secs(5), Default::default());
    assert_eq!(strict.deliver_due().await.unwrap(), Round { sent: 0, failed: 1 });
    assert_eq!(receiver.count(), 0, "nothing reached the address");
    assert_eq!(attempt_details(&app).await, vec!["refused: the address is not a public one".to_owned()]);
}

#[tokio::test]
async fn redirects_are_not_followed_and_receivers_answers_are_not_repeated() {
    let app = spawn_app().await;
    let (inside_hits, inside) = answering(200, None, r#"{"errcode":0}"#).await;
    let (redirect_hits, redirecting) = answering(307, Some(inside), "").await;
    set_webhook(&app, "urban-management", json!({"url": redirecting, "format": "json"})).await;
    record_sanitation(&app, "垃圾").await;
    assert_eq!(courier(&app, Duration::from_secs(5)).deliver_due().await.unwrap(), Round { sent: 0, failed: 1 });
    assert_eq!((redirect_hits.load(Ordering::SeqCst), inside_hits.load(Ordering::SeqCst)), (1, 0));

    let (_, talkative) = answering(500, None, "stack trace: password=hunter2 at /srv/internal").await;
    set_webhook(&app, "urban-management", json!({"url": talkative, "format": "json"})).await;
    let (_, robot) = answering(200, None, r#"{"errcode":93000,"errmsg":"invalid webhook url, key=SECRET"}"#).await;
    set_webhook(&app, "engineering", json!({"url": robot, "format": "wecom"})).await;
    app.state.clock.advance(3_600_000);
    record_sanitation(&app, "又一处垃圾").await;
    let chief = app.user("chief01").await;
    let f = app.finding(&chief, "market-road-2", "road_damage", "坑洼").await;
    let op = Operation::RecordFinding { road_id: "market-road-2".into(), week: app.week(), finding: f };
    app.sync_ok(&chief, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    courier(&app, Duration::from_secs(5)).deliver_due().await.unwrap();
    let details = attempt_details(&app).await;
    assert!(details.contains(&"HTTP 307".to_owned()), "{details:?}");
    assert!(details.contains(&"HTTP 500".to_owned()), "{details:?}");
    assert!(details.contains(&"HTTP 200, errcode 93000".to_owned()), "{details:?}");
    assert!(details.iter().all(|d| !d.contains("hunter2") && !d.contains("SECRET")), "{details:?}");
}
