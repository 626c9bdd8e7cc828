//! The whole loop over HTTP: a chief records, sections answer, the coordinator re-routes,
//! the chief closes out.

use crate::helpers::*;
use app::domain::calendar::shipped as calendar;
use app::domain::deadline::{deadline_after, WorkingDays};
use app::domain::time::Timestamp;
use reqwest::StatusCode;
use serde_json::Value;

fn deadline_of(received_ms: i64, days: u16) -> i64 {
    deadline_after(Timestamp(received_ms), WorkingDays::try_from(days).unwrap(), &calendar()).millis()
}

async fn find_in<'a>(list: &'a Value, id: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|f| f["id"] == id)
}

#[tokio::test]
async fn chief_section_coordinator_and_close_out() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;

    // Home: both of chief01's roads, not started.
    let home = app.read_ok(&chief, "chief_home", &[]).await;
    let roads: Vec<&str> =
        home["roads"].as_array().unwrap().iter().map(|r| r["road"]["id"].as_str().unwrap()).collect();
    assert_eq!(roads.len(), 2, "{home}");
    assert!(roads.contains(&"market-road-1") && roads.contains(&"market-road-2"));
    assert!(home["roads"].as_array().unwrap().iter().all(|r| r["status"] == "not_started"));

    // Opening the road starts the inspection; opening it again continues the same one.
    let start = app_ops::start(&app, &chief, "market-road-1").await;
    let again = app_ops::start(&app, &chief, "market-road-1").await;
    assert_eq!(start["inspection_id"], again["inspection_id"]);
    let home = app.read_ok(&chief, "chief_home", &[]).await;
    let card = home["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == "market-road-1").unwrap();
    assert_eq!(card["status"], "in_progress");

    // Submit with two findings.
    let pothole = app.finding(&chief, "market-road-1", "road_damage", "路面坑洼，约半米宽").await;
    let rubbish = app.finding(&chief, "market-road-1", "sanitation", "垃圾堆放在人行道上").await;
    let response =
        app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![pothole.clone(), rubbish.clone()])).await;
    assert_eq!(response.status(), StatusCode::OK);
    let outcome: Value = response.json().await.unwrap();
    assert_eq!(outcome["kind"], "inspection_submitted");
    assert_eq!(outcome["inspection_id"], start["inspection_id"]);
    let routed = outcome["findings"].as_array().unwrap();
    let received = outcome["submitted_at"].as_i64().unwrap();
    assert_eq!(routed[0]["section_id"], "engineering");
    assert_eq!(routed[0]["deadline"].as_i64().unwrap(), deadline_of(received, 5));
    assert_eq!(routed[1]["section_id"], "urban-management");
    assert_eq!(routed[1]["deadline"].as_i64().unwrap(), deadline_of(received, 2));

    let home = app.read_ok(&chief, "chief_home", &[]).await;
    let card = home["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == "market-road-1").unwrap();
    assert_eq!(card["status"], "submitted");
    assert_eq!(card["open"], 2);

    // The engineering head sees the pothole with its deadline, accepts and resolves it.
    let engineering = app.user("head_engineering").await;
    let inbox = app.read_ok(&engineering, "inbox", &[("filter", "open")]).await;
    let item =
        find_in(&inbox["items"], &pothole.id.to_string()).await.expect("the pothole is in the engineering inbox");
    assert_eq!(item["status"], "routed");
    assert_eq!(item["deadline"].as_i64().unwrap(), deadline_of(received, 5));
    assert!(find_in(&inbox["items"], &rubbish.id.to_string()).await.is_none(), "not engineering's");
    let pothole_id = pothole.id.to_string();
    for (action, note) in [("accept", None), ("resolve", Some("已修补"))] {
        let response = app.send(&engineering, new_uuid(), &move_op(&pothole_id, action, note, None)).await;
        assert_eq!(response.status(), StatusCode::OK, "{action}");
    }

    // The urban-management head says it is not theirs.
    let urban = app.user("head_urban").await;
    let rubbish_id = rubbish.id.to_string();
    let response = app.send(&urban, new_uuid(), &move_op(&rubbish_id, "return", Some("属于执法中队职责"), None)).await;
    let moved: Value = response.json().await.unwrap();
    assert_eq!(moved["status"], "returned");

    // The coordinator sees it waiting and re-routes it; the deadline restarts.
    let coordinator = app.user("coordinator").await;
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    assert!(find_in(&overview["returned"], &rubbish_id).await.is_some(), "{overview}");
    let road = overview["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == "market-road-1").unwrap();
    assert_eq!(road["status"], "submitted");
    app.state.clock.advance(3 * 86_400_000);
    let response =
        app.send(&coordinator, new_uuid(), &move_op(&rubbish_id, "reroute", None, Some("law-enforcement"))).await;
    let moved: Value = response.json().await.unwrap();
    assert_eq!(moved["status"], "routed");
    assert_eq!(moved["section_id"], "law-enforcement");
    assert_eq!(moved["deadline"].as_i64().unwrap(), deadline_of(app.now().millis(), 2));
    let enforcement = app.user("head_enforcement").await;
    let inbox = app.read_ok(&enforcement, "inbox", &[("filter", "open")]).await;
    assert!(find_in(&inbox["items"], &rubbish_id).await.is_some());

    // The chief sees the pothole waiting for the check and closes it out.
    let mine = app.read_ok(&chief, "my_findings", &[]).await;
    assert_eq!(find_in(&mine, &pothole_id).await.unwrap()["status"], "resolved");
    let response = app.send(&chief, new_uuid(), &move_op(&pothole_id, "close_out", Some("现场核实已修好"), None)).await;
    let moved: Value = response.json().await.unwrap();
    assert_eq!(moved["status"], "closed");

    // The history tells the whole story, in order, with who did what.
    let detail = app.read_ok(&chief, "finding", &[("id", &pothole_id)]).await;
    let steps: Vec<(&str, &str)> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["to"].as_str().unwrap(), h["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, vec![("routed", "王建国"), ("accepted", "胡斌"), ("resolved", "胡斌"), ("closed", "王建国")]);
    assert_eq!(detail["history"][2]["note"], "已修补");
    assert!(detail["moves"].as_array().unwrap().is_empty(), "closed is final");

    let detail = app.read_ok(&coordinator, "finding", &[("id", &rubbish_id)]).await;
    let sections: Vec<&str> =
        detail["history"].as_array().unwrap().iter().map(|h| h["section"]["id"].as_str().unwrap()).collect();
    assert_eq!(sections, vec!["urban-management", "urban-management", "law-enforcement"]);
}

#[tokio::test]
async fn reopening_sends_it_back_with_a_new_deadline_and_overdue_is_derived() {
    let app = spawn_app().await;
    let chief = app.user("chief03").await;
    let leak = app.finding(&chief, "jimo-road", "waterlogging", "雨水倒灌进商铺").await;
    let id = leak.id.to_string();
    assert_eq!(app.send(&chief, new_uuid(), &submit(&app, "jimo-road", vec![leak])).await.status(), StatusCode::OK);

    let engineering = app.user("head_engineering").await;
    // Ten days later the finding is overdue: it shows under "overdue" and in the counts.
    app.state.clock.advance(10 * 86_400_000);
    let inbox = app.read_ok(&engineering, "inbox", &[("filter", "overdue")]).await;
    assert_eq!(inbox["counts"]["overdue"], 1);
    assert_eq!(inbox["items"][0]["urgency"], "overdue");
    let coordinator = app.user("coordinator").await;
    let overview = app.read_ok(&coordinator, "overview", &[]).await;
    let load = overview["sections"].as_array().unwrap().iter().find(|s| s["section"]["id"] == "engineering").unwrap();
    assert_eq!((load["open"].as_i64(), load["overdue"].as_i64()), (Some(1), Some(1)));

    assert_eq!(
        app.send(&engineering, new_uuid(), &move_op(&id, "resolve", Some("已疏通"), None)).await.status(),
        StatusCode::OK
    );
    let inbox = app.read_ok(&engineering, "inbox", &[("filter", "overdue")]).await;
    assert_eq!(inbox["counts"]["overdue"], 0, "a resolved finding is no longer overdue");

    let response = app.send(&chief, new_uuid(), &move_op(&id, "reopen", Some("仍然积水"), None)).await;
    let moved: Value = response.json().await.unwrap();
    assert_eq!(moved["status"], "routed");
    assert_eq!(moved["section_id"], "engineering");
    assert_eq!(moved["deadline"].as_i64().unwrap(), deadline_of(app.now().millis(), 3));
    let inbox = app.read_ok(&engineering, "inbox", &[("filter", "open")]).await;
    assert_eq!(inbox["items"][0]["urgency"].as_str().map(|u| u != "overdue"), Some(true));
}

#[tokio::test]
async fn a_second_submission_in_the_same_week_adds_to_the_first() {
    let app = spawn_app().await;
    let chief = app.user("chief04").await;
    let first = app.finding(&chief, "jiaozhou-road", "shop_sign", "门头牌匾松动").await;
    let one: Value =
        app.send(&chief, new_uuid(), &submit(&app, "jiaozhou-road", vec![first.clone()])).await.json().await.unwrap();
    let second = app.finding(&chief, "jiaozhou-road", "street_occupation", "冰柜摆在人行道").await;
    // The second submission still says "problem" for the shop sign found earlier.
    let mut op = submit(&app, "jiaozhou-road", vec![second]);
    if let app::api::operations::Operation::SubmitInspection { results, .. } = &mut op {
        results.insert("shop_sign".into(), app::domain::inspection::CheckResult::Ok);
    }
    let two: Value = app.send(&chief, new_uuid(), &op).await.json().await.unwrap();
    assert_eq!(one["inspection_id"], two["inspection_id"]);
    let page = app.read_ok(&chief, "inspection", &[("road_id", "jiaozhou-road")]).await;
    assert_eq!(page["findings"].as_array().unwrap().len(), 2);
    let results: Vec<(String, String)> = serde_json::from_value(page["results"].clone()).unwrap();
    assert!(results.contains(&("shop_sign".into(), "problem".into())), "a category with a finding stays a problem");
    let (inspections,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM inspections").fetch_one(app.db()).await.unwrap();
    assert_eq!(inspections, 1);
}

#[tokio::test]
async fn an_urgent_finding_is_due_the_same_working_day_and_the_history_says_why() {
    use app::api::operations::{Operation, OperationRequest};
    use app::domain::deadline::{urgent_deadline, DeadlineRule, WorkingDays};
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let mut urgent = app.finding(&chief, "market-road-2", "road_damage", "井盖缺失，有人跌倒危险").await;
    urgent.urgent = true;
    let normal = app.finding(&chief, "market-road-2", "road_damage", "路面裂缝").await;
    let ops: Vec<OperationRequest> = [urgent.clone(), normal.clone()]
        .into_iter()
        .map(|finding| OperationRequest {
            id: new_uuid(),
            op: Operation::RecordFinding { road_id: "market-road-2".into(), week: app.week(), finding },
            sent_at: None,
        })
        .collect();
    let answer = app.sync_ok(&chief, &serde_json::json!({ "ops": ops })).await;
    let deadline = |i: usize| answer["results"][i]["outcome"]["finding"]["deadline"].as_i64().unwrap();
    let calendar = &calendar();
    let expected = urgent_deadline(app.now(), calendar);
    assert_eq!(deadline(0), expected.millis(), "the end of today (a working day) or of the next one");
    assert!(deadline(1) > deadline(0), "five working days are later than the same day");

    let detail = app.read_ok(&chief, "finding", &[("id", &urgent.id.to_string())]).await;
    assert_eq!(detail["summary"]["urgent"], true);
    let rule: DeadlineRule = serde_json::from_value(detail["history"][0]["deadline_rule"].clone()).unwrap();
    assert_eq!(rule, DeadlineRule::Urgent);
    let detail = app.read_ok(&chief, "finding", &[("id", &normal.id.to_string())]).await;
    let rule: DeadlineRule = serde_json::from_value(detail["history"][0]["deadline_rule"].clone()).unwrap();
    assert_eq!(rule, DeadlineRule::WorkingDays(WorkingDays::try_from(5).unwrap()));
}

#[tokio::test]
async fn a_return_is_judged_upheld_or_overruled_and_an_overruled_one_buys_no_time() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let rubbish = app.finding(&chief, "market-road-1", "sanitation", "垃圾堆放在人行道上").await;
    let id = rubbish.id.to_string();
    let response = app.send(&chief, new_uuid(), &submit(&app, "market-road-1", vec![rubbish])).await;
    let outcome: Value = response.json().await.unwrap();
    let routed_deadline = outcome["findings"][0]["deadline"].as_i64().unwrap();

    let urban = app.user("head_urban").await;
    let coordinator = app.user("coordinator").await;
    let (status, code, _) =
        error_code(app.send(&urban, new_uuid(), &move_op(&id, "return", Some("  "), None)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "note_empty"), "a return needs a reason");
    let response = app.send(&urban, new_uuid(), &move_op(&id, "return", Some("不归我们管"), None)).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Only the coordinator judges, and overruling needs a reason too.
    let detail = app.read_ok(&coordinator, "finding", &[("id", &id)]).await;
    assert_eq!(detail["moves"], serde_json::json!(["reroute", "send_back"]));
    let (status, _, _) =
        error_code(app.send(&urban, new_uuid(), &move_op(&id, "send_back", Some("就是你们的"), None)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, code, _) =
        error_code(app.send(&coordinator, new_uuid(), &move_op(&id, "send_back", None, None)).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "note_empty"));

    // After the deadline the coordinator overrules it: back to urban management with the
    // deadline set at routing, so the days spent returned count against the section.
    app.state.clock.advance(routed_deadline - app.now().millis() + 3_600_000);
    let response =
        app.send(&coordinator, new_uuid(), &move_op(&id, "send_back", Some("人行道保洁属城管科"), None)).await;
    let moved: Value = response.json().await.unwrap();
    assert_eq!(moved["status"], "routed", "{moved}");
    assert_eq!(moved["section_id"], "urban-management");
    assert_eq!(moved["deadline"].as_i64().unwrap(), routed_deadline, "the deadline is not reset");
    let inbox = app.read_ok(&urban, "inbox", &[("filter", "overdue")]).await;
    assert!(find_in(&inbox["items"], &id).await.is_some(), "already late: {inbox}");

    // Returned again; this time the coordinator agrees and re-routes it with a new deadline.
    let response = app.send(&urban, new_uuid(), &move_op(&id, "return", Some("占道经营归执法中队"), None)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.send(&coordinator, new_uuid(), &move_op(&id, "reroute", None, Some("law-enforcement"))).await;
    let moved: Value = response.json().await.unwrap();
    assert_eq!(moved["deadline"].as_i64().unwrap(), deadline_of(app.now().millis(), 2));

    let detail = app.read_ok(&coordinator, "finding", &[("id", &id)]).await;
    let steps: Vec<(&str, Value)> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["to"].as_str().unwrap(), h["ruling"].clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("routed", Value::Null),
            ("returned", Value::Null),
            ("routed", "overruled".into()),
            ("returned", Value::Null),
            ("routed", "upheld".into()),
        ]
    );
    assert_eq!(detail["history"][2]["note"], "人行道保洁属城管科");
    assert_eq!(detail["history"][2]["deadline"], Value::Null, "an overruled return sets no deadline");
}
