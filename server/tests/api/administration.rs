//! The coordinator's administration screens' API: people, communities, sections, categories and
//! roads change on request, every change is recorded (who, when, old → new), and bad input is
//! refused with nothing written.

use crate::helpers::*;
use app::api::operations::{NewFinding, Operation, OperationRequest};
use app::api::street::NewVisit;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const LINE: &str = r#"{"type": "Feature", "properties": {"name": "新路"}, "geometry": {"type": "LineString",
    "coordinates": [[120.3190, 36.0700, 8.0], [120.3200, 36.0702], [120.3210, 36.0705]]}}"#;

async fn put(app: &TestApp, client: &Client, path: &str, body: Value) -> (StatusCode, String, String) {
    let response = client.put(app.url(&format!("/api/v1{path}"))).json(&body).send().await.unwrap();
    if response.status().is_success() {
        return (response.status(), String::new(), String::new());
    }
    error_code(response).await
}

async fn post(app: &TestApp, client: &Client, path: &str, body: Value) -> (StatusCode, String, String) {
    let response = client.post(app.url(&format!("/api/v1{path}"))).json(&body).send().await.unwrap();
    if response.status().is_success() {
        return (response.status(), String::new(), String::new());
    }
    error_code(response).await
}

fn refused(answer: (StatusCode, String, String)) -> (StatusCode, String) {
    (answer.0, answer.1)
}

/// Every row the administration can write, to show that a refusal wrote none.
async fn directory_rows(app: &TestApp) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT username || '|' || display_name || '|' || role || '|' || COALESCE(phone, '') || '|' || \
         COALESCE(email, '') || '|' || COALESCE(password_hash, '') || '|' || \
         CAST(COALESCE(disabled_at, 0) AS TEXT) FROM users ORDER BY username",
        "SELECT id || '|' || name_zh || '|' || name_en FROM communities ORDER BY id",
        "SELECT id || '|' || name_zh || '|' || name_en || '|' || COALESCE(head_user_id, '') FROM sections ORDER BY id",
        "SELECT code || '|' || name_zh || '|' || section_id || '|' || CAST(deadline_days AS TEXT) FROM categories ORDER BY code",
        "SELECT id || '|' || name_zh || '|' || community_id || '|' || chief_user_id || '|' || geometry FROM roads ORDER BY id",
        "SELECT road_id || '|' || chief_user_id || '|' || CAST(COALESCE(until_at, 0) AS TEXT) FROM road_chiefs ORDER BY road_id, from_at",
        "SELECT CAST(COUNT(*) AS TEXT) FROM admin_changes",
        "SELECT CAST(COUNT(*) AS TEXT) FROM rule_changes",
        "SELECT CAST(COUNT(*) AS TEXT) FROM sessions",
    ] {
        let found: Vec<(String,)> = sqlx::query_as(sql).fetch_all(app.db()).await.unwrap();
        rows.extend(found.into_iter().map(|(r,)| r));
    }
    rows
}

async fn directory(app: &TestApp, client: &Client) -> Value {
    app.read_ok(client, "directory", &[]).await
}

fn changes_of<'a>(directory: &'a Value, subject: &str, id: &str) -> Vec<&'a Value> {
    directory["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["subject"] == subject && c["subject_id"] == id)
        .collect()
}

