//! Reminders and escalation happen once (two schedulers, repeated rounds), email reaches a
//! local SMTP sink, and an unreachable SMTP server is a logged failure that waits to retry.

use crate::helpers::*;
use crate::notifications::{courier, record_sanitation, set_webhook, Receiver};
use app::backend::schedule::{self, Reminded};
use app::domain::calendar::shipped;
use app::domain::reminder::due_soon_at;
use app::domain::time::{IsoWeek, Timestamp};
use base64::Engine;
use serde_json::json;
use server::courier::{Mail, Round};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A message as the sink got it: its recipients and its raw data.
type Received = (Vec<String>, String);

/// A minimal SMTP server on 127.0.0.1 inside the test: accepts every message and keeps it.
#[derive(Clone, Default)]
pub struct SmtpSink {
    pub mails: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start(self) -> (SmtpSink, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let sink = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else { return };
                let sink = sink.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let answer: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                            b"250 ok\r\n"
                        } else if upper.starts_with("DATA") {
                            write.write_all(b"354 go on\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            sink.mails.lock().unwrap().push((std::mem::take(&mut to), data));
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 ok\r\n"
                        };
                        write.write_all(answer).await.unwrap();
                    }
                });
            }
        });
        (self, url)
    }

    /// The text of each message (its base64 body decoded).
    pub fn texts(&self) -> Vec<Received> {
        self.mails
            .lock()
            .unwrap()
            .iter()
            .map(|(to, data)| {
                let body = data.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
                let joined: String = body.lines().collect();
                let text = base64::engine::general_purpose::STANDARD
                    .decode(joined.trim())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or(joined);
                (to.clone(), text)
            })
            .collect()
    }
}

