//! The chief's street: the shop register (imported, edited on the phone), visits recorded
//! offline through the sync API exactly once, a request turned into a linked finding, the
//! follow-ups that come due, the searchable and exportable work log, and who may see any of it.

use crate::helpers::*;
use app::api::operations::{Operation, OperationRequest};
use app::api::street::NewVisit;
use app::domain::street::ShopFields;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

const ROAD: &str = "market-road-1";

fn fields(name: &str, number: &str) -> ShopFields {
    ShopFields {
        name: name.into(),
        house_number: number.into(),
        business_type: "餐饮".into(),
        owner: Some("刘女士".into()),
        contact: Some("13800000000".into()),
        pledge_signed: false,
        open: true,
    }
}

fn save_shop(road: &str, id: &str, shop: ShopFields) -> Operation {
    Operation::SaveShop { road_id: road.into(), shop_id: id.into(), shop }
}

fn visit(app: &TestApp, id: Uuid, shop: Option<&str>, asked: &str, follow_up: Option<String>) -> Operation {
    Operation::RecordVisit {
        road_id: ROAD.into(),
        visit: NewVisit {
            id,
            shop_id: shop.map(str::to_owned),
            asked: asked.into(),
            promised: Some("下周答复".into()),
            follow_up,
            visited_at: app.now(),
        },
    }
}

fn batch(ops: &[(Uuid, Operation)]) -> Value {
    json!({ "ops": ops.iter().map(|(id, op)| OperationRequest { id: *id, op: op.clone(), sent_at: None }).collect::<Vec<_>>() })
}

async fn street(app: &TestApp, client: &reqwest::Client) -> Value {
    app.read_ok(client, "street", &[("road_id", ROAD)]).await
}

fn shop<'a>(page: &'a Value, id: &str) -> &'a Value {
    page["shops"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no shop {id}"))
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(app.db()).await.unwrap();
    n
}