#[tokio::test]
async fn people_and_roads_change_on_screen_and_every_change_is_recorded() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let chief = app.user("chief01").await;
    let (bad, conflict) = (StatusCode::BAD_REQUEST, StatusCode::CONFLICT);

    // Only the coordinator administers.
    let new_chief = json!({"username": "chief99", "display_name": "赵新", "role": "road_chief",
        "password": "first-password", "phone": "0532-1234 5678"});
    assert_eq!(refused(post(&app, &chief, "/users", new_chief.clone()).await).0, StatusCode::FORBIDDEN);
    assert_eq!(app.read(&chief, "directory", &[]).await.status(), StatusCode::FORBIDDEN);

    // Refusals first: nothing is written.
    let before = directory_rows(&app).await;
    let mut bad_user = new_chief.clone();
    bad_user["username"] = "Zhao Xin".into();
    assert_eq!(refused(post(&app, &coordinator, "/users", bad_user).await), (bad, "invalid_username".into()));
    let mut bad_user = new_chief.clone();
    bad_user["password"] = "short".into();
    assert_eq!(refused(post(&app, &coordinator, "/users", bad_user).await), (bad, "weak_password".into()));
    let mut bad_user = new_chief.clone();
    bad_user["display_name"] = " \n ".into();
    assert_eq!(refused(post(&app, &coordinator, "/users", bad_user).await), (bad, "name_missing".into()));
    let mut bad_user = new_chief.clone();
    bad_user["phone"] = "call me".into();
    assert_eq!(refused(post(&app, &coordinator, "/users", bad_user).await), (bad, "invalid_phone".into()));
    let mut taken = new_chief.clone();
    taken["username"] = "chief02".into();
    assert_eq!(refused(post(&app, &coordinator, "/users", taken).await), (conflict, "username_taken".into()));

    let road = |chief: &str, community: &str, geometry: Option<&str>| {
        json!({"name_zh": "新建路", "name_en": "New Road", "community_id": community, "chief": chief,
            "geometry": geometry})
    };
    let point = r#"{"type": "Point", "coordinates": [120.32, 36.07]}"#;
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief02", "dabaodao", Some(point))).await;
    assert_eq!((answer.0, answer.1.as_str()), (bad, "invalid_road_line"));
    assert!(answer.2.contains("LineString"), "the message names the problem: {}", answer.2);
    let swapped = r#"{"type": "LineString", "coordinates": [[36.07, 120.32], [36.08, 120.33]]}"#;
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief02", "dabaodao", Some(swapped))).await;
    assert_eq!(answer.1, "invalid_road_line");
    assert!(answer.2.contains("经度") || answer.2.contains("longitude"), "{}", answer.2);
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief02", "dabaodao", Some("{broken"))).await;
    assert_eq!(answer.1, "invalid_road_line");
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief02", "dabaodao", None)).await;
    assert_eq!(answer.1, "invalid_road_line", "a new road needs its line");
    let answer = put(&app, &coordinator, "/roads/new-road", road("head_urban", "dabaodao", Some(LINE))).await;
    assert_eq!(refused(answer), (bad, "not_a_road_chief".into()), "a section head is not a road's chief");
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief02", "atlantis", Some(LINE))).await;
    assert_eq!(refused(answer), (bad, "unknown_community".into()));
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief02", "dabao\u{0}dao", Some(LINE))).await;
    assert_eq!(refused(answer), (bad, "unknown_community".into()), "a hostile id reaches no query");
    let answer = put(&app, &coordinator, "/roads/New Road", road("chief02", "dabaodao", Some(LINE))).await;
    assert_eq!(refused(answer), (bad, "invalid_code".into()));
    let head = json!({"name_zh": "工程科", "name_en": "Engineering", "head": "chief01"});
    let answer = put(&app, &coordinator, "/sections/engineering", head).await;
    assert_eq!(refused(answer), (bad, "not_a_section_head".into()), "a road chief heads no section");
    let answer = put(&app, &coordinator, "/users/chief01/disabled", json!({"disabled": true})).await;
    assert_eq!(refused(answer), (conflict, "still_chief".into()), "a chief with roads is not disabled");
    let demote = json!({"display_name": "王建国", "role": "section_head"});
    assert_eq!(refused(put(&app, &coordinator, "/users/chief01", demote).await), (conflict, "still_chief".into()));
    let answer = put(&app, &coordinator, "/users/coordinator/disabled", json!({"disabled": true})).await;
    assert_eq!(refused(answer), (conflict, "own_account".into()));
    let answer = put(&app, &coordinator, "/users/coordinator/password", json!({"password": "another-secret"})).await;
    assert_eq!(refused(answer), (conflict, "own_account".into()));
    let answer = put(&app, &coordinator, "/users/nobody/disabled", json!({"disabled": true})).await;
    assert_eq!(answer.0, StatusCode::NOT_FOUND);
    let category = json!({"name_zh": "乱涂乱画", "name_en": "Graffiti", "section_id": "nowhere", "days": 3});
    assert_eq!(
        refused(put(&app, &coordinator, "/categories/graffiti", category).await),
        (bad, "unknown_section".into())
    );
    let category = json!({"name_zh": "乱涂乱画", "name_en": "", "section_id": "urban-management", "days": 3});
    assert_eq!(refused(put(&app, &coordinator, "/categories/graffiti", category).await), (bad, "name_missing".into()));
    assert_eq!(directory_rows(&app).await, before, "refusals wrote nothing");

    // A new road chief, who signs in with the first password.
    assert_eq!(post(&app, &coordinator, "/users", new_chief).await.0, StatusCode::CREATED);
    let newcomer = app.anonymous();
    assert_eq!(app.sign_in_raw(&newcomer, "chief99", "first-password").await.status(), StatusCode::OK);

    // A community, then a road in it with chief99 as its chief, drawn from a GeoJSON Feature.
    let community = json!({"name_zh": "新社区", "name_en": "New Community"});
    assert_eq!(put(&app, &coordinator, "/communities/new-community", community).await.0, StatusCode::NO_CONTENT);
    let answer = put(&app, &coordinator, "/roads/new-road", road("chief99", "new-community", Some(LINE))).await;
    assert_eq!(answer.0, StatusCode::NO_CONTENT, "{answer:?}");
    let home = app.read_ok(&newcomer, "chief_home", &[]).await;
    assert!(home.to_string().contains("新建路"), "the new chief sees the road: {home}");

    // A new section head takes Engineering over; the old head, now without a post, is disabled
    // and their session ends.
    let old_head = app.user("head_engineering").await;
    let new_head = json!({"username": "head99", "display_name": "钱工", "role": "section_head",
        "password": "first-password"});
    assert_eq!(post(&app, &coordinator, "/users", new_head).await.0, StatusCode::CREATED);
    let answer = put(&app, &coordinator, "/users/head_engineering/disabled", json!({"disabled": true})).await;
    assert_eq!(refused(answer), (conflict, "still_head".into()));
    let section = json!({"name_zh": "工程科", "name_en": "Engineering Office", "head": "head99"});
    assert_eq!(put(&app, &coordinator, "/sections/engineering", section).await.0, StatusCode::NO_CONTENT);
    let answer = put(&app, &coordinator, "/users/head_engineering/disabled", json!({"disabled": true})).await;
    assert_eq!(answer.0, StatusCode::NO_CONTENT);
    assert_eq!(
        app.read(&old_head, "inbox", &[("filter", "open")]).await.status(),
        StatusCode::UNAUTHORIZED,
        "their session ended"
    );
    let response = app.sign_in_raw(&app.anonymous(), "head_engineering", PASSWORD).await;
    let (status, code, _) = error_code(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "account_disabled"), "a disabled user cannot sign in");

    // A password reset ends the person's sessions; the new password works.
    let answer = put(&app, &coordinator, "/users/chief99/password", json!({"password": "second-password"})).await;
    assert_eq!(answer.0, StatusCode::NO_CONTENT);
    assert_eq!(app.read(&newcomer, "chief_home", &[]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.sign_in_raw(&app.anonymous(), "chief99", "second-password").await.status(), StatusCode::OK);

    // A new category, then its deadline changed: recorded here and with the rules.
    let category = json!({"name_zh": "乱涂乱画", "name_en": "Graffiti", "section_id": "urban-management", "days": 3});
    assert_eq!(put(&app, &coordinator, "/categories/graffiti", category).await.0, StatusCode::NO_CONTENT);
    let category = json!({"name_zh": "乱涂乱画", "name_en": "Graffiti", "section_id": "urban-management", "days": 4});
    assert_eq!(put(&app, &coordinator, "/categories/graffiti", category).await.0, StatusCode::NO_CONTENT);
    let rules = app.read_ok(&coordinator, "rules", &[]).await;
    let changed = rules["changes"].as_array().unwrap();
    assert!(changed.iter().any(|c| c["old_days"] == 3 && c["new_days"] == 4), "{changed:?}");
    let chief_categories = app.read_ok(&chief, "inspection", &[("road_id", "market-road-1")]).await;
    assert!(chief_categories.to_string().contains("乱涂乱画"), "chiefs check the new category");

    // The record: who, when, old → new, field by field; only what changed.
    let listed = directory(&app, &coordinator).await;
    let road_changes = changes_of(&listed, "road", "new-road");
    let chief_change = road_changes.iter().find(|c| c["field"] == "chief").expect("the chief is recorded");
    assert_eq!((chief_change["old"].clone(), chief_change["new"].clone()), (Value::Null, json!("chief99")));
    assert_eq!(chief_change["actor"], "梁志刚");
    assert!(road_changes.iter().any(|c| c["field"] == "line" && c["new"].as_str().unwrap().starts_with("3;")));
    let section_changes = changes_of(&listed, "section", "engineering");
    assert_eq!(section_changes.len(), 2, "name_en and head, not the unchanged name_zh: {section_changes:?}");
    let head_change = section_changes.iter().find(|c| c["field"] == "head").unwrap();
    assert_eq!((head_change["old"].as_str(), head_change["new"].as_str()), (Some("head_engineering"), Some("head99")));
    let account = changes_of(&listed, "user", "head_engineering");
    assert_eq!(account.len(), 1);
    assert_eq!((account[0]["old"].as_str(), account[0]["new"].as_str()), (Some("enabled"), Some("disabled")));
    let reset = changes_of(&listed, "user", "chief99");
    assert!(reset.iter().any(|c| c["field"] == "password" && c["new"] == "reset"));
    assert!(!listed.to_string().contains("second-password"), "a password is never written down");
    let days = changes_of(&listed, "category", "graffiti");
    assert!(days.iter().any(|c| c["field"] == "days" && c["old"] == "3" && c["new"] == "4"));
    let new_road = listed["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == "new-road").unwrap();
    assert_eq!(new_road["chiefs"].as_array().unwrap().len(), 1);
    assert_eq!(new_road["coordinates"][0], json!([120.319, 36.07]), "the altitude is dropped");
    let user = listed["users"].as_array().unwrap().iter().find(|u| u["username"] == "head_engineering").unwrap();
    assert_eq!(user["disabled"], true);
}

fn record(app: &TestApp, road: &str, finding: NewFinding) -> Operation {
    Operation::RecordFinding { road_id: road.into(), week: app.week(), finding }
}

fn batch(ops: &[(uuid::Uuid, Operation)]) -> Vec<OperationRequest> {
    ops.iter().map(|(id, op)| OperationRequest { id: *id, op: op.clone(), sent_at: None }).collect()
}

fn home_roads(answer: &Value) -> Vec<String> {
    answer["screens"]["home"]["roads"]
        .as_array()
        .map(|roads| roads.iter().map(|r| r["road"]["id"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

async fn flagged(app: &TestApp, finding: &NewFinding) -> (String, i64) {
    sqlx::query_as(
        "SELECT u.username, CAST(f.after_hand_over AS BIGINT) FROM findings f \
         JOIN users u ON u.id = f.reported_by_user_id WHERE f.id = $1",
    )
    .bind(finding.id.to_string())
    .fetch_one(app.db())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_road_given_to_another_chief_keeps_its_history_and_takes_the_old_chiefs_queued_records_once() {
    let app = spawn_app().await;
    let coordinator = app.user("coordinator").await;
    let old = app.user("chief01").await;
    let new = app.user("chief02").await;

    // chief01 has an open finding on Market Road 1, and one more recorded with no signal.
    let synced = app.finding(&old, "market-road-1", "sanitation", "垃圾桶满溢").await;
    let first = app
        .sync_ok(&old, &json!({ "ops": batch(&[(new_uuid(), record(&app, "market-road-1", synced.clone()))]) }))
        .await;
    assert!(first["results"][0]["outcome"].is_object(), "{first}");
    let queued = app.finding(&old, "market-road-1", "street_occupation", "占道经营，未联网时记录").await;
    let queued_op = (new_uuid(), record(&app, "market-road-1", queued.clone()));
    let visit = NewVisit {
        id: new_uuid(),
        shop_id: None,
        asked: "商户反映夜间噪音".into(),
        promised: None,
        follow_up: None,
        visited_at: app.now(),
    };
    let visit_op = (new_uuid(), Operation::RecordVisit { road_id: "market-road-1".into(), visit: visit.clone() });
    let theirs = app.sync_ok(&new, &json!({})).await;
    assert!(!home_roads(&theirs).contains(&"market-road-1".to_owned()));

    // The coordinator hands Market Road 1 to chief02 (交流轮岗).
    app.state.clock.advance(60_000);
    let road =
        json!({"name_zh": "市场一路", "name_en": "Market Road 1", "community_id": "dabaodao", "chief": "chief02"});
    let listed = directory(&app, &coordinator).await;
    let before =
        listed["roads"].as_array().unwrap().iter().find(|r| r["road"]["id"] == "market-road-1").unwrap().clone();
    let road = json!({"name_zh": before["road"]["name_zh"], "name_en": before["road"]["name_en"],
        "community_id": before["community_id"], "chief": road["chief"]});
    assert_eq!(put(&app, &coordinator, "/roads/market-road-1", road).await.0, StatusCode::NO_CONTENT);

    // The new chief's next sync brings the road, its open finding and its shops.
    let after = app.sync_ok(&new, &json!({ "cursor": theirs["cursor"] })).await;
    assert!(home_roads(&after).contains(&"market-road-1".to_owned()), "{}", after["screens"]["home"]);
    let findings = after["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["id"] == synced.id.to_string()), "the open finding comes with the road");
    let street =
        after["streets"].as_array().unwrap().iter().find(|s| s["road"]["road"]["id"] == "market-road-1").unwrap();
    assert!(street["shops"].as_array().unwrap().len() >= 80);

    // The old chief's queued record is taken, once, flagged, and still theirs; their phone no
    // longer has the road.
    let ops = [queued_op.clone(), visit_op];
    let late = app.sync_ok(&old, &json!({ "ops": batch(&ops), "cursor": first["cursor"] })).await;
    assert_eq!(late["results"][0]["result"], "applied", "{late}");
    assert_eq!(late["results"][1]["result"], "applied", "{late}");
    assert_eq!(home_roads(&late), vec!["market-road-2".to_owned()]);
    assert!(late["findings"].as_array().unwrap().iter().all(|f| f["road"]["id"] != "market-road-1"));
    assert_eq!(flagged(&app, &queued).await, ("chief01".to_owned(), 1));
    assert_eq!(flagged(&app, &synced).await, ("chief01".to_owned(), 0));
    let again = app.sync_ok(&old, &json!({ "ops": batch(std::slice::from_ref(&queued_op)) })).await;
    assert_eq!(again["results"][0]["replayed"], true, "{again}");
    let (copies,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM findings WHERE id = $1")
        .bind(queued.id.to_string())
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(copies, 1);
    // What they record after the hand-over is not theirs to record.
    let footprint = app.footprint().await;
    let mut after_term = queued.clone();
    after_term.id = new_uuid();
    after_term.observed_at = app.now();
    let refused =
        app.sync_ok(&old, &json!({ "ops": batch(&[(new_uuid(), record(&app, "market-road-1", after_term))]) })).await;
    assert_eq!(refused["results"][0]["status"], 403, "{refused}");
    assert_eq!(app.footprint().await, footprint);

    // The new chief sees the flag; the inspection stays chief01's; the road lists its chiefs.
    let detail = app.read_ok(&new, "finding", &[("id", &queued.id.to_string())]).await;
    assert_eq!(detail["after_hand_over"], true);
    assert_eq!(detail["reported_by"], "王建国");
    let (inspector,): (String,) = sqlx::query_as(
        "SELECT u.username FROM inspections i JOIN users u ON u.id = i.chief_user_id WHERE i.road_id = 'market-road-1'",
    )
    .fetch_one(app.db())
    .await
    .unwrap();
    assert_eq!(inspector, "chief01");
    let page = app.read_ok(&new, "street", &[("road_id", "market-road-1")]).await;
    let entry = page["log"].as_array().unwrap().iter().find(|v| v["id"] == visit.id.to_string()).unwrap().clone();
    assert_eq!((entry["recorded_by"].as_str(), entry["after_hand_over"].as_bool()), (Some("王建国"), Some(true)));
    let chiefs = page["chiefs"].as_array().unwrap();
    assert_eq!(chiefs.len(), 2, "{chiefs:?}");
    assert_eq!((chiefs[0]["chief_name"].as_str(), chiefs[0]["until"].is_null()), (Some("李秀英"), true));
    assert_eq!(chiefs[1]["chief_name"], "王建国");
}
