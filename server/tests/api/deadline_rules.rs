//! The coordinator's hand on deadlines: routing rules (new findings only, recorded), the
//! working-day calendars (checked whole before anything is stored), and extensions (asked once
//! by the section, granted in working days or refused).

use crate::helpers::*;
use crate::notifications::record_sanitation;
use app::domain::calendar::shipped;
use app::domain::deadline::{deadline_after, WorkingDays};
use app::domain::time::Timestamp;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn deadline_and_section(app: &TestApp, id: &str) -> (i64, String) {
    sqlx::query_as("SELECT deadline_at, section_id FROM findings WHERE id = $1")
        .bind(id)
        .fetch_one(app.db())
        .await
        .unwrap()
}

async fn put_rule(app: &TestApp, who: &str, category: &str, body: Value) -> reqwest::Response {
    let client = app.user(who).await;
    client.put(app.url(&format!("/api/v1/categories/{category}/rule"))).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn a_changed_rule_routes_new_findings_only_and_is_recorded() {
    let app = spawn_app().await;
    let before = record_sanitation(&app, "旧规则").await;
    let (old_deadline, old_section) = deadline_and_section(&app, &before).await;
    assert_eq!(old_section, "urban-management");

    for (who, body, status, code) in [
        ("head_urban", json!({"section_id": "law-enforcement", "days": 7}), 403, "forbidden"),
        ("coordinator", json!({"section_id": "no-such-section", "days": 7}), 400, "unknown_section"),
        ("coordinator", json!({"section_id": "law-enforcement", "days": 0}), 400, "invalid_working_days"),
        ("coordinator", json!({"section_id": "law-enforcement", "days": 61}), 400, "invalid_working_days"),
    ] {
        let (s, c, message) = error_code(put_rule(&app, who, "sanitation", body.clone()).await).await;
        assert_eq!((s.as_u16(), c.as_str()), (status, code), "{body}");
        assert!(!message.is_empty());
    }
    let (s, c, _) = error_code(
        put_rule(&app, "coordinator", "no_such_category", json!({"section_id": "law-enforcement", "days": 3})).await,
    )
    .await;
    assert_eq!((s.as_u16(), c.as_str()), (400, "unknown_category"));
    let (days,): (i64,) = sqlx::query_as("SELECT deadline_days FROM categories WHERE code = 'sanitation'")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(days, 2, "refused changes change nothing");

    let ok = put_rule(&app, "coordinator", "sanitation", json!({"section_id": "law-enforcement", "days": 7})).await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let after = record_sanitation(&app, "新规则").await;
    let (new_deadline, new_section) = deadline_and_section(&app, &after).await;
    assert_eq!(new_section, "law-enforcement");
    let (received,): (i64,) = sqlx::query_as("SELECT received_at FROM findings WHERE id = $1")
        .bind(&after)
        .fetch_one(app.db())
        .await
        .unwrap();
    let seven = deadline_after(Timestamp(received), WorkingDays::try_from(7).unwrap(), &shipped());
    assert_eq!(new_deadline, seven.millis());
    assert_eq!(deadline_and_section(&app, &before).await, (old_deadline, old_section), "existing deadlines stay");
    let (rule,): (String,) = sqlx::query_as("SELECT deadline_rule FROM finding_history WHERE finding_id = $1")
        .bind(&after)
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(rule, "working_days:7");

    let coordinator = app.user("coordinator").await;
    let screen = app.read_ok(&coordinator, "rules", &[]).await;
    let change = &screen["changes"][0];
    assert_eq!((change["old_days"].as_i64(), change["new_days"].as_i64()), (Some(2), Some(7)));
    let head = app.user("head_urban").await;
    assert_eq!(app.read(&head, "rules", &[]).await.status(), StatusCode::FORBIDDEN);
}

fn year_file(year: i32, holidays: Value, makeup: Value) -> String {
    json!({ "year": year, "holidays": holidays, "makeup_workdays": makeup }).to_string()
}

#[tokio::test]
async fn a_calendar_file_is_checked_whole_and_a_year_without_one_is_flagged() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let put = |year: i32, body: String| {
        let coordinator = coordinator.clone();
        let url = app.url(&format!("/api/v1/calendars/{year}"));
        async move { coordinator.put(url).header("content-type", "application/json").body(body).send().await.unwrap() }
    };
    let national_day =
        json!([{ "name_zh": "国庆节", "name_en": "National Day", "from": "2027-10-01", "to": "2027-10-07" }]);
    for bad in [
        year_file(2027, national_day.clone(), json!(["2027-10-11"])), // a Monday cannot be a make-up day
        year_file(2027, national_day.clone(), json!(["2027-02-30"])), // no such date
        year_file(2027, national_day.clone(), json!(["2027-10-02"])), // both off and worked
        year_file(2028, national_day.clone(), json!([])),             // the file is for another year
        "{ not json".to_owned(),
    ] {
        let (status, code, message) = error_code(put(2027, bad.clone()).await).await;
        assert_eq!((status.as_u16(), code.as_str()), (400, "invalid_calendar"), "{bad}");
        assert!(message.contains('（'), "the message names the problem: {message}");
    }
    let screen = app.read_ok(&coordinator, "rules", &[]).await;
    let years: Vec<i64> = screen["calendars"].as_array().unwrap().iter().map(|c| c["year"].as_i64().unwrap()).collect();
    assert_eq!(years, [2026], "nothing half-imported; the shipped year is there");
    let this_year = app.now().local_date().year();
    let missing = screen["missing_years"].as_array().unwrap().clone();
    assert_eq!(missing.contains(&json!(this_year + 1)), app.now().local_date().month() >= 11);

    let existing = record_sanitation(&app, "导入前").await;
    let before = deadline_and_section(&app, &existing).await;
    let good = year_file(2027, national_day, json!(["2027-09-26"]));
    assert_eq!(put(2027, good).await.status(), StatusCode::NO_CONTENT);
    let stored: Value = coordinator.get(app.url("/api/v1/calendars/2027")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["makeup_workdays"], json!(["2027-09-26"]));
    assert_eq!(deadline_and_section(&app, &existing).await, before, "importing recomputes nothing already set");
    let screen = app.read_ok(&coordinator, "rules", &[]).await;
    assert!(!screen["missing_years"].as_array().unwrap().contains(&json!(2027)));
    let head = app.user("head_urban").await;
    let refused = head.put(app.url("/api/v1/calendars/2027")).body("{}").send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_extension_is_asked_once_and_granted_in_working_days() {
    let app = spawn_app().await;
    let id = record_sanitation(&app, "需要协调").await;
    let (old_deadline, _) = deadline_and_section(&app, &id).await;
    let head = app.user("head_urban").await;
    let chief = app.user("chief01").await;
    let coordinator = app.user("coordinator").await;
    let ask = |client: &reqwest::Client, body: Value| {
        client.post(app.url(&format!("/api/v1/findings/{id}/extension"))).json(&body).send()
    };
    let decide = |body: Value| {
        coordinator.post(app.url(&format!("/api/v1/findings/{id}/extension/decision"))).json(&body).send()
    };

    assert_eq!(ask(&chief, json!({"reason": "x"})).await.unwrap().status(), StatusCode::FORBIDDEN);
    let (s, c, _) = error_code(decide(json!({"grant": true, "days": 3})).await.unwrap()).await;
    assert_eq!((s.as_u16(), c.as_str()), (409, "no_extension_pending"));
    let (s, c, _) = error_code(ask(&head, json!({"reason": "  "})).await.unwrap()).await;
    assert_eq!((s.as_u16(), c.as_str()), (400, "note_empty"));
    assert_eq!(ask(&head, json!({"reason": "需要与业主协调"})).await.unwrap().status(), StatusCode::NO_CONTENT);
    let (s, c, _) = error_code(ask(&head, json!({"reason": "再申请"})).await.unwrap()).await;
    assert_eq!((s.as_u16(), c.as_str()), (409, "extension_already_asked"));

    let detail = app.read_ok(&coordinator, "finding", &[("id", &id)]).await;
    assert_eq!(detail["may_decide_extension"], true);
    let (s, c, _) = error_code(decide(json!({"grant": true, "days": 0})).await.unwrap()).await;
    assert_eq!((s.as_u16(), c.as_str()), (400, "invalid_working_days"));
    let granted: Value = decide(json!({"grant": true, "days": 3, "note": "同意"})).await.unwrap().json().await.unwrap();
    let expected = deadline_after(Timestamp(old_deadline), WorkingDays::try_from(3).unwrap(), &shipped());
    assert_eq!(granted["deadline"].as_i64(), Some(expected.millis()));
    assert_eq!(deadline_and_section(&app, &id).await.0, expected.millis());
    let (s, c, _) = error_code(decide(json!({"grant": false})).await.unwrap()).await;
    assert_eq!((s.as_u16(), c.as_str()), (409, "no_extension_pending"), "decided once");

    let detail = app.read_ok(&head, "finding", &[("id", &id)]).await;
    assert_eq!(detail["may_ask_extension"], false);
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["deadline_rule"], json!({"rule": "extension", "days": 3}));
    let notices = app.read_ok(&head, "finding_notices", &[("id", &id)]).await;
    let kinds: Vec<&str> = notices.as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["extension_asked"], "the grant is in the history, not repeated here");
    let chief_sees = app.read(&chief, "finding_notices", &[("id", &id)]).await.status();
    assert_eq!(chief_sees, StatusCode::OK, "the road chief may see the finding's timeline");
    let other_chief = app.user("chief02").await;
    assert_eq!(app.read(&other_chief, "finding_notices", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN);
}