#[tokio::test]
async fn the_register_comes_with_the_import_and_its_chief_keeps_it() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let page = street(&app, &chief).await;
    let shops = page["shops"].as_array().unwrap();
    assert!(shops.len() >= 80, "Market Road 1 has its 80+ shops");
    let open = shops.iter().filter(|s| s["open"] == true).count() as u64;
    assert_eq!(page["coverage"], json!({"visited": 0, "shops": open}), "closed shops are not counted");
    // In the order of their house numbers: 1号, 2号, 3号 … 9号, 10号 (not 1, 10, 11).
    let numbers: Vec<&str> = shops.iter().map(|s| s["house_number"].as_str().unwrap()).collect();
    assert_eq!(numbers[..3], ["1号", "2号", "3号"]);
    assert_eq!(numbers.iter().position(|n| *n == "10号"), numbers.iter().position(|n| *n == "9号").map(|i| i + 1));
    assert!(shop(&page, "mr1-001")["owner"].is_string(), "the chief sees owners");

    // Added on the phone with an id made there, and an imported one changed.
    let added = new_uuid().to_string();
    let ops = [
        (new_uuid(), save_shop(ROAD, &added, fields("  新开张的饺子馆 ", "200号"))),
        (
            new_uuid(),
            save_shop(ROAD, "mr1-001", ShopFields { pledge_signed: true, ..fields("鑫朱理发店（新址）", "1号") }),
        ),
    ];
    let answer = app.sync_ok(&chief, &batch(&ops)).await;
    assert_eq!(answer["results"][0]["outcome"], json!({"kind": "shop_saved", "shop_id": added, "created": true}));
    assert_eq!(answer["results"][1]["outcome"]["created"], false);
    let page = street(&app, &chief).await;
    assert_eq!(shop(&page, &added)["name"], "新开张的饺子馆", "trimmed");
    assert_eq!(shop(&page, "mr1-001")["name"], "鑫朱理发店（新址）");
    assert_eq!(shop(&page, "mr1-001")["pledge_signed"], true);

    // Importing the file again adds no shop and keeps what the chief changed.
    let file = app::backend::import::parse(app::backend::import::DEMO_FILE).unwrap();
    let summary = app::backend::import::import(&app.state.pool, &file, app.now()).await.unwrap();
    assert_eq!(summary.shops_added, 0);
    assert_eq!(shop(&street(&app, &chief).await, "mr1-001")["name"], "鑫朱理发店（新址）");

    // Refused with the reason, and nothing changes.
    let shops_before = count(&app, "shops").await;
    let refusals = [
        (save_shop(ROAD, &new_uuid().to_string(), fields(" ", "9号")), StatusCode::BAD_REQUEST, "shop_name_missing"),
        (save_shop(ROAD, &new_uuid().to_string(), fields("店", "")), StatusCode::BAD_REQUEST, "house_number_missing"),
        (
            save_shop(ROAD, &new_uuid().to_string(), fields(&"店".repeat(61), "9号")),
            StatusCode::BAD_REQUEST,
            "text_too_long",
        ),
        (save_shop(ROAD, "Not A Code!", fields("店", "9号")), StatusCode::BAD_REQUEST, "malformed"),
        // Another road's shop is not this road's to change, nor another chief's road.
        (save_shop(ROAD, "mr2-001", fields("店", "9号")), StatusCode::BAD_REQUEST, "unknown_shop"),
        (save_shop("market-road-3", &new_uuid().to_string(), fields("店", "9号")), StatusCode::FORBIDDEN, "forbidden"),
    ];
    for (op, status, code) in refusals {
        let (got, got_code, message) = error_code(app.send(&chief, new_uuid(), &op).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{op:?}");
        assert!(!message.is_empty());
    }
    assert_eq!(count(&app, "shops").await, shops_before);
    let other_road = app.read_ok(&chief, "street", &[("road_id", "market-road-2")]).await;
    assert_ne!(shop(&other_road, "mr2-001")["name"], "店", "left as it was");

    // The register (owners' contacts in it) is for the road's chief and the coordinator.
    let coordinator = app.user("coordinator").await;
    assert_eq!(street(&app, &coordinator).await["shops"].as_array().unwrap().len(), shops.len() + 1);
    for (who, status) in [("chief02", StatusCode::FORBIDDEN), ("head_urban", StatusCode::FORBIDDEN)] {
        let client = app.user(who).await;
        assert_eq!(app.read(&client, "street", &[("road_id", ROAD)]).await.status(), status, "{who}");
        assert_eq!(app.read(&client, "shop", &[("id", "mr1-001")]).await.status(), status, "{who}");
        let json = client.get(app.url(&format!("/api/v1/roads/{ROAD}/street"))).send().await.unwrap();
        assert_eq!(json.status(), status, "{who}");
    }
    let nobody = app.anonymous();
    assert_eq!(nobody.get(app.url("/api/v1/shops/mr1-001")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn visits_recorded_offline_arrive_once_and_a_request_becomes_its_finding() {
    let app = spawn_app().await;
    let chief = app.user("chief01").await;
    let today = app.now().local_date().to_string();
    // With no signal: a new shop, a visit to it with a follow-up today, a visit to an imported
    // shop whose request becomes a finding, and a conversation with no shop.
    let new_shop = new_uuid().to_string();
    let (v1, v2, v3, finding_id) = (new_uuid(), new_uuid(), new_uuid(), new_uuid());
    let mut finding = app.finding(&chief, ROAD, "street_occupation", "门前摆放桌椅占道").await;
    finding.id = finding_id;
    finding.visit_id = Some(v2);
    let ops = [
        (new_uuid(), save_shop(ROAD, &new_shop, fields("饺子馆", "200号"))),
        (new_uuid(), visit(&app, v1, Some(&new_shop), "想装新招牌，问要不要审批", Some(today.clone()))),
        (new_uuid(), visit(&app, v2, Some("mr1-005"), "想在门前摆两张桌子", None)),
        (new_uuid(), visit(&app, v3, None, "居民建议增设垃圾桶", None)),
        (new_uuid(), Operation::RecordFinding { road_id: ROAD.into(), week: app.week(), finding }),
    ];
    let first = app.sync_ok(&chief, &batch(&ops)).await;
    assert!(first["results"].as_array().unwrap().iter().all(|r| r["result"] == "applied"), "{first}");
    assert_eq!(first["results"][2]["outcome"], json!({"kind": "visit_recorded", "visit_id": v2}));
    // The phone's copy of the street comes with the first sync.
    let streets = first["streets"].as_array().expect("street screens");
    assert!(streets.iter().any(|s| s["road"]["road"]["id"] == ROAD && s["log"].as_array().unwrap().len() == 3));

    // The answer was lost: the same batch again changes nothing.
    let (visits, findings) = (count(&app, "visits").await, count(&app, "findings").await);
    let again = app.sync_ok(&chief, &batch(&ops)).await;
    assert!(again["results"].as_array().unwrap().iter().all(|r| r["replayed"] == true), "{again}");
    assert_eq!((count(&app, "visits").await, count(&app, "findings").await), (visits, findings));
    assert_eq!(visits, 3);

    let page = street(&app, &chief).await;
    let open = page["shops"].as_array().unwrap().iter().filter(|s| s["open"] == true).count() as u64;
    assert_eq!(page["coverage"], json!({"visited": 2, "shops": open}), "the new shop and 5号");
    let log = page["log"].as_array().unwrap();
    let entry = |id: Uuid| log.iter().find(|v| v["id"] == id.to_string()).unwrap();
    assert_eq!(entry(v2)["finding_id"], finding_id.to_string(), "the request is linked to its finding");
    assert_eq!(entry(v2)["shop_name"], shop(&page, "mr1-005")["name"]);
    assert_eq!(entry(v3)["shop_id"], Value::Null);
    assert_eq!(entry(v1)["recorded_by"], "王建国");
    assert_eq!(page["due"].as_array().unwrap().iter().map(|v| v["id"].clone()).collect::<Vec<_>>(), vec![json!(v1)]);
    let home = app.read_ok(&chief, "chief_home", &[]).await;
    let card = home["roads"].as_array().unwrap().iter().find(|c| c["road"]["id"] == ROAD).unwrap().clone();
    assert_eq!(card["follow_ups_due"], 1);

    // The shop's page: its visit and the finding about it (the visit's shop, unnamed in the finding).
    let shop_page = app.read_ok(&chief, "shop", &[("id", "mr1-005")]).await;
    assert_eq!(shop_page["visits"].as_array().unwrap().len(), 1);
    assert_eq!(shop_page["findings"][0]["id"], finding_id.to_string());
    assert_eq!(shop_page["repeat_offender"], false);

    // A request becomes one finding, not two: refused, and nothing is stored.
    let before = app.footprint().await;
    let mut twice = app.finding(&chief, ROAD, "street_occupation", "again").await;
    twice.visit_id = Some(v2);
    let op = Operation::RecordFinding { road_id: ROAD.into(), week: app.week(), finding: twice };
    let (status, code, _) = error_code(app.send(&chief, new_uuid(), &op).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "visit_has_finding"));
    assert_eq!(app.footprint().await, before);

    // A second finding about the same shop makes it a repeat offender.
    let mut another = app.finding(&chief, ROAD, "shop_sign", "招牌破损").await;
    another.shop_id = Some("mr1-005".into());
    let op = Operation::RecordFinding { road_id: ROAD.into(), week: app.week(), finding: another };
    assert_eq!(app.send(&chief, new_uuid(), &op).await.status(), StatusCode::OK);
    let shop_page = app.read_ok(&chief, "shop", &[("id", "mr1-005")]).await;
    assert_eq!((shop_page["findings"].as_array().unwrap().len(), &shop_page["repeat_offender"]), (2, &json!(true)));

    // The follow-up is done: no longer due.
    let done = Operation::FollowUpDone { visit_id: v1 };
    assert_eq!(app.send(&chief, new_uuid(), &done).await.status(), StatusCode::OK);
    assert!(street(&app, &chief).await["due"].as_array().unwrap().is_empty());
    let home = app.read_ok(&chief, "chief_home", &[]).await;
    assert!(home["roads"].as_array().unwrap().iter().all(|c| c["follow_ups_due"] == 0));

    // Bad visits are refused with the reason.
    let visits_before = count(&app, "visits").await;
    let refusals = [
        (visit(&app, new_uuid(), Some("mr2-001"), "x", None), StatusCode::BAD_REQUEST, "unknown_shop"),
        (visit(&app, new_uuid(), None, "  ", None), StatusCode::BAD_REQUEST, "asked_missing"),
        (visit(&app, new_uuid(), None, "x", Some("2020-01-01".into())), StatusCode::BAD_REQUEST, "follow_up_invalid"),
        (visit(&app, new_uuid(), None, "x", Some("soon".into())), StatusCode::BAD_REQUEST, "follow_up_invalid"),
    ];
    for (op, status, code) in refusals {
        let (got, got_code, _) = error_code(app.send(&chief, new_uuid(), &op).await).await;
        assert_eq!((got, got_code.as_str()), (status, code), "{op:?}");
    }
    let other = app.user("chief02").await;
    let (status, _, _) =
        error_code(app.send(&other, new_uuid(), &visit(&app, new_uuid(), None, "x", None)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the road's chief records its visits");
    let (status, _, _) = error_code(app.send(&other, new_uuid(), &done).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "visits").await, visits_before);

    // The log is searched whole, the pattern's own characters taken as text.
    let found = app.read_ok(&chief, "work_log", &[("road_id", ROAD), ("words", "桌子")]).await;
    assert_eq!(found.as_array().unwrap().iter().map(|v| v["id"].clone()).collect::<Vec<_>>(), vec![json!(v2)]);
    let found = app.read_ok(&chief, "work_log", &[("road_id", ROAD), ("words", "%")]).await;
    assert!(found.as_array().unwrap().is_empty());
    let found = app.read_ok(&chief, "work_log", &[("road_id", ROAD), ("words", "饺子馆")]).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "by the shop's name");
    let long = app.read(&chief, "work_log", &[("road_id", ROAD), ("words", &"词".repeat(101))]).await;
    assert_eq!(long.status(), StatusCode::BAD_REQUEST);
    assert_eq!(long.json::<Value>().await.unwrap()["code"], "text_too_long");

    // And exported, in the reader's language; a hostile cell cannot start a formula.
    let hostile = visit(&app, new_uuid(), None, "=HYPERLINK(\"http://evil.example\")", None);
    assert_eq!(app.send(&chief, new_uuid(), &hostile).await.status(), StatusCode::OK);
    let csv = chief.get(app.url(&format!("/api/v1/roads/{ROAD}/log.csv"))).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    assert!(
        text.contains("诉求或建议") && text.contains("想在门前摆两张桌子") && text.contains(&finding_id.to_string())
    );
    assert!(text.contains("'=HYPERLINK"), "{text}");
    let xlsx = chief.get(app.url(&format!("/api/v1/roads/{ROAD}/log.xlsx"))).send().await.unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "a zip (xlsx) file");
    let csv = other.get(app.url(&format!("/api/v1/roads/{ROAD}/log.csv"))).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::FORBIDDEN);
}
