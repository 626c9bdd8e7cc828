//! Open311 GeoReport v2: services, a platform's report (with its key) going to the road's chief
//! and followed to the close-out, findings listed by state and date, in JSON and in XML.

use crate::helpers::*;
use app::domain::open311::PlatformName;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const ROAD: &str = "market-road-1";
const JURISDICTION: &str = "jimo-road-subdistrict";

async fn key(app: &TestApp, name: &str) -> String {
    let name = PlatformName::parse(name).unwrap();
    app::backend::open311::create_key(&app.state.pool, &name, app.now()).await.unwrap().unwrap()
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let client = app.anonymous();
    let response =
        client.get(app.url(&format!("/open311/v2/{path}"))).header("accept-language", "en").send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let (status, body) = get(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn post(client: &Client, app: &TestApp, format: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = client
        .post(app.url(&format!("/open311/v2/requests.{format}")))
        .header("accept-language", "en")
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn report_count(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM resident_reports").fetch_one(app.db()).await.unwrap();
    n
}

#[tokio::test]
async fn the_services_are_the_categories_in_json_and_xml() {
    let app = spawn_app().await;
    let services = get_json(&app, "services.json").await;
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), 10);
    let sanitation = services.iter().find(|s| s["service_code"] == "sanitation").unwrap();
    assert_eq!(sanitation["metadata"], false);
    assert_eq!(sanitation["type"], "realtime");
    assert!(sanitation["description"].as_str().unwrap().contains("road's chief first"));

    let (status, xml) = get(&app, &format!("services.xml?jurisdiction_id={JURISDICTION}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.starts_with("<?xml") && xml.contains("<services><service><service_code>"), "{xml}");
    assert!(xml.contains("<service_code>sanitation</service_code>"));
    let zh = app.anonymous().get(app.url("/open311/v2/services.json?locale=zh-CN")).send().await.unwrap();
    assert!(zh.text().await.unwrap().contains("环境卫生"), "names in the asked language");

    let definition = get_json(&app, "services/sanitation.json").await;
    assert_eq!(definition, json!({"service_code": "sanitation", "attributes": []}));
    let (status, xml) = get(&app, "services/sanitation.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("<service_definition><service_code>sanitation</service_code><attributes></attributes>"));

    let (status, body) = get(&app, "services/no-such.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let errors: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(errors[0]["code"], 404);
    let (status, xml) = get(&app, "services.xml?jurisdiction_id=elsewhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(xml.contains("<errors><error><code>404</code><description>This server does not serve"), "{xml}");
    let (status, _) = get(&app, "services.html").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_platforms_report_goes_to_the_chief_and_is_followed_to_the_close_out() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let (lon, lat) = app.point_on(&chief, ROAD, 0.3).await;
    let (lon, lat) = (lon.to_string(), lat.to_string());
    let platform = app.anonymous();
    let report = |key: &str| -> Vec<(&'static str, String)> {
        vec![
            ("api_key", key.to_owned()),
            ("jurisdiction_id", JURISDICTION.to_owned()),
            ("service_code", "sanitation".to_owned()),
            ("lat", lat.clone()),
            ("long", lon.clone()),
            ("description", "Overflowing bins at the corner".to_owned()),
            ("first_name", "Li".to_owned()),
            ("phone", "138 0000 2222".to_owned()),
        ]
    };
    let as_pairs = |fields: &[(&'static str, String)]| fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();

    // Without a key, or with a wrong one: refused, nothing kept.
    let mut keyless = report("");
    keyless.remove(0);
    let fields: Vec<(&str, String)> = as_pairs(&keyless);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = post(&platform, &app, "json", &refs).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("needs an api_key"));
    let wrong = report("not-a-key");
    let refs: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&platform, &app, "json", &refs).await.0, StatusCode::FORBIDDEN);
    assert_eq!(report_count(&app).await, 0);

    // With the key, from another site's page too: taken, waiting for the chief.
    let key = key(&app, "city-311").await;
    let fields = report(&key);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = platform
        .post(app.url("/open311/v2/requests.json"))
        .header("origin", "https://platform.example")
        .header("accept-language", "en")
        .form(&refs)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let id = receipt[0]["service_request_id"].as_str().unwrap().to_owned();
    let token = receipt[0]["token"].as_str().unwrap().to_owned();
    assert!(receipt[0]["service_notice"].as_str().unwrap().contains("Market Road 1"), "{receipt}");
    let (via,): (Option<String>,) =
        sqlx::query_as("SELECT via FROM resident_reports WHERE id = $1").bind(&id).fetch_one(app.db()).await.unwrap();
    assert_eq!(via.as_deref(), Some("city-311"));

    let waiting = chief.get(app.url("/api/v1/reports")).send().await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(waiting[0]["id"], id.as_str());
    assert_eq!(waiting[0]["contact"], "Li · 138 0000 2222");
    assert_eq!(waiting[0]["note"], "Overflowing bins at the corner");

    let request = get_json(&app, &format!("requests/{id}.json")).await;
    assert_eq!(request[0]["status"], "open");
    assert_eq!(request[0]["status_notes"], "Waiting for the road chief");
    assert_eq!(request[0]["service_code"], "sanitation");
    assert!(request[0]["description"].is_null());
    let text = request.to_string();
    assert!(!text.contains("138 0000 2222") && !text.contains("Overflowing"), "nothing private: {text}");
    let (status, xml) = get(&app, &format!("tokens/{token}.xml")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains(&format!("<service_request_id>{id}</service_request_id>")), "{xml}");
    assert_eq!(get(&app, "tokens/no-such-token.json").await.0, StatusCode::NOT_FOUND);

    // The chief confirms: a finding routed to its section, with a deadline.
    let confirmed =
        chief.post(app.url(&format!("/api/v1/reports/{id}/confirm"))).json(&json!({})).send().await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    let finding = confirmed.json::<Value>().await.unwrap()["finding_id"].as_str().unwrap().to_owned();
    let (status, xml) = get(&app, &format!("requests/{id}.xml")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("<status>open</status>") && xml.contains("passed to Urban"), "{xml}");
    assert!(xml.contains("<agency_responsible>Urban"), "{xml}");
    assert!(!xml.contains("<expected_datetime></expected_datetime>"), "a deadline: {xml}");
    let open = get_json(&app, "requests.json?status=open").await;
    assert!(open.as_array().unwrap().iter().any(|r| r["service_request_id"] == finding.as_str()), "{open}");
    let both = get_json(&app, &format!("requests.json?service_request_id={id},{finding}")).await;
    assert_eq!(both.as_array().unwrap().len(), 2);

    let head = app.user("head_urban").await;
    for action in ["accept", "resolve"] {
        let note = (action == "resolve").then_some("Cleared");
        assert_eq!(app.send(&head, new_uuid(), &move_op(&finding, action, note, None)).await.status(), StatusCode::OK);
    }
    let closed = app.send(&chief, new_uuid(), &move_op(&finding, "close_out", Some("Checked"), None)).await;
    assert_eq!(closed.status(), StatusCode::OK);
    let request = get_json(&app, &format!("requests/{id}.json")).await;
    assert_eq!(request[0]["status"], "closed", "{request}");
    assert!(request[0]["expected_datetime"].is_null());
    let closed =
        get_json(&app, &format!("requests.json?status=closed&service_code=sanitation&jurisdiction_id={JURISDICTION}"))
            .await;
    assert!(closed.as_array().unwrap().iter().any(|r| r["service_request_id"] == finding.as_str()));
    let open = get_json(&app, "requests.json?status=open").await;
    assert!(!open.as_array().unwrap().iter().any(|r| r["service_request_id"] == finding.as_str()));
    let other = get_json(&app, "requests.json?service_code=shop_sign").await;
    assert!(!other.as_array().unwrap().iter().any(|r| r["service_request_id"] == finding.as_str()));

    // A revoked key stops at once.
    let name = PlatformName::parse("city-311").unwrap();
    assert!(app::backend::open311::revoke_key(&app.state.pool, &name, app.now()).await.unwrap());
    let (status, body) = post(&platform, &app, "xml", &refs).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("<errors><error><code>403</code>"), "{body}");
    assert_eq!(report_count(&app).await, 1);
}

#[tokio::test]
async fn a_report_is_placed_by_its_road_name_or_refused_without_a_place_and_replies_are_escaped() {
    let app = spawn_app().await;
    let key = key(&app, "city-311").await;
    let platform = app.anonymous();
    let base = [("api_key", key.as_str()), ("service_code", "sanitation"), ("description", "Bags left out")];

    let mut by_name = base.to_vec();
    by_name.push(("address_string", "市场一路 12号"));
    let (status, body) = post(&platform, &app, "json", &by_name).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()[0]["service_request_id"].as_str().unwrap().to_owned();
    let request = get_json(&app, &format!("requests/{id}.json")).await;
    assert_eq!(request[0]["address"], "Market Road 1");
    assert!(request[0]["lat"].is_null());

    for (place, why) in [
        (vec![("address_string", "Somewhere Else Street")], "no road named"),
        (vec![("lat", "39.9"), ("long", "116.4")], "far from every road"),
        (vec![("lat", "north"), ("long", "116.4")], "unreadable"),
        (vec![], "no place at all"),
    ] {
        let mut fields = base.to_vec();
        fields.extend(place);
        let (status, body) = post(&platform, &app, "json", &fields).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}: {body}");
    }
    let mut unknown = by_name.clone();
    unknown[1] = ("service_code", "no-such");
    assert_eq!(post(&platform, &app, "json", &unknown).await.0, StatusCode::NOT_FOUND);
    let mut empty = by_name.clone();
    empty[2] = ("description", "  ");
    let (status, body) = post(&platform, &app, "json", &empty).await;
    assert_eq!((status, body.contains("Say what is wrong")), (StatusCode::BAD_REQUEST, true), "{body}");
    assert_eq!(get_json(&app, "requests.json").await.as_array().unwrap().len(), 0, "only findings are listed");

    // The chief's public reply, hostile as it may be, is text in both formats.
    let chief = app.user("chief01").await;
    let reply = json!({"reply": "<b>Done</b> & dusted \u{1}"});
    let answered = chief.post(app.url(&format!("/api/v1/reports/{id}/answer"))).json(&reply).send().await.unwrap();
    assert_eq!(answered.status(), StatusCode::NO_CONTENT);
    let (status, xml) = get(&app, &format!("requests/{id}.xml")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.contains("<status>closed</status>"), "{xml}");
    assert!(xml.contains("&lt;b&gt;Done&lt;/b&gt; &amp; dusted"), "{xml}");
    assert!(!xml.contains('\u{1}'));

    // Listings: bad states and dates are told, not guessed.
    for (query, name) in [
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "90 days"),
        ("start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "90 days"),
    ] {
        let (status, body) = get(&app, &format!("requests.json?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(body.contains(name), "{query}: {body}");
    }
    assert_eq!(get(&app, "requests/not-an-id.json").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &format!("requests/{}.json", new_uuid())).await.0, StatusCode::NOT_FOUND);
}