async fn set_email(app: &TestApp, section: &str, email: Option<&str>) -> reqwest::Response {
    let coordinator = app.user("coordinator").await;
    coordinator
        .put(app.url(&format!("/api/v1/sections/{section}/email")))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

async fn deadline_of(app: &TestApp, id: &str) -> Timestamp {
    let (d,): (i64,) =
        sqlx::query_as("SELECT deadline_at FROM findings WHERE id = $1").bind(id).fetch_one(app.db()).await.unwrap();
    Timestamp(d)
}

fn move_clock_to(app: &TestApp, at: Timestamp) {
    app.state.clock.advance(at.millis() - app.now().millis());
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(app.db()).await.unwrap();
    n
}

#[tokio::test]
async fn due_soon_then_overdue_each_once_by_webhook_and_email_with_escalation() {
    let app = spawn_app().await;
    let (receiver, url) = Receiver::default().start().await;
    let (sink, smtp) = SmtpSink::default().start().await;
    set_webhook(&app, "urban-management", json!({"url": url, "format": "json"})).await;
    assert_eq!(set_email(&app, "urban-management", Some("chengguan@jiedao.gov.cn")).await.status(), 204);
    sqlx::query("UPDATE users SET email = 'office@jiedao.gov.cn' WHERE username = 'coordinator'")
        .execute(app.db())
        .await
        .unwrap();
    let id = record_sanitation(&app, "垃圾桶满溢").await;
    let courier = courier(&app, Duration::from_secs(5))
        .with_mail(Mail::new(&smtp, "路长巡查 <road-chief@test.invalid>", Duration::from_secs(5)).unwrap());
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 2, failed: 0 }, "routing: webhook and email");

    // One working day before the deadline, 09:00: two schedulers at once remind once.
    let deadline = deadline_of(&app, &id).await;
    move_clock_to(&app, due_soon_at(deadline, &shipped()));
    let other_pool = app::backend::db::Pool::connect(&app.database_url).await.unwrap();
    let (a, b) = tokio::join!(schedule::run(&app.state.pool, app.now()), schedule::run(&other_pool, app.now()));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.due_soon + b.due_soon, 1, "{a:?} {b:?}");
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap().due_soon, 0);
    assert_eq!(courier.deliver_due().await.unwrap().failed, 0);

    // Past the deadline: overdue once, escalated, the section and the coordinator told.
    move_clock_to(&app, Timestamp(deadline.millis() + 1000));
    let round = schedule::run(&app.state.pool, app.now()).await.unwrap();
    assert_eq!((round.overdue, round.due_soon), (1, 0));
    assert_eq!(schedule::run(&other_pool, app.now()).await.unwrap().overdue, 0);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM findings WHERE id = '{id}' AND escalated_at IS NOT NULL")).await,
        1
    );
    assert_eq!(courier.deliver_due().await.unwrap().failed, 0);
    // (The weekly summary may go to the coordinator too, depending on today's weekday.)
    let sent: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT kind, channel, status FROM notifications WHERE finding_id IS NOT NULL ORDER BY kind, channel",
    )
    .fetch_all(app.db())
    .await
    .unwrap();
    let expected: Vec<(String, String, String)> = [
        ("due_soon", "email"),
        ("due_soon", "webhook"),
        ("escalated", "email"),
        ("overdue", "email"),
        ("overdue", "webhook"),
        ("routed", "email"),
        ("routed", "webhook"),
    ]
    .iter()
    .map(|(k, c)| (k.to_string(), c.to_string(), "sent".to_string()))
    .collect();
    assert_eq!(sent, expected);

    let events: Vec<String> =
        receiver.got.lock().unwrap().iter().map(|(_, b)| b["event"].as_str().unwrap().to_owned()).collect();
    assert_eq!(events, ["finding_routed", "finding_due_soon", "finding_overdue"]);
    let all = sink.texts();
    let mails: Vec<_> = all.iter().filter(|(to, _)| to == &["chengguan@jiedao.gov.cn"]).collect();
    assert_eq!(mails.len(), 3, "routed, due soon, overdue");
    assert!(mails[0].1.contains("垃圾桶满溢") && mails[0].1.contains("处理期限"), "{}", mails[0].1);
    assert!(mails[1].1.contains("明天到期"), "{}", mails[1].1);
    let to_office: Vec<_> =
        all.iter().filter(|(to, text)| to == &["office@jiedao.gov.cn"] && !text.contains("周报")).collect();
    assert_eq!(to_office.len(), 1);
    assert!(to_office[0].1.contains("已逾期"));

    // The finding's timeline shows the reminders and the messages.
    let head = app.user("head_urban").await;
    let notices = app.read_ok(&head, "finding_notices", &[("id", &id)]).await;
    let kinds: Vec<&str> = notices.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    for kind in ["due_soon", "overdue", "message_routed", "message_due_soon", "message_overdue", "message_escalated"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_a_failed_attempt_that_waits() {
    let app = spawn_app().await;
    set_email(&app, "urban-management", Some("chengguan@jiedao.gov.cn")).await;
    record_sanitation(&app, "垃圾").await;
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let courier = courier(&app, Duration::from_secs(2))
        .with_mail(Mail::new(&format!("smtp://{closed}"), "a@b.cn", Duration::from_secs(2)).unwrap());
    assert_eq!(courier.deliver_due().await.unwrap(), Round { sent: 0, failed: 1 });
    let (status, failures, detail): (String, i64, String) = sqlx::query_as(
        "SELECT n.status, n.failures, a.detail FROM notifications n JOIN notification_attempts a ON a.notification_id = n.id",
    )
    .fetch_one(app.db())
    .await
    .unwrap();
    assert_eq!((status.as_str(), failures), ("pending", 1));
    assert!(detail.starts_with("SMTP"), "{detail}");
    // Without any SMTP server configured, email waits too, and says why.
    record_sanitation(&app, "又一处垃圾").await;
    assert_eq!(crate::notifications::courier(&app, Duration::from_secs(2)).deliver_due().await.unwrap().failed, 1);
    let bad = set_email(&app, "urban-management", Some("not an address")).await;
    let (code, kind, _) = error_code(bad).await;
    assert_eq!((code.as_u16(), kind.as_str()), (400, "invalid_email"));
}

#[tokio::test]
async fn chiefs_are_reminded_on_friday_and_the_coordinator_gets_mondays_summary_once() {
    let app = spawn_app().await;
    sqlx::query("UPDATE users SET email = username || '@jiedao.gov.cn' WHERE username IN ('chief01', 'coordinator')")
        .execute(app.db())
        .await
        .unwrap();
    // The next Friday 15:00 from now.
    let today = app.now().local_date();
    let mut friday = today;
    while friday.weekday() != app::domain::time::Weekday::Fri {
        friday = friday.add_days(1);
    }
    move_clock_to(&app, Timestamp(Timestamp::start_of_day(friday).millis() + 15 * 3_600_000));
    let roads = count(&app, "SELECT COUNT(*) FROM roads").await as usize;
    let first = schedule::run(&app.state.pool, app.now()).await.unwrap();
    assert_eq!(first.chiefs, roads, "no road has a submitted inspection this week");
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap().chiefs, 0, "once");
    let chief_mails = count(
        &app,
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE u.username = 'chief01' AND n.kind = 'chief_reminder'",
    )
    .await;
    assert_eq!(chief_mails, 2, "chief01 has two roads");

    // Monday 09:00: last week's summary, once.
    move_clock_to(&app, Timestamp(Timestamp::start_of_day(friday.add_days(3)).millis() + 9 * 3_600_000));
    let monday = schedule::run(&app.state.pool, app.now()).await.unwrap();
    assert_eq!(monday.summaries, 1);
    assert_eq!(schedule::run(&app.state.pool, app.now()).await.unwrap(), Reminded::default());
    let week = IsoWeek::containing(Timestamp::start_of_day(friday));
    let (text,): (String,) = sqlx::query_as("SELECT text_zh FROM reminders WHERE reminder_key = $1")
        .bind(format!("summary:{week}"))
        .fetch_one(app.db())
        .await
        .unwrap();
    assert!(text.contains(&week.to_string()) && text.contains("未提交巡查的道路"), "{text}");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM notifications WHERE idempotency_key LIKE 'summary:{week}:%'")).await,
        1
    );
}
