//! The public board: what it shows (nothing private), residents' reports (the proof of work,
//! the limits), the chief's decisions, and the tracking link showing each step.

use crate::helpers::*;
use crate::photos::{hash_of, jpeg};
use app::api::operations::Operation;
use app::domain::geometry::GeoPoint;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ROAD: &str = "market-road-1";

async fn page(client: &Client, url: &str) -> (StatusCode, String) {
    let response = client.get(url).header("accept-language", "en").send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The value of the hidden input `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no {name} in the page"));
    let rest = &html[at..];
    let value = &rest[rest.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_owned()
}

/// What the board page's script does: the counter that gives the challenge's hash 16 zero bits.
fn solve(challenge: &str) -> String {
    (0u64..)
        .find(|n| {
            let hash = Sha256::digest(format!("{challenge}:{n}").as_bytes());
            app::domain::report::leading_zero_bits(&hash) >= app::domain::report::WORK_BITS
        })
        .unwrap()
        .to_string()
}

struct Report {
    category: &'static str,
    note: String,
    position: Option<(f64, f64)>,
    contact: &'static str,
    photos: Vec<Vec<u8>>,
}

impl Report {
    fn new(note: &str) -> Report {
        Report { category: "sanitation", note: note.into(), position: None, contact: "", photos: Vec::new() }
    }

    fn form(&self, challenge: &str, counter: &str) -> Form {
        let mut form = Form::new()
            .text("challenge", challenge.to_owned())
            .text("counter", counter.to_owned())
            .text("category", self.category)
            .text("note", self.note.clone())
            .text("contact", self.contact);
        if let Some((lon, lat)) = self.position {
            form = form.text("lon", lon.to_string()).text("lat", lat.to_string());
        }
        for photo in &self.photos {
            form =
                form.part("photos", Part::bytes(photo.clone()).file_name("photo.jpg").mime_str("image/jpeg").unwrap());
        }
        form
    }
}

async fn challenge_of(app: &TestApp, client: &Client, road: &str) -> String {
    let (status, html) = page(client, &app.url(&format!("/board/{road}"))).await;
    assert_eq!(status, StatusCode::OK);
    hidden(&html, "challenge")
}

async fn post(app: &TestApp, client: &Client, road: &str, form: Form) -> Response {
    client
        .post(app.url(&format!("/board/{road}/reports")))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Sends a report the way the board page does; the tracking link.
async fn send(app: &TestApp, client: &Client, report: &Report) -> String {
    let challenge = challenge_of(app, client, ROAD).await;
    let response = post(app, client, ROAD, report.form(&challenge, &solve(&challenge))).await;
    let status = response.status();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    let location = location.unwrap();
    assert!(location.starts_with("/track/") && location.ends_with("?sent=1"), "{location}");
    location
}

async fn reports_of(app: &TestApp, client: &Client) -> Vec<Value> {
    let response = client.get(app.url("/api/v1/reports")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap().as_array().unwrap().clone()
}

async fn report_rows(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM resident_reports").fetch_one(app.db()).await.unwrap();
    n
}

#[tokio::test]
async fn the_board_shows_the_road_its_chief_and_its_problems_but_nothing_private() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let private_note = "王老板 13912345678 在门口乱堆放";
    let finding = app.finding(&chief, ROAD, "sanitation", private_note).await;
    let response = app.send(&chief, new_uuid(), &submit(&app, ROAD, vec![finding])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let coordinator = app.user("coordinator").await;
    let setting = json!({"public_contact": "<script>alert(1)</script> 0532-1234", "office_hours": "Mon–Fri 9–17"});
    let saved = coordinator.put(app.url(&format!("/api/v1/roads/{ROAD}/board"))).json(&setting).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::NO_CONTENT);
    let (road_en, chief_name, chief_phone): (String, String, Option<String>) = sqlx::query_as(
        "SELECT r.name_en, u.display_name, u.phone FROM roads r JOIN users u ON u.id = r.chief_user_id WHERE r.id = $1",
    )
    .bind(ROAD)
    .fetch_one(app.db())
    .await
    .unwrap();

    let resident = app.anonymous();
    let response =
        resident.get(app.url(&format!("/board/{ROAD}"))).header("accept-language", "en").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let html = response.text().await.unwrap();
    for shown in
        [road_en.as_str(), chief_name.as_str(), "Mon–Fri 9–17", "Sanitation", "class=\"week done\"", "Report a problem"]
    {
        assert!(html.contains(shown), "the board shows {shown}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 0532-1234"), "published text is escaped");
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("13912345678") && !html.contains("王老板"), "no finding notes on the board");
    if let Some(phone) = chief_phone.filter(|p| !p.is_empty()) {
        assert!(!html.contains(&phone), "the chief's own number is not published");
    }
    // Server-rendered, no app bundle: its one script is inline, allowed by this page's nonce.
    assert!(!html.contains("/pkg/") && !html.contains(".wasm"));
    let nonce = hidden_nonce(&html);
    assert!(policy.contains(&format!("script-src 'nonce-{nonce}'")), "{policy}");
    assert!(!policy.contains("unsafe-inline"));
    assert!(html.len() < 50_000, "the board page is {} bytes", html.len());

    let (status, chinese) = page(&resident, &app.url(&format!("/board/{ROAD}?lang=zh-CN"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(chinese.contains("路长管理公示牌") && chinese.contains("反映问题"));
    // The choice of language is remembered.
    let (_, again) = page(&resident, &app.url(&format!("/board/{ROAD}"))).await;
    assert!(again.contains("反映问题"));
    let (status, missing) = page(&app.anonymous(), &app.url("/board/no-such-road")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("There is no board for this road"), "{missing}");
}

fn hidden_nonce(html: &str) -> String {
    let at = html.find("<style nonce=\"").unwrap() + 14;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_report_becomes_a_finding_and_its_link_shows_each_step_to_the_close_out() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let (lon, lat) = app.point_on(&chief, ROAD, 0.5).await;
    let photo = jpeg(7);
    let resident = app.anonymous();
    let report = Report {
        position: Some((lon, lat)),
        contact: "138 0000 1111",
        photos: vec![photo.clone()],
        ..Report::new("Rubbish bags piled by the bus stop")
    };
    let link = send(&app, &resident, &report).await;

    let (status, tracking) = page(&resident, &app.url(&link)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(tracking.contains("Thank you") && tracking.contains("Waiting for the road chief"), "{tracking}");
    assert!(!tracking.contains("138 0000 1111"), "the contact is for the chief only");
    let code = {
        let at = tracking.find("class=\"code\">").unwrap() + 13;
        tracking[at..at + 9].to_owned()
    };

    // The road's chief sees it with the contact and photo; another chief and a section do not.
    let waiting = reports_of(&app, &chief).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["contact"], "138 0000 1111");
    assert_eq!(waiting[0]["short_code"], code.as_str());
    assert_eq!(waiting[0]["photos"][0], hash_of(&photo).as_str());
    let photo_url = app.url(&format!("/api/v1/photos/{}", hash_of(&photo).as_str()));
    assert_eq!(chief.get(&photo_url).send().await.unwrap().status(), StatusCode::OK);
    let other_chief = app.user("chief03").await;
    assert!(reports_of(&app, &other_chief).await.is_empty());
    assert_eq!(other_chief.get(&photo_url).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let id = waiting[0]["id"].as_str().unwrap().to_owned();
    let stranger =
        other_chief.post(app.url(&format!("/api/v1/reports/{id}/confirm"))).json(&json!({})).send().await.unwrap();
    assert_eq!(stranger.status(), StatusCode::FORBIDDEN, "not their road");
    let head = app.user("head_urban").await;
    assert_eq!(head.get(app.url("/api/v1/reports")).send().await.unwrap().status(), StatusCode::FORBIDDEN);

    let confirmed = chief
        .post(app.url(&format!("/api/v1/reports/{id}/confirm")))
        .json(&json!({"reply": "Thanks, passed to the urban management section."}))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    let finding = confirmed.json::<Value>().await.unwrap()["finding_id"].as_str().unwrap().to_owned();
    let again = chief.post(app.url(&format!("/api/v1/reports/{id}/confirm"))).json(&json!({})).send().await.unwrap();
    assert_eq!(error_code(again).await.1, "report_handled");
    assert!(reports_of(&app, &chief).await.is_empty(), "no longer waiting");

    // The finding is the road's, routed with the report's note, place and photo.
    let (road, note, status, section, photos): (String, String, String, String, i64) = sqlx::query_as(
        "SELECT f.road_id, f.note, f.status, f.section_id, \
         (SELECT COUNT(*) FROM finding_photos p WHERE p.finding_id = f.id AND p.uploaded_at IS NOT NULL) \
         FROM findings f WHERE f.id = $1",
    )
    .bind(&finding)
    .fetch_one(app.db())
    .await
    .unwrap();
    assert_eq!((road.as_str(), note.as_str(), status.as_str()), (ROAD, "Rubbish bags piled by the bus stop", "routed"));
    assert_eq!((section.as_str(), photos), ("urban-management", 1));
    let (_, tracking) = page(&resident, &app.url(&link)).await;
    assert!(tracking.contains("The road chief confirmed it") && tracking.contains("passed to the urban management"));
    assert!(tracking.contains("passed to Urban"), "the routing step: {tracking}");

    for action in ["accept", "resolve"] {
        let note = (action == "resolve").then_some("Cleared");
        assert_eq!(app.send(&head, new_uuid(), &move_op(&finding, action, note, None)).await.status(), StatusCode::OK);
    }
    let (_, tracking) = page(&resident, &app.url(&link)).await;
    assert!(tracking.contains("says it is done"), "{tracking}");
    let closed = app.send(&chief, new_uuid(), &move_op(&finding, "close_out", Some("Checked on site"), None)).await;
    assert_eq!(closed.status(), StatusCode::OK);

    // The same page by its short code, typed as people type it.
    let (status, by_code) = page(&resident, &app.url(&format!("/track?code={}", code.to_lowercase()))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(by_code.contains("closed") && by_code.contains("Rubbish bags piled"));
    assert!(
        !by_code.contains("Checked on site") && !by_code.contains("Cleared"),
        "section and chief notes stay inside"
    );
    let (_, board) = page(&resident, &app.url(&format!("/board/{ROAD}"))).await;
    assert!(board.contains("Closed lately") && !board.contains("Rubbish bags"), "on the board without its note");
}

#[tokio::test]
async fn a_report_can_be_answered_without_a_finding_or_marked_as_spam() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let resident = app.anonymous();
    let answered = send(&app, &resident, &Report::new("The street lamp at no. 12 is out")).await;
    let spam = send(&app, &resident, &Report::new("Buy cheap watches")).await;
    let waiting = reports_of(&app, &chief).await;
    assert_eq!(waiting.len(), 2);
    let (first, second) = (waiting[0]["id"].as_str().unwrap(), waiting[1]["id"].as_str().unwrap());

    let reply = json!({"reply": "Street lamps are the power company's: reported to them on 95598."});
    let response = chief.post(app.url(&format!("/api/v1/reports/{first}/answer"))).json(&reply).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = chief.post(app.url(&format!("/api/v1/reports/{second}/spam"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let twice = chief.post(app.url(&format!("/api/v1/reports/{second}/answer"))).json(&reply).send().await.unwrap();
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    assert!(reports_of(&app, &chief).await.is_empty());
    let (findings,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM findings").fetch_one(app.db()).await.unwrap();
    assert_eq!(findings, 0, "no finding either way");

    let (_, page_answered) = page(&resident, &app.url(&answered)).await;
    assert!(page_answered.contains("The road chief answered") && page_answered.contains("95598"));
    let (_, page_spam) = page(&resident, &app.url(&spam)).await;
    assert!(page_spam.contains("Handled without a case") && !page_spam.contains("spam"));

    // A second spam mark within the month (an hour later, so the hourly limit is not what
    // holds them): this sender is not heard for the rest of the month.
    app.state.clock.advance(3_600_000 + 1000);
    send(&app, &resident, &Report::new("Cheap watches again")).await;
    let id = reports_of(&app, &chief).await[0]["id"].as_str().unwrap().to_owned();
    chief.post(app.url(&format!("/api/v1/reports/{id}/spam"))).send().await.unwrap();
    let before = report_rows(&app).await;
    let challenge = challenge_of(&app, &resident, ROAD).await;
    let report = Report::new("And again");
    let response = post(&app, &resident, ROAD, report.form(&challenge, &solve(&challenge))).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 20 * 86_400, "held for weeks, not an hour: {retry}");
    assert!(response.text().await.unwrap().contains("try again in about"));
    assert_eq!(report_rows(&app).await, before);
}

#[tokio::test]
async fn a_report_without_the_pages_proof_of_work_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    let resident = app.anonymous();
    let report = Report::new("Shop sign hanging loose");
    let challenge = challenge_of(&app, &resident, ROAD).await;
    let counter = solve(&challenge);
    let wrong = (counter.parse::<u64>().unwrap() + 1..)
        .map(|n| n.to_string())
        .find(|n| {
            let hash = Sha256::digest(format!("{challenge}:{n}").as_bytes());
            app::domain::report::leading_zero_bits(&hash) < app::domain::report::WORK_BITS
        })
        .unwrap();
    let other_road = challenge_of(&app, &resident, "market-road-2").await;
    let forged = format!("{}{}", &challenge[..challenge.len() - 1], if challenge.ends_with('0') { '1' } else { '0' });
    let cases = [
        ("no proof (no script)", report.form(&challenge, ""), StatusCode::BAD_REQUEST, "allow scripts"),
        ("a wrong counter", report.form(&challenge, &wrong), StatusCode::BAD_REQUEST, "allow scripts"),
        (
            "another road's challenge",
            report.form(&other_road, &solve(&other_road)),
            StatusCode::BAD_REQUEST,
            "allow scripts",
        ),
        ("a forged signature", report.form(&forged, &solve(&forged)), StatusCode::BAD_REQUEST, "allow scripts"),
        ("no challenge", report.form("", "1"), StatusCode::BAD_REQUEST, "allow scripts"),
    ];
    for (what, form, status, says) in cases {
        let response = post(&app, &resident, ROAD, form).await;
        assert_eq!(response.status(), status, "{what}");
        let html = response.text().await.unwrap();
        assert!(html.contains(says), "{what}: {html}");
        assert!(html.contains("Shop sign hanging loose"), "{what}: what was typed is kept on the page");
    }
    assert_eq!(report_rows(&app).await, 0);

    // Solved right, it is taken once; the same solved form again is not.
    let response = post(&app, &resident, ROAD, report.form(&challenge, &counter)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = post(&app, &resident, ROAD, report.form(&challenge, &counter)).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(report_rows(&app).await, 1);

    // A page left open for hours must be reloaded.
    let stale = challenge_of(&app, &resident, ROAD).await;
    app.state.clock.advance(3 * 3_600_000);
    let response = post(&app, &resident, ROAD, report.form(&stale, &solve(&stale))).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("reload it"));
    assert_eq!(report_rows(&app).await, 1);
}

#[tokio::test]
async fn bad_reports_get_their_reason_and_a_sender_sends_three_an_hour() {
    let app = spawn_app().await;
    let resident = app.anonymous();
    let before = app.footprint().await;
    let cases: Vec<(&str, Report, StatusCode, &str)> = vec![
        ("empty note", Report::new("   "), StatusCode::BAD_REQUEST, "Say what is wrong"),
        ("unknown kind", Report { category: "ufo", ..Report::new("x") }, StatusCode::BAD_REQUEST, "Choose the kind"),
        ("far away", Report { position: Some((116.4, 39.9)), ..Report::new("x") }, StatusCode::BAD_REQUEST, "too far"),
        (
            "not a photo",
            Report { photos: vec![b"<html><script>alert(1)</script>".to_vec()], ..Report::new("x") },
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "JPEG, PNG or WebP",
        ),
        (
            "three photos",
            Report { photos: vec![jpeg(1), jpeg(2), jpeg(3)], ..Report::new("x") },
            StatusCode::BAD_REQUEST,
            "2 photos at most",
        ),
    ];
    for (what, report, status, says) in cases {
        let challenge = challenge_of(&app, &resident, ROAD).await;
        let response = post(&app, &resident, ROAD, report.form(&challenge, &solve(&challenge))).await;
        assert_eq!(response.status(), status, "{what}");
        assert!(response.text().await.unwrap().contains(says), "{what}");
    }
    let hostile = Report::new("<img src=x onerror=alert(1)> \u{202e}");
    let link = send(&app, &resident, &hostile).await;
    let (_, tracking) = page(&resident, &app.url(&link)).await;
    assert!(tracking.contains("&lt;img src=x onerror=alert(1)&gt;") && !tracking.contains("<img src=x"));
    for n in 2..=3 {
        send(&app, &resident, &Report::new(&format!("report {n}"))).await;
    }
    let challenge = challenge_of(&app, &resident, ROAD).await;
    let response = post(&app, &resident, ROAD, Report::new("report 4").form(&challenge, &solve(&challenge))).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(report_rows(&app).await, 3);
    assert_eq!(app.footprint().await, before, "reports touch no finding");
    app.state.clock.advance(3_600_000);
    send(&app, &resident, &Report::new("an hour later")).await;

    // Links and codes that are not a report's show the lookup, and nothing else.
    let (status, _) = page(&resident, &app.url(&format!("/track/{}", "0".repeat(32)))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = page(&resident, &app.url("/track/..%2F..%2Fetc")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = page(&resident, &app.url("/track?code=ZZZZ-ZZZZ")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("No report has that code"));
}

#[tokio::test]
async fn a_report_left_two_working_days_is_brought_to_the_coordinator_once() {
    use app::backend::schedule;
    use app::domain::report::answer_due;
    use app::domain::time::Timestamp;
    let app = spawn_app().await;
    sqlx::query("UPDATE users SET email = 'office@jiedao.gov.cn' WHERE username = 'coordinator'")
        .execute(app.db())
        .await
        .unwrap();
    let chief = app.user("chief01").await;
    let resident = app.anonymous();
    send(&app, &resident, &Report::new("The bench at the bus stop is broken")).await;
    send(&app, &resident, &Report::new("Leaves block the drain")).await;
    let answered = reports_of(&app, &chief).await[1]["id"].as_str().unwrap().to_owned();
    let reply = json!({"reply": "Swept this morning."});
    let response =
        chief.post(app.url(&format!("/api/v1/reports/{answered}/answer"))).json(&reply).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (received,): (i64,) =
        sqlx::query_as("SELECT MIN(received_at) FROM resident_reports").fetch_one(app.db()).await.unwrap();
    let calendar = {
        let mut conn = app.state.pool.read().await.unwrap();
        app::backend::calendars::current(&mut conn).await.unwrap()
    };
    let due = answer_due(Timestamp(received), &calendar);

    let told = |app: &TestApp| {
        let pool = app.state.pool.clone();
        let now = app.now();
        async move { schedule::run(&pool, now).await.unwrap().reports }
    };
    assert_eq!(told(&app).await, 0);
    app.state.clock.advance(due.millis() - 1000 - app.now().millis());
    assert_eq!(told(&app).await, 0, "not before the end of the second working day");
    app.state.clock.advance(2000);
    assert_eq!(told(&app).await, 1, "the one still waiting; the answered one is done");
    assert_eq!(told(&app).await, 0, "once");
    let (n, body): (i64, String) = sqlx::query_as(
        "SELECT COUNT(*), MAX(body) FROM notifications WHERE kind = 'escalated' AND finding_id IS NULL AND channel = 'email'",
    )
    .fetch_one(app.db())
    .await
    .unwrap();
    assert_eq!(n, 1);
    assert!(body.contains("市场一路") && body.contains("王建国"), "{body}");
}

#[tokio::test]
async fn the_coordinator_prints_every_board_at_once_each_with_its_qr_code() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let (roads,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM roads").fetch_one(app.db()).await.unwrap();
    let (code,): (String,) =
        sqlx::query_as("SELECT board_code FROM roads WHERE id = $1").bind(ROAD).fetch_one(app.db()).await.unwrap();
    let (codes,): (i64,) =
        sqlx::query_as("SELECT COUNT(DISTINCT board_code) FROM roads").fetch_one(app.db()).await.unwrap();
    assert_eq!(codes, roads, "every road has its own board code");

    let (status, all) = page(&coordinator, &app.url("/boards/print")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all.matches("class=\"sheet\"").count() as i64, roads);
    assert_eq!(all.matches("<svg").count() as i64, roads, "a QR code on each");
    assert!(all.contains("size:A4") && all.contains(&format!("Board code {code}")));
    assert!(all.contains("街道城市管理办公室 0532-8000 1234"), "the published contact");
    let (_, a3) = page(&coordinator, &app.url(&format!("/boards/print?size=a3&road={ROAD}"))).await;
    assert!(a3.contains("size:A3"));
    assert_eq!(a3.matches("class=\"sheet\"").count(), 1);
    // The address in the QR code opens the board.
    let (status, _) = page(&app.anonymous(), &app.url(&format!("/board/{ROAD}?c={code}"))).await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = page(&app.user("chief01").await, &app.url("/boards/print")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = app.anonymous().get(app.url("/boards/print")).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/login");
}

/// What the report form offers for a kind of problem at a place: the `same_as` values.
async fn offered(app: &TestApp, client: &Client, category: &str, (lon, lat): (f64, f64)) -> Vec<String> {
    let url = app.url(&format!("/board/{ROAD}/same?lang=en&category={category}&lon={lon}&lat={lat}"));
    let (status, fragment) = page(client, &url).await;
    assert_eq!(status, StatusCode::OK, "{fragment}");
    fragment
        .split("name=\"same_as\" value=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .filter(|value| !value.is_empty())
        .collect()
}

async fn send_same(app: &TestApp, client: &Client, report: &Report, same_as: &str) -> String {
    let challenge = challenge_of(app, client, ROAD).await;
    let form = report.form(&challenge, &solve(&challenge)).text("same_as", same_as.to_owned());
    let response = post(app, client, ROAD, form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap());
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn status_of(tracking: &str) -> bool {
    tracking.contains("Added to the same problem")
}

#[tokio::test]
async fn a_report_said_to_be_the_same_problem_follows_it_and_is_counted_once() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let resident = app.anonymous();
    // An open finding of the chief's, and a place at the road's far end, well over 50 m off.
    let finding = app.finding(&chief, ROAD, "sanitation", "Overflowing bins").await;
    let op = Operation::RecordFinding { road_id: ROAD.into(), week: app.week(), finding: finding.clone() };
    assert_eq!(app.send(&chief, new_uuid(), &op).await.status(), StatusCode::OK);
    let near = (finding.lon, finding.lat);
    let page_json = app.read_ok(&chief, "inspection", &[("road_id", ROAD)]).await;
    let line = page_json["road"]["coordinates"].as_array().unwrap();
    let end = line.last().unwrap();
    let far = (end[0].as_f64().unwrap(), end[1].as_f64().unwrap());
    let metres =
        |a: (f64, f64), b: (f64, f64)| GeoPoint { lon: a.0, lat: a.1 }.distance_m(GeoPoint { lon: b.0, lat: b.1 });
    assert!(metres(near, far) > 100.0);

    // Offered for the same kind near it; not for another kind, nor far away.
    let same = format!("finding:{}", finding.id);
    assert_eq!(offered(&app, &resident, "sanitation", near).await, vec![same.clone()]);
    assert!(offered(&app, &resident, "shop_sign", near).await.is_empty());
    assert!(offered(&app, &resident, "sanitation", far).await.is_empty());
    let bad = resident.get(app.url(&format!("/board/{ROAD}/same?category=sanitation&lon=abc&lat=1"))).send().await;
    assert_eq!(bad.unwrap().status(), StatusCode::BAD_REQUEST);

    // Chosen: the report follows the finding at once, and the chief has nothing to triage.
    let joined =
        send_same(&app, &resident, &Report { position: Some(near), ..Report::new("Bins full again") }, &same).await;
    let (_, tracking) = page(&resident, &app.url(&joined)).await;
    assert!(status_of(&tracking) && tracking.contains("passed to Urban"), "{tracking}");
    assert!(reports_of(&app, &chief).await.is_empty());
    let (linked,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM resident_reports WHERE finding_id = $1")
        .bind(finding.id.to_string())
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(linked, 1);
    let known = &app.read_ok(&chief, "inspection", &[("road_id", ROAD)]).await["known"];
    let counted = known.as_array().unwrap().iter().find(|k| k["which"]["id"] == finding.id.to_string()).unwrap();
    assert_eq!(counted["reports"], 1, "{known}");

    // A choice the place does not bear out (another kind, far away, made up) is a new report.
    app.state.clock.advance(3_600_000 + 1000);
    let forged = Report { position: Some(far), ..Report::new("Litter at the end of the road") };
    send_same(&app, &resident, &forged, &same).await;
    let waiting = reports_of(&app, &chief).await;
    assert_eq!(waiting.len(), 1, "kept, as a report of its own");
    let first = waiting[0]["id"].as_str().unwrap().to_owned();

    // Two more residents at the far end: one says it is that waiting report, and waits with it.
    // The form names it by a stand-in: its own id would answer Open311 with its exact place.
    let choices = offered(&app, &resident, "sanitation", far).await;
    assert_eq!(choices.len(), 1, "{choices:?}");
    let report_choice = choices[0].clone();
    assert!(report_choice.starts_with("report:") && !report_choice.contains(&first), "{report_choice}");
    let fragment =
        page(&resident, &app.url(&format!("/board/{ROAD}/same?category=sanitation&lon={}&lat={}", far.0, far.1)))
            .await
            .1;
    assert!(!fragment.contains(&first), "{fragment}");
    let second =
        send_same(&app, &resident, &Report { position: Some(far), ..Report::new("Same litter") }, &report_choice).await;
    let (_, tracking) = page(&resident, &app.url(&second)).await;
    assert!(tracking.contains("Added to a report of the same problem"), "{tracking}");
    let waiting = reports_of(&app, &chief).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let joined = waiting[0]["joined"].as_array().unwrap();
    assert_eq!((joined.len(), &joined[0]["note"]), (1, &json!("Same litter")), "what they wrote reaches the chief");

    // Confirmed: both follow the new finding; both see the chief's reply.
    let confirmed = chief
        .post(app.url(&format!("/api/v1/reports/{first}/confirm")))
        .json(&json!({"reply": "Sweepers sent."}))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    let (_, tracking) = page(&resident, &app.url(&second)).await;
    assert!(tracking.contains("Sweepers sent.") && tracking.contains("passed to Urban"), "{tracking}");
    let (with_it,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM resident_reports WHERE finding_id = (SELECT finding_id FROM resident_reports WHERE id = $1)")
            .bind(&first)
            .fetch_one(app.db())
            .await
            .unwrap();
    assert_eq!(with_it, 2);

    // One added to a report marked as spam is not spam: it waits on its own again.
    app.state.clock.advance(3_600_000 + 1000);
    send(&app, &resident, &Report { position: Some(far), category: "shop_sign", ..Report::new("Buy watches") }).await;
    let spam = reports_of(&app, &chief).await[0]["id"].as_str().unwrap().to_owned();
    let choice = offered(&app, &resident, "shop_sign", far).await.pop().unwrap();
    assert!(!choice.contains(&spam));
    let shop = Report { position: Some(far), category: "shop_sign", ..Report::new("A sign hangs loose") };
    send_same(&app, &resident, &shop, &choice).await;
    assert_eq!(reports_of(&app, &chief).await.len(), 1);
    let marked = chief.post(app.url(&format!("/api/v1/reports/{spam}/spam"))).send().await.unwrap();
    assert_eq!(marked.status(), StatusCode::NO_CONTENT);
    let waiting = reports_of(&app, &chief).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["note"], "A sign hangs loose");

    // The offer is a read of the road's problems: one sender asks it a few dozen times, not
    // without end (the form still works without it).
    let mut refused = None;
    for ask in 0..130 {
        let url = app.url(&format!("/board/{ROAD}/same?category=sanitation&lon={}&lat={}", far.0, far.1));
        let response = resident.get(url).send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(ask);
            break;
        }
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(refused.is_some_and(|ask| ask > 100), "{refused:?}");
}