/// chief's sanitation finding on `road` through sync; its id.
async fn sanitation_on(app: &TestApp, chief: &str, road: &str, note: &str) -> String {
    use app::api::operations::{Operation, OperationRequest};
    let client = app.user(chief).await;
    let f = app.finding(&client, road, "sanitation", note).await;
    let op = Operation::RecordFinding { road_id: road.into(), week: app.week(), finding: f.clone() };
    app.sync_ok(&client, &json!({ "ops": [OperationRequest { id: new_uuid(), op, sent_at: None }] })).await;
    f.id.to_string()
}

#[tokio::test]
async fn the_inbox_narrows_to_a_road_or_a_community_with_counts() {
    let app = spawn_app().await;
    sanitation_on(&app, "chief01", "market-road-1", "大包岛一").await;
    sanitation_on(&app, "chief01", "market-road-2", "大包岛二").await;
    sanitation_on(&app, "chief03", "jimo-road", "即墨路").await;
    let head = app.user("head_urban").await;
    let notes = |inbox: &Value| -> Vec<String> {
        let mut n: Vec<String> =
            inbox["items"].as_array().unwrap().iter().map(|i| i["note"].as_str().unwrap().to_owned()).collect();
        n.sort();
        n
    };
    let all = app.read_ok(&head, "inbox", &[("filter", "open")]).await;
    assert_eq!(notes(&all).len(), 3);
    assert_eq!(all["counts"]["open"], 3);
    let ids = |key: &str| -> Vec<String> {
        all[key].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids("communities").len(), 2);
    assert!(ids("roads").contains(&"jimo-road".to_owned()));

    let road = app.read_ok(&head, "inbox", &[("filter", "open"), ("road", "market-road-2")]).await;
    assert_eq!(notes(&road), ["大包岛二"]);
    assert_eq!(road["counts"]["open"], 1, "counts follow the narrowing");
    let community = app.read_ok(&head, "inbox", &[("filter", "open"), ("community", "dabaodao")]).await;
    assert_eq!(notes(&community), ["大包岛一", "大包岛二"]);
    let nothing = app.read_ok(&head, "inbox", &[("filter", "open"), ("community", "no-such")]).await;
    assert!(notes(&nothing).is_empty());
}

#[tokio::test]
async fn findings_export_as_csv_and_xlsx_with_chinese_headers() {
    let app = spawn_app().await;
    sanitation_on(&app, "chief01", "market-road-1", "路口垃圾, \"满溢\"").await;
    let coordinator = app.user("coordinator").await;
    let today = app.now().local_date();
    let range = format!("from={}&to={}", today.add_days(-7), today);
    let csv = coordinator.get(app.url(&format!("/api/v1/exports/findings.csv?{range}"))).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-disposition"].to_str().unwrap().contains(".csv"));
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM so Excel reads UTF-8");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("编号,道路,社区,问题类别,描述"));
    let row = lines.next().unwrap();
    assert!(row.contains("市场一路") && row.contains("\"路口垃圾, \"\"满溢\"\"\"") && row.contains("城管科"), "{row}");
    assert_eq!(lines.next(), None);

    let xlsx = coordinator.get(app.url(&format!("/api/v1/exports/findings.xlsx?{range}"))).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip file");
    assert!(bytes.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));

    let earlier = format!("from={}&to={}", today.add_days(-60), today.add_days(-30));
    let empty = coordinator.get(app.url(&format!("/api/v1/exports/findings.csv?{earlier}"))).send().await.unwrap();
    assert_eq!(empty.text().await.unwrap().lines().count(), 1, "only the headers");
    for bad in ["from=2026-11-30&to=2026-11-01", "from=soon&to=2026-11-01", ""] {
        let response = coordinator.get(app.url(&format!("/api/v1/exports/findings.csv?{bad}"))).send().await.unwrap();
        let (status, code, _) = error_code(response).await;
        assert_eq!((status.as_u16(), code.as_str()), (400, "malformed"), "{bad}");
    }
    let head = app.user("head_urban").await;
    let refused = head.get(app.url(&format!("/api/v1/exports/findings.xlsx?{range}"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_overview_reviews_sections_communities_and_twelve_weeks() {
    let app = spawn_app().await;
    let id = sanitation_on(&app, "chief01", "market-road-1", "待办").await;
    let coordinator = app.user("coordinator").await;
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    assert_eq!(overview["trend"].as_array().unwrap().len(), 12);
    let this_week = overview["trend"].as_array().unwrap().last().unwrap().clone();
    assert!(this_week["reported"].as_u64().unwrap() >= 1);
    let dabaodao = overview["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["community"]["id"] == "dabaodao")
        .unwrap()
        .clone();
    assert_eq!(dabaodao["roads"], 18);
    let urban = overview["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"]["id"] == "urban-management")
        .unwrap()
        .clone();
    assert!(urban["open"].as_u64().unwrap() >= 1);

    // An earlier week: its own inspections (none submitted here), a bad week refused.
    let this_week = app::domain::time::IsoWeek::containing(app.now());
    let last = this_week.previous().to_string();
    let earlier = app.read_ok(&coordinator, "overview", &[("week", &last)]).await;
    assert_eq!(earlier["week"], json!(last));
    assert_eq!(earlier["roads"].as_array().unwrap().len(), 63);
    let refused = app.read(&coordinator, "overview", &[("week", "last week")]).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: Value = refused.json().await.unwrap();
    assert!(body.to_string().contains("malformed"), "{body}");

    // Past its deadline the finding counts against the section's on-time rate.
    let (deadline,): (i64,) =
        sqlx::query_as("SELECT deadline_at FROM findings WHERE id = $1").bind(&id).fetch_one(app.db()).await.unwrap();
    app.state.clock.advance(deadline - app.now().millis() + 1000);
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    let urban = overview["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"]["id"] == "urban-management")
        .unwrap()
        .clone();
    assert!(urban["overdue"].as_u64().unwrap() >= 1);
    assert!(urban["on_time_percent"].as_u64().unwrap() < 100, "{urban}");
}

#[tokio::test]
async fn on_time_rate_median_close_and_trend_are_counted_as_findings_move() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let urban_of = |overview: &Value| {
        overview["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"]["id"] == "urban-management")
            .unwrap()
            .clone()
    };
    let this_week = |overview: &Value| overview["trend"].as_array().unwrap().last().unwrap().clone();
    let before = app.read_ok(&coordinator, "overview", &[]).await;
    assert_eq!(urban_of(&before)["on_time_percent"], Value::Null, "nothing resolved yet: {}", urban_of(&before));

    let early = sanitation_on(&app, "chief01", "market-road-1", "按时").await;
    let late = sanitation_on(&app, "chief01", "market-road-2", "超期").await;
    let head = app.user("head_urban").await;
    let chief = app.user("chief01").await;
    let ok = StatusCode::OK;
    for action in ["accept", "resolve"] {
        assert_eq!(app.send(&head, new_uuid(), &move_op(&early, action, Some("已处理"), None)).await.status(), ok);
    }
    // A day later the chief closes the first; the second is resolved after its deadline.
    app.state.clock.advance(86_400_000);
    assert_eq!(app.send(&chief, new_uuid(), &move_op(&early, "close_out", Some("已核实"), None)).await.status(), ok);
    let (deadline,): (i64,) =
        sqlx::query_as("SELECT deadline_at FROM findings WHERE id = $1").bind(&late).fetch_one(app.db()).await.unwrap();
    app.state.clock.advance(deadline - app.now().millis() + 3_600_000);
    for action in ["accept", "resolve"] {
        assert_eq!(app.send(&head, new_uuid(), &move_op(&late, action, Some("已处理"), None)).await.status(), ok);
    }
    let (received,): (i64,) =
        sqlx::query_as("SELECT received_at FROM findings WHERE id = $1").bind(&late).fetch_one(app.db()).await.unwrap();
    assert_eq!(app.send(&chief, new_uuid(), &move_op(&late, "close_out", Some("已核实"), None)).await.status(), ok);

    let after = app.read_ok(&coordinator, "overview", &[]).await;
    let urban = urban_of(&after);
    assert_eq!(urban["on_time_percent"], 50, "one of two resolutions was late: {urban}");
    // Closed after 1 day and after (now - received); the median is their mean in tenths.
    let first = 10;
    let second = app::domain::performance::tenths_of_day(app.now().millis() - received);
    assert_eq!(urban["median_close_tenths"], json!((first + second + 1) / 2), "{urban}");
    // From the week of the reports on, the trend counts the two reported and closed more.
    let since = this_week(&before)["week"].clone();
    let from_then = |overview: &Value, key: &str| -> u64 {
        let weeks = overview["trend"].as_array().unwrap();
        let start = weeks.iter().position(|w| w["week"] == since).unwrap();
        weeks[start..].iter().map(|w| w[key].as_u64().unwrap()).sum()
    };
    assert_eq!(from_then(&after, "reported") - from_then(&before, "reported"), 2);
    assert_eq!(from_then(&after, "closed") - from_then(&before, "closed"), 2);
    assert!(this_week(&after)["closed"].as_u64().unwrap() >= 1, "the last close-out is this week");
}
